"""The bptt_numpy lab grades valid designs in full, and a do-nothing function earns nothing.

Graded with the real pipeline (sandboxed stage 1, stage 2 on artifacts): an
rnn_backward that rebuilds each step's cache from its own forward cache used to
lose every BPTT check, because the grader's step-function stand-in refused
caches it had not made; a clip_by_global_norm that returned ``grads, None``
used to keep two checks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import outcomes, reference_plus

from assignments.bptt_numpy.harvest import probes
from assignments.bptt_numpy.harvest.plan import GraderStep, IsolationUnavailable
from autograder.batch import discover, grade_all
from autograder.grading import GradeOptions
from autograder.labspec import load_lab

LAB = "bptt_numpy"
MISTAKES = Path(__file__).resolve().parents[1] / "assignments" / LAB / "mistakes"

DOES_NOTHING_CLIP = "def clip_by_global_norm(grads, max_norm):\n    return grads, None\n"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    subs = tmp_path_factory.mktemp("subs")
    reference_plus(LAB, subs / "rebuilds_cache.ipynb", (MISTAKES / "correct_rebuilds_cache.py").read_text())
    reference_plus(LAB, subs / "tanh_rebuilt.ipynb", (MISTAKES / "tanh_derivative_rebuilt_cache.py").read_text())
    reference_plus(LAB, subs / "clip_does_nothing.ipynb", DOES_NOTHING_CLIP)
    out = tmp_path_factory.mktemp("out")
    results = grade_all(discover(subs, LAB), load_lab(LAB), out, GradeOptions(), workers=1, progress=False)
    return {r["student"]: r for r in results}


def test_rebuilt_step_caches_score_full_marks(graded: dict[str, dict]) -> None:
    result = graded["rebuilds_cache"]
    failed = {k: v for k, v in outcomes(result).items() if v != "passed"}
    assert result["status"] == "graded" and not failed, [c["message"] for c in result["checks"] if c["id"] in failed]
    assert result["score"] == result["max_score"] == load_lab(LAB).max_score


def test_step_bug_costs_its_own_check_even_with_rebuilt_caches(graded: dict[str, dict]) -> None:
    failed = {k for k, v in outcomes(graded["tanh_rebuilt"]).items() if v != "passed"}
    assert failed == {"step_backward_values"}


def test_clip_that_does_nothing_earns_nothing(graded: dict[str, dict]) -> None:
    result = graded["clip_does_nothing"]
    checks = {c["id"]: c for c in result["checks"]}
    for check_id in ("clip_scales_when_over", "clip_keeps_when_under", "clip_does_not_mutate", "returns_documented_types"):
        assert checks[check_id]["points"] == 0, check_id
        assert "None" in checks[check_id]["message"], checks[check_id]["message"]
    assert result["score"] == load_lab(LAB).max_score - 3


def test_grader_step_reads_a_cache_it_did_not_make() -> None:
    """The stand-in backward finds the step from the x[:, t] a rebuilt cache holds, and says so when it cannot."""
    sequence = probes.sequence(0)
    grader = GraderStep(None, sequence, feed_back=True)
    t = 2
    x_t, h_prev = sequence["x"][:, t], grader.states[t]
    dh_next = np.ones_like(h_prev)
    from_rebuilt = grader.backward(dh_next, {"x": x_t.copy(), "h": [h_prev, grader.states[t + 1]]})
    _, made = grader.forward(x_t, h_prev * 0, sequence["Wx"], sequence["Wh"], sequence["b"])  # fed the true state back
    from_made = grader.backward(dh_next, made)
    for a, b in zip(from_rebuilt, from_made, strict=True):
        np.testing.assert_allclose(a, b)
    with pytest.raises(IsolationUnavailable):
        grader.backward(dh_next, (h_prev, sequence["Wx"]))
