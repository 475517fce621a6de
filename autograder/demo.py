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
    labs = labs or available_labs()
    for lab_id in labs:
        lab = load_lab(lab_id)
        from autograder.kit.release import kit_summary, release_folder

        release = release_folder(lab, out / "release" / lab.id, sandbox=sandbox)
        print(f"\n== {lab.id}: released {release.notebook}")
        if release.kit is not None:
            print(kit_summary(release.kit))
        submissions = demo_class(lab.id, out / "submissions" / lab.id)
        results = grade_all(submissions, lab, out / "graded" / lab.id, GradeOptions(sandbox=sandbox), workers=workers)
        print(summary_text(results))
        print(f"grades: {out / 'graded' / lab.id / 'grades.csv'}")
    return _demo_report(out, labs)


def _demo_report(out: Path, labs: list[str]) -> int:
    """The demo ends with the class report of the demo class (and every student's feedback page)."""
    from autograder.reports.command import run_report

    print("\n== reports")
    files = run_report(None, out / "report", labs=labs, results=[str(out / "graded" / lab) for lab in labs])
    if files is None:
        return 1
    print(f"\nopen the class report: {files.class_report.resolve().as_uri()}")
    return 0
