"""Harvest plan of the densenet lab: the student's layers on grader-chosen sizes, their models trained by the grader.

Each unit is harvested in its own step. ``dense_block`` runs with the grader's
``dense_layer`` swapped in, ``build_densenet`` with the grader's three parts
(harvest/parts.py), so a bug in a part costs that part's checks only. Layer
models are saved untrained (stage 2 inspects their graph and gradients); the
quality model is trained with the grader's regimen; the transfer model is saved
as the student compiled it, then trained one step by the grader to see what moves.
"""

from __future__ import annotations

from assignments.densenet.harvest import base, data, parts, probes
from autograder.harvest import Harvest, step
from autograder.harvest.plan import BadOutput


def _keras_tensor(value, function: str):  # noqa: ANN001, ANN202
    import keras

    if not isinstance(value, keras.KerasTensor):
        raise BadOutput(
            f"{function} should return the Keras tensor of its output (functional API), "
            f"but it returned {type(value).__name__}"
        )
    return value


def _layer_model(inputs, outputs, function: str):  # noqa: ANN001, ANN202
    import keras

    return keras.Model(inputs, _keras_tensor(outputs, function), name=f"{function}_probe")


@step("preprocess")
def preprocess(h: Harvest) -> None:
    """preprocess on grader images, uint8 and float32; the inputs are kept to see whether they changed."""
    saved = {}
    for kind, images in probes.preprocess_inputs(h.seed).items():
        passed = images.copy()
        saved[f"out_{kind}"] = h.call("preprocess", passed)
        saved[f"after_{kind}"] = passed
    h.save_arrays(**saved)


@step("layer")
def layer(h: Harvest) -> None:
    """dense_layer on (H, W, C) inputs: once with the default bottleneck, once with bottleneck=False."""
    import keras

    for name, height, width, channels, growth, bottleneck in probes.DENSE_LAYER_PROBES:
        inputs = keras.Input((height, width, channels))
        if bottleneck:
            outputs = h.call("dense_layer", inputs, growth)
        else:
            outputs = h.call("dense_layer", inputs, growth, bottleneck=False)
        h.save_model(_layer_model(inputs, outputs, "dense_layer"), name=name)


@step("block")
def block(h: Harvest) -> None:
    """dense_block(x, L, k) with the grader's dense_layer in the notebook's place."""
    import keras

    height, width, channels, num_layers, growth = probes.BLOCK_PROBE
    inputs = keras.Input((height, width, channels))
    with parts.swapped(h.student, ("dense_layer",)):
        outputs = h.call("dense_block", inputs, num_layers, growth)
    h.save_model(_layer_model(inputs, outputs, "dense_block"))


@step("transition")
def transition(h: Harvest) -> None:
    """transition_layer on odd and even sizes, with a given compression and with the default."""
    import keras

    for name, height, width, channels, compression in probes.TRANSITION_PROBES:
        inputs = keras.Input((height, width, channels))
        if compression is None:
            outputs = h.call("transition_layer", inputs)
        else:
            outputs = h.call("transition_layer", inputs, compression=compression)
        h.save_model(_layer_model(inputs, outputs, "transition_layer"), name=name)


def _build(h: Harvest, size: int, num_classes: int, **kwargs):  # noqa: ANN003, ANN202
    """build_densenet's model, built with the grader's parts swapped in (BadOutput if it is no model)."""
    import keras

    with parts.swapped(h.student, tuple(parts.GRADER_PARTS)):
        model = h.call("build_densenet", (size, size, 3), num_classes, **kwargs)
    if not isinstance(model, keras.Model):
        raise BadOutput(f"build_densenet should return a keras.Model, but it returned {type(model).__name__}")
    return model


@step("untrained")
def untrained(h: Harvest) -> None:
    """build_densenet's compiled, untrained models: every argument varied, and once the defaults."""
    for probe in probes.NET_PROBES:
        h.save_model(_build(h, probe.size, probe.num_classes, **probe.kwargs()), name=probe.name)


def _outputs_are_probabilities(model, x) -> bool:  # noqa: ANN001
    import keras

    out = keras.ops.convert_to_numpy(model(x, training=False))
    return bool(out.min() >= 0 and abs(out.sum(axis=-1) - 1).max() <= 1e-3)


@step("train")
def train(h: Harvest) -> None:
    """build_densenet's model trained with the grader's regimen for the profile's fixed budget.

    The grader recompiles with its own optimizer and the contract's loss (the student's own
    compile settings are ``compiled_loss_metric``'s), and sets every BatchNormalization's momentum
    to the profile's ``bn_momentum``: with Keras's 0.99 the moving statistics have not settled after
    a few hundred steps, and held-out accuracy (inference mode) would measure that, not the model.
    """
    import keras

    images, labels, num_classes = data.training_data(h.profile, h.seed, h.data_dir)
    model = _build(
        h, int(h.profile["image_size"]), num_classes,
        growth_rate=int(h.profile["growth_rate"]), block_layers=tuple(h.profile["block_layers"]),
        compression=float(h.profile["compression"]),
    )
    for layer in base.all_layers(model):
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = float(h.profile["bn_momentum"])
    model.compile(
        optimizer=keras.optimizers.Adam(float(h.profile["grader_learning_rate"])),
        loss="sparse_categorical_crossentropy",
    )
    h.fit(
        model, data.scale(images), labels,
        epochs=int(h.profile["epochs"]), batch_size=int(h.profile["batch_size"]), shuffle=True, verbose=0,
    )
    h.save_model(model)


@step("features")
def features(h: Harvest) -> None:
    """densenet121_features as the student compiled it (saved), then one training step by the grader.

    The step is run eagerly (tracing DenseNet121's training graph costs ~15 s of CPU); the hashes of
    every base layer's weights, moving statistics included, before and after show what trained.
    """
    import keras
    import numpy as np

    size = int(h.profile.get("features_size", probes.FEATURES_SIZE))
    weights = data.weights_argument(h.profile, h.data_dir)
    model = h.call("densenet121_features", probes.FEATURES_CLASSES, weights, input_shape=(size, size, 3))
    if not isinstance(model, keras.Model):
        raise BadOutput(f"densenet121_features should return a keras.Model, but it returned {type(model).__name__}")
    found = len(base.base_layers(model))
    if found != base.DENSENET121_WEIGHTED_LAYERS:
        raise BadOutput(
            f"the model densenet121_features returned holds {found} of DenseNet121's "
            f"{base.DENSENET121_WEIGHTED_LAYERS} layers with weights: build it on "
            "keras.applications.DenseNet121(include_top=False, weights=weights, input_shape=input_shape)"
        )
    h.save_model(model)
    images, labels = data.synthetic_images(h.seed, "features", probes.FEATURES_BATCH, size)
    x = data.grader_preprocess(images)
    before = base.weight_digests(model)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=not _outputs_are_probabilities(model, x)),
        run_eagerly=True,
    )
    model.fit(x, np.asarray(labels) % probes.FEATURES_CLASSES, epochs=1, batch_size=len(x), shuffle=False, verbose=0)
    h.save_json({"before": before, "after": base.weight_digests(model)})
