"""Hidden checks of the vgg16_transfer lab."""

from __future__ import annotations

import numpy as np

from assignments.vgg16_transfer.harvest import models, probes
from autograder.checking import check
from autograder.checking.compare import assert_shape
from autograder.checking.figures import confusion_table

PREPROCESS_ATOL = 1e-3


# -- preprocess ----------------------------------------------------------------------------------
@check("preprocess_output_shape")
def test_preprocess_output_shape(artifacts, seed):
    found = artifacts.arrays("preprocess")
    for kind, images in probes.preprocess_inputs(seed).items():
        out = found[f"out_{kind}"]
        assert_shape(f"preprocess of a {kind} batch", out, images.shape)
        assert out.dtype == np.float32, f"preprocess should return float32, but it returned {out.dtype}"
        assert not _constant(out), (
            f"preprocess of a {kind} batch returned the same value ({out.reshape(-1)[0]:.3g}) for every pixel: "
            "it should return the preprocessed images"
        )


def _constant(array: np.ndarray) -> bool:
    return array.size > 0 and bool(np.all(array == array.reshape(-1)[0]))


def _diagnose(images: np.ndarray, found: np.ndarray, reference) -> str:  # noqa: ANN001
    """Which common mistake ``found`` matches, as a hint for the student."""
    raw = images.astype(np.float32)
    candidates = {
        "the images unchanged (no preprocessing)": raw,
        "the images scaled by 1/255 (that is not VGG16's preprocessing)": raw / 255.0,
        "the images scaled to [-1, 1] (that is MobileNet's preprocessing, not VGG16's)": raw / 127.5 - 1.0,
        "VGG16's preprocessing applied twice": reference.preprocess(reference.preprocess(images)),
        "the means subtracted but the channels left in RGB order": reference.preprocess(images)[..., ::-1],
    }
    for hint, value in candidates.items():
        if value.shape == found.shape and np.max(np.abs(value - found)) <= PREPROCESS_ATOL:
            return f" Your output is {hint}."
    return ""


@check("preprocess_matches_vgg16")
def test_preprocess_matches_vgg16(artifacts, reference, seed):
    found = artifacts.arrays("preprocess")
    for kind, images in probes.preprocess_inputs(seed).items():
        out = found[f"out_{kind}"].astype(np.float32)
        expected = reference.preprocess(images)
        assert_shape(f"preprocess of a {kind} batch", out, expected.shape)
        error = float(np.max(np.abs(out - expected)))
        assert error <= PREPROCESS_ATOL, (
            f"preprocess of a {kind} batch differs from VGG16's preprocessing by up to {error:.3g} "
            f"(expected: channels RGB to BGR, then the ImageNet means 103.939, 116.779, 123.68 subtracted, "
            f"no scaling). Pixel [0, 0, 0] of the input {images[0, 0, 0].tolist()} should give "
            f"{np.round(expected[0, 0, 0], 3).tolist()}, yours gave {np.round(out[0, 0, 0], 3).tolist()}."
            + _diagnose(images, out, reference)
        )


@check("preprocess_keeps_input")
def test_preprocess_keeps_input(artifacts, seed):
    found = artifacts.arrays("preprocess")
    inputs = probes.preprocess_inputs(seed)
    outputs = {kind: found[f"out_{kind}"] for kind in inputs}
    # Leaving the input alone earns points only for a preprocess that produces something.
    unchanged = [kind for kind, images in inputs.items()
                 if outputs[kind].dtype == images.dtype and np.array_equal(outputs[kind], images)]
    assert len(unchanged) < len(inputs), (
        "preprocess returned every array it was given as it was (uint8 stays uint8): it should return new "
        "float32 arrays, preprocessed for VGG16, and leave its input unchanged"
    )
    blank = [kind for kind, out in outputs.items() if _constant(out)]
    assert not blank, f"preprocess returned one value for every pixel of the {blank[0]} batch: nothing to keep"
    for kind, images in inputs.items():
        after = found[f"after_{kind}"]
        assert after.shape == images.shape and np.array_equal(after, images), (
            f"preprocess modified the {kind} array it was given (first pixel was {images[0, 0, 0].tolist()}, "
            f"became {after.reshape(-1, 3)[0].tolist()}). keras.applications.vgg16.preprocess_input works "
            "in place on float32 arrays: give it a copy (np.array(images, dtype='float32'))."
        )


