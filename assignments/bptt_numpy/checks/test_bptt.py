"""Hidden checks of the bptt_numpy lab.

Every check is null-proof: a function that returns None, hands its input back
unchanged or returns zeros fails every check of that function (``autograder
validate`` proves it with its null variants).
"""

from __future__ import annotations

import numpy as np
import pytest

from assignments.bptt_numpy.checks.helpers import (
    STEP_GRADS,
    Way,
    backward_parts,
    forward_parts,
    forward_problem,
    judge,
    step_backward_problem,
    step_forward_problem,
    ways,
)
from assignments.bptt_numpy.harvest import probes
from autograder.checking import check, rel_error
from autograder.checking.compare import assert_shape

BPTT_GRADS = ("dx", "dh0", "dWx", "dWh", "db")
DOCUMENTED = {
    "rnn_step_forward": ("h_next", "cache"),
    "rnn_step_backward": STEP_GRADS,
    "rnn_forward": ("h", "cache"),
    "rnn_backward": BPTT_GRADS,
    "clip_by_global_norm": ("clipped", "global_norm"),
}


def _contract_problems(function: str, found: object) -> list[str]:
    names = DOCUMENTED[function]
    documented = f"({', '.join(names)})"
    if found is None:
        before = {"rnn_step_backward": "rnn_step_forward", "rnn_backward": "rnn_forward"}[function]
        return [f"{function} could not be called: {before} gave it no cache"]
    if isinstance(found, dict) and "error" in found:
        return [f"{function} failed: {found['error']}"]
    if isinstance(found, str):
        return [f"{function} should return a tuple {documented}, but it returned {found}"]
    values = found["values"]
    if len(values) != len(names):
        return [f"{function} should return a tuple {documented}, but it returned a tuple of {len(values)} values"]
    problems = []
    for name, value in zip(names, values, strict=True):
        kind = value["kind"]
        if name == "cache" and kind == "None":
            problems.append(f"{function}'s cache is None; it should hold what the backward pass needs")
        elif name == "clipped" and not (kind == "list" and value["arrays"]):
            problems.append(f"clip_by_global_norm's clipped should be a list of numpy arrays, but it is a {kind}")
        elif name == "global_norm" and not (kind == "number" and value["positive"]):
            found_text = "0 or a negative number" if kind == "number" else kind
            problems.append(f"clip_by_global_norm's global_norm should be the norm of the gradients before clipping (a positive number), but it is {found_text}")
        elif name not in ("cache", "clipped", "global_norm") and kind != "ndarray":
            problems.append(f"{function}'s {name} should be a numpy array, but it is {kind}")
    arrays = [v for name, v in zip(names, values, strict=True) if name not in ("cache", "global_norm")]
    if not problems and all(v.get("zeros") for v in arrays):
        problems.append(f"{function} returns only zeros for inputs where the answer is not zero: is it implemented yet?")
    return problems


@check("returns_documented_types")
def test_returns_documented_types(artifacts):
    found = artifacts.json("contract")
    problems = [p for function in DOCUMENTED for p in _contract_problems(function, found.get(function))]
    assert not problems, "\n".join(problems)


def _not_all_zeros(name: str, array: np.ndarray, function: str) -> None:
    assert np.any(array), (
        f"{name} is all zeros, which it is not for the grader's inputs: is {function} implemented yet?"
    )


@check("step_forward_shapes")
def test_step_forward_shapes(artifacts, step_probe):
    h_next = artifacts.array("step_forward", "h_next")
    assert_shape("h_next", h_next, step_probe["h_prev"].shape)
    _not_all_zeros("h_next", h_next, "rnn_step_forward")


@check("step_forward_values")
def test_step_forward_values(artifacts, reference, seed):
    problem = step_forward_problem(artifacts.array("step_forward", "h_next"), reference, seed)
    assert problem is None, problem


@check("step_backward_values")
def test_step_backward_values(artifacts, reference, seed):
    """Judged at the true h_next or at the notebook's own one, so a forward bug is not counted twice."""
    found = artifacts.arrays("step_backward")
    problem = step_backward_problem({n: found[n] for n in STEP_GRADS if n in found}, found.get("h_next"), reference, seed)
    assert problem is None, problem


@check("rnn_forward_shapes")
def test_rnn_forward_shapes(artifacts, reference, seed, sequence_probe):
    N, T, _ = sequence_probe["x"].shape
    H = sequence_probe["h0"].shape[1]

    def evaluate(way: Way) -> None:
        h = way.value("h")
        assert_shape("h (every hidden state)", h, (N, T, H))
        _not_all_zeros("h", h, "rnn_forward")

    judge(ways(artifacts, "rnn_forward", reference, seed, forward_parts), evaluate)


