"""Finding the submissions under a folder: one notebook per student, in the layouts instructors get."""

from __future__ import annotations

from pathlib import Path

from autograder.submissions import Submission


def discover(root: Path, lab_id: str) -> list[Submission]:
    """One notebook per student (``<student>.ipynb``), or nbgrader's ``<student>/<lab>/<nb>.ipynb``."""
    if root.is_file():
        return [Submission.named(root.stem, root, source_layout="file")]
    if not root.is_dir():
        raise FileNotFoundError(f"no submissions at {root}")
    found = [Submission.named(p.stem, p) for p in sorted(root.glob("*.ipynb")) if p.is_file()]
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        lab_dir = student_dir / lab_id
        notebooks = sorted(lab_dir.glob("*.ipynb")) if lab_dir.is_dir() else []
        notebooks = [n for n in notebooks if not n.name.endswith("-checkpoint.ipynb")]
        if notebooks:
            preferred = [n for n in notebooks if n.stem == lab_id]
            found.append(Submission.named(student_dir.name, (preferred or notebooks)[0], source_layout="nbgrader"))
    by_id: dict[str, list[Submission]] = {}
    for submission in found:
        by_id.setdefault(submission.student, []).append(submission)
    clashes = [group for group in by_id.values() if len(group) > 1]
    if clashes:
        described = "; ".join(
            f"id {group[0].student!r} from " + " and ".join(str(s.notebook.relative_to(root)) for s in group)
            for group in clashes
        )
        raise ValueError(f"more than one submission for one student: {described}")
    return found