# -- build_model ---------------------------------------------------------------------------------
@check("model_reloads")
def test_model_reloads(untrained_model):
    layers = {type(layer).__name__ for layer in models.all_layers(untrained_model)}
    assert "Lambda" not in layers, "the model holds a Lambda layer, which cannot be graded: preprocess before the model"


@check("output_shape")
def test_output_shape(untrained_model, probe_batch, profile):
    x, _ = probe_batch
    out = np.asarray(untrained_model(x, training=False))
    classes = int(profile["probe_classes"])
    assert out.shape == (len(x), classes), (
        f"build_model({classes}, input_shape={x.shape[1:]}) should map {x.shape} images to outputs of shape "
        f"{(len(x), classes)}, but the outputs have shape {out.shape}: use num_classes, not a fixed number"
    )


@check("output_probabilities")
def test_output_probabilities(untrained_model, probe_batch):
    x, _ = probe_batch
    out = np.asarray(untrained_model(x, training=False), dtype=np.float64)
    assert np.all(np.isfinite(out)), "the model's outputs contain NaN or infinite values"
    sums = out.reshape(len(x), -1).sum(axis=1)
    assert out.min() >= 0 and np.allclose(sums, 1.0, atol=1e-4), (
        "the outputs should be class probabilities (non-negative, summing to 1 per image): end the head with "
        f"Dense(num_classes, activation='softmax'). Found values from {out.min():.3g} to {out.max():.3g}, "
        f"row sums {np.round(sums[:3], 4).tolist()}"
    )


@check("compiled_loss_metric")
def test_compiled_loss_metric(untrained_model, probe_batch):
    model = untrained_model
    x, y = probe_batch
    assert getattr(model, "compiled", False) and model.optimizer is not None, "build_model should return a compiled model"
    try:
        scores = model.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=True)
    except Exception as err:
        raise AssertionError(
            "evaluating the model on integer class labels failed: compile with loss='sparse_categorical_crossentropy' "
            f"(labels are class ids, not one-hot vectors). The error: {str(err).splitlines()[0][:200]}"
        ) from None
    import keras

    out = model(x, training=False)
    # Sparse categorical cross-entropy of the outputs as they are (the softmax is output_probabilities' check).
    expected_loss = float(np.mean(keras.ops.convert_to_numpy(keras.losses.sparse_categorical_crossentropy(y, out))))
    probs = np.asarray(out, dtype=np.float64)
    loss = float(scores.get("loss", np.nan))
    assert np.isfinite(loss) and abs(loss - expected_loss) <= 1e-3 * max(1.0, expected_loss), (
        f"the compiled loss on the grader's batch is {loss:.4f}, but the sparse categorical cross-entropy of the "
        f"model's outputs is {expected_loss:.4f}: compile with loss='sparse_categorical_crossentropy'"
    )
    accuracy = float(np.mean(probs.argmax(axis=1) == y))
    metrics = {k: float(v) for k, v in scores.items() if "acc" in k}
    assert any(abs(v - accuracy) <= 1e-6 for v in metrics.values()), (
        f"compile with an accuracy metric (metrics=['accuracy']); found metrics {sorted(scores)}"
    )


def _trainable_base_layers(model) -> list[str]:  # noqa: ANN001
    ids = models.base_variable_ids(model)
    return sorted({ids[id(v)] for v in model.trainable_variables if id(v) in ids})


@check("base_frozen_params")
def test_base_frozen_params(untrained_model):
    model = untrained_model
    assert len(models.conv_layers(model)) == 13, "the model should hold VGG16's 13 convolutional layers"
    trainable = _trainable_base_layers(model)
    count = int(sum(np.prod(v.shape) for v in model.trainable_variables))
    base = int(sum(np.prod(w.shape) for layer in models.conv_layers(model).values() for w in layer.weights))
    assert not trainable, (
        f"the VGG16 base should be frozen, but {len(trainable)} of its 13 conv layers are trainable "
        f"({', '.join(trainable[:3])}{', ...' if len(trainable) > 3 else ''}); {count:,} trainable parameters "
        f"where only the head's should be ({count - base:,} if the base were frozen). Set base.trainable = False "
        "(check the spelling: a misspelt attribute fails silently)"
    )
    assert count > 0, "the head should have trainable parameters, but the model has none"


