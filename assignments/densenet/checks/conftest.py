"""Fixtures of the densenet checks: reloaded models, the grader's probe inputs, held-out data."""

from __future__ import annotations

import numpy as np
import pytest

from assignments.densenet.harvest import data, probes

#: Added to the grading seed to draw the held-out images: stage 1 never draws these.
HELDOUT_SEED_OFFSET = 7919


@pytest.fixture(scope="session")
def layer_models(artifacts):
    """probe name -> (the dense_layer model, (H, W, C, k, bottleneck))."""
    return {
        name: (artifacts.model("layer", name), (height, width, channels, growth, bottleneck))
        for name, height, width, channels, growth, bottleneck in probes.DENSE_LAYER_PROBES
    }


@pytest.fixture(scope="session")
def transition_models(artifacts):
    """probe name -> (the transition_layer model, (H, W, C, compression))."""
    return {
        name: (artifacts.model("transition", name), (height, width, channels, 0.5 if theta is None else theta))
        for name, height, width, channels, theta in probes.TRANSITION_PROBES
    }


@pytest.fixture(scope="session")
def block_model(artifacts):
    return artifacts.model("block")


@pytest.fixture(scope="session")
def net_models(artifacts):
    """[(NetProbe, the untrained build_densenet model)] for every probe of the untrained step."""
    return [(probe, artifacts.model("untrained", probe.name)) for probe in probes.NET_PROBES]


@pytest.fixture(scope="session")
def trained_model(artifacts):
    return artifacts.model("train")


@pytest.fixture(scope="session")
def features_model(artifacts):
    return artifacts.model("features")


@pytest.fixture(scope="session")
def features_batch(seed, profile, reference):
    """(x, y): reference-preprocessed images for the transfer model, labels below its class count."""
    size = int(profile.get("features_size", probes.FEATURES_SIZE))
    images, labels = data.synthetic_images(seed, "features_probe", probes.FEATURES_BATCH, size)
    return reference.preprocess(images), labels % probes.FEATURES_CLASSES


@pytest.fixture(scope="session")
def heldout_class_names(profile, data_dir) -> tuple[str, ...]:
    """The held-out labels' class names, by class id: the sorted train/ folders (class), else data.CLASS_NAMES."""
    if profile.get("data") == "folder":
        if data_dir is None:
            raise FileNotFoundError("the class profile needs --data DIR with a test/ folder")
        return tuple(data.class_names(data_dir / "train"))
    return tuple(data.CLASS_NAMES)


@pytest.fixture(scope="session")
def heldout(seed, profile, data_dir, heldout_class_names):
    """(x, y) held-out images scaled to [0, 1] and labels, drawn or read on this side only."""
    size = int(profile["image_size"])
    if profile.get("data") == "folder":
        images, labels = data.read_image_folder(data_dir / "test", size, list(heldout_class_names))
    else:
        images, labels = data.synthetic_images(seed + HELDOUT_SEED_OFFSET, "heldout", int(profile["heldout_images"]), size)
    return data.scale(images), labels


@pytest.fixture(scope="session")
def upstream(seed):
    """upstream(shape): a fixed random weighting of a tensor (its gradient needs no loss)."""

    def weights(shape: tuple[int, ...]) -> np.ndarray:
        return np.random.default_rng([seed, 17]).normal(size=shape).astype(np.float32)

    return weights