@check("rnn_forward_values")
def test_rnn_forward_values(artifacts, reference, seed):
    def evaluate(way: Way) -> None:
        problem = forward_problem(way.value("h"), reference, seed)
        assert problem is None, problem

    judge(ways(artifacts, "rnn_forward", reference, seed, forward_parts), evaluate)


#: Calibrated (`autograder validate bptt_numpy`, seeds 0-4): the reference and every correct
#: alternative match these central differences (eps 1e-6) to 5.0e-07 at worst (dx, seed 2;
#: 2.3e-10 at best); graded through the grader's numerical step functions (isolation), 2.2e-07 at
#: worst. The known BPTT mistakes and null variants give 1.0. 1e-5 leaves a 20x margin above the
#: correct family and 5 orders of magnitude below the mistakes.
GRADIENT_CHECK_TOLERANCE = 1e-5


def _gradient_check(artifacts, reference, seed, sequence_numeric, metrics, returned: str, numeric: str, hint: str) -> None:
    expected = sequence_numeric[numeric]

    def evaluate(way: Way) -> None:
        found = way.value(returned)
        assert_shape(returned, found, expected.shape)
        error = rel_error(found, expected)
        metrics.setdefault(f"gradcheck_rel_error_{returned}", error)
        assert error < GRADIENT_CHECK_TOLERANCE, (
            f"{returned} fails the numerical gradient check: relative error {error:.1e} "
            f"(allowed {GRADIENT_CHECK_TOLERANCE:.0e}). {hint}"
        )

    judge(ways(artifacts, "rnn_backward", reference, seed, backward_parts), evaluate)


@check("rnn_backward_dx")
def test_rnn_backward_dx(artifacts, reference, seed, sequence_numeric, metrics):
    _gradient_check(artifacts, reference, seed, sequence_numeric, metrics, "dx", "x",
                    "At every t, the gradient flowing into step t is dh[:, t] plus what flows back from step t + 1.")


@check("rnn_backward_dh0")
def test_rnn_backward_dh0(artifacts, reference, seed, sequence_numeric, metrics):
    _gradient_check(artifacts, reference, seed, sequence_numeric, metrics, "dh0", "h0",
                    "dh0 is the dh_prev that comes out of step 0.")


@check("rnn_backward_dWx")
def test_rnn_backward_dWx(artifacts, reference, seed, sequence_numeric, metrics):
    _gradient_check(artifacts, reference, seed, sequence_numeric, metrics, "dWx", "Wx",
                    "Wx is shared by every step: add up its gradient over all T steps.")


@check("rnn_backward_dWh")
def test_rnn_backward_dWh(artifacts, reference, seed, sequence_numeric, metrics):
    _gradient_check(artifacts, reference, seed, sequence_numeric, metrics, "dWh", "Wh",
                    "Wh is shared by every step: add up its gradient over all T steps.")


@check("rnn_backward_db")
def test_rnn_backward_db(artifacts, reference, seed, sequence_numeric, metrics):
    _gradient_check(artifacts, reference, seed, sequence_numeric, metrics, "db", "b",
                    "b is shared by every step: add up its gradient over all T steps.")


#: Per-step gradient norms against the reference's analytic BPTT: 1.9e-16 at worst for the correct
#: family, 5.1e-10 through the grader's numerical step backward; 1.0 for a backward that drops dh_prev.
FLOW_TOLERANCE = 1e-6


@check("gradient_flow_through_time")
@pytest.mark.parametrize("setting", ["small", "large"])
def test_gradient_flow_through_time(artifacts, reference, seed, setting, metrics):
    """With the loss on the last state only, the gradient must still reach every earlier step."""
    p = probes.long_range(seed, setting)
    _, cache = reference.rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    expected = reference.rnn_backward(p["dh"], cache)[0]
    norms_expected = np.linalg.norm(expected, axis=(0, 2))
    T = len(norms_expected)

    def evaluate(way: Way) -> None:
        found = way.value(f"dx_{setting}")
        assert_shape(f"dx ({setting} Wh)", found, expected.shape)
        norms_found = np.linalg.norm(found, axis=(0, 2))
        error = rel_error(norms_found, norms_expected)
        metrics.setdefault(f"long_range_rel_error_{setting}", error)
        assert error < FLOW_TOLERANCE, (
            f"with Wh = {probes.LONG_RANGE_SCALES[setting]} x an orthogonal matrix and a loss on the last state only, "
            f"|dx[:, t]| should go {norms_expected[-1]:.3g} (t={T - 1}) -> {norms_expected[T // 2]:.3g} (t={T // 2}) "
            f"-> {norms_expected[0]:.3g} (t=0), but it goes {norms_found[-1]:.3g} -> {norms_found[T // 2]:.3g} -> "
            f"{norms_found[0]:.3g}. Does dh_prev from step t + 1 flow into step t?"
        )

    judge(ways(artifacts, "long_range", reference, seed, backward_parts), evaluate)


