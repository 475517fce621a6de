"""Grading a class: find the submissions, grade them N at a time, write the tables."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from autograder.discovery import discover  # noqa: F401  (re-exported)
from autograder.grading import GradeOptions
from autograder.labspec import LabSpec
from autograder.pool import GradingJob, run_gradings
from autograder.submissions import Submission


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
    bar = _progress_bar(len(submissions), lab.id, progress)
    jobs = [GradingJob(s, lab, out_dir, options) for s in submissions]
    results = run_gradings(jobs, workers=workers, gpus=options.gpus, on_result=lambda job, result: bar.update(1))
    bar.close()
    results.sort(key=lambda r: r["student"])
    write_tables(results, out_dir)
    return results


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
