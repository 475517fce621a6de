"""Harvest plan of the bptt_numpy lab: call the student's functions on the grader's probes.

rnn_forward, rnn_backward and the long-range probe are run two ways (``both_ways``):

- ``own``: as written, with the notebook's own step functions;
- ``isolated``: with the notebook's rnn_step_forward / rnn_step_backward swapped
  for the grader's (``GraderStep``).

Each of these steps also saves what the notebook's own parts compute on the
step probe (``part_*``). Stage 2 grades the unit as written when those parts
pass their own checks, and turns to the isolated run only where they fail: a
bug in rnn_step_backward costs step_backward_values alone, and a design the
swap cannot serve (an rnn_backward that rebuilds its step caches, say) is
graded on the notebook's own parts, never zeroed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from assignments.bptt_numpy.harvest import probes
from assignments.bptt_numpy.harvest.numeric import central_differences
from autograder.harvest import Harvest, step
from autograder.harvest.plan import BadOutput, as_numeric_array
from autograder.harvest.runner import student_traceback

STEP_GRADS = ("dx", "dh_prev", "dWx", "dWh", "db")
BPTT_GRADS = ("dx", "dh0", "dWx", "dWh", "db")


def _tuple_of(value: object, count: int, function: str) -> tuple:
    if not isinstance(value, tuple) or len(value) != count:
        found = f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__
        raise BadOutput(f"{function} should return a tuple of {count} values, but it returned {found}")
    return value


def _message(error: BaseException) -> str:
    """What the student reads about an error: BadOutput as is, anything else with its lines in the notebook."""
    return str(error) if isinstance(error, BadOutput) else student_traceback(error)


class IsolationUnavailable(Exception):
    """The grader's step functions cannot stand in for the notebook's here."""


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
        if name.startswith("__") or name in ("own", "inputs"):  # copy / pickle probing a half-built object
            raise AttributeError(name)
        return getattr(self.own, name)


def _arrays_in(value: object, depth: int = 0) -> Iterator[np.ndarray]:
    """Every numpy array inside a cache: through tuples, lists, dicts and plain objects' attributes."""
    if depth > 4:
        return
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value[:64]:
            yield from _arrays_in(item, depth + 1)
    elif isinstance(value, dict):
        for item in list(value.values())[:64]:
            yield from _arrays_in(item, depth + 1)
    elif hasattr(value, "__dict__") and not callable(value):
        for item in list(vars(value).values())[:64]:
            yield from _arrays_in(item, depth + 1)


