"""The grader's own dense layer, dense block and transition, swapped into a notebook to isolate a unit.

``build_densenet`` is graded on what it builds itself (stem, blocks and
transitions in order, the arguments it passes, the head), so while the grader
calls it the notebook's ``dense_layer``, ``dense_block`` and ``transition_layer``
are replaced by these (a bug in them costs their own checks, not every
``build_densenet`` check as well); ``dense_block`` is called with the grader's
``dense_layer`` in the same way. A notebook that builds everything inline is
graded with its own parts. Written from the contract, in the plain Keras layers
a student would use.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any


def dense_layer(x: Any, growth_rate: int, bottleneck: bool = True) -> Any:
    """BN-ReLU-(1x1 conv 4k, BN-ReLU)-3x3 conv k; concatenate([x, new]): (B, H, W, C) -> (B, H, W, C + k)."""
    from keras import layers

    y = layers.ReLU()(layers.BatchNormalization()(x))
    if bottleneck:
        y = layers.Conv2D(4 * growth_rate, 1, padding="same", use_bias=False)(y)
        y = layers.ReLU()(layers.BatchNormalization()(y))
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False)(y)
    return layers.Concatenate()([x, y])


def dense_block(x: Any, num_layers: int, growth_rate: int) -> Any:
    """``num_layers`` dense layers with bottleneck: (B, H, W, C) -> (B, H, W, C + num_layers * k)."""
    for _ in range(num_layers):
        x = dense_layer(x, growth_rate)
    return x


def transition_layer(x: Any, compression: float = 0.5) -> Any:
    """BN-ReLU-1x1 conv to max(1, int(compression * C)), 2x2 average pooling stride 2."""
    from keras import layers

    channels = max(1, int(compression * x.shape[-1]))
    y = layers.ReLU()(layers.BatchNormalization()(x))
    y = layers.Conv2D(channels, 1, padding="same", use_bias=False)(y)
    return layers.AveragePooling2D(2, strides=2)(y)


GRADER_PARTS = {"dense_layer": dense_layer, "dense_block": dense_block, "transition_layer": transition_layer}


@contextlib.contextmanager
def swapped(student: ModuleType, names: tuple[str, ...]) -> Iterator[None]:
    """Within the block, the notebook's functions ``names`` are the grader's (restored afterwards)."""
    saved = {name: student.__dict__.get(name) for name in names}
    try:
        for name in names:
            setattr(student, name, GRADER_PARTS[name])
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                student.__dict__.pop(name, None)
            else:
                setattr(student, name, value)
