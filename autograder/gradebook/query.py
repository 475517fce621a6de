"""Reading the gradebook: what reports and exports use (never results.json files on disk)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from autograder.gradebook.db import sessions
from autograder.gradebook.schema import FINISHED, GradingRun, Lab, Student, SubmissionRow


def latest_results(db_url: str, lab_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """For each student and lab, the latest finished grading run, as its results.json dict plus
    ``student_name``, ``lms_user_id``, ``source_layout``, ``received_at`` (ISO or None), ``late``
    (the late block or None), ``result_dir`` (``OUT/<student>``, or None) and ``graded_at`` (ISO).
    Sorted by lab, then student."""
    query = (
        select(GradingRun, SubmissionRow, Student, Lab)
        .join(SubmissionRow, GradingRun.submission_id == SubmissionRow.id)
        .join(Student, SubmissionRow.student_id == Student.id)
        .join(Lab, GradingRun.lab_row_id == Lab.id)
        .where(GradingRun.status == FINISHED)
        .order_by(GradingRun.finished_at, GradingRun.id)
    )
    if lab_ids is not None:
        query = query.where(Lab.lab_id.in_(list(lab_ids)))
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    with sessions(db_url)() as session:
        for run, submission, student, lab in session.execute(query):
            result = json.loads(run.results_json)
            result.update(
                student_name=student.name,
                lms_user_id=submission.lms_user_id or student.lms_user_id,
                source_layout=submission.source_layout,
                received_at=submission.received_at.isoformat() if submission.received_at else None,
                late=result.get("late"),
                result_dir=run.result_dir,
                graded_at=run.finished_at.isoformat(),
            )
            latest[(lab.lab_id, student.id)] = result  # later rows replace earlier ones
    return [latest[k] for k in sorted(latest)]


def graded_labs(db_url: str) -> list[str]:
    """The ids of the labs with at least one finished grading run, sorted."""
    query = (
        select(Lab.lab_id).join(GradingRun, GradingRun.lab_row_id == Lab.id)
        .where(GradingRun.status == FINISHED).distinct()
    )
    with sessions(db_url)() as session:
        return sorted(session.scalars(query).all())


def run_counts(db_url: str, lab_id: str | None = None) -> dict[str, dict[str, int]]:
    """How many grading runs each student has, by status: ``{student: {"finished": n, ...}}``."""
    query = (
        select(SubmissionRow.student_id, GradingRun.status)
        .join(SubmissionRow, GradingRun.submission_id == SubmissionRow.id)
        .join(Lab, GradingRun.lab_row_id == Lab.id)
    )
    if lab_id is not None:
        query = query.where(Lab.lab_id == lab_id)
    counts: dict[str, dict[str, int]] = {}
    with sessions(db_url)() as session:
        for student, status in session.execute(query):
            per = counts.setdefault(student, {})
            per[status] = per.get(status, 0) + 1
    return counts
