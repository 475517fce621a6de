"""Finding DenseNet121's layers inside a student's transfer model, in either stage.

The base may be nested (``x = base(inputs)``: one layer named ``densenet121``)
or flattened (``Model(base.input, head(base.output))``); both are accepted.
DenseNet121 holds 241 layers with weights (120 convolutions, 121 BatchNorms),
named by Keras ``conv1_conv``, ``conv2_block1_0_bn``, ``pool2_conv``, ``bn``...
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

BASE_LAYER = re.compile(r"^(conv\d_(conv|bn)|conv\d_block\d+_\d_(bn|conv)|pool\d_(bn|conv)|bn)$")
#: Layers with weights in DenseNet121 (include_top=False).
DENSENET121_WEIGHTED_LAYERS = 241


def all_layers(model: Any) -> list[Any]:
    """Every layer of ``model``, nested models expanded (depth first)."""
    found = []
    for layer in getattr(model, "layers", []):
        found.append(layer)
        if hasattr(layer, "layers"):
            found.extend(all_layers(layer))
    return found


def base_layers(model: Any) -> dict[str, Any]:
    """DenseNet121's layers with weights, by name."""
    return {layer.name: layer for layer in all_layers(model) if BASE_LAYER.match(layer.name) and layer.weights}


def base_variable_ids(model: Any) -> set[int]:
    return {id(v) for layer in base_layers(model).values() for v in layer.weights}


def weight_digests(model: Any) -> dict[str, str]:
    """sha256 of each base layer's weights, BatchNorm moving statistics included."""
    digests = {}
    for name, layer in sorted(base_layers(model).items()):
        hasher = hashlib.sha256()
        for value in layer.get_weights():
            hasher.update(np.ascontiguousarray(value).tobytes())
        digests[name] = hasher.hexdigest()
    return digests
