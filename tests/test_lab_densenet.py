"""Fast tests of the densenet lab's own parts: data, probe sizes, the grader's parts and the graph readers."""

from __future__ import annotations

import types

import numpy as np
import pytest

from assignments.densenet.harvest import base, data, parts, probes


def test_synthetic_images_are_deterministic_and_balanced():
    a, la = data.synthetic_images(3, "train", 20)
    b, lb = data.synthetic_images(3, "train", 20)
    c, _ = data.synthetic_images(4, "train", 20)
    assert a.shape == (20, 16, 16, 3) and a.dtype == np.uint8 and la.dtype == np.int32
    assert np.array_equal(a, b) and np.array_equal(la, lb) and not np.array_equal(a, c)
    assert np.bincount(la).tolist() == [4] * len(data.CLASS_NAMES)


def test_classes_differ_by_pattern_not_by_colour():
    images, labels = data.synthetic_images(0, "train", 200)
    means = np.array([images[labels == k].reshape(-1, 3).mean(axis=0) for k in range(len(data.CLASS_NAMES))])
    assert np.ptp(means, axis=0).max() < 25  # the mean colour alone does not tell the classes apart


def test_grader_preprocess_matches_keras_and_copies():
    keras = pytest.importorskip("keras")
    images = probes.preprocess_inputs(0)["float32"]
    kept = images.copy()
    ours = data.grader_preprocess(images)
    theirs = keras.applications.densenet.preprocess_input(images.copy())
    assert np.allclose(ours, theirs, atol=1e-5) and np.array_equal(images, kept)


def test_probe_sizes_separate_the_known_mistakes():
    for _, height, _, channels, theta in probes.TRANSITION_PROBES:
        theta = 0.5 if theta is None else theta
        wanted = int(theta * channels)
        assert wanted == int(round(theta * channels, 6))  # no 0.3 * 10 = 3.0000000000000004 edge
        assert wanted != int(theta * height)  # compressing the height shows
        assert theta == 0.5 or wanted != int((1 - theta) * channels)  # keeping 1 - θ shows
    for _, _, _, channels, growth, _ in probes.DENSE_LAYER_PROBES:
        assert growth not in (12, 32) and channels != growth
    probe, defaults = probes.NET_PROBES
    assert probe.expected() != defaults.expected() and defaults.kwargs() == {}


def test_swapped_puts_the_grader_parts_in_and_restores_the_notebook():
    def own_layer(x, growth_rate, bottleneck=True):
        return "own"

    module = types.ModuleType("notebook")
    module.dense_layer = own_layer
    with parts.swapped(module, ("dense_layer", "dense_block")):
        assert module.dense_layer is parts.dense_layer and module.dense_block is parts.dense_block
    assert module.dense_layer is own_layer and not hasattr(module, "dense_block")


def test_graph_readers_on_a_dense_block_and_a_plain_stack():
    keras = pytest.importorskip("keras")
    from assignments.densenet.harvest import graph

    inputs = keras.Input((5, 5, 4))
    dense = keras.Model(inputs, parts.dense_block(inputs, 3, 2))
    last = [c for c in graph.convs(dense) if graph.kernel_size(c) == (3, 3)][-1]
    read, chain = graph.chain_to(last, dense)
    assert int(read.shape[-1]) == 4 + 2 * 2 and [graph.kind(layer) for layer in chain] == ["bn", "relu", "conv", "bn", "relu", "conv"]
    assert all(graph.preactivated(conv) for conv in graph.convs(dense))
    assert [e[0] for e in graph.layer_events(dense)] == ["concat"] * 3

    x = inputs
    features = [inputs]
    for _ in range(3):
        x = keras.layers.Conv2D(2, 3, padding="same")(keras.layers.ReLU()(keras.layers.BatchNormalization()(x)))
        features.append(x)
    stack = keras.Model(inputs, keras.layers.Concatenate()(features))
    read, _ = graph.chain_to(graph.convs(stack)[-1], stack)
    assert int(read.shape[-1]) == 2  # the last layer reads only the previous layer's output


def test_transition_is_preactivated_and_pools():
    keras = pytest.importorskip("keras")
    from assignments.densenet.harvest import graph

    inputs = keras.Input((7, 5, 12))
    model = keras.Model(inputs, parts.transition_layer(inputs, 0.75))
    assert model.output.shape[1:] == (3, 2, 9)
    assert [graph.kind(c) for c in graph.convs(model)] == ["conv"] and graph.preactivated(graph.convs(model)[0])
    assert graph.layer_events(model)[0][0] == "avg_pool"


def test_densenet121_layer_names():
    for name in ("conv1_conv", "conv1_bn", "conv2_block1_0_bn", "conv5_block16_2_conv", "pool3_conv", "bn"):
        assert base.BASE_LAYER.match(name), name
    for name in ("dense", "batch_normalization", "global_average_pooling2d", "conv2d"):
        assert not base.BASE_LAYER.match(name), name


def test_weights_argument(tmp_path):
    assert data.weights_argument({}, None) is None
    (tmp_path / "w.h5").write_bytes(b"x")
    assert data.weights_argument({"weights_file": "w.h5"}, tmp_path) == str(tmp_path / "w.h5")
    with pytest.raises(FileNotFoundError):
        data.weights_argument({"weights_file": "missing.h5"}, tmp_path)
