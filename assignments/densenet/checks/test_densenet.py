"""Hidden checks of the densenet lab: graphs, values and gradients of the reloaded models."""

from __future__ import annotations

import numpy as np

from assignments.densenet.harvest import base, graph, probes
from autograder.checking import check
from autograder.checking.compare import assert_shape
from autograder.checking.figures import confusion_table

PREPROCESS_ATOL = 1e-4


def _out(model, x) -> np.ndarray:  # noqa: ANN001
    import keras

    return keras.ops.convert_to_numpy(model(x, training=False))


def _value(model, tensor, x) -> np.ndarray:  # noqa: ANN001
    """The value of an intermediate tensor of ``model`` for the input ``x``."""
    import keras

    return _out(keras.Model(model.inputs, tensor), x)


# -- preprocess ------------------------------------------------------------------------------------
def _constant(array: np.ndarray) -> bool:
    return array.size > 0 and bool(np.all(array == array.reshape(-1)[0]))


def _diagnose(images: np.ndarray, found: np.ndarray, reference) -> str:  # noqa: ANN001
    """Which common mistake ``found`` matches, as a hint for the student."""
    import keras

    raw = images.astype(np.float32)
    candidates = {
        "the images unchanged (no preprocessing)": raw,
        "the images scaled by 1/255 only (the ImageNet mean and std are missing)": raw / 255.0,
        "the images scaled to [-1, 1] (that is MobileNet's preprocessing, not DenseNet's)": raw / 127.5 - 1.0,
        "VGG's preprocessing (BGR, means subtracted), not DenseNet's": keras.applications.vgg16.preprocess_input(raw.copy()),
        "DenseNet's preprocessing applied twice": reference.preprocess(reference.preprocess(images)),
    }
    for hint, value in candidates.items():
        if value.shape == found.shape and np.max(np.abs(value - found)) <= 1e-3:
            return f" Your output is {hint}."
    return ""


@check("preprocess_output_shape")
def test_preprocess_output_shape(artifacts, seed):
    found = artifacts.arrays("preprocess")
    for kind, images in probes.preprocess_inputs(seed).items():
        out = found[f"out_{kind}"]
        assert_shape(f"preprocess of a {kind} batch", out, images.shape)
        assert out.dtype == np.float32, f"preprocess should return float32, but it returned {out.dtype}"
        assert not _constant(out), (
            f"preprocess of a {kind} batch returned the same value ({out.reshape(-1)[0]:.3g}) for every pixel"
        )


@check("preprocess_matches_densenet")
def test_preprocess_matches_densenet(artifacts, reference, seed):
    found = artifacts.arrays("preprocess")
    for kind, images in probes.preprocess_inputs(seed).items():
        out = found[f"out_{kind}"].astype(np.float32)
        expected = reference.preprocess(images)
        assert_shape(f"preprocess of a {kind} batch", out, expected.shape)
        error = float(np.max(np.abs(out - expected)))
        assert error <= PREPROCESS_ATOL, (
            f"preprocess of a {kind} batch differs from DenseNet's preprocessing by up to {error:.3g} (expected: "
            "x / 255, then minus the ImageNet means 0.485, 0.456, 0.406 and divided by the std 0.229, 0.224, 0.225, "
            f"RGB order). Pixel [0, 0, 0] of the input {images[0, 0, 0].tolist()} should give "
            f"{np.round(expected[0, 0, 0], 3).tolist()}, yours gave {np.round(out[0, 0, 0], 3).tolist()}."
            + _diagnose(images, out, reference)
        )


@check("preprocess_keeps_input")
def test_preprocess_keeps_input(artifacts, seed):
    found = artifacts.arrays("preprocess")
    inputs = probes.preprocess_inputs(seed)
    outputs = {kind: found[f"out_{kind}"] for kind in inputs}
    unchanged = [kind for kind, images in inputs.items()
                 if outputs[kind].dtype == images.dtype and np.array_equal(outputs[kind], images)]
    assert len(unchanged) < len(inputs), (
        "preprocess returned every array it was given as it was (uint8 stays uint8): it should return new "
        "float32 arrays, preprocessed for DenseNet, and leave its input unchanged"
    )
    blank = [kind for kind, out in outputs.items() if _constant(out)]
    assert not blank, f"preprocess returned one value for every pixel of the {blank[0]} batch: nothing to keep"
    for kind, images in inputs.items():
        after = found[f"after_{kind}"]
        assert after.shape == images.shape and np.array_equal(after, images), (
            f"preprocess modified the {kind} array it was given (first pixel was {images[0, 0, 0].tolist()}, "
            f"became {after.reshape(-1, 3)[0].tolist()}). keras.applications.densenet.preprocess_input works "
            "in place on float32 arrays: give it a copy (np.array(images, dtype='float32'))."
        )


