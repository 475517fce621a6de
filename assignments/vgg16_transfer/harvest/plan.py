"""Harvest plan of the vgg16_transfer lab: call the student's functions on the grader's inputs.

Every model is trained on images the grader prepares itself (VGG16's
preprocessing, as the contract states it), so a wrong ``preprocess`` costs the
preprocessing checks alone. The untrained model is saved in its own step,
before any training, so the structural checks do not depend on training
finishing in time. ``fine_tune`` is applied to a model the grader has put in
the documented state first (base frozen, head trained one step, compiled by
the grader), so a build_model mistake does not cost the fine-tuning checks.
"""

from __future__ import annotations

from assignments.vgg16_transfer.harvest import data, models, probes
from autograder.harvest import Harvest, step
from autograder.harvest.plan import BadOutput


def _input_shape(profile: dict) -> tuple[int, int, int]:
    size = int(profile["image_size"])
    return (size, size, 3)


def _student_model(h: Harvest, num_classes: int):  # noqa: ANN202
    """The model build_model returns for the grader's arguments (BadOutput if it is not one)."""
    import keras

    weights = data.weights_argument(h.profile, h.data_dir)
    model = h.call("build_model", num_classes, input_shape=_input_shape(h.profile), weights=weights)
    if not isinstance(model, keras.Model):
        raise BadOutput(f"build_model should return a keras.Model, but it returned {type(model).__name__}")
    if not models.conv_layers(model):
        raise BadOutput(
            "the model build_model returned has no VGG16 layers (block1_conv1 ... block5_conv3): "
            "build it on keras.applications.VGG16(include_top=False, ...)"
        )
    return model


@step("preprocess")
def preprocess(h: Harvest) -> None:
    """preprocess on grader images, uint8 and float32; the inputs are kept to see if they changed."""
    saved = {}
    for kind, images in probes.preprocess_inputs(h.seed).items():
        passed = images.copy()
        saved[f"out_{kind}"] = h.call("preprocess", passed)
        saved[f"after_{kind}"] = passed
    h.save_arrays(**saved)


@step("untrained")
def untrained(h: Harvest) -> None:
    """The compiled, untrained model for a grader-chosen number of classes."""
    h.save_model(_student_model(h, int(h.profile["probe_classes"])))


def _learning_rate(optimizer) -> float | None:  # noqa: ANN001
    """The optimizer's current learning rate (for the feedback), None when it cannot be read."""
    import numpy as np

    try:
        return float(np.asarray(optimizer.learning_rate))
    except Exception:  # a schedule or an odd optimizer: the check does not need it
        return None


def _finite_or_none(value: float) -> float | None:
    """JSON holds no NaN: a diverged loss is saved as null (the check says what that means)."""
    import math

    return float(value) if math.isfinite(float(value)) else None


