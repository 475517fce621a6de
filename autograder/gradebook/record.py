"""Writing to the gradebook: the batch (the grader's own process, the single writer) records each
grading ``started`` before and ``finished`` after, and asks what is already graded.

A grading is the same grading, and is not done again, when its submission's content (sha256), the
lab id, lab version, checks hash (``labhash.checks_hash``), profile and seed are all the same as
those of a finished run that was not a failure of the grader itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from autograder import __version__
from autograder.gradebook.db import normalise_url, sessions
from autograder.gradebook.labhash import checks_hash
from autograder.gradebook.schema import (
    FINISHED,
    INTERRUPTED,
    STARTED,
    CheckResult,
    GradingRun,
    Lab,
    Student,
    SubmissionRow,
    utcnow,
)
from autograder.labspec import LabSpec
from autograder.submissions import Submission

#: results.json's ``error`` (or a check's message) starts so when the grader, not the submission, failed.
GRADER_FAILURE_PREFIXES = ("grader failure", "grader problem")


def is_grader_failure(result: dict[str, Any]) -> bool:
    """A result the grader itself spoiled (not a grade: the next batch grades it again)."""
    messages = [result.get("error") or ""] + [c.get("message") or "" for c in result.get("checks", []) if c.get("outcome") == "error"]
    return any(str(m).startswith(GRADER_FAILURE_PREFIXES) for m in messages)


@dataclass(frozen=True)
class GradingKey:
    """What makes two gradings of one notebook the same grading."""

    lab_id: str
    version: str
    checks_hash: str
    profile: str
    seed: int

    @classmethod
    def of(cls, lab: LabSpec, profile: str, seed: int, check_ids: Iterable[str] | None = None) -> GradingKey:
        """``check_ids``: a grading of only these checks is a different grading from a full one."""
        digest = checks_hash(lab)
        if check_ids is not None:
            digest = hashlib.sha256(f"{digest}|{','.join(sorted(check_ids))}".encode()).hexdigest()
        return cls(lab.id, lab.version, digest, profile, int(seed))


class Gradebook:
    """One gradebook database, by URL (``sqlite:///path`` or ``postgresql://...``)."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self._sessions = sessions(self.url)

    # -- labs, students, submissions ---------------------------------------------------------

    def lab_row(self, lab: LabSpec, key: GradingKey) -> int:
        """The id of ``labs``' row for this lab version and checks hash (added when new)."""
        with self._sessions.begin() as session:
            row = session.scalar(
                select(Lab).where(Lab.lab_id == key.lab_id, Lab.version == key.version, Lab.checks_hash == key.checks_hash)
            )
            if row is None:
                row = Lab(lab_id=key.lab_id, version=key.version, checks_hash=key.checks_hash,
                          title=lab.title, max_score=lab.max_score)
                session.add(row)
                session.flush()
            return row.id

    def _submission_row(self, session, submission: Submission, lab_id: str, sha256: str) -> SubmissionRow:  # noqa: ANN001
        student = session.get(Student, submission.student)
        if student is None:
            student = Student(id=submission.student, name=submission.name or submission.student)
            session.add(student)
        student.name = submission.name or submission.student
        if submission.lms_user_id:
            student.lms_user_id = submission.lms_user_id
        row = session.scalar(
            select(SubmissionRow).where(
                SubmissionRow.student_id == submission.student, SubmissionRow.lab_id == lab_id, SubmissionRow.sha256 == sha256
            )
        )
        if row is None:
            row = SubmissionRow(student_id=submission.student, lab_id=lab_id, sha256=sha256)
            session.add(row)
        row.received_at = submission.received_at
        row.source_layout = submission.source_layout
        row.lms_user_id = submission.lms_user_id
        row.marked_late = submission.marked_late
        row.notebook_path = str(submission.notebook)
        session.flush()
        return row

    # -- what is already graded --------------------------------------------------------------

    def finished_run(self, student: str, sha256: str, key: GradingKey) -> dict[str, Any] | None:
        """The latest finished grading of this very notebook under ``key``, as a results dict."""
        with self._sessions() as session:
            run = session.scalar(
                select(GradingRun)
                .join(SubmissionRow, GradingRun.submission_id == SubmissionRow.id)
                .join(Lab, GradingRun.lab_row_id == Lab.id)
                .where(
                    SubmissionRow.student_id == student, SubmissionRow.sha256 == sha256,
                    Lab.lab_id == key.lab_id, Lab.version == key.version, Lab.checks_hash == key.checks_hash,
                    GradingRun.profile == key.profile, GradingRun.seed == key.seed,
                    GradingRun.status == FINISHED, GradingRun.grader_failure.is_(False),
                )
                .order_by(GradingRun.finished_at.desc(), GradingRun.id.desc())
                .limit(1)
            )
            if run is None or run.results_json is None:
                return None
            result = json.loads(run.results_json)
            result["_run_id"], result["_result_dir"] = run.id, run.result_dir
            return result

    # -- recording ---------------------------------------------------------------------------

    def start(
        self, submission: Submission, sha256: str, key: GradingKey, lab_row_id: int, backend: str, result_dir: Path
    ) -> int:
        """A ``started`` run for this grading, committed before the grading begins; its id."""
        with self._sessions.begin() as session:
            row = self._submission_row(session, submission, key.lab_id, sha256)
            run = GradingRun(
                submission_id=row.id, lab_row_id=lab_row_id, profile=key.profile, seed=key.seed, backend=backend,
                engine_version=__version__, status=STARTED, started_at=utcnow(), result_dir=str(result_dir),
                host=socket.gethostname(), pid=os.getpid(),
            )
            session.add(run)
            session.flush()
            return run.id

    def finish(self, run_id: int, result: dict[str, Any], lab: LabSpec) -> None:
        """Record ``result`` (results.json's dict) and its check rows; the run becomes ``finished``."""
        concepts = {c.id: c.concept for c in lab.checks}
        with self._sessions.begin() as session:
            run = session.get(GradingRun, run_id)
            if run is None:
                raise KeyError(f"no grading run {run_id} in {self.url}")
            timing = result.get("timing", {})
            error = result.get("error")
            run.status = FINISHED
            run.finished_at = utcnow()
            run.result_status = result.get("status")
            run.error = error
            run.grader_failure = is_grader_failure(result)
            run.score = float(result.get("score", 0.0))
            run.max_score = float(result.get("max_score", 0.0))
            run.stage1_s, run.stage2_s, run.total_s = (timing.get(k) for k in ("stage1_s", "stage2_s", "total_s"))
            run.results_json = json.dumps(result)
            run.checks = [
                CheckResult(
                    check_id=c["id"], concept=concepts.get(c["id"], ""), kind=c.get("kind", ""),
                    points=float(c["points"]), max_points=float(c["max_points"]), outcome=c["outcome"],
                    message=c.get("message", ""),
                )
                for c in result.get("checks", [])
            ]
            run.submission.late_json = json.dumps(result["late"]) if result.get("late") else None

    def update_late(self, run_id: int, late: dict[str, Any] | None) -> None:
        """A finished run's late block, recomputed (a due date or policy changed since)."""
        with self._sessions.begin() as session:
            run = session.get(GradingRun, run_id)
            result = json.loads(run.results_json)
            result["late"] = late
            run.results_json = json.dumps(result)
            run.submission.late_json = json.dumps(late) if late else None

    def mark_interrupted(self) -> int:
        """Runs left ``started`` by a grader on this host that is no longer alive; how many."""
        host = socket.gethostname()
        with self._sessions.begin() as session:
            runs = session.scalars(select(GradingRun).where(GradingRun.status == STARTED, GradingRun.host == host)).all()
            dead = [run for run in runs if run.pid != os.getpid() and not _alive(run.pid)]
            for run in dead:
                run.status = INTERRUPTED
                run.error = "the batch grading it was stopped before it finished"
            return len(dead)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
