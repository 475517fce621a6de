"""Harvest plan of the bptt_numpy lab: call the student's functions on the grader's probes.

The steps that test rnn_forward and rnn_backward swap the notebook's own
step functions for the grader's (``GraderStep``), so a bug in
rnn_step_backward costs the step-level check alone, not every BPTT check too.
Step functions are only swapped, never needed: a notebook whose rnn_backward
does not call rnn_step_backward is graded on its own code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from assignments.bptt_numpy.harvest import probes
from assignments.bptt_numpy.harvest.numeric import central_differences
from autograder.harvest import Harvest, step
from autograder.harvest.plan import BadOutput


def _tuple_of(value: object, count: int, function: str) -> tuple:
    if not isinstance(value, tuple) or len(value) != count:
        found = f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__
        raise BadOutput(f"{function} should return a tuple of {count} values, but it returned {found}")
    return value


class StepCache:
    """The notebook's own cache of one step, plus the inputs the grader fed that step.

    It behaves like the notebook's cache (indexing, iteration, attributes), so an
    rnn_backward that peeks into it (``cache[0][0].shape``) still works.
    """

    def __init__(self, own: object, inputs: tuple[np.ndarray, ...]) -> None:
        self.own = own
        self.inputs = inputs

    def __getitem__(self, key):  # noqa: ANN001, ANN204
        return self.own[key]

    def __iter__(self):  # noqa: ANN204
        return iter(self.own)

    def __len__(self) -> int:
        return len(self.own)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.own, name)


class GraderStep:
    """Stand-ins for the student's step functions, from the formula the lab states.

    The forward returns tanh(x Wx + h_prev Wh + b) with the notebook's own cache
    wrapped around the inputs; the backward is numerical (central differences of
    that formula), so this file holds no solution. The forward feeds its own
    previous output back as h_prev, so the cache handed to rnn_backward is a
    correct one even when the notebook's rnn_forward is not (that mistake is
    rnn_forward's check's).
    """

    EPS = 1e-6

    def __init__(self, own_forward, h0: np.ndarray, feed_back: bool) -> None:  # noqa: ANN001
        self.own_forward = own_forward
        self.h_prev = h0
        self.feed_back = feed_back

    @staticmethod
    def formula(x, h_prev, Wx, Wh, b):  # noqa: ANN001, ANN205
        return np.tanh(x @ Wx + h_prev @ Wh + b)

    def forward(self, x, h_prev, Wx, Wh, b):  # noqa: ANN001, ANN201
        if self.feed_back:
            h_prev = self.h_prev
        _, own_cache = self.own_forward(x, h_prev, Wx, Wh, b)
        h_next = self.formula(x, h_prev, Wx, Wh, b)
        self.h_prev = h_next
        return h_next, StepCache(own_cache, (x, h_prev, Wx, Wh, b))

    def backward(self, dh_next, cache):  # noqa: ANN001, ANN201
        if not isinstance(cache, StepCache):
            raise BadOutput("rnn_backward passed rnn_step_backward a cache that rnn_step_forward did not make")
        grads = central_differences(self.formula, list(cache.inputs), dh_next, self.EPS)
        dx, dh_prev, dWx, dWh, db = grads
        return dx, dh_prev, dWx, dWh, db


@contextmanager
def grader_steps(h: Harvest, h0: np.ndarray, feed_back: bool) -> Iterator[None]:
    """Swap the notebook's step functions for the grader's while the block runs."""
    student = h.student
    saved = {name: getattr(student, name, None) for name in ("rnn_step_forward", "rnn_step_backward")}
    grader = GraderStep(h.function("rnn_step_forward"), h0, feed_back)
    student.rnn_step_forward = grader.forward
    student.rnn_step_backward = grader.backward
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(student, name, value)


def isolated(h: Harvest, h0: np.ndarray, run, feed_back: bool = True):  # noqa: ANN001, ANN201
    """``run()`` with the grader's step functions; as written if that cannot work.

    ``feed_back`` makes the grader's forward ignore the h_prev it is passed and
    use its own previous output (for checks of what comes after rnn_forward).
    """
    try:
        with grader_steps(h, h0, feed_back):
            return run()
    except BadOutput:
        raise
    except Exception:
        return run()


@step("contract")
def contract(h: Harvest) -> None:
    """Call each function once, as written, and record what kinds of values come back."""
    p = probes.step(h.seed)
    kinds = {}
    out = h.call("rnn_step_forward", p["x"], p["h_prev"], p["Wx"], p["Wh"], p["b"])
    kinds["rnn_step_forward"] = _describe(out)
    if isinstance(out, tuple) and len(out) == 2:
        kinds["rnn_step_backward"] = _describe(h.call("rnn_step_backward", p["dh_next"], out[1]))
    s = probes.sequence(h.seed)
    out = h.call("rnn_forward", s["x"], s["h0"], s["Wx"], s["Wh"], s["b"])
    kinds["rnn_forward"] = _describe(out)
    if isinstance(out, tuple) and len(out) == 2:
        kinds["rnn_backward"] = _describe(h.call("rnn_backward", s["dh"], out[1]))
    grads, max_norm = probes.clipping(h.seed, over=True)
    kinds["clip_by_global_norm"] = _describe(h.call("clip_by_global_norm", grads, max_norm))
    h.save_json(kinds)


def _describe(value: object) -> list[str] | str:
    if isinstance(value, tuple):
        return ["ndarray" if isinstance(v, np.ndarray) else type(v).__name__ for v in value]
    return type(value).__name__


@step("step_forward")
def step_forward(h: Harvest) -> None:
    p = probes.step(h.seed)
    h_next, _ = _tuple_of(h.call("rnn_step_forward", p["x"], p["h_prev"], p["Wx"], p["Wh"], p["b"]), 2, "rnn_step_forward")
    h.save_arrays(h_next=h_next)


@step("step_backward")
def step_backward(h: Harvest) -> None:
    """The notebook's own step backward, on the cache of its own step forward."""
    p = probes.step(h.seed)
    h_next, cache = _tuple_of(h.call("rnn_step_forward", p["x"], p["h_prev"], p["Wx"], p["Wh"], p["b"]), 2, "rnn_step_forward")
    grads = _tuple_of(h.call("rnn_step_backward", p["dh_next"], cache), 5, "rnn_step_backward")
    h.save_arrays(h_next=h_next, **dict(zip(("dx", "dh_prev", "dWx", "dWh", "db"), grads, strict=True)))