# -- dense_layer -----------------------------------------------------------------------------------
def _call(function: str, height: int, width: int, channels: int, **kwargs) -> str:
    given = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{function}(x of shape (batch, {height}, {width}, {channels}), {given})"


@check("dense_layer_channels")
def test_dense_layer_channels(layer_models, seed):
    for name, (model, (height, width, channels, growth, bottleneck)) in layer_models.items():
        x = probes.layer_input(seed, name, (height, width, channels))
        out = _out(model, x)
        call = _call("dense_layer", height, width, channels, growth_rate=growth, bottleneck=bottleneck)
        expected = (len(x), height, width, channels + growth)
        assert out.shape == expected, (
            f"{call} should return shape {expected} (C + k = {channels} + {growth} channels, same H and W), "
            f"but returned {out.shape}"
            + (": concatenate the input and the new channels (Add keeps C channels: that is a ResNet block)"
               if out.shape[-1] == channels else "")
        )


@check("dense_layer_keeps_input")
def test_dense_layer_keeps_input(layer_models, seed):
    for name, (model, (height, width, channels, growth, bottleneck)) in layer_models.items():
        x = probes.layer_input(seed, name, (height, width, channels))
        out = _out(model, x)
        call = _call("dense_layer", height, width, channels, growth_rate=growth, bottleneck=bottleneck)
        assert out.ndim == 4 and out.shape[-1] > channels, (
            f"{call} returned {out.shape[-1] if out.ndim == 4 else out.shape} channels: a dense layer adds new "
            f"channels after its {channels} input channels (concatenate([x, new]))"
        )
        kept = out[..., :channels]
        assert kept.shape == x.shape and np.array_equal(kept, x), (
            f"the first {channels} channels of {call} should be x itself (concatenate([x, new]), the input first), "
            f"but they differ from x by up to {float(np.max(np.abs(kept - x))) if kept.shape == x.shape else 'a shape'}"
        )


def _kind_names(model) -> str:  # noqa: ANN001
    return " -> ".join(graph.kind(layer) for layer in model.layers if graph.kind(layer) != "input")


def _assert_preactivated(model, call: str) -> None:  # noqa: ANN001
    convs = graph.convs(model)
    assert convs, f"{call} holds no Conv2D layer (layers: {_kind_names(model)})"
    late = [conv.name for conv in convs if not graph.preactivated(conv)]
    assert not late, (
        f"in {call} every convolution should come right after BatchNormalization and ReLU (pre-activation: "
        f"BN -> ReLU -> conv), but {', '.join(late)} does not (layers in order: {_kind_names(model)})"
    )


@check("dense_layer_preactivation")
def test_dense_layer_preactivation(layer_models):
    for model, (height, width, channels, growth, bottleneck) in layer_models.values():
        _assert_preactivated(model, _call("dense_layer", height, width, channels, growth_rate=growth, bottleneck=bottleneck))


@check("dense_layer_bottleneck")
def test_dense_layer_bottleneck(layer_models):
    for model, (height, width, channels, growth, bottleneck) in layer_models.values():
        call = _call("dense_layer", height, width, channels, growth_rate=growth, bottleneck=bottleneck)
        found = [(graph.kernel_size(conv), int(conv.filters)) for conv in graph.convs(model)]
        expected = [((1, 1), 4 * growth), ((3, 3), growth)] if bottleneck else [((3, 3), growth)]
        describe = ", ".join(f"{k[0]}x{k[1]} to {f}" for k, f in found) or "none"
        assert found == expected, (
            f"{call} should hold "
            + (f"a 1x1 conv to 4k = {4 * growth} channels, then a 3x3 conv to k = {growth}" if bottleneck
               else f"one 3x3 conv to k = {growth} channels (no bottleneck)")
            + f"; its convolutions are: {describe}"
            + (" -- is the bottleneck flag used?" if len(found) != len(expected) else "")
        )


