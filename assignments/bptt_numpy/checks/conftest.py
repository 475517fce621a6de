"""Fixtures of the bptt_numpy checks: the reference's answers on the grader's probes."""

from __future__ import annotations

import pytest

from assignments.bptt_numpy.harvest import probes
from assignments.bptt_numpy.harvest.numeric import central_differences


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

    names = ["x", "h0", "Wx", "Wh", "b"]
    grads = central_differences(forward, [p[n] for n in names], p["dh"])
    return dict(zip(names, grads, strict=True))