class GraderStep:
    """Stand-ins for the student's step functions, from the formula the lab states.

    The forward returns tanh(x Wx + h_prev Wh + b) with the notebook's own cache
    wrapped around the inputs (a plain (x, h_prev, Wx, Wh, h_next) when the
    notebook's own step forward gives none); the backward is numerical (central
    differences of that formula), so this file holds no solution.

    With ``feed_back`` (for what comes after rnn_forward) the forward feeds the
    true previous state of the sequence, not the h_prev it is passed, so the
    cache handed to rnn_backward is a correct one even when the notebook's
    rnn_forward is not (that mistake is rnn_forward's check's). Its backward then
    also reads a cache the grader did not make (an rnn_backward that rebuilds
    each step's cache from its own forward cache): the step is the one whose
    input x[:, t] the cache holds.
    """

    EPS = 1e-6

    def __init__(self, own_forward: Callable[..., Any] | None, sequence: dict[str, np.ndarray], feed_back: bool) -> None:
        self.own_forward = own_forward
        self.feed_back = feed_back
        self.x, self.Wx, self.Wh, self.b = sequence["x"], sequence["Wx"], sequence["Wh"], sequence["b"]
        self.states = [sequence["h0"]]  # states[t]: the h_prev of step t
        for t in range(self.x.shape[1]):
            self.states.append(self.formula(self.x[:, t], self.states[t], self.Wx, self.Wh, self.b))
        self.h_prev = sequence["h0"]

    @staticmethod
    def formula(x, h_prev, Wx, Wh, b):  # noqa: ANN001, ANN205
        return np.tanh(x @ Wx + h_prev @ Wh + b)

    def step_of(self, value: object) -> int | None:
        """The time step t whose input x[:, t] equals ``value``, if exactly one does."""
        if not isinstance(value, np.ndarray) or value.shape != self.x[:, 0].shape:
            return None
        found = [t for t in range(self.x.shape[1]) if np.array_equal(value, self.x[:, t])]
        return found[0] if len(found) == 1 else None

    def forward(self, x, h_prev, Wx, Wh, b):  # noqa: ANN001, ANN201
        if self.feed_back:
            t = self.step_of(np.asarray(x))
            h_prev = self.states[t] if t is not None else self.h_prev
        h_next = self.formula(x, h_prev, Wx, Wh, b)
        self.h_prev = h_next
        return h_next, StepCache(self._own_cache(x, h_prev, Wx, Wh, b, h_next), (x, h_prev, Wx, Wh, b))

    def _own_cache(self, x, h_prev, Wx, Wh, b, h_next):  # noqa: ANN001, ANN202
        out = None
        if self.own_forward is not None:
            try:
                out = self.own_forward(x, h_prev, Wx, Wh, b)
            except Exception:  # the notebook's step forward is judged by its own checks
                out = None
        if isinstance(out, tuple) and len(out) == 2 and out[1] is not None:
            return out[1]
        return (x, h_prev, Wx, Wh, h_next)

    def backward(self, dh_next, cache):  # noqa: ANN001, ANN201
        grads = central_differences(self.formula, list(self._inputs_of(cache)), dh_next, self.EPS)
        dx, dh_prev, dWx, dWh, db = grads
        return dx, dh_prev, dWx, dWh, db

    def _inputs_of(self, cache: object) -> tuple[np.ndarray, ...]:
        if isinstance(cache, StepCache):
            return cache.inputs
        if self.feed_back:
            steps = {t for array in _arrays_in(cache) for t in (self.step_of(array), self.step_of(array.T)) if t is not None}
            if len(steps) == 1:
                t = steps.pop()
                return self.x[:, t], self.states[t], self.Wx, self.Wh, self.b
        raise IsolationUnavailable(
            "the grader's rnn_step_backward could not tell which time step the cache it was given belongs to"
        )


@contextmanager
def grader_steps(h: Harvest, sequence: dict[str, np.ndarray], feed_back: bool) -> Iterator[None]:
    """Swap the notebook's step functions for the grader's while the block runs."""
    student = h.student
    names = ("rnn_step_forward", "rnn_step_backward")
    saved = {name: student.__dict__[name] for name in names if name in student.__dict__}
    own_forward = saved.get("rnn_step_forward")
    grader = GraderStep(own_forward if callable(own_forward) else None, sequence, feed_back)
    student.rnn_step_forward = grader.forward
    student.rnn_step_backward = grader.backward
    try:
        yield
    finally:
        for name in names:
            if name in saved:
                setattr(student, name, saved[name])
            else:
                delattr(student, name)


Run = tuple[dict[str, np.ndarray], Callable[[], tuple], tuple[str, ...]]  # (sequence probe, run, value names)


def both_ways(h: Harvest, runs: list[Run], feed_back: bool) -> None:
    """Save each run's values as written (``own_<name>``) and with the grader's step functions (``isolated_<name>``).

    The step's JSON says, per way and value name, why it is missing (null: saved).
    A way that raises is recorded, not fatal, so one working way is enough for
    stage 2; when nothing could be saved, the step fails with the first error of
    the notebook as written.
    """
    report: dict[str, dict[str, str | None]] = {}
    first_error: Exception | None = None
    for way in ("own", "isolated"):
        report[way] = {}
        for sequence, run, names in runs:
            try:
                if way == "own":
                    values = run()
                else:
                    with grader_steps(h, sequence, feed_back):
                        values = run()
            except Exception as err:  # student code may raise anything; timeouts are not Exceptions
                first_error = first_error or err
                report[way].update(dict.fromkeys(names, _message(err)))
                continue
            report[way].update(_save_values(h, way, names, values))
    h.save_json(report)
    if first_error is not None and all(problem for way in report.values() for problem in way.values()):
        raise first_error


