"""Probe inputs of the vgg16_transfer lab, drawn from the grader's seed.

Stage 1 feeds them to the student's functions; stage 2 draws the same ones
again (it never trusts inputs read back from artifacts).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assignments.vgg16_transfer.harvest.data import synthetic_images
from autograder.harvest import rng_for

#: Learning rate of the grader's own head-training step before fine_tune (Adam).
#: It is above what fine_tune must set, so a fine_tune that does not recompile shows.
HEAD_LEARNING_RATE = 1e-3
#: Images in each of the two fine_tune training steps (head step, then the checked step).
FINE_TUNE_BATCH = 8
#: The second fine_tune probe: (num_blocks, learning_rate), on a fresh model, saved as fine_tune-<name>.keras.
#: Both differ from the first probe's (1, the profile's fine_tune_learning_rate) and from the defaults.
SECOND_FINE_TUNE = (2, 3e-5)
SECOND_FINE_TUNE_NAME = "blocks2"
#: Training steps of the short run under the student's own optimizer (own_compile step).
OWN_COMPILE_STEPS = 30


def preprocess_inputs(seed: int) -> dict[str, np.ndarray]:
    """Random RGB images of a grader-chosen size: uint8, and float32 (what image loaders give)."""
    rng = rng_for(seed, "preprocess")
    n, height, width = int(rng.integers(2, 5)), int(rng.integers(5, 12)), int(rng.integers(5, 12))
    return {
        "uint8": rng.integers(0, 256, (n, height, width, 3), dtype=np.uint8),
        "float32": rng.integers(0, 256, (n, width, height, 3)).astype(np.float32),
    }


def model_images(seed: int, size: int, count: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic uint8 images and labels that stage 2 feeds the saved models (shape checks, gradients)."""
    return synthetic_images(seed, "model_probe", count, size)


def fine_tune_batches(seed: int, size: int, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Two batches of uint8 images and labels below ``num_classes``: head step, then the checked step."""
    images, labels = synthetic_images(seed, "fine_tune", 2 * FINE_TUNE_BATCH, size)
    return images, labels % num_classes


def own_compile_order(seed: int, count: int, length: int) -> np.ndarray:
    """Indices of the training images for the short own-optimizer run: shuffled passes, ``length`` in all."""
    rng = rng_for(seed, "own_compile")
    passes = -(-length // count)
    return np.concatenate([rng.permutation(count) for _ in range(passes)])[:length]


def grader_model(num_classes: int, input_shape: tuple[int, int, int], weights: Any) -> Any:
    """A stand-in for build_model's model when the notebook's cannot be built.

    The keras.io layout (a nested ``vgg16`` base), with a linear head that the
    grader compiles with a from-logits loss: it is not a valid build_model answer.
    """
    import keras

    base = keras.applications.VGG16(include_top=False, weights=weights, input_shape=input_shape)
    inputs = keras.Input(shape=input_shape)
    x = keras.layers.GlobalAveragePooling2D()(base(inputs))
    return keras.Model(inputs, keras.layers.Dense(num_classes)(x), name="grader_subject")
