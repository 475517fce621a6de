"""Known mistakes of independent steps share one grading in ``validate``; each is still judged alone.

The grouping is read from the reference and the mistake files (no grading); one real validate of
char_rnn on seed 0 shows that a wrong declaration inside a group is still a disagreement, and
that its group mate is judged on its own checks only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.intake import extract
from autograder.labspec import available_labs, load_lab
from autograder.mistake_groups import group_mistakes, mistake_reach
from autograder.notebooks import (
    declared_failures,
    mistake_files,
    solution_notebook,
    variant_notebook,
    write_notebook,
)
from autograder.validate import validate_lab, validation_jobs


def reaches(lab_id: str, folder: Path) -> list:
    lab = load_lab(lab_id)
    reference = extract(write_notebook(solution_notebook(lab), folder / "reference.ipynb"))
    found = []
    for mistake in mistake_files(lab):
        declared = tuple(declared_failures(mistake))
        if declared:
            variant = extract(write_notebook(variant_notebook(lab, mistake.read_text()), folder / f"{mistake.stem}.ipynb"))
            found.append(mistake_reach(lab, mistake.stem, mistake, declared, "", reference, variant))
    return found


@pytest.mark.parametrize("lab_id", available_labs())
def test_members_of_a_group_touch_nothing_of_each_other(lab_id: str, tmp_path: Path) -> None:
    known = reaches(lab_id, tmp_path)
    groups = group_mistakes(known)
    assert sorted(m.name for g in groups for m in g.members) == sorted(m.name for m in known)
    for group in groups:
        for a in group.members:
            assert set(a.declared) <= a.checks or len(group.members) == 1, f"{a.name} is judged outside its reach"
            for b in group.members:
                if a is not b:
                    assert not (a.changed & b.changed or a.steps & b.steps or a.checks & b.checks), (a.name, b.name)


def test_two_mistakes_of_one_function_never_share(tmp_path: Path) -> None:
    groups = group_mistakes(reaches("char_rnn", tmp_path))
    for group in groups:
        changed = [name for m in group.members for name in m.changed]
        assert len(changed) == len(set(changed)), group.name
    assert max(len(g.members) for g in groups) > 1, "char_rnn's mistakes of vocab, sequences, model and sample share"


def test_a_group_member_is_judged_on_every_check_its_mates_cannot_reach(tmp_path: Path) -> None:
    lab = load_lab("char_rnn")
    mistakes = [lab.directory / "mistakes" / "vocab_unsorted.py", lab.directory / "mistakes" / "targets_not_shifted.py"]
    jobs = validation_jobs(
        lab, tmp_path, [0], alternative_seeds=[0], mistakes=mistakes, nulls=False, variants=None,
    )
    group = next(j for j in jobs if j.kind == "mistake")
    assert len(group.members) == 2
    vocab, targets = group.judged()
    every = {c.id for c in lab.checks}
    assert "targets_shifted" not in vocab.judged_on and "vocab_sorted_invertible" in vocab.judged_on
    assert "vocab_sorted_invertible" not in targets.judged_on and "targets_shifted" in targets.judged_on
    # the checks neither reaches (the model's, the sampler's) judge both
    assert every - set(vocab.judged_on) - set(targets.judged_on) == set()
    assert {"heldout_bpc", "sample_deterministic"} <= set(vocab.judged_on) & set(targets.judged_on)
    alone = validation_jobs(
        lab, tmp_path / "alone", [0], alternative_seeds=[0], mistakes=mistakes, nulls=False, variants=None,
        grouped=False,
    )
    assert [j.variant for j in alone if j.kind == "mistake"] == ["vocab_unsorted", "targets_not_shifted"]


def test_a_wrong_declaration_in_a_group_still_disagrees(tmp_path: Path) -> None:
    """Graded for real: the wrong one is caught, its group mate agrees on its own checks."""
    lab = load_lab("char_rnn")
    source = (lab.directory / "mistakes" / "targets_not_shifted.py").read_text()
    wrong = tmp_path / "targets_declared_wrong.py"
    wrong.write_text(source.replace("EXPECT_FAILED = [\"targets_shifted\"]", "EXPECT_FAILED = [\"windows_shapes\"]"))
    assert declared_failures(wrong) == ["windows_shapes"]
    report = validate_lab(
        lab, tmp_path / "out", seeds=[0], nulls=False,
        mistakes=[lab.directory / "mistakes" / "vocab_unsorted.py", wrong],
    )
    print(report.text())
    rows = {o.variant: o for o in report.outcomes}
    assert rows["reference"].agrees
    assert rows["vocab_unsorted"].agrees and rows["vocab_unsorted"].failed == ["vocab_sorted_invertible"]
    assert rows["vocab_unsorted"].graded_with == ["targets_declared_wrong"]
    assert not rows["targets_declared_wrong"].agrees
    assert rows["targets_declared_wrong"].failed == ["targets_shifted"]
    assert "vocab_sorted_invertible" not in rows["targets_declared_wrong"].messages
    assert not report.ok and "graded with: vocab_unsorted" in report.text()