@check("dense_layer_params")
def test_dense_layer_params(layer_models):
    for model, (height, width, channels, growth, bottleneck) in layer_models.values():
        if bottleneck:
            continue
        call = _call("dense_layer", height, width, channels, growth_rate=growth, bottleneck=False)
        kernels = graph.kernel_params(model)
        assert kernels == 9 * channels * growth, (
            f"{call} should hold 9 * C * k = 9 * {channels} * {growth} = {9 * channels * growth} kernel weights "
            f"(one 3x3 conv from C to k channels), but it holds {kernels}"
        )


# -- dense_block -----------------------------------------------------------------------------------
def _block_call() -> tuple[tuple[int, int, int], int, int, str]:
    height, width, channels, num_layers, growth = probes.BLOCK_PROBE
    call = f"dense_block(x of shape (batch, {height}, {width}, {channels}), num_layers={num_layers}, growth_rate={growth})"
    return (height, width, channels), num_layers, growth, call


@check("dense_block_channels")
def test_dense_block_channels(block_model, seed):
    shape, num_layers, growth, call = _block_call()
    x = probes.layer_input(seed, "block", shape)
    out = _out(block_model, x)
    expected = (len(x), shape[0], shape[1], shape[2] + num_layers * growth)
    assert out.shape == expected, (
        f"{call} should return shape {expected} (C + L*k = {shape[2]} + {num_layers}*{growth} channels), but returned "
        f"{out.shape}" + (": every layer's new channels stay in the output" if out.ndim == 4 and out.shape[-1] < expected[-1] else "")
    )
    assert np.array_equal(out[..., : shape[2]], x), f"the first {shape[2]} channels of {call} should be x itself"


@check("dense_block_connectivity")
def test_dense_block_connectivity(block_model, seed, upstream):
    import tensorflow as tf

    shape, num_layers, growth, call = _block_call()
    channels = shape[2]
    x = probes.layer_input(seed, "block", shape)
    threes = [conv for conv in graph.convs(block_model) if graph.kernel_size(conv) == (3, 3)]
    assert threes, f"{call} holds no 3x3 convolution"
    # The last layer's new channels, and the tensor its layer reads (walked back from its 3x3 conv).
    read, chain = graph.chain_to(threes[-1], block_model)
    assert read is not None, f"the last layer of {call} could not be traced back to its input"
    seen = int(read.shape[-1])
    wanted = channels + (num_layers - 1) * growth
    assert seen == wanted, (
        f"the last dense layer of {call} reads {seen} channels; it should read the block input and the new "
        f"channels of every earlier layer: C + (L-1)*k = {wanted}"
        + (" (it reads only the previous layer's output: a plain stack)" if seen == growth else "")
        + (" (it reads only the block input)" if seen == channels else "")
    )
    z = tf.Variable(_value(block_model, read, x))
    with tf.GradientTape() as tape:
        h = z
        for layer in chain:
            h = layer(h, training=False)
        loss = tf.reduce_sum(h * upstream(tuple(h.shape)))
    grad = np.asarray(tape.gradient(loss, z))
    groups = [("the block input", 0, channels)] + [
        (f"layer {i + 1}'s new channels", channels + i * growth, channels + (i + 1) * growth) for i in range(num_layers - 1)
    ]
    dead = [what for what, start, stop in groups if not np.any(grad[..., start:stop] != 0)]
    assert not dead, (
        f"the last dense layer of {call} does not depend on {', '.join(dead)} (zero gradient): every layer of a "
        "dense block should read the block input and every earlier layer's output"
    )
    assert np.array_equal(_value(block_model, read, x)[..., :channels], x), (
        f"the first {channels} channels the last layer of {call} reads should be the block input itself"
    )


# -- transition_layer ------------------------------------------------------------------------------
def _transition_call(height: int, width: int, channels: int, theta: float) -> str:
    return _call("transition_layer", height, width, channels, compression=theta)


