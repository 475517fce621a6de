"""Fixtures of the vgg16_transfer checks: saved models, the grader's probe images, held-out data."""

from __future__ import annotations

import numpy as np
import pytest

from assignments.vgg16_transfer.harvest import data, probes

#: Added to the grading seed to draw the held-out images: stage 1 never draws these.
HELDOUT_SEED_OFFSET = 7919


@pytest.fixture(scope="session")
def untrained_model(artifacts):
    return artifacts.model("untrained")


@pytest.fixture(scope="session")
def trained_model(artifacts):
    return artifacts.model("train")


@pytest.fixture(scope="session")
def tuned_model(artifacts):
    return artifacts.model("fine_tune")


@pytest.fixture(scope="session")
def tuned_model_blocks2(artifacts):
    return artifacts.model("fine_tune", probes.SECOND_FINE_TUNE_NAME)


@pytest.fixture(scope="session")
def probe_batch(seed, profile, reference):
    """(x, y): images the reference has preprocessed, labels below the probe's class count."""
    images, labels = probes.model_images(seed, int(profile["image_size"]))
    return reference.preprocess(images), labels % int(profile["probe_classes"])


@pytest.fixture(scope="session")
def heldout_class_names(profile, data_dir) -> tuple[str, ...]:
    """The held-out labels' class names, by class id: the sorted train/ folders (class), else data.CLASS_NAMES."""
    if profile.get("data") == "folder":
        if data_dir is None:
            raise FileNotFoundError("the class profile needs --data DIR with a test/ folder")
        return tuple(data.class_names(data_dir / "train"))
    return tuple(data.CLASS_NAMES)


def heldout_images(seed: int, profile: dict, data_dir, class_names) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """(images, labels) held out from training: test/ of the class folder, or drawn for this seed (ci)."""
    size = int(profile["image_size"])
    if profile.get("data") == "folder":
        return data.read_image_folder(data_dir / "test", size, list(class_names))
    return data.synthetic_images(seed + HELDOUT_SEED_OFFSET, "heldout", int(profile["heldout_images"]), size)


@pytest.fixture(scope="session")
def heldout(seed, profile, data_dir, reference, heldout_class_names):
    """(x, y) held-out images (reference-preprocessed) and labels, drawn or read on this side only."""
    images, labels = heldout_images(seed, profile, data_dir, heldout_class_names)
    return reference.preprocess(images), labels


@pytest.fixture(scope="session")
def upstream(seed):
    """upstream(shape): a fixed random weighting of the outputs (its gradient needs no softmax or loss)."""

    def weights(shape: tuple[int, ...]) -> np.ndarray:
        return np.random.default_rng([seed, 17]).normal(size=shape).astype(np.float32)

    return weights
