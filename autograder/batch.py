"""Grading a class: find the submissions, grade them N at a time, write the tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from autograder.grading import GradeOptions, grade_submission
from autograder.labspec import LabSpec
from autograder.student_ids import safe_student_id


@dataclass(frozen=True)
class Submission:
    """One student's notebook; ``student`` is the safe id every path uses, ``name`` the original."""

    student: str
    notebook: Path
    name: str = ""

    @classmethod
    def named(cls, name: str, notebook: Path) -> Submission:
        return cls(safe_student_id(name), notebook, name)


def discover(root: Path, lab_id: str) -> list[Submission]:
    """One notebook per student (``<student>.ipynb``), or nbgrader's ``<student>/<lab>/<nb>.ipynb``."""
    if root.is_file():
        return [Submission.named(root.stem, root)]
    if not root.is_dir():
        raise FileNotFoundError(f"no submissions at {root}")
    found = [Submission.named(p.stem, p) for p in sorted(root.glob("*.ipynb")) if p.is_file()]
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        lab_dir = student_dir / lab_id
        notebooks = sorted(lab_dir.glob("*.ipynb")) if lab_dir.is_dir() else []
        notebooks = [n for n in notebooks if not n.name.endswith("-checkpoint.ipynb")]
        if notebooks:
            preferred = [n for n in notebooks if n.stem == lab_id]
            found.append(Submission.named(student_dir.name, (preferred or notebooks)[0]))
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


def grade_all(
    submissions: Iterable[Submission],
    lab: LabSpec,
    out_dir: Path,
    options: GradeOptions,
    workers: int = 1,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Grade every submission (``workers`` at a time); one failing never stops the others."""
    submissions = list(submissions)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    bar = _progress_bar(len(submissions), lab.id, progress)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {
            pool.submit(grade_submission, s.notebook, s.student, lab, out_dir, _with_gpu(options, i), s.name or None): s
            for i, s in enumerate(submissions)
        }
        for future in as_completed(futures):
            results.append(future.result())
            bar.update(1)
    bar.close()
    results.sort(key=lambda r: r["student"])
    write_tables(results, out_dir)
    return results


def _with_gpu(options: GradeOptions, index: int) -> GradeOptions:
    """The options of the ``index``-th submission: one of ``options.gpus``, round-robin."""
    return replace(options, gpu=options.gpus[index % len(options.gpus)]) if options.gpus else options


def _progress_bar(total: int, label: str, enabled: bool):  # noqa: ANN202
    from tqdm import tqdm

    return tqdm(total=total, desc=f"grading {label}", unit="nb", disable=not enabled, leave=False)


def grades_table(results: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per student: score, status, and the points of each check."""
    rows = []
    for r in results:
        row = {"student": r["student"], "lab": r["lab"], "score": r["score"], "max_score": r["max_score"], "status": r["status"],
               "student_name": r.get("student_name", r["student"])}
        row.update({c["id"]: c["points"] for c in r["checks"]})
        rows.append(row)
    return pd.DataFrame(rows)


def checks_table(results: list[dict[str, Any]]) -> pd.DataFrame:
    """The long table: one row per student and check."""
    rows = [
        {"student": r["student"], "lab": r["lab"], **{k: c[k] for k in ("id", "kind", "points", "max_points", "outcome", "message")}}
        for r in results
        for c in r["checks"]
    ]
    return pd.DataFrame(rows)


def write_tables(results: list[dict[str, Any]], out_dir: Path) -> None:
    grades_table(results).to_csv(out_dir / "grades.csv", index=False)
    checks_table(results).to_csv(out_dir / "checks.csv", index=False)
    (out_dir / "summary.json").write_text(
        json.dumps([{k: r[k] for k in ("student", "score", "max_score", "status", "timing")} for r in results], indent=1)
    )


def summary_text(results: list[dict[str, Any]]) -> str:
    """A table for the terminal: each student's score and failed checks."""
    lines = [f"{'student':<28} {'score':>12}  {'status':<7} failed checks"]
    for r in results:
        failed = [c["id"] for c in r["checks"] if c["outcome"] != "passed"]
        shown = ", ".join(failed[:6]) + (f" (+{len(failed) - 6} more)" if len(failed) > 6 else "")
        lines.append(f"{r['student']:<28} {r['score']:>5g} / {r['max_score']:<5g} {r['status']:<7} {shown or '-'}")
    if results:
        scores = [r["score"] for r in results]
        lines.append(f"{len(results)} graded; mean {sum(scores) / len(scores):.2f} / {results[0]['max_score']:g}")
    return "\n".join(lines)