@step("rnn_forward")
def rnn_forward(h: Harvest) -> None:
    s = probes.sequence(h.seed)
    out = isolated(h, s["h0"], lambda: h.call("rnn_forward", s["x"], s["h0"], s["Wx"], s["Wh"], s["b"]), feed_back=False)
    hs, _ = _tuple_of(out, 2, "rnn_forward")
    h.save_arrays(h=hs)


def _backward(h: Harvest, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    def run() -> tuple:
        forward = h.call("rnn_forward", inputs["x"], inputs["h0"], inputs["Wx"], inputs["Wh"], inputs["b"])
        _, cache = _tuple_of(forward, 2, "rnn_forward")
        return _tuple_of(h.call("rnn_backward", inputs["dh"], cache), 5, "rnn_backward")

    grads = isolated(h, inputs["h0"], run)
    return dict(zip(("dx", "dh0", "dWx", "dWh", "db"), grads, strict=True))


@step("rnn_backward")
def rnn_backward(h: Harvest) -> None:
    h.save_arrays(**_backward(h, probes.sequence(h.seed)))


@step("long_range")
def long_range(h: Harvest) -> None:
    """dx at every step when only the last state has a loss, for small and large Wh."""
    saved = {}
    for setting in probes.LONG_RANGE_SCALES:
        saved[f"dx_{setting}"] = _backward(h, probes.long_range(h.seed, setting))["dx"]
    h.save_arrays(**saved)


@step("clipping")
def clipping(h: Harvest) -> None:
    saved = {}
    for over in (True, False):
        tag = "over" if over else "under"
        grads, max_norm = probes.clipping(h.seed, over)
        passed = [g.copy() for g in grads]
        clipped, norm = _tuple_of(h.call("clip_by_global_norm", passed, max_norm), 2, "clip_by_global_norm")
        if not isinstance(clipped, (list, tuple)) or len(clipped) != len(grads):
            raise BadOutput(f"clip_by_global_norm should return a list of {len(grads)} arrays as its first value")
        for i, (array, after) in enumerate(zip(clipped, passed, strict=True)):
            saved[f"{tag}_clipped_{i}"] = array
            saved[f"{tag}_input_after_{i}"] = after
        saved[f"{tag}_norm"] = np.asarray(norm, dtype=np.float64)
    h.save_arrays(**saved)

