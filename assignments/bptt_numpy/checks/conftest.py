"""Fixtures of the bptt_numpy checks: the reference's answers on the grader's probes."""

from __future__ import annotations

import numpy as np
import pytest

from assignments.bptt_numpy.harvest import probes


def numeric_gradients(forward, inputs: dict[str, np.ndarray], names: list[str], upstream: np.ndarray, eps: float = 1e-6) -> dict[str, np.ndarray]:
    """Central-difference gradients of sum(forward(**inputs) * upstream) w.r.t. ``names``."""
    inputs = {k: np.array(v, dtype=np.float64) for k, v in inputs.items()}
    grads = {}
    for name in names:
        value = inputs[name]
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + eps
            plus = np.sum(forward(**inputs) * upstream)
            value[index] = saved - eps
            minus = np.sum(forward(**inputs) * upstream)
            value[index] = saved
            grad[index] = (plus - minus) / (2 * eps)
        grads[name] = grad
    return grads


@pytest.fixture(scope="session")
def step_probe(seed):
    return probes.step(seed)


@pytest.fixture(scope="session")
def sequence_probe(seed):
    return probes.sequence(seed)


@pytest.fixture(scope="session")
def sequence_numeric(reference, sequence_probe):
    """Numerical gradients of the reference sequence forward (the gradient check's truth)."""
    p = sequence_probe

    def forward(x, h0, Wx, Wh, b):
        return reference.rnn_forward(x, h0, Wx, Wh, b)[0]

    inputs = {k: p[k] for k in ("x", "h0", "Wx", "Wh", "b")}
    return numeric_gradients(forward, inputs, ["x", "h0", "Wx", "Wh", "b"], p["dh"])