@check("base_no_gradient")
def test_base_no_gradient(untrained_model, probe_batch, upstream):
    import tensorflow as tf

    model = untrained_model
    x, _ = probe_batch
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        out = model(x, training=False)
        loss = tf.reduce_sum(out * upstream(tuple(out.shape)))
    grads = tape.gradient(loss, variables)
    ids = models.base_variable_ids(model)
    reached = sorted({ids[id(v)] for v, g in zip(variables, grads, strict=True) if id(v) in ids and g is not None})
    assert not reached, (
        f"training would update the VGG16 base: gradients reach {len(reached)} base layers ({', '.join(reached[:3])}"
        f"{', ...' if len(reached) > 3 else ''}); freeze the base so that only the head trains"
    )
    head = [(v, g) for v, g in zip(variables, grads, strict=True) if id(v) not in ids]
    assert head, "no head variable is trainable"
    for variable, grad in head:
        value = None if grad is None else np.asarray(grad)
        assert value is not None and np.all(np.isfinite(value)), f"the gradient of head variable {variable.path} is missing or not finite"
    assert any(np.any(np.asarray(g) != 0) for _, g in head), "the gradients of every head variable are zero"


# -- training ------------------------------------------------------------------------------------
@check("base_unchanged_by_training")
def test_base_unchanged_by_training(artifacts, trained_model):
    before = artifacts.json("train").get("base_before", {})
    after = models.weight_digests(trained_model)
    assert len(after) == 13 and set(before) == set(after), "the trained model should hold VGG16's 13 convolutional layers"
    changed = sorted(name for name in after if before[name] != after[name])
    assert not changed, (
        f"training changed the weights of {len(changed)} of the base's 13 conv layers ({', '.join(changed[:3])}"
        f"{', ...' if len(changed) > 3 else ''}): the base must stay frozen while the head trains"
    )


@check("own_optimizer_trains")
def test_own_optimizer_trains(artifacts, profile, metrics):
    found = artifacts.json("own_compile")
    before, after = (np.nan if found.get(k) is None else float(found[k]) for k in ("loss_before", "loss_after"))
    steps, rate = found.get("steps"), found.get("learning_rate")
    setting = f"{found.get('optimizer', 'the optimizer')}" + (f" at learning rate {rate:.3g}" if rate is not None else "")
    assert np.isfinite(before), f"the loss of the untrained model is {before}: the model's outputs are not usable"
    assert np.isfinite(after), (
        f"{steps} training steps with your optimizer ({setting}) made the loss {after}: the learning rate is far "
        "too high (1e-4 to 1e-3 suits Adam and RMSprop for a new head)"
    )
    drop = (before - after) / before
    metrics["own_loss_drop"] = drop
    needed = float(profile["min_own_loss_drop"])
    assert drop > needed, (
        f"{steps} training steps with your compile settings ({setting}) took the training loss from {before:.4f} "
        f"to {after:.4f} ({-100 * drop:+.2f} %); it should go down"
        + (f" by more than {100 * needed:.2g} %. " if needed > 0 else ". ")
        + ("The loss went up: the learning rate is too high for a new head (1e-4 to 1e-3 suits Adam and RMSprop)."
           if after > before else "Training barely moves: is the learning rate very small?")
    )


@check("heldout_accuracy")
def test_heldout_accuracy(trained_model, heldout, heldout_class_names, profile, metrics, figures):
    x, y = heldout
    probs = trained_model.predict(x, batch_size=100, verbose=0)
    predicted = np.argmax(probs, axis=-1)
    accuracy = float(np.mean(predicted == y))
    metrics["heldout_accuracy"] = accuracy
    figures["heldout_confusion"] = confusion_table(y, predicted, heldout_class_names)  # the feedback page's picture
    threshold = float(profile["min_accuracy"])
    assert accuracy >= threshold, (
        f"trained by the grader (its own optimizer, Adam at {float(profile['grader_learning_rate']):g}, sparse "
        f"categorical cross-entropy, {profile.get('epochs')} epochs on VGG16-preprocessed images), your model "
        f"reaches a held-out accuracy of {accuracy:.3f}, below the threshold {threshold:.2f}. Check that the model "
        "does not rescale its input itself (no Rescaling(1/255): the grader feeds it preprocess_input's output) "
        "and that the head ends in Dense(num_classes, activation='softmax')"
    )