@step("own_compile")
def own_compile(h: Harvest) -> None:
    """A short run under the student's own optimizer: the loss on the training images before and after.

    The loss is the contract's (sparse categorical cross-entropy, recompiled with the student's own
    optimizer object), so this step judges the optimizer settings alone; the compiled loss is
    ``compiled_loss_metric``'s business; the outputs of a head that ends in logits are taken as
    logits here (that mistake is ``output_probabilities``'), and the base is frozen by the grader (freezing is
    ``base_frozen_params``').
    """
    import keras

    images, labels, num_classes = data.training_data(h.profile, h.seed, h.data_dir)
    x = data.grader_preprocess(images)
    model = _student_model(h, num_classes)
    optimizer = getattr(model, "optimizer", None)
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise BadOutput("build_model should return a compiled model (model.compile(optimizer=..., ...))")
    outputs = keras.ops.convert_to_numpy(model(x[:8], training=False))
    probabilities = bool(outputs.min() >= 0 and abs(outputs.sum(axis=-1) - 1).max() <= 1e-3)
    models.freeze_base(model)  # a base left trainable is base_frozen_params' mistake (and 4x slower)
    # Logits instead of probabilities are output_probabilities' mistake: the loss takes them as logits here.
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=not probabilities)
    model.compile(optimizer=optimizer, loss=loss)
    batch_size = int(h.profile["batch_size"])
    order = probes.own_compile_order(h.seed, len(x), probes.OWN_COMPILE_STEPS * batch_size)
    before = model.evaluate(x, labels, batch_size=len(x), verbose=0, return_dict=True)["loss"]
    model.fit(x[order], labels[order], epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
    after = model.evaluate(x, labels, batch_size=len(x), verbose=0, return_dict=True)["loss"]
    h.save_json({
        "optimizer": type(optimizer).__name__,
        "learning_rate": _learning_rate(optimizer),
        "steps": probes.OWN_COMPILE_STEPS, "batch_size": batch_size,
        "loss_before": _finite_or_none(before), "loss_after": _finite_or_none(after),
        "outputs_taken_as_logits": not probabilities,
    })


def grader_compile(model, profile: dict) -> None:  # noqa: ANN001
    """Recompile ``model`` with the grader's regimen: Adam at the profile's ``grader_learning_rate``, the contract's loss.

    The layers, their weights and their ``trainable`` flags stay the student's.
    """
    import keras

    model.compile(optimizer=keras.optimizers.Adam(float(profile["grader_learning_rate"])), loss="sparse_categorical_crossentropy")


@step("train")
def train(h: Harvest) -> None:
    """Train the student's model with the grader's regimen for the fixed budget, on grader-prepared images.

    The model is recompiled with the grader's optimizer and the contract's loss: the quality check
    measures what the student built, not whether their learning rate suits this budget (the
    ``own_compile`` step judges their optimizer). Recompiling keeps the ``trainable`` flags: a base
    the student did not freeze trains here too.
    """
    images, labels, num_classes = data.training_data(h.profile, h.seed, h.data_dir)
    model = _student_model(h, num_classes)
    h.save_json({"num_classes": num_classes, "base_before": models.weight_digests(model)})
    grader_compile(model, h.profile)
    h.fit(
        model, data.grader_preprocess(images), labels,
        epochs=int(h.profile["epochs"]), batch_size=int(h.profile["batch_size"]), shuffle=True, verbose=0,
    )
    h.save_model(model)


def _fine_tune_subject(h: Harvest, num_classes: int):  # noqa: ANN202
    """The student's own model (their fine_tune knows its layout); the grader's if build_model fails."""
    try:
        return _student_model(h, num_classes), True
    except Exception:  # a build_model bug is build_model's checks' business
        weights = data.weights_argument(h.profile, h.data_dir)
        return probes.grader_model(num_classes, _input_shape(h.profile), weights), False


def _prepared_subject(h: Harvest, num_classes: int):  # noqa: ANN202
    """A model in the state fine_tune expects: base frozen, compiled (by the grader), head trainable."""
    import keras

    model, own = _fine_tune_subject(h, num_classes)
    models.freeze_base(model)
    model.compile(
        optimizer=keras.optimizers.Adam(probes.HEAD_LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=not own),
        metrics=["accuracy"],
    )
    return model, own


def _call_fine_tune(h: Harvest, model, num_blocks: int, learning_rate: float):  # noqa: ANN001, ANN202
    import keras

    tuned = h.call("fine_tune", model, num_blocks=num_blocks, learning_rate=learning_rate)
    if not isinstance(tuned, keras.Model):
        raise BadOutput(f"fine_tune should return the keras.Model, but it returned {type(tuned).__name__}")
    return tuned


@step("fine_tune")
def fine_tune(h: Harvest) -> None:
    """fine_tune after the head has trained one step; then one more step shows what trains.

    A second, fresh model goes through ``fine_tune(model, num_blocks=2, learning_rate=...)`` with
    another learning rate (saved as ``fine_tune-blocks2.keras``, no training): both arguments vary.
    """
    num_classes = len(data.CLASS_NAMES)
    images, labels = probes.fine_tune_batches(h.seed, int(h.profile["image_size"]), num_classes)
    x = data.grader_preprocess(images)
    model, own = _prepared_subject(h, num_classes)
    half = len(labels) // 2
    model.fit(x[:half], labels[:half], epochs=1, batch_size=half, shuffle=False, verbose=0)
    tuned = _call_fine_tune(h, model, 1, float(h.profile["fine_tune_learning_rate"]))
    h.save_model(tuned)
    before = models.weight_digests(tuned)
    tuned.fit(x[half:], labels[half:], epochs=1, batch_size=half, shuffle=False, verbose=0)
    after = models.weight_digests(tuned)
    changed = {name: before[name] != after.get(name) for name in before}
    h.save_json({"own_model": own, "changed": changed})

    num_blocks, learning_rate = probes.SECOND_FINE_TUNE
    second, _ = _prepared_subject(h, num_classes)
    h.save_model(_call_fine_tune(h, second, num_blocks, learning_rate), name=probes.SECOND_FINE_TUNE_NAME)
