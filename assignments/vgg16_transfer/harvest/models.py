"""Finding VGG16's layers inside a student's model, in either stage.

A base can be nested (``x = base(inputs)``: one layer named ``vgg16`` holding
the convolutional layers) or flattened (``Model(base.input, head(base.output))``:
the ``block*`` layers at the top level). Both are accepted.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

BLOCK_LAYER = re.compile(r"^block([1-5])_(conv\d|pool)$")


def all_layers(model: Any) -> list[Any]:
    """Every layer of ``model``, nested models expanded (depth first)."""
    found = []
    for layer in getattr(model, "layers", []):
        found.append(layer)
        if hasattr(layer, "layers"):
            found.extend(all_layers(layer))
    return found


def conv_layers(model: Any) -> dict[str, Any]:
    """VGG16's convolutional layers by name (``block1_conv1`` .. ``block5_conv3``)."""
    return {
        layer.name: layer
        for layer in all_layers(model)
        if BLOCK_LAYER.match(layer.name) and "conv" in layer.name
    }


def block_of(name: str) -> int:
    match = BLOCK_LAYER.match(name)
    return int(match.group(1)) if match else 0


def base_variable_ids(model: Any) -> dict[int, str]:
    """id(variable) -> layer name, for every weight of the base's conv layers."""
    return {id(v): name for name, layer in conv_layers(model).items() for v in layer.weights}


def weight_digests(model: Any) -> dict[str, str]:
    """sha256 of each base conv layer's weights (kernel then bias)."""
    digests = {}
    for name, layer in sorted(conv_layers(model).items()):
        hasher = hashlib.sha256()
        for value in layer.get_weights():
            hasher.update(np.ascontiguousarray(value).tobytes())
        digests[name] = hasher.hexdigest()
    return digests


def nested_base(model: Any) -> Any | None:
    """The sub-model that holds the conv layers, or None when they sit at the top level."""
    for layer in getattr(model, "layers", []):
        if hasattr(layer, "layers") and conv_layers(layer):
            return layer
    return None


def freeze_base(model: Any) -> None:
    """Freeze the base the way build_model should have (grader's starting point for fine_tune)."""
    base = nested_base(model)
    if base is not None:
        base.trainable = False
    for layer in conv_layers(model).values():
        layer.trainable = False
