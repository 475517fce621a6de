"""One student's submission as the batch sees it: who, which notebook, where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from autograder.student_ids import safe_student_id


@dataclass(frozen=True)
class Submission:
    """One student's notebook.

    ``student`` is the safe id every path and table uses, ``name`` the original name (display only,
    escaped wherever it is shown). The other fields say where the notebook came from:
    ``source_layout`` is ``"file"``, ``"flat"``, ``"nbgrader"``, ``"canvas"`` or ``"moodle"``;
    ``lms_user_id`` is the LMS's own id of the student (kept for the export back); ``received_at``
    is when it was handed in (nbgrader's ``timestamp.txt``), when known; ``marked_late`` is the LMS's
    own "late" marker (Canvas's ``LATE`` in the file name).
    """

    student: str
    notebook: Path
    name: str = ""
    source_layout: str = "flat"
    lms_user_id: str | None = None
    received_at: datetime | None = None
    marked_late: bool = False

    @classmethod
    def named(cls, name: str, notebook: Path, **where: object) -> Submission:
        return cls(safe_student_id(name), notebook, name, **where)  # type: ignore[arg-type]
