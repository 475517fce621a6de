"""Null variants of independent functions share a grading; dependent ones never do."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.intake import extract
from autograder.labspec import LabSpec, available_labs, load_lab
from autograder.notebooks import solution_notebook, write_notebook
from autograder.nulls import NullGroup, group_null_variants, null_variants
from autograder.student_ids import safe_student_id


def groups_of(lab: LabSpec, tmp_path: Path) -> list[NullGroup]:
    reference = extract(write_notebook(solution_notebook(lab), tmp_path / "reference.ipynb"))
    return group_null_variants(lab, null_variants(lab), reference)


def test_a_function_is_never_grouped_with_one_its_checks_reach(tmp_path: Path) -> None:
    """densenet: dense_block calls dense_layer; nulling both at once would hide dense_block's own failure."""
    lab = load_lab("densenet")
    for group in groups_of(lab, tmp_path):
        functions = {m.function for m in group.members}
        assert not {"dense_layer", "dense_block"} <= functions, group.name
        assert not {"dense_block", "build_densenet"} <= functions, group.name
        assert len(functions) == len(group.members), f"two nulls of one function in {group.name}"


@pytest.mark.parametrize("lab_id", available_labs())
def test_every_null_variant_is_graded_once(lab_id: str, tmp_path: Path) -> None:
    lab = load_lab(lab_id)
    variants = null_variants(lab)
    groups = groups_of(lab, tmp_path)
    assert sorted(m.name for g in groups for m in g.members) == sorted(v.name for v in variants)
    for group in groups:
        assert set(group.must_fail) == {c for m in group.members for c in m.must_fail}
        graded_as = f"{group.name}-seed0"  # validate's folder for the group
        assert safe_student_id(graded_as) == graded_as, graded_as


def test_independent_functions_share_a_grading(tmp_path: Path) -> None:
    """vgg16_transfer's preprocess and build_model reach nothing of each other: one notebook for both."""
    lab = load_lab("vgg16_transfer")
    groups = groups_of(lab, tmp_path)
    assert len(groups) < len(null_variants(lab))
    assert any({"preprocess", "build_model"} <= {m.function for m in g.members} for g in groups)