# -- fine_tune -----------------------------------------------------------------------------------
def _blocks(names: list[str]) -> list[int]:
    return sorted({models.block_of(n) for n in names})


def _fine_tune_probes(tuned_model, tuned_model_blocks2, profile) -> list[tuple[int, float, object]]:  # noqa: ANN001
    """(num_blocks, learning_rate, model) of each fine_tune call the harvest made."""
    num_blocks, learning_rate = probes.SECOND_FINE_TUNE
    return [(1, float(profile["fine_tune_learning_rate"]), tuned_model), (num_blocks, learning_rate, tuned_model_blocks2)]


def _block_list(blocks: list[int]) -> str:
    return " and ".join(f"block{b}" for b in blocks)


@check("fine_tune_trainable_blocks")
def test_fine_tune_trainable_blocks(tuned_model, tuned_model_blocks2, profile, probe_batch, upstream):
    import tensorflow as tf

    x, _ = probe_batch
    for num_blocks, _, model in _fine_tune_probes(tuned_model, tuned_model_blocks2, profile):
        first = 6 - num_blocks  # the first unfrozen block
        call = f"fine_tune(model, num_blocks={num_blocks})"
        variables = model.trainable_variables
        ids = models.base_variable_ids(model)
        trainable = sorted({ids[id(v)] for v in variables if id(v) in ids})
        unfrozen = sorted(n for n in models.conv_layers(model) if models.block_of(n) >= first)
        early = [n for n in trainable if models.block_of(n) < first]
        assert not early, (
            f"after {call} blocks 1-{first - 1} should stay frozen, but layers of blocks {_blocks(early)} "
            f"are trainable ({', '.join(early[:3])}{', ...' if len(early) > 3 else ''}); unfreeze "
            f"{_block_list(list(range(first, 6)))} only"
        )
        missing = [n for n in unfrozen if n not in trainable]
        assert not missing, (
            f"after {call} every layer of {_block_list(list(range(first, 6)))} should be trainable, but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not (trainable base layers: "
            f"{', '.join(trainable) or 'none'})" + (" -- does fine_tune use num_blocks?" if num_blocks > 1 else "")
        )
        with tf.GradientTape() as tape:
            out = model(x[:4], training=False)
            loss = tf.reduce_sum(out * upstream(tuple(out.shape)))
        grads = tape.gradient(loss, variables)
        for variable, grad in zip(variables, grads, strict=True):
            if id(variable) in ids and models.block_of(ids[id(variable)]) >= first and "kernel" in variable.path:
                value = None if grad is None else np.asarray(grad)
                assert value is not None and np.all(np.isfinite(value)) and np.any(value != 0), (
                    f"no usable gradient reaches {variable.path} after {call}"
                )


@check("fine_tune_updates_block5")
def test_fine_tune_updates_block5(artifacts):
    found = artifacts.json("fine_tune")
    changed = found.get("changed", {})
    assert len(changed) == 13, "the fine-tuned model should hold VGG16's 13 convolutional layers"
    moved = [n for n, c in changed.items() if c]
    early = [n for n in moved if models.block_of(n) < 5]
    still = [n for n, c in changed.items() if models.block_of(n) == 5 and not c]
    assert not early, (
        f"one training step after fine_tune changed blocks {_blocks(early)} of the base: only block5 should train"
    )
    assert not still, (
        f"one training step after fine_tune left {', '.join(still)} unchanged: block5 should train. "
        + ("No base weight changed at all: a change of trainable takes effect only when the model is "
           "compiled again; does fine_tune call model.compile(...) after unfreezing?" if not moved else "")
    )


@check("fine_tune_learning_rate")
def test_fine_tune_learning_rate(tuned_model, tuned_model_blocks2, profile):
    for num_blocks, given, model in _fine_tune_probes(tuned_model, tuned_model_blocks2, profile):
        optimizer = model.optimizer
        assert optimizer is not None, "the model fine_tune returns should be compiled"
        rate = float(np.asarray(optimizer.learning_rate))
        assert abs(rate - given) <= 1e-3 * given, (
            f"fine_tune(model, num_blocks={num_blocks}, learning_rate={given:g}) should recompile with that "
            f"learning rate, but the optimizer's is {rate:.3g}"
            + (" (the grader's own rate before fine_tune: did fine_tune recompile?)"
               if abs(rate - probes.HEAD_LEARNING_RATE) < 1e-9 else "")
        )
