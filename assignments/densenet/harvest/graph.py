"""Reading a Keras functional graph: which layer made a tensor, who uses it, what kind of layer it is.

Used by both stages: stage 1 to say early that a function returned no Keras
tensor, stage 2 to inspect the models it reloaded (safe mode). Layers are
classified by what they compute, so ``layers.ReLU()`` and
``layers.Activation("relu")``, ``keras`` and ``tf.keras`` spellings are the same.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

#: Layer classes by kind (the class name, so both spellings of Keras match).
KINDS = {
    "BatchNormalization": "bn",
    "ReLU": "relu",
    "Conv2D": "conv",
    "Concatenate": "concat",
    "AveragePooling2D": "avg_pool",
    "MaxPooling2D": "max_pool",
    "InputLayer": "input",
}


def kind(layer: Any) -> str:
    """"bn", "relu", "conv", "concat", "avg_pool", "max_pool", "input", or the class name."""
    name = type(layer).__name__
    if name == "Activation":
        activation = getattr(layer, "activation", None)
        return "relu" if getattr(activation, "__name__", "") == "relu" else "Activation"
    return KINDS.get(name, name)


def producer(tensor: Any) -> Any:
    """The layer whose output ``tensor`` is."""
    return tensor._keras_history[0]


def consumers(model: Any) -> dict[int, list[Any]]:
    """id(tensor) -> the layers of ``model`` that take it as an input (the model's outputs count once)."""
    table: dict[int, list[Any]] = defaultdict(list)
    for layer in model.layers:
        for node in layer._inbound_nodes:
            for tensor in node.input_tensors:
                table[id(tensor)].append(layer)
    for tensor in model.outputs:
        table[id(tensor)].append(None)
    return table


def single_input(layer: Any) -> Any | None:
    """The one input tensor of ``layer`` (None when it takes several)."""
    inputs = layer._inbound_nodes[0].input_tensors if layer._inbound_nodes else []
    return inputs[0] if len(inputs) == 1 else None


def convs(model: Any) -> list[Any]:
    """The Conv2D layers of ``model`` in the graph's order."""
    return [layer for layer in model.layers if kind(layer) == "conv"]


def preactivated(conv: Any) -> bool:
    """True when ``conv``'s input comes from a ReLU whose input comes from a BatchNormalization."""
    x = single_input(conv)
    if x is None or kind(producer(x)) != "relu":
        return False
    y = single_input(producer(x))
    return y is not None and kind(producer(y)) == "bn"


def kernel_size(conv: Any) -> tuple[int, int]:
    return tuple(int(k) for k in conv.kernel_size)


def kernel_params(model: Any) -> int:
    """How many kernel weights the model's convolutions hold (biases are the student's choice)."""
    total = 0
    for conv in convs(model):
        shape = conv.kernel.shape
        count = 1
        for dim in shape:
            count *= int(dim)
        total += count
    return total


def chain_to(conv: Any, model: Any) -> tuple[Any, list[Any]]:
    """Walk back from ``conv`` through single-input layers to the tensor its layer reads.

    Stops at a tensor that a Concatenate or the model's input made, or that more than one layer
    uses (a branch point: in a dense block, the input of a dense layer also goes to its
    concatenation). Returns that tensor and the layers from it to ``conv``, in order.
    """
    uses = consumers(model)
    chain = [conv]
    tensor = single_input(conv)
    while tensor is not None:
        made_by = producer(tensor)
        if kind(made_by) in ("concat", "input") or len(uses[id(tensor)]) > 1:
            break
        previous = single_input(made_by)
        if previous is None:
            break
        chain.insert(0, made_by)
        tensor = previous
    return tensor, chain


def layer_events(model: Any) -> list[tuple[str, int, int, tuple[int, ...]]]:
    """(kind, input channels, output channels, output spatial shape) of each concat and pooling, in order.

    A Concatenate's input channels are those of its first input (the dense layer's input).
    """
    events = []
    for layer in model.layers:
        what = kind(layer)
        if what not in ("concat", "avg_pool", "max_pool"):
            continue
        node = layer._inbound_nodes[0]
        first = node.input_tensors[0]
        out = node.output_tensors[0]
        events.append((what, int(first.shape[-1]), int(out.shape[-1]), tuple(int(d) for d in out.shape[1:-1])))
    return events
