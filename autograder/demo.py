"""``autograder demo``: release each lab, grade a demo class, print the table."""

from __future__ import annotations

from pathlib import Path

from autograder.batch import grade_all, summary_text
from autograder.grading import GradeOptions
from autograder.labspec import available_labs, load_lab
from autograder.notebooks import (
    mistake_files,
    released_notebook,
    solution_notebook,
    variant_notebook,
    write_notebook,
)
from autograder.submissions import Submission


def demo_class(lab_id: str, folder: Path) -> list[Submission]:
    """A class of notebooks: the reference, the untouched release, and each known mistake."""
    lab = load_lab(lab_id)
    submissions = [
        Submission("reference", write_notebook(solution_notebook(lab), folder / "reference.ipynb")),
        Submission("untouched-release", write_notebook(released_notebook(lab), folder / "untouched-release.ipynb")),
    ]
    for mistake in mistake_files(lab):
        notebook = variant_notebook(lab, mistake.read_text())
        submissions.append(Submission(mistake.stem, write_notebook(notebook, folder / f"{mistake.stem}.ipynb")))
    return submissions


def run_demo(out: Path, labs: list[str] | None = None, workers: int = 2, sandbox: str = "bwrap") -> int:
    for lab_id in labs or available_labs():
        lab = load_lab(lab_id)
        released = write_notebook(released_notebook(lab), out / "release" / f"{lab.id}.ipynb")
        print(f"\n== {lab.id}: released {released}")
        submissions = demo_class(lab.id, out / "submissions" / lab.id)
        results = grade_all(submissions, lab, out / "graded" / lab.id, GradeOptions(sandbox=sandbox), workers=workers)
        print(summary_text(results))
        print(f"grades: {out / 'graded' / lab.id / 'grades.csv'}")
    return 0
