"""Probe sizes and inputs of the densenet lab, drawn from the grader's seed or fixed here.

Stage 1 builds the student's layers on these sizes; stage 2 draws the same inputs
again (it never trusts inputs read back from artifacts). Sizes are chosen so that
every contract argument is varied and differs from its default, ``int(θ·C)`` is
exact in floating point, and each known mistake gives a different number than
the contract (e.g. the transition's C differs from its height).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.harvest import rng_for

#: dense_layer probes: (name, height, width, C, k, bottleneck). k differs from 12 and 32 (common defaults).
DENSE_LAYER_PROBES = (("bottleneck", 7, 6, 5, 3, True), ("plain", 5, 7, 4, 5, False))
#: dense_block probe: height, width, C, num_layers, k.
BLOCK_PROBE = (5, 6, 4, 3, 2)
#: transition_layer probes: (name, height, width, C, compression or None for the default 0.5).
#: int(0.75 * 12) = 9 and int(0.5 * 7) = 3 exactly; compressing the height (7, 8) or keeping
#: 1 - θ would give 5 or 4, and 3 or 4.
TRANSITION_PROBES = (("theta075", 7, 5, 12, 0.75), ("default", 8, 7, 7, None))
#: Probe batch size of the layer models.
BATCH = 2


@dataclass(frozen=True)
class NetProbe:
    """One build_densenet call: input size, classes and the architecture arguments (None: the default)."""

    name: str
    size: int
    num_classes: int
    growth_rate: int | None
    block_layers: tuple[int, ...] | None
    compression: float | None

    def kwargs(self) -> dict:
        given = {"growth_rate": self.growth_rate, "block_layers": self.block_layers, "compression": self.compression}
        return {key: value for key, value in given.items() if value is not None}

    def expected(self) -> tuple[int, tuple[int, ...], float]:
        """(growth rate, block layers, compression) the model should have."""
        return (
            12 if self.growth_rate is None else self.growth_rate,
            (4, 4, 4) if self.block_layers is None else self.block_layers,
            0.5 if self.compression is None else self.compression,
        )


#: build_densenet probes of the untrained step: every argument varied, and once all the defaults.
NET_PROBES = (NetProbe("probe", 12, 4, 4, (2, 3), 0.25), NetProbe("defaults", 16, 3, None, None, None))
#: densenet121_features probe: 32x32 is the smallest input DenseNet121 builds for.
FEATURES_SIZE = 32
FEATURES_CLASSES = 3
FEATURES_BATCH = 8


def layer_input(seed: int, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A float32 feature map (BATCH, *shape) for a layer probe, the same in both stages."""
    return rng_for(seed, f"input_{name}").normal(size=(BATCH, *shape)).astype(np.float32)


def preprocess_inputs(seed: int) -> dict[str, np.ndarray]:
    """Random RGB images of a grader-chosen size: uint8, and float32 (what image loaders give)."""
    rng = rng_for(seed, "preprocess")
    n, height, width = int(rng.integers(2, 5)), int(rng.integers(5, 12)), int(rng.integers(5, 12))
    return {
        "uint8": rng.integers(0, 256, (n, height, width, 3), dtype=np.uint8),
        "float32": rng.integers(0, 256, (n, width, height, 3)).astype(np.float32),
    }
