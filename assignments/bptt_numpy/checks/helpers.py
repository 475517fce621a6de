"""Helpers of the bptt_numpy checks (stage 2 only): judging the notebook's parts, choosing how to grade a unit.

rnn_forward, rnn_backward and the long-range probe were harvested two ways:
as written (``own``) and with the grader's step functions in place of the
notebook's (``isolated``). A unit is graded as written when the parts it relies
on pass their own checks' criteria (computed here from the ``part_*`` arrays of
the same step); otherwise on the isolated run, and if that could not run either,
as written, saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from assignments.bptt_numpy.harvest import probes
from autograder.checking import rel_error
from autograder.checking.compare import assert_close

STEP_GRADS = ("dx", "dh_prev", "dWx", "dWh", "db")

#: rnn_step_forward and rnn_forward against the reference (float64, the same arithmetic: 0 measured).
FORWARD_TOLERANCE = 1e-8
#: rnn_step_backward against the reference (0 measured for the reference and every correct alternative).
STEP_BACKWARD_TOLERANCE = 1e-7


def _problem(assertion: Callable[[], None]) -> str | None:
    try:
        assertion()
    except AssertionError as err:
        return str(err)
    return None


def step_forward_problem(h_next: np.ndarray | None, reference: ModuleType, seed: int) -> str | None:
    """Why rnn_step_forward's h_next on the step probe is wrong (None: it is right)."""
    if h_next is None:
        return "rnn_step_forward did not return an h_next"
    p = probes.step(seed)
    expected, _ = reference.rnn_step_forward(p["x"], p["h_prev"], p["Wx"], p["Wh"], p["b"])
    return _problem(lambda: assert_close("h_next = tanh(x @ Wx + h_prev @ Wh + b)", h_next, expected, FORWARD_TOLERANCE))


def step_backward_problem(found: dict[str, np.ndarray], h_next: np.ndarray | None, reference: ModuleType, seed: int) -> str | None:
    """Why rnn_step_backward's five gradients on the step probe are wrong (None: right).

    Right means: the reference's gradients at the true h_next, or at the notebook's
    own h_next (the one its cache holds), so a bug of the forward step is not
    counted against the backward step too.
    """
    p = probes.step(seed)
    true_h_next, _ = reference.rnn_step_forward(p["x"], p["h_prev"], p["Wx"], p["Wh"], p["b"])
    candidates = [true_h_next]
    if h_next is not None and np.shape(h_next) == true_h_next.shape and np.all(np.isfinite(h_next)):
        candidates.append(h_next)
    first = None
    for candidate in candidates:
        expected = reference.rnn_step_backward(p["dh_next"], (p["x"], p["h_prev"], p["Wx"], p["Wh"], candidate))
        problems = {}
        for name, value in zip(STEP_GRADS, expected, strict=True):
            if name not in found:
                problems[name] = f"rnn_step_backward did not return {name}"
                continue
            problem = _problem(lambda f=found[name], v=value, n=name: assert_close(f"rnn_step_backward's {n}", f, v, STEP_BACKWARD_TOLERANCE))
            if problem:
                problems[name] = problem
        if not problems:
            return None
        if first is None:
            wrong = list(problems)
            first = (f"{', '.join(wrong)} are wrong. " if len(wrong) > 1 else "") + next(iter(problems.values()))
    return first


def forward_problem(h: np.ndarray | None, reference: ModuleType, seed: int) -> str | None:
    """Why rnn_forward's h on the sequence probe is wrong (None: right).

    Only the values are judged here: h laid out (T, N, H), or only the last state
    (N, H), is compared as it is laid out (the layout is rnn_forward_shapes's check).
    """
    if h is None:
        return "rnn_forward did not return h"
    s = probes.sequence(seed)
    expected, _ = reference.rnn_forward(s["x"], s["h0"], s["Wx"], s["Wh"], s["b"])
    N, T, H = expected.shape
    h = np.asarray(h)
    if h.shape == (T, N, H):
        h = h.transpose(1, 0, 2)
    elif h.shape == (N, H):
        return _problem(lambda: assert_close("the last hidden state h[:, -1]", h, expected[:, -1], FORWARD_TOLERANCE))
    if h.shape != expected.shape:
        return f"h should hold every hidden state, shape {expected.shape} (N, T, H), but it has shape {h.shape}"
    if not np.all(np.isfinite(h)):
        return "h contains NaN or infinite values"
    for t in range(T):
        error = rel_error(h[:, t], expected[:, t])
        if error >= FORWARD_TOLERANCE:
            return (
                f"h[:, {t}] is wrong (relative error {error:.1e}); "
                + ("the first step is already wrong: check tanh(x[:, 0] @ Wx + h0 @ Wh + b)" if t == 0 else
                   f"steps before {t} are right: is h[:, {t}] computed from h[:, {t - 1}] (not from h0)?")
            )
    return None


