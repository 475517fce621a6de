"""Validate reuses only the reference steps that a mistake cannot change."""

from __future__ import annotations

from pathlib import Path

from helpers import reference_notebook, reference_plus

from autograder.intake import extract
from autograder.labspec import load_lab
from autograder.reuse import reusable_steps


def test_steps_reached_by_a_redefined_function_are_not_reused(tmp_path: Path) -> None:
    lab = load_lab("bptt_numpy")
    reference = extract(reference_notebook("bptt_numpy", tmp_path / "ref.ipynb"))
    patch = (lab.mistakes_dir / "tanh_derivative.py").read_text()
    variant = extract(reference_plus("bptt_numpy", tmp_path / "tanh.ipynb", patch))
    reused = set(reusable_steps(lab, reference, variant))
    # rnn_step_backward changed: every step that reaches it (rnn_backward calls it) runs again.
    assert {"step_backward", "rnn_backward", "long_range", "contract"}.isdisjoint(reused)
    assert {"step_forward", "rnn_forward", "clipping"} <= reused


def test_a_rebound_global_counts_as_a_change(tmp_path: Path) -> None:
    lab = load_lab("char_rnn")
    reference = extract(reference_notebook("char_rnn", tmp_path / "ref.ipynb"))
    unused = extract(reference_plus("char_rnn", tmp_path / "v.ipynb", "UNUSED_CONSTANT = 1\n"))
    assert reusable_steps(lab, reference, unused) == [s.name for s in lab.steps]
    rebound = extract(reference_plus("char_rnn", tmp_path / "w.ipynb", "np = 3\n"))
    reused = set(reusable_steps(lab, reference, rebound))
    assert "vocab" in reused  # build_vocab uses no numpy
    assert {"encode", "sequences", "sample_greedy"}.isdisjoint(reused)  # these reach `np`


def test_checks_of_reused_steps_take_the_reference_outcome(tmp_path: Path) -> None:
    """A mistake is checked again only where its steps ran: the other checks read the reference's files."""
    from autograder.validate import validate_lab

    lab = load_lab("bptt_numpy")
    mistake = lab.mistakes_dir / "tanh_derivative.py"
    report = validate_lab(lab, tmp_path / "out", seeds=[0], mistakes=[mistake], nulls=False)
    assert report.ok, report.text()
    row = next(o for o in report.outcomes if o.variant == mistake.stem)
    adopted = set(row.adopted_checks)
    # Exactly the checks that read only copied steps, and still part of its score.
    assert adopted == {c.id for c in lab.checks if set(c.needs) <= set(row.reused_steps)} and adopted
    assert row.max_score == sum(c.points for c in lab.checks)
    rerun = (tmp_path / "out" / "graded" / "tanh_derivative-seed0" / "stage2" / "checks.json").read_text()
    assert not [c for c in adopted if f'"{c}"' in rerun], "an adopted check ran again in stage 2"
    assert f"[{len(adopted)} checks as the reference's]" in report.text()