def _save_values(h: Harvest, prefix: str, names: tuple[str, ...], values: tuple) -> dict[str, str | None]:
    """Save each value that is numeric; return, per name, why it could not be saved (None: saved)."""
    problems: dict[str, str | None] = {}
    for name, value in zip(names, values, strict=True):
        try:
            h.save_arrays(**{f"{prefix}_{name}": value})
            problems[name] = None
        except BadOutput as err:
            problems[name] = f"{name} is None, not a numeric numpy array" if value is None else str(err)
    return problems


def _kind(value: object) -> str:
    return "None" if value is None else type(value).__name__


def save_parts(h: Harvest, backward: bool) -> None:
    """The notebook's own parts on the step and sequence probes (``part_*``), for stage 2 to judge.

    rnn_step_forward always; with ``backward`` also rnn_step_backward and rnn_forward,
    which an rnn_backward run as written relies on. A part that fails is simply not saved.
    """
    p = probes.step(h.seed)
    try:
        h_next, cache = _tuple_of(h.call("rnn_step_forward", p["x"], p["h_prev"], p["Wx"], p["Wh"], p["b"]), 2, "rnn_step_forward")
        h.save_arrays(part_h_next=h_next)
        if backward:
            grads = _tuple_of(h.call("rnn_step_backward", p["dh_next"], cache), 5, "rnn_step_backward")
            h.save_arrays(**{f"part_{n}": g for n, g in zip(STEP_GRADS, grads, strict=True)})
    except Exception:  # judged by the step checks; here it only means "not right"
        pass
    if backward:
        s = probes.sequence(h.seed)
        try:
            hs, _ = _tuple_of(h.call("rnn_forward", s["x"], s["h0"], s["Wx"], s["Wh"], s["b"]), 2, "rnn_forward")
            h.save_arrays(part_h=hs)
        except Exception:
            pass


# -- steps ------------------------------------------------------------------------


@step("contract")
def contract(h: Harvest) -> None:
    """Call each function once, as written, and record what kind of values come back (or why they did not)."""
    kinds: dict[str, Any] = {}

    def call(name: str, *args: Any) -> object:
        try:
            out = h.call(name, *args)
        except Exception as err:  # recorded per function, so one failure does not hide the others
            kinds[name] = {"error": _message(err)}
            return None
        kinds[name] = _describe(out)
        return out

    def cache_of(out: object) -> object:
        return out[1] if isinstance(out, tuple) and len(out) == 2 else None

    p = probes.step(h.seed)
    cache = cache_of(call("rnn_step_forward", p["x"], p["h_prev"], p["Wx"], p["Wh"], p["b"]))
    if cache is not None:
        call("rnn_step_backward", p["dh_next"], cache)
    s = probes.sequence(h.seed)
    cache = cache_of(call("rnn_forward", s["x"], s["h0"], s["Wx"], s["Wh"], s["b"]))
    if cache is not None:
        call("rnn_backward", s["dh"], cache)
    grads, max_norm = probes.clipping(h.seed, "over")
    call("clip_by_global_norm", [g.copy() for g in grads], max_norm)
    h.save_json(kinds)


def _describe(value: object) -> dict[str, Any] | str:
    """A tuple's values as plain data: their kind, and whether arrays are all zeros and numbers positive."""
    if not isinstance(value, tuple):
        return _kind(value)
    return {"values": [_describe_one(v) for v in value]}


