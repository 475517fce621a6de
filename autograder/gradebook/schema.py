"""The gradebook's tables (SQLAlchemy 2.0): students, labs, submissions, grading runs, check results.

One row of ``grading_runs`` is one grading of one submission under one lab version, checks hash,
profile and seed. It is written ``started`` before the grading and ``finished`` (with the whole
results.json) after it, each in its own transaction: a batch killed in between leaves ``started``
rows, which are never taken for finished ones (a later batch marks them ``interrupted``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: ``grading_runs.status``: handed to the pool / recorded with its results / its batch died first.
STARTED, FINISHED, INTERRUPTED = "started", "finished", "interrupted"


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone: it is put back on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Student(Base):
    """One student: the safe id every path and table uses, the original name (display only)."""

    __tablename__ = "students"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    lms_user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)


class Lab(Base):
    """One lab as graded: its id, version and the hash of its checks and thresholds."""

    __tablename__ = "labs"
    __table_args__ = (UniqueConstraint("lab_id", "version", "checks_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lab_id: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[str] = mapped_column(String(64))
    checks_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    max_score: Mapped[float] = mapped_column(Float, default=0.0)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubmissionRow(Base):
    """One notebook one student handed in for one lab (its content hash makes it one)."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("student_id", "lab_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("students.id"), index=True)
    lab_id: Mapped[str] = mapped_column(String(255), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    source_layout: Mapped[str] = mapped_column(String(32), default="flat")
    lms_user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    marked_late: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The late block of its latest finished run (``lateness.late_block``), JSON; null when on time.
    late_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    notebook_path: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()


class GradingRun(Base):
    """One grading of one submission; ``results_json`` is the whole results.json once finished."""

    __tablename__ = "grading_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    lab_row_id: Mapped[int] = mapped_column(ForeignKey("labs.id"), index=True)
    profile: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(Integer)
    backend: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True, default=STARTED)
    #: results.json's own status ("graded" or "error") once finished.
    result_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: A failure of the grader itself (not the student's): finished, but graded again next batch.
    grader_failure: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    stage1_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    stage2_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    total_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    results_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: ``OUT/<student>``: the folder with results.json, feedback and ``stage1/artifacts``.
    result_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Who started it (host, pid): a later batch on this host marks a dead one's runs interrupted.
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)

    submission: Mapped[SubmissionRow] = relationship()
    lab: Mapped[Lab] = relationship()
    checks: Mapped[list[CheckResult]] = relationship(back_populates="run", cascade="all, delete-orphan")


class CheckResult(Base):
    """One check's outcome in one finished grading run."""

    __tablename__ = "check_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("grading_runs.id"), index=True)
    check_id: Mapped[str] = mapped_column(String(255))
    concept: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(32), default="")
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")

    run: Mapped[GradingRun] = relationship(back_populates="checks")
