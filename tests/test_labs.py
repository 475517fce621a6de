"""Every lab proves its checks both ways: ``autograder validate`` must agree for each.

The reference scores full marks on every calibration seed, the released stub
scores 0 with "not implemented" messages, each known mistake in
``assignments/<lab>/mistakes/`` fails exactly the checks it declares, each
declared correct alternative scores full marks (on the default seed here; the
calibration run takes every seed), and each null variant of each student
function (None, its input unchanged, zeros) scores 0 on that function's checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.describe import checks_table
from autograder.labspec import available_labs, load_lab
from autograder.notebooks import declared_failures, mistake_files
from autograder.validate import validate_lab

LABS = available_labs()


@pytest.mark.parametrize("lab_id", LABS)
def test_lab_validates(lab_id: str, tmp_path: Path) -> None:
    lab = load_lab(lab_id)
    assert len(mistake_files(lab)) >= 6, "every lab ships at least 6 known mistakes"
    # The lab's own notebooks are trusted: forked from one TensorFlow import (``fork``), which grades
    # to the same figures as bwrap (test_fork_backend.py) without two imports per grading.
    report = validate_lab(lab, tmp_path, workers=2, quick=True, sandbox="fork")
    print(report.text())
    assert report.ok, report.text()
    seeds = {o.seed for o in report.outcomes if o.variant == "reference"}
    assert seeds == set(lab.calibration_seeds) and len(seeds) >= 5
    stub = next(o for o in report.outcomes if o.variant == "stub")
    assert stub.score == 0
    assert all("not implemented" in m or "NotImplementedError" in m for m in stub.messages.values()), stub.messages
    alternatives = {o.variant for o in report.outcomes if o.kind == "alternative"}
    assert len(alternatives) >= 4, "every lab ships a family of declared correct alternatives (correct_*.py)"
    nulls = {o.variant.split("-")[1] for o in report.outcomes if o.kind == "null"}
    assert nulls == set(lab.student_functions()), "every student function has null variants"


@pytest.mark.parametrize("lab_id", LABS)
def test_lab_readme_lists_every_check(lab_id: str) -> None:
    lab = load_lab(lab_id)
    readme = (lab.directory / "README.md").read_text()
    missing = [c.id for c in lab.checks if f"`{c.id}`" not in readme]
    assert not missing, f"assignments/{lab_id}/README.md does not list {missing}; paste `autograder describe {lab_id}`"
    assert checks_table(lab).count("\n") == len(lab.checks) + 2


@pytest.mark.parametrize("lab_id", LABS)
def test_mistakes_declare_known_checks(lab_id: str) -> None:
    lab = load_lab(lab_id)
    ids = {c.id for c in lab.checks}
    for mistake in mistake_files(lab):
        declared = declared_failures(mistake)  # [] declares a correct alternative that must pass everything
        assert set(declared) <= ids, f"{mistake.name} declares unknown checks {set(declared) - ids}"
        assert len(declared) < len(ids), f"{mistake.name} fails everything: it isolates nothing"


def test_validate_reports_a_wrong_declaration(tmp_path: Path) -> None:
    """A mistake that fails other checks than it declares is a disagreement (exit non-zero)."""
    wrong = tmp_path / "declares_the_wrong_check.py"
    wrong.write_text(
        '"""Clipping in place, declared as a forward mistake."""\n\n'
        'EXPECT_FAILED = ["rnn_forward_values"]\n\n\n'
        "def clip_by_global_norm(grads, max_norm):\n"
        "    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))\n"
        "    for g in grads:\n"
        "        g *= min(1.0, max_norm / norm)\n"
        "    return grads, norm\n"
    )
    report = validate_lab(load_lab("bptt_numpy"), tmp_path / "out", seeds=[0], mistakes=[wrong], nulls=False)
    assert not report.ok
    row = next(o for o in report.outcomes if o.variant == wrong.stem)
    assert row.failed == ["clip_does_not_mutate"] and not row.agrees
    assert "DISAGREEMENT" in report.text()
