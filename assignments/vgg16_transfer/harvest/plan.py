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


@step("train")
def train(h: Harvest) -> None:
    """Train the student's compiled model for the grader's budget on grader-prepared images."""
    images, labels, num_classes = data.training_data(h.profile, h.seed, h.data_dir)
    model = _student_model(h, num_classes)
    h.save_json({"num_classes": num_classes, "base_before": models.weight_digests(model)})
    model.fit(
        data.grader_preprocess(images), labels,
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


@step("fine_tune")
def fine_tune(h: Harvest) -> None:
    """fine_tune after the head has trained one step; then one more step shows what trains."""
    import keras

    num_classes = len(data.CLASS_NAMES)
    images, labels = probes.fine_tune_batches(h.seed, int(h.profile["image_size"]), num_classes)
    x = data.grader_preprocess(images)
    model, own = _fine_tune_subject(h, num_classes)
    models.freeze_base(model)
    model.compile(
        optimizer=keras.optimizers.Adam(probes.HEAD_LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=not own),
        metrics=["accuracy"],
    )
    half = len(labels) // 2
    model.fit(x[:half], labels[:half], epochs=1, batch_size=half, shuffle=False, verbose=0)
    tuned = h.call("fine_tune", model, num_blocks=1, learning_rate=float(h.profile["fine_tune_learning_rate"]))
    if not isinstance(tuned, keras.Model):
        raise BadOutput(f"fine_tune should return the keras.Model, but it returned {type(tuned).__name__}")
    h.save_model(tuned)
    before = models.weight_digests(tuned)
    tuned.fit(x[half:], labels[half:], epochs=1, batch_size=half, shuffle=False, verbose=0)
    after = models.weight_digests(tuned)
    changed = {name: before[name] != after.get(name) for name in before}
    h.save_json({"own_model": own, "changed": changed})
