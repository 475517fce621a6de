"""Student ids are never path components as given: hostile names a class really produces."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from helpers import reference_notebook

from autograder.batch import discover, grade_all
from autograder.feedback import markdown_text
from autograder.grading import GradeOptions, grade_submission
from autograder.labspec import load_lab
from autograder.student_ids import is_safe_student_id, safe_student_id

LAB = "bptt_numpy"
HOSTILE = [
    "..", ".", "...", ".hidden", "-rf", "a/b", "a\\b", "Alice Smith", "$(touch pwned)", "x;ls|cat`id`",
    "\u202egnp.exe", "zero\u200bwidth", "tab\there", "new\nline", "José", "Jose\u0301", "名字", "a" * 300, "",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_ids_are_plain_folder_names(name: str) -> None:
    student = safe_student_id(name)
    assert student and len(student) <= 80 and is_safe_student_id(student)
    assert not student.startswith((".", "-")) and "/" not in student and "\\" not in student
    assert all(unicodedata.category(ch)[0] != "C" for ch in student)
    assert all(ch.isalnum() or ch in "._-" for ch in student)
    assert student == safe_student_id(name), "stable"
    assert unicodedata.is_normalized("NFC", student)


def test_names_that_differ_get_different_ids() -> None:
    ids = {safe_student_id(n) for n in HOSTILE}
    assert len(ids) == len(HOSTILE) - 1  # only "José" in NFC and in NFD share one: they are one name
    assert safe_student_id("alice") == "alice" and safe_student_id("Alice Smith") != "Alice_Smith"


def test_two_files_for_one_id_are_an_error_that_names_both(tmp_path: Path) -> None:
    reference_notebook(LAB, tmp_path / "José.ipynb")
    reference_notebook(LAB, tmp_path / "Jose\u0301.ipynb")
    with pytest.raises(ValueError) as err:
        discover(tmp_path, LAB)
    assert "José.ipynb" in str(err.value) and "Jose\u0301.ipynb" in str(err.value)


def test_unsafe_ids_are_refused_by_grading(tmp_path: Path) -> None:
    notebook = reference_notebook(LAB, tmp_path / "n.ipynb")
    with pytest.raises(ValueError, match="not safe"):
        grade_submission(notebook, "..", load_lab(LAB), tmp_path / "out", GradeOptions())


def test_hostile_file_names_stay_inside_out(tmp_path: Path) -> None:
    subs, out = tmp_path / "subs", tmp_path / "class" / "out"
    names = ["..", "$(touch pwned) Ünï", "\u202egnp.exe"]
    for name in names:
        reference_notebook(LAB, subs / f"{name}.ipynb")
    # What the stale-folder cleanup once deleted, as root: OUT/../stage1 and OUT/../prepared.
    for sentinel in ("stage1", "prepared"):
        (tmp_path / "class" / sentinel).mkdir(parents=True)
        (tmp_path / "class" / sentinel / "keep.txt").write_text("not the grader's")
    results = grade_all(discover(subs, LAB), load_lab(LAB), out, GradeOptions(), workers=2, progress=False)
    assert sorted(r["student_name"] for r in results) == sorted(names)
    assert all(r["score"] == r["max_score"] for r in results), [(r["student_name"], r["score"]) for r in results]
    outside = sorted(p.name for p in (tmp_path / "class").iterdir())
    assert outside == ["out", "prepared", "stage1"]
    assert (tmp_path / "class" / "stage1" / "keep.txt").exists() and (tmp_path / "class" / "prepared" / "keep.txt").exists()
    assert not list(tmp_path.rglob("pwned"))
    for result in results:
        folder = out / result["student"]
        assert folder.parent == out and is_safe_student_id(folder.name)
        assert json.loads((folder / "results.json").read_text())["student_name"] == result["student_name"]
        header = (folder / "feedback.md").read_text().splitlines()[0]
        assert header.endswith(markdown_text(result["student_name"])) and "\u202e" not in header