#: Clipped arrays against g * max_norm / global_norm, seeds 0-4: the reference 0, TensorFlow's formula
#: 1.1e-16, PyTorch's (max_norm / (norm + 1e-6)) 5.6e-08 at worst; per-array and element-wise clipping
#: 0.11 at best. Under max_norm, clip_keeps_when_under allows 1e-12 (TensorFlow's scale is 1 - 1e-16).
CLIP_TOLERANCE = 1e-6
#: The returned global norm against the L2 norm of every array together (summation order only).
NORM_TOLERANCE = 1e-9


def _norm_of(found: dict[str, np.ndarray], kinds: dict, case: str) -> float:
    """The global norm clip_by_global_norm returned for ``case``, asserted to be a positive number."""
    kind = kinds.get(case, {}).get("kind")
    if kind != "number":
        raise AssertionError(
            f"clip_by_global_norm returned {kind or 'nothing'} as the global norm; it should return the L2 norm "
            "of all the arrays together, measured before clipping"
        )
    norm = float(found[f"{case}_norm"])
    assert np.isfinite(norm) and norm > 0, (
        f"clip_by_global_norm returned {norm:g} as the global norm of non-zero gradients; it should be their "
        "L2 norm, measured before clipping"
    )
    return norm


def _clipped(found: dict[str, np.ndarray], case: str, grads: list[np.ndarray]) -> list[np.ndarray]:
    clipped = [found[f"{case}_clipped_{i}"] for i in range(len(grads))]
    for i, (array, g) in enumerate(zip(clipped, grads, strict=True)):
        assert_shape(f"clipped[{i}]", array, g.shape)
    return clipped


@check("clip_scales_when_over")
def test_clip_scales_when_over(artifacts, seed):
    found, kinds = artifacts.arrays("clipping"), artifacts.json("clipping")
    for case in ("over", "over_many"):
        grads, max_norm = probes.clipping(seed, case)
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        returned = _norm_of(found, kinds, case)
        assert abs(returned - norm) <= NORM_TOLERANCE * norm, (
            f"with {len(grads)} arrays, the global norm returned should be {norm:.6g} (the L2 norm of all arrays "
            f"together, before clipping), got {returned:.6g}"
        )
        scale = max_norm / norm
        for i, (array, g) in enumerate(zip(_clipped(found, case, grads), grads, strict=True)):
            error = rel_error(array, g * scale)
            assert error < CLIP_TOLERANCE, (
                f"with {len(grads)} arrays and max_norm = {max_norm:.4g}: clipped[{i}] should be grads[{i}] * "
                f"max_norm / global_norm = grads[{i}] * {scale:.4g}, every array scaled by the same factor so the "
                f"direction is kept (relative error {error:.1e})"
            )


@check("clip_keeps_when_under")
def test_clip_keeps_when_under(artifacts, seed):
    found, kinds = artifacts.arrays("clipping"), artifacts.json("clipping")
    grads, max_norm = probes.clipping(seed, "under")
    _norm_of(found, kinds, "under")
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    for i, (array, g) in enumerate(zip(_clipped(found, "under", grads), grads, strict=True)):
        assert rel_error(array, g) < 1e-12, (
            f"clipped[{i}] changed although the global norm ({norm:.4g}) was below max_norm ({max_norm:.4g}): "
            "below max_norm the gradients should come back as they were"
        )


@check("clip_does_not_mutate")
def test_clip_does_not_mutate(artifacts, seed):
    found, kinds = artifacts.arrays("clipping"), artifacts.json("clipping")
    for case in probes.CLIP_CASES:
        grads, _ = probes.clipping(seed, case)
        _norm_of(found, kinds, case)  # a function that does nothing earns nothing for leaving its input alone
        clipped = _clipped(found, case, grads)
        assert any(np.any(c) for c in clipped), (
            "clip_by_global_norm returned only zeros, so there is nothing to credit for leaving its input alone"
        )
        for i, g in enumerate(grads):
            assert np.array_equal(found[f"{case}_input_after_{i}"], g), (
                f"clip_by_global_norm modified its input grads[{i}] in place; return new arrays instead "
                "(g * scale, not g *= scale)"
            )
