"""Grading a class: find the submissions, grade what is not graded yet N at a time, record every
result in the gradebook, write the tables.

With a gradebook the batch is idempotent and resumable: a submission already graded under the same
content hash, lab version, checks hash, profile and seed is not graded again (``force`` regrades all,
``regrade`` names the students to regrade); a batch killed half way, started again, grades only what
is missing (its ``started`` runs are never taken for finished ones).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from autograder.discovery import discover  # noqa: F401  (re-exported)
from autograder.grading import GradeOptions, selected_checks, write_results
from autograder.labspec import LabSpec
from autograder.pool import GradingJob, run_gradings
from autograder.submissions import Submission


@dataclass
class BatchReport:
    """What one batch did: who it graded now, who was already graded, runs it found interrupted."""

    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    interrupted: int = 0

    def text(self) -> str:
        line = f"{len(self.graded)} graded now, {len(self.skipped)} already graded (not graded again)"
        if self.interrupted:
            line += f"; {self.interrupted} grading(s) of an earlier batch had been stopped and were done again"
        return line


def grade_all(
    submissions: Iterable[Submission],
    lab: LabSpec,
    out_dir: Path,
    options: GradeOptions,
    workers: int = 1,
    progress: bool = True,
    gradebook: Any = None,
    force: bool = False,
    regrade: Iterable[str] | None = None,
    late_policy: Any = None,
    report: BatchReport | None = None,
) -> list[dict[str, Any]]:
    """Grade every submission (``workers`` at a time); one failing never stops the others.

    ``gradebook`` (a ``gradebook.Gradebook``) records each grading and skips what it already holds;
    ``regrade`` (safe student ids) limits the batch to those students and regrades them;
    ``late_policy`` (``lateness.LatePolicy``) adds each result's ``late`` block. Returns the results of
    every submission in the batch (stored ones for those not graded again), sorted by student.
    """
    submissions = list(submissions)
    report = report if report is not None else BatchReport()
    others: list[Submission] = []  # not in this batch (``regrade``): in the tables as already graded
    if regrade is not None:
        wanted = set(regrade)
        others = [s for s in submissions if s.student not in wanted]
        submissions = [s for s in submissions if s.student in wanted]
        force = True
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = lab.default_seed if options.seed is None else options.seed
    done: list[dict[str, Any]] = []
    to_grade = submissions
    run_ids: dict[str, int] = {}
    if gradebook is not None:
        from autograder.gradebook import GradingKey

        report.interrupted = gradebook.mark_interrupted()
        selected = [c.id for c in selected_checks(lab, options)]
        key = GradingKey.of(lab, options.profile, seed, None if len(selected) == len(lab.checks) else selected)
        lab_row = gradebook.lab_row(lab, key)
        hashes = {s.student: _sha256(s.notebook) for s in submissions}
        to_grade = []
        for s in submissions:
            stored = None if force or not hashes[s.student] else gradebook.finished_run(s.student, hashes[s.student], key)
            if stored is None:
                to_grade.append(s)
            else:
                done.append(_refresh_late(gradebook, stored, s, late_policy))
                report.skipped.append(s.student)
        for s in others:
            stored = gradebook.finished_run(s.student, _sha256(s.notebook), key)
            if stored is not None:
                done.append(_refresh_late(gradebook, stored, s, late_policy))
        for s in to_grade:  # committed before any grading begins: a kill from here on leaves "started"
            run_ids[s.student] = gradebook.start(s, hashes[s.student], key, lab_row, options.sandbox, out_dir / s.student)
    bar = _progress_bar(len(to_grade), lab.id, progress)
    by_student = {s.student: s for s in to_grade}

    def on_result(job: GradingJob, result: dict[str, Any]) -> None:
        submission = by_student[job.submission.student]
        result["late"] = _late_block(late_policy, submission, result)
        if result["late"] is not None:
            write_results(out_dir / submission.student, result)
        if gradebook is not None:
            gradebook.finish(run_ids[submission.student], result, lab)
        report.graded.append(submission.student)
        bar.update(1)

    jobs = [GradingJob(s, lab, out_dir, options) for s in to_grade]
    results = run_gradings(jobs, workers=workers, gpus=options.gpus, on_result=on_result)
    bar.close()
    results = sorted(results + done, key=lambda r: r["student"])
    write_tables(results, out_dir)
    return results


def _sha256(path: Path) -> str:
    """The notebook's content hash ("" when unreadable: then it is always graded, and fails there)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _late_block(policy: Any, submission: Submission, result: dict[str, Any]) -> dict[str, Any] | None:
    """``lateness.late_block`` for this result (None: on time, or no policy)."""
    if policy is None:
        return None
    from autograder.lateness import late_block

    return late_block(policy, submission, float(result["score"]), float(result["max_score"]))


def _refresh_late(gradebook: Any, stored: dict[str, Any], submission: Submission, policy: Any) -> dict[str, Any]:
    """A stored result with its late block recomputed under today's policy (recorded if it changed)."""
    run_id, result_dir = stored.pop("_run_id"), stored.pop("_result_dir")
    late = _late_block(policy, submission, stored)
    if late != stored.get("late"):
        stored["late"] = late
        gradebook.update_late(run_id, late)
        if result_dir and (Path(result_dir) / "results.json").is_file():
            write_results(Path(result_dir), stored)
    return stored


def _progress_bar(total: int, label: str, enabled: bool):  # noqa: ANN202
    from tqdm import tqdm

    return tqdm(total=total, desc=f"grading {label}", unit="nb", disable=not enabled, leave=False)


def grades_table(results: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per student: score, status, and the points of each check."""
    rows = []
    for r in results:
        late = r.get("late") or {}
        row = {"student": r["student"], "lab": r["lab"], "score": r["score"], "max_score": r["max_score"], "status": r["status"],
               "student_name": r.get("student_name", r["student"]),
               "days_late": late.get("days_late", 0.0), "late_penalty": late.get("penalty_points", 0.0),
               "final_score": late.get("final_score", r["score"])}
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
