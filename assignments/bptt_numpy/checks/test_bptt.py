"""Hidden checks of the bptt_numpy lab."""

from __future__ import annotations

import numpy as np
import pytest

from assignments.bptt_numpy.harvest import probes
from autograder.checking import check, rel_error
from autograder.checking.compare import assert_close, assert_shape

EXPECTED_KINDS = {
    "rnn_step_forward": ["ndarray", "*"],
    "rnn_step_backward": ["ndarray"] * 5,
    "rnn_forward": ["ndarray", "*"],
    "rnn_backward": ["ndarray"] * 5,
    "clip_by_global_norm": ["list", "*"],
}


@check("returns_documented_types")
def test_returns_documented_types(artifacts):
    found = artifacts.json("contract")
    problems = []
    for function, expected in EXPECTED_KINDS.items():
        got = found.get(function)
        if got is None:
            problems.append(f"{function} could not be called (an earlier function failed)")
            continue
        ok = isinstance(got, list) and len(got) == len(expected) and all(e in ("*", g) or (e == "list" and g == "tuple") for e, g in zip(expected, got, strict=True))
        if not ok:
            problems.append(f"{function} should return a tuple ({', '.join(expected)}), but returned {got}")
    assert not problems, "; ".join(problems)


@check("step_forward_shapes")
def test_step_forward_shapes(artifacts, step_probe):
    h_next = artifacts.array("step_forward", "h_next")
    assert_shape("h_next", h_next, step_probe["h_prev"].shape)


@check("step_forward_values")
def test_step_forward_values(artifacts, reference, step_probe):
    p = step_probe
    expected, _ = reference.rnn_step_forward(p["x"], p["h_prev"], p["Wx"], p["Wh"], p["b"])
    assert_close("h_next = tanh(x @ Wx + h_prev @ Wh + b)", artifacts.array("step_forward", "h_next"), expected, 1e-8)


@check("step_backward_values")
def test_step_backward_values(artifacts, reference, step_probe):
    """Judged on the notebook's own h_next, so a forward bug is not counted twice."""
    p = step_probe
    found = artifacts.arrays("step_backward")
    h_next = found["h_next"]
    assert_shape("h_next", h_next, p["h_prev"].shape)
    cache = (p["x"], p["h_prev"], p["Wx"], p["Wh"], h_next)
    expected = reference.rnn_step_backward(p["dh_next"], cache)
    for name, value in zip(("dx", "dh_prev", "dWx", "dWh", "db"), expected, strict=True):
        assert_close(f"rnn_step_backward's {name}", found[name], value, 1e-7)


@check("rnn_forward_shapes")
def test_rnn_forward_shapes(artifacts, sequence_probe):
    N, T, _ = sequence_probe["x"].shape
    H = sequence_probe["h0"].shape[1]
    assert_shape("h (every hidden state)", artifacts.array("rnn_forward", "h"), (N, T, H))


@check("rnn_forward_values")
def test_rnn_forward_values(artifacts, reference, sequence_probe):
    p = sequence_probe
    expected, _ = reference.rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    found = artifacts.array("rnn_forward", "h")
    assert_shape("h", found, expected.shape)
    for t in range(expected.shape[1]):
        error = rel_error(found[:, t], expected[:, t])
        assert error < 1e-8, (
            f"h[:, {t}] is wrong (relative error {error:.1e}); "
            + ("the first step is already wrong: check tanh(x @ Wx + h0 @ Wh + b)" if t == 0 else
               f"steps before {t} are right: is h[:, {t}] computed from h[:, {t - 1}] (not from h0)?")
        )


#: Calibrated (`autograder validate bptt_numpy`, seeds 0-4): the reference's analytic
#: gradients match these central differences (eps 1e-6) to 2.4e-07 at worst (dx, seed 0;
#: every other gradient and seed 3.8e-10 to 2.4e-07). The known mistakes give 0.83 to 1.
#: 1e-5 leaves a 40x margin above the reference and 5 orders of magnitude below the mistakes.
GRADIENT_CHECK_TOLERANCE = 1e-5


def _gradient_check(artifacts, sequence_numeric, metrics, returned: str, numeric: str, hint: str) -> None:
    found = artifacts.array("rnn_backward", returned)
    expected = sequence_numeric[numeric]
    assert_shape(returned, found, expected.shape)
    error = rel_error(found, expected)
    metrics[f"gradcheck_rel_error_{returned}"] = error
    assert error < GRADIENT_CHECK_TOLERANCE, (
        f"{returned} fails the numerical gradient check: relative error {error:.1e} "
        f"(allowed {GRADIENT_CHECK_TOLERANCE:.0e}). {hint}"
    )