@check("transition_channels")
def test_transition_channels(transition_models, seed):
    for name, (model, (height, width, channels, theta)) in transition_models.items():
        out = _out(model, probes.layer_input(seed, name, (height, width, channels)))
        wanted = max(1, int(theta * channels))
        assert out.ndim == 4 and out.shape[-1] == wanted, (
            f"{_transition_call(height, width, channels, theta)} should return int({theta:g} * {channels}) = {wanted} "
            f"channels, but returned {out.shape[-1] if out.ndim == 4 else out.shape}"
            + (" -- compress the channel count x.shape[-1]" if out.ndim == 4 and out.shape[-1] == int(theta * height) else "")
        )


def _pooled(value: np.ndarray, height: int, width: int) -> list[np.ndarray]:
    """2x2 stride-2 averages of (B, H, W, C) with valid padding, and with same padding (Keras: partial windows)."""
    b, h, w, c = value.shape
    valid = value[:, : h // 2 * 2, : w // 2 * 2].reshape(b, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))
    padded = np.full((b, h + h % 2, w + w % 2, c), np.nan, dtype=np.float64)
    padded[:, :h, :w] = value
    same = np.nanmean(padded.reshape(b, (h + 1) // 2, 2, (w + 1) // 2, 2, c), axis=(2, 4))
    return [valid, same]


@check("transition_pooling")
def test_transition_pooling(transition_models, seed):
    for name, (model, (height, width, channels, theta)) in transition_models.items():
        call = _transition_call(height, width, channels, theta)
        x = probes.layer_input(seed, name, (height, width, channels))
        out = _out(model, x)
        sizes = {(height // 2, width // 2), ((height + 1) // 2, (width + 1) // 2)}
        assert out.ndim == 4 and tuple(out.shape[1:3]) in sizes, (
            f"{call} should halve H and W (2x2 pooling, stride 2) to {sorted(sizes)[0]}, but returned "
            f"{tuple(out.shape[1:3]) if out.ndim == 4 else out.shape}"
        )
        pools = [layer for layer in model.layers if "Pool" in type(layer).__name__]
        assert len(pools) == 1, f"{call} should hold one 2x2 average pooling layer; found {[type(p).__name__ for p in pools]}"
        node = pools[0]._inbound_nodes[0]
        before = _value(model, node.input_tensors[0], x).astype(np.float64)
        after = _value(model, node.output_tensors[0], x)
        candidates = [p for p in _pooled(before, *before.shape[1:3]) if p.shape == after.shape]
        assert any(np.allclose(p, after, atol=1e-5) for p in candidates), (
            f"the pooling of {call} should average each 2x2 window (AveragePooling2D(2, strides=2)); its output is "
            f"not the average of its input's windows" + (" (MaxPooling2D keeps the largest value)" if "Max" in type(pools[0]).__name__ else "")
        )


@check("transition_preactivation")
def test_transition_preactivation(transition_models):
    for model, (height, width, channels, theta) in transition_models.values():
        call = _transition_call(height, width, channels, theta)
        _assert_preactivated(model, call)
        kernels = [graph.kernel_size(conv) for conv in graph.convs(model)]
        assert kernels == [(1, 1)], f"{call} should hold one 1x1 convolution; its convolutions have kernels {kernels}"


# -- build_densenet --------------------------------------------------------------------------------
def _net_call(probe) -> str:  # noqa: ANN001
    given = ", ".join(f"{k}={v}" for k, v in probe.kwargs().items())
    return f"build_densenet(({probe.size}, {probe.size}, 3), {probe.num_classes}{', ' + given if given else ''})"


def _net_images(seed: int, probe) -> np.ndarray:  # noqa: ANN001
    return np.random.default_rng([seed, 23]).uniform(0, 1, (3, probe.size, probe.size, 3)).astype(np.float32)


@check("model_reloads")
def test_model_reloads(net_models, features_model):
    for model in [m for _, m in net_models] + [features_model]:
        kinds = {type(layer).__name__ for layer in base.all_layers(model)}
        assert "Lambda" not in kinds, f"the model {model.name} holds a Lambda layer, which cannot be graded"


@check("output_shape")
def test_output_shape(net_models, seed):
    for probe, model in net_models:
        out = _out(model, _net_images(seed, probe))
        assert out.shape == (3, probe.num_classes), (
            f"{_net_call(probe)} should map (3, {probe.size}, {probe.size}, 3) images to outputs of shape "
            f"(3, {probe.num_classes}), but the outputs have shape {out.shape}: use num_classes, not a fixed number"
        )


def _assert_probabilities(out: np.ndarray, what: str) -> None:
    out = out.astype(np.float64)
    assert np.all(np.isfinite(out)), f"the outputs of {what} contain NaN or infinite values"
    sums = out.reshape(len(out), -1).sum(axis=1)
    assert out.min() >= 0 and np.allclose(sums, 1.0, atol=1e-4), (
        f"the outputs of {what} should be class probabilities (non-negative, summing to 1 per image): end with "
        f"Dense(num_classes, activation='softmax'). Found values from {out.min():.3g} to {out.max():.3g}, "
        f"row sums {np.round(sums[:3], 4).tolist()}"
    )


@check("output_probabilities")
def test_output_probabilities(net_models, seed):
    for probe, model in net_models:
        _assert_probabilities(_out(model, _net_images(seed, probe)), _net_call(probe))


def _assert_compiled(model, x: np.ndarray, y: np.ndarray, what: str) -> None:  # noqa: ANN001
    import keras

    assert getattr(model, "compiled", False) and model.optimizer is not None, f"{what} should return a compiled model"
    model.run_eagerly = True  # one eager batch: tracing DenseNet121's evaluation graph costs ~30 s of CPU
    try:
        scores = model.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=True)
    except Exception as err:
        raise AssertionError(
            f"evaluating the model of {what} on integer class labels failed: compile with "
            f"loss='sparse_categorical_crossentropy'. The error: {str(err).splitlines()[0][:200]}"
        ) from None
    out = _out(model, x)
    expected = float(np.mean(keras.ops.convert_to_numpy(keras.losses.sparse_categorical_crossentropy(y, out))))
    loss = float(scores.get("loss", np.nan))
    assert np.isfinite(loss) and abs(loss - expected) <= 1e-3 * max(1.0, expected), (
        f"the compiled loss of {what} on the grader's batch is {loss:.4f}, but the sparse categorical cross-entropy "
        f"of its outputs is {expected:.4f}: compile with loss='sparse_categorical_crossentropy'"
    )
    accuracy = float(np.mean(out.argmax(axis=1) == y))
    metrics = {k: float(v) for k, v in scores.items() if "acc" in k}
    assert any(abs(v - accuracy) <= 1e-6 for v in metrics.values()), (
        f"compile {what} with an accuracy metric (metrics=['accuracy']); found metrics {sorted(scores)}"
    )


@check("compiled_loss_metric")
def test_compiled_loss_metric(net_models, seed):
    probe, model = net_models[0]
    labels = np.arange(3) % probe.num_classes
    _assert_compiled(model, _net_images(seed, probe), labels, _net_call(probe))


def _blocks(model) -> tuple[list[list[tuple]], list[tuple], list[tuple]]:  # noqa: ANN001
    """Dense layers (concatenations) grouped by block, the transitions between, and poolings after the last block."""
    events = graph.layer_events(model)
    first = next((i for i, e in enumerate(events) if e[0] == "concat"), len(events))
    last = max((i for i, e in enumerate(events) if e[0] == "concat"), default=-1)
    blocks: list[list[tuple]] = [[]]
    transitions = []
    for event in events[first: last + 1]:
        if event[0] == "concat":
            blocks[-1].append(event)
        elif blocks[-1]:
            transitions.append((blocks[-1][-1], event))
            blocks.append([])
    return blocks, transitions, [e for e in events[last + 1:] if e[0] != "concat"]


@check("densenet_blocks")
def test_densenet_blocks(net_models):
    for probe, model in net_models:
        growth, block_layers, _ = probe.expected()
        blocks, _, after = _blocks(model)
        sizes = tuple(len(b) for b in blocks if b)
        assert sizes == tuple(block_layers), (
            f"{_net_call(probe)} should hold {len(block_layers)} dense blocks of {', '.join(map(str, block_layers))} "
            f"layers (block_layers={tuple(block_layers)}), separated by transitions; found blocks of "
            f"{', '.join(map(str, sizes)) or 'no'} dense layers (concatenations)"
        )
        widths = sorted({out - into for _, into, out, _ in (e for b in blocks for e in b)})
        assert widths == [growth], (
            f"every dense layer of {_net_call(probe)} should add growth_rate = {growth} channels; found {widths}"
        )
        assert not after, (
            f"{_net_call(probe)} has a {after[0][0].replace('_', ' ')}ing layer after the last dense block: "
            "transitions go between consecutive blocks only (none after the last)"
        )


@check("densenet_compression")
def test_densenet_compression(net_models):
    for probe, model in net_models:
        _, block_layers, theta = probe.expected()
        _, transitions, _ = _blocks(model)
        assert len(transitions) == len(block_layers) - 1, (
            f"{_net_call(probe)} should hold {len(block_layers) - 1} transitions; found {len(transitions)}"
        )
        for number, (dense, pool) in enumerate(transitions, start=1):
            before, spatial = dense[2], dense[3]
            wanted = max(1, int(theta * before))
            assert pool[2] == wanted, (
                f"transition {number} of {_net_call(probe)} should compress {before} channels to int({theta:g} * "
                f"{before}) = {wanted}, but gives {pool[2]}: pass compression on to transition_layer"
            )
            halves = {tuple(s // 2 for s in spatial), tuple((s + 1) // 2 for s in spatial)}
            assert pool[3] in halves, f"transition {number} of {_net_call(probe)} should halve {spatial} but gives {pool[3]}"


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
        f"trained by the grader (Adam at {float(profile['grader_learning_rate']):g}, sparse categorical cross-entropy, "
        f"{profile.get('epochs')} epochs on images scaled to [0, 1]), your DenseNet reaches a held-out accuracy of "
        f"{accuracy:.3f}, below the threshold {threshold:.2f}. Check that the head ends in "
        "Dense(num_classes, activation='softmax') after global average pooling"
    )


# -- densenet121_features --------------------------------------------------------------------------
@check("features_base_frozen")
def test_features_base_frozen(features_model):
    model = features_model
    ids = base.base_variable_ids(model)
    trainable = [v for v in model.trainable_weights if id(v) in ids]
    head = [v for v in model.trainable_weights if id(v) not in ids]
    count = int(sum(np.prod(v.shape) for v in trainable))
    assert not trainable, (
        f"the DenseNet121 base should be frozen, but {len(trainable)} of its weights ({count:,} parameters) are in "
        "model.trainable_weights: set base.trainable = False (check the spelling: a misspelt attribute fails silently)"
    )
    assert head, "the head should have trainable weights, but the model has none"


@check("features_unchanged_by_training")
def test_features_unchanged_by_training(artifacts, features_model):
    found = artifacts.json("features")
    before, after = found.get("before", {}), found.get("after", {})
    saved = base.weight_digests(features_model)
    assert len(saved) == base.DENSENET121_WEIGHTED_LAYERS and before == saved and set(after) == set(saved), (
        "the transfer model should hold DenseNet121's layers, the same before training as saved"
    )
    changed = sorted(name for name in saved if before[name] != after[name])
    norms = [name for name in changed if name.endswith("bn") or name == "bn"]
    assert not changed, (
        f"one training step changed {len(changed)} of DenseNet121's {len(saved)} layers with weights "
        f"({', '.join(changed[:3])}{', ...' if len(changed) > 3 else ''}"
        + (f"; {len(norms)} of them BatchNorm layers" if norms else "")
        + "): the base must stay frozen while the head trains (base.trainable = False)"
    )


@check("features_output")
def test_features_output(features_model, features_batch):
    x, _ = features_batch
    out = _out(features_model, x)
    what = f"densenet121_features({probes.FEATURES_CLASSES}, ...)"
    assert out.shape == (len(x), probes.FEATURES_CLASSES), (
        f"{what} should map {x.shape} images to shape {(len(x), probes.FEATURES_CLASSES)}, but gave {out.shape}"
    )
    _assert_probabilities(out, what)


@check("features_compiled")
def test_features_compiled(features_model, features_batch):
    x, y = features_batch
    _assert_compiled(features_model, x, y, f"densenet121_features({probes.FEATURES_CLASSES}, ...)")