def _describe_one(value: object) -> dict[str, Any]:
    if isinstance(value, np.ndarray) and value.shape != ():
        numeric = value.dtype.kind in "biuf"
        return {"kind": "ndarray", "zeros": bool(numeric and not np.any(value))}
    if isinstance(value, (int, float, np.number, np.ndarray)) and not isinstance(value, (bool, np.bool_)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return {"kind": _kind(value)}
        return {"kind": "number", "positive": bool(np.isfinite(number) and number > 0)}
    if isinstance(value, (list, tuple)):
        arrays = all(isinstance(v, np.ndarray) for v in value)
        zeros = arrays and all(v.dtype.kind in "biuf" and not np.any(v) for v in value)
        return {"kind": "list", "arrays": arrays, "zeros": bool(zeros), "count": len(value)}
    return {"kind": _kind(value)}


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
    h.save_arrays(h_next=h_next, **dict(zip(STEP_GRADS, grads, strict=True)))


@step("rnn_forward")
def rnn_forward(h: Harvest) -> None:
    s = probes.sequence(h.seed)

    def run() -> tuple:
        hs, _ = _tuple_of(h.call("rnn_forward", s["x"], s["h0"], s["Wx"], s["Wh"], s["b"]), 2, "rnn_forward")
        return (hs,)

    both_ways(h, [(s, run, ("h",))], feed_back=False)
    save_parts(h, backward=False)


def _backward_run(h: Harvest, inputs: dict[str, np.ndarray], only_dx: bool = False) -> Callable[[], tuple]:
    def run() -> tuple:
        forward = h.call("rnn_forward", inputs["x"], inputs["h0"], inputs["Wx"], inputs["Wh"], inputs["b"])
        _, cache = _tuple_of(forward, 2, "rnn_forward")
        grads = _tuple_of(h.call("rnn_backward", inputs["dh"], cache), 5, "rnn_backward")
        return grads[:1] if only_dx else grads

    return run


@step("rnn_backward")
def rnn_backward(h: Harvest) -> None:
    s = probes.sequence(h.seed)
    both_ways(h, [(s, _backward_run(h, s), BPTT_GRADS)], feed_back=True)
    save_parts(h, backward=True)


@step("long_range")
def long_range(h: Harvest) -> None:
    """dx at every step when only the last state has a loss, for small and large Wh."""
    runs = []
    for setting in probes.LONG_RANGE_SCALES:
        inputs = probes.long_range(h.seed, setting)
        runs.append((inputs, _backward_run(h, inputs, only_dx=True), (f"dx_{setting}",)))
    both_ways(h, runs, feed_back=True)
    save_parts(h, backward=True)


@step("clipping")
def clipping(h: Harvest) -> None:
    saved, kinds = {}, {}
    for case in probes.CLIP_CASES:
        grads, max_norm = probes.clipping(h.seed, case)
        passed = [g.copy() for g in grads]
        clipped, norm = _tuple_of(h.call("clip_by_global_norm", passed, max_norm), 2, "clip_by_global_norm")
        if not isinstance(clipped, (list, tuple)) or len(clipped) != len(grads):
            raise BadOutput(
                f"clip_by_global_norm should return a list of {len(grads)} arrays as its first value "
                f"(one per array it was given), but it returned {_kind(clipped)}"
                + (f" of {len(clipped)}" if isinstance(clipped, (list, tuple)) else "")
            )
        for i, (array, after) in enumerate(zip(clipped, passed, strict=True)):
            saved[f"{case}_clipped_{i}"] = array
            saved[f"{case}_input_after_{i}"] = after
        kinds[case] = _describe_one(norm)
        if kinds[case]["kind"] == "number":
            saved[f"{case}_norm"] = np.asarray(float(norm), dtype=np.float64)
    h.save_arrays(**{k: as_numeric_array(v, k) for k, v in saved.items()})
    h.save_json(kinds)