@check("rnn_backward_dx")
def test_rnn_backward_dx(artifacts, sequence_numeric, metrics):
    _gradient_check(artifacts, sequence_numeric, metrics, "dx", "x", "At every t, the gradient flowing into step t is dh[:, t] plus what flows back from step t + 1.")


@check("rnn_backward_dh0")
def test_rnn_backward_dh0(artifacts, sequence_numeric, metrics):
    _gradient_check(artifacts, sequence_numeric, metrics, "dh0", "h0", "dh0 is the dh_prev that comes out of step 0.")


@check("rnn_backward_dWx")
def test_rnn_backward_dWx(artifacts, sequence_numeric, metrics):
    _gradient_check(artifacts, sequence_numeric, metrics, "dWx", "Wx", "Wx is shared by every step: add up its gradient over all T steps.")


@check("rnn_backward_dWh")
def test_rnn_backward_dWh(artifacts, sequence_numeric, metrics):
    _gradient_check(artifacts, sequence_numeric, metrics, "dWh", "Wh", "Wh is shared by every step: add up its gradient over all T steps.")


@check("rnn_backward_db")
def test_rnn_backward_db(artifacts, sequence_numeric, metrics):
    _gradient_check(artifacts, sequence_numeric, metrics, "db", "b", "b is shared by every step: add up its gradient over all T steps.")


@check("gradient_flow_through_time")
@pytest.mark.parametrize("setting", ["small", "large"])
def test_gradient_flow_through_time(artifacts, reference, seed, setting, metrics):
    """With the loss on the last state only, the gradient must still reach every earlier step."""
    p = probes.long_range(seed, setting)
    _, cache = reference.rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
    expected = reference.rnn_backward(p["dh"], cache)[0]
    found = artifacts.array("long_range", f"dx_{setting}")
    assert_shape(f"dx ({setting} Wh)", found, expected.shape)
    norms_expected = np.linalg.norm(expected, axis=(0, 2))
    norms_found = np.linalg.norm(found, axis=(0, 2))
    error = rel_error(norms_found, norms_expected)
    metrics[f"long_range_rel_error_{setting}"] = error
    T = len(norms_expected)
    assert error < 1e-6, (
        f"with Wh = {probes.LONG_RANGE_SCALES[setting]} x an orthogonal matrix and a loss on the last state only, "
        f"|dx[:, t]| should go {norms_expected[-1]:.3g} (t={T - 1}) -> {norms_expected[T // 2]:.3g} (t={T // 2}) "
        f"-> {norms_expected[0]:.3g} (t=0), but it goes {norms_found[-1]:.3g} -> {norms_found[T // 2]:.3g} -> "
        f"{norms_found[0]:.3g}. Does dh_prev from step t + 1 flow into step t?"
    )


@check("clip_scales_when_over")
def test_clip_scales_when_over(artifacts, seed):
    grads, max_norm = probes.clipping(seed, over=True)
    found = artifacts.arrays("clipping")
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    assert abs(float(found["over_norm"]) - norm) <= 1e-9 * norm, (
        f"the global norm returned should be {norm:.6g} (the L2 norm of all arrays together), got {float(found['over_norm']):.6g}"
    )
    scale = max_norm / norm
    for i, g in enumerate(grads):
        clipped = found[f"over_clipped_{i}"]
        assert_shape(f"clipped[{i}]", clipped, g.shape)
        error = rel_error(clipped, g * scale)
        assert error < 1e-9, (
            f"clipped[{i}] should be grads[{i}] * max_norm / global_norm = grads[{i}] * {scale:.4g}, every array "
            f"scaled by the same factor so the direction is kept (relative error {error:.1e})"
        )


@check("clip_keeps_when_under")
def test_clip_keeps_when_under(artifacts, seed):
    grads, _ = probes.clipping(seed, over=False)
    found = artifacts.arrays("clipping")
    for i, g in enumerate(grads):
        clipped = found[f"under_clipped_{i}"]
        assert_shape(f"clipped[{i}]", clipped, g.shape)
        assert np.array_equal(clipped, g), f"clipped[{i}] changed although the global norm was below max_norm"


@check("clip_does_not_mutate")
def test_clip_does_not_mutate(artifacts, seed):
    found = artifacts.arrays("clipping")
    for tag, over in (("over", True), ("under", False)):
        grads, _ = probes.clipping(seed, over)
        for i, g in enumerate(grads):
            assert np.array_equal(found[f"{tag}_input_after_{i}"], g), (
                f"clip_by_global_norm modified its input grads[{i}] in place; return new arrays instead "
                "(g * scale, not g *= scale)"
            )