def forward_parts(arrays: dict[str, np.ndarray], reference: ModuleType, seed: int) -> dict[str, str]:
    """What rnn_forward relies on and fails its own check: the notebook's rnn_step_forward, with why."""
    problem = step_forward_problem(arrays.get("part_h_next"), reference, seed)
    return {"rnn_step_forward": problem} if problem else {}


def backward_parts(arrays: dict[str, np.ndarray], reference: ModuleType, seed: int) -> dict[str, str]:
    """What rnn_backward relies on and fails its own check: the step functions and rnn_forward, with why.

    Apart from forward_parts so that the public checks (forward only) need none of the backward's
    judges: the student kit holds only what the public checks use.
    """
    problems = forward_parts(arrays, reference, seed)
    h_next = arrays.get("part_h_next")
    grads = {n: arrays[f"part_{n}"] for n in STEP_GRADS if f"part_{n}" in arrays}
    problem = step_backward_problem(grads, h_next, reference, seed) if h_next is not None else "not run"
    if problem:
        problems["rnn_step_backward"] = problem
    problem = forward_problem(arrays.get("part_h"), reference, seed)
    if problem:
        problems["rnn_forward"] = problem
    return problems


PartsJudge = Callable[[dict[str, np.ndarray], ModuleType, int], dict[str, str]]


@dataclass
class Way:
    """One way a unit was run in stage 1: its values, why some are missing, and a note for the student."""

    name: str  # "own" or "isolated"
    values: dict[str, np.ndarray]
    missing: dict[str, str | None]
    note: str = ""
    parts: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> np.ndarray:
        if name in self.values:
            return self.values[name]
        raise AssertionError(self.missing.get(name) or f"{name} was not returned")


def ways(artifacts, step: str, reference: ModuleType, seed: int, parts_judge: PartsJudge) -> list[Way]:  # noqa: ANN001
    """How to grade the unit of ``step``: as written, or with the grader's step functions first.

    ``parts_judge`` (forward_parts or backward_parts) says which parts the unit relies on fail.
    """
    arrays = artifacts.arrays(step)
    report = artifacts.json(step)

    def way(name: str, note: str = "") -> Way:
        prefix = f"{name}_"
        values = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
        return Way(name, values, dict(report.get(name, {})), note)

    parts = parts_judge(arrays, reference, seed)
    if not parts:
        return [way("own")]
    names = " and ".join(f"`{p}`" for p in parts)
    fail = "fails its own check" if len(parts) == 1 else "fail their own checks"
    isolated = report.get("isolated", {})
    if any(problem is None for problem in isolated.values()):
        note = f"(Graded with the grader's step functions in place of yours, because your {names} {fail}.)"
        return [way("isolated", note), way("own")]
    reason = next((p for p in isolated.values() if p), "it did not run")
    note = (
        f"(Your {names} {fail}, and this could not run with the grader's step functions in place of yours "
        f"({reason.splitlines()[0]}), so it was graded with your own, including their mistakes.)"
    )
    return [way("own", note)]


def judge(candidates: list[Way], evaluate: Callable[[Way], None]) -> None:
    """Pass if ``evaluate`` passes on one of the ways; otherwise fail with the first way's reason and note."""
    failures = []
    for candidate in candidates:
        try:
            evaluate(candidate)
            return
        except AssertionError as err:
            failures.append(f"{err} {candidate.note}".strip())
    raise AssertionError(failures[0])
