"""The grade tables and the LMS import formats, as CSV files.

Every text cell goes through ``safe_cell``: a spreadsheet runs a cell that
starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one)
as a formula, so such a cell is written with a leading apostrophe, which shows
the text as typed. Numbers are written as numbers.

Formats:

- ``grades.csv``: a row per student, a column per lab (late penalty applied), the total;
- ``checks.csv``: a row per student, lab and check (concept, points, outcome, message);
- ``canvas.csv``: Canvas's gradebook import (Student, ID, SIS User ID, SIS Login ID, Section,
  then one column per assignment, a "Points Possible" row first);
- ``moodle.csv``: Moodle's grader-report CSV import (an identifier column to map to the
  user's "ID number", one grade column per assignment, one feedback column per assignment);
- ``moodle_worksheet_<lab>.csv`` (labs with submissions from a Moodle download): the assignment's
  offline grading worksheet, rows matched by "Participant <id>";
- ``nbgrader.csv``: the columns of ``nbgrader export`` (assignment, duedate, timestamp,
  student_id, last_name, first_name, email, raw_score, late_submission_penalty, score, max_score).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograder.labspec import LabSpecError, load_lab
from autograder.reports.records import Record, display_name, final_score, labs_of, late_penalty

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

NBGRADER_COLUMNS = (
    "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
    "raw_score", "late_submission_penalty", "score", "max_score",
)


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet runs as a formula (None becomes an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return round(float(value), 4)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(path: Path, header: Sequence[str], rows: list[Sequence[Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
    return path


def lab_title(lab_id: str) -> str:
    try:
        return load_lab(lab_id).title
    except (LabSpecError, FileNotFoundError):
        return lab_id


def _by_student(records: list[Record]) -> dict[str, dict[str, Record]]:
    table: dict[str, dict[str, Record]] = {}
    for r in records:
        table.setdefault(str(r["student"]), {})[str(r["lab"])] = r
    return dict(sorted(table.items()))


def _max_scores(records: list[Record]) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in records:
        out[str(r["lab"])] = max(out.get(str(r["lab"]), 0.0), float(r.get("max_score") or 0.0))
    return out


def grades_rows(records: list[Record]) -> tuple[list[str], list[list[Any]]]:
    """The wide table: student, name, LMS id, each lab's final score (and penalty where any), total, max."""
    labs = labs_of(records)
    maxima = _max_scores(records)
    penalised = [lab for lab in labs if any(late_penalty(r) for r in records if r["lab"] == lab)]
    header = ["student", "student_name", "lms_user_id"]
    for lab in labs:
        header.append(lab)
        if lab in penalised:
            header.append(f"{lab} late penalty")
    header += ["total", "max_total"]
    rows = []
    for student, per_lab in _by_student(records).items():
        first = next(iter(per_lab.values()))
        row: list[Any] = [student, display_name(first), first.get("lms_user_id")]
        for lab in labs:
            record = per_lab.get(lab)
            row.append(final_score(record) if record else None)
            if lab in penalised:
                row.append(late_penalty(record) if record else None)
        row += [sum(final_score(r) for r in per_lab.values()), sum(maxima.values())]
        rows.append(row)
    return header, rows


def checks_rows(records: list[Record], concepts: dict[tuple[str, str], str]) -> tuple[list[str], list[list[Any]]]:
    """The long table: one row per student, lab and check."""
    header = ["student", "student_name", "lab", "check", "concept", "kind", "points", "max_points", "outcome", "message"]
    rows = [
        [r["student"], display_name(r), r["lab"], c["id"], concepts.get((str(r["lab"]), c["id"]), ""), c.get("kind"),
         c.get("points"), c.get("max_points"), c.get("outcome"), c.get("message")]
        for r in records
        for c in r.get("checks", [])
    ]
    return header, rows


def canvas_rows(records: list[Record]) -> tuple[list[str], list[list[Any]]]:
    """Canvas's gradebook import: identity columns, one column per lab named by its title, Points Possible first.

    A column without a Canvas assignment id makes Canvas create the assignment on import;
    rename a header to ``<title> (<assignment id>)`` to fill an existing one.
    """
    labs = labs_of(records)
    maxima = _max_scores(records)
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *[lab_title(lab) for lab in labs]]
    rows: list[list[Any]] = [["Points Possible", "", "", "", "", *[maxima[lab] for lab in labs]]]
    for student, per_lab in _by_student(records).items():
        first = next(iter(per_lab.values()))
        rows.append([
            display_name(first), first.get("lms_user_id") or "", student, "", "",
            *[final_score(per_lab[lab]) if lab in per_lab else None for lab in labs],
        ])
    return header, rows


def moodle_rows(records: list[Record]) -> tuple[list[str], list[list[Any]]]:
    """Moodle's grader-report CSV import: map "ID number" to the user field of that name on import."""
    labs = labs_of(records)
    header = ["Full name", "ID number"]
    for lab in labs:
        header += [f"{lab_title(lab)} (Real)", f"{lab_title(lab)} (Feedback)"]
    rows = []
    for student, per_lab in _by_student(records).items():
        first = next(iter(per_lab.values()))
        row: list[Any] = [display_name(first), first.get("lms_user_id") or student]
        for lab in labs:
            record = per_lab.get(lab)
            row += [final_score(record) if record else None, _feedback_line(record) if record else None]
        rows.append(row)
    return header, rows


def _feedback_line(record: Record) -> str:
    failed = [c["id"] for c in record.get("checks", []) if c.get("outcome") != "passed"]
    text = f"{final_score(record):g} / {float(record.get('max_score') or 0):g}"
    if record.get("status") == "error":
        text += "; could not be graded: " + str(record.get("error") or "")
    elif failed:
        text += "; to revisit: " + ", ".join(failed)
    late = record.get("late")
    if isinstance(late, dict) and late.get("explanation"):
        text += "; " + str(late["explanation"])
    return text


MOODLE_WORKSHEET_COLUMNS = ("Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                            "Grade can be changed", "Feedback comments")


def moodle_worksheet_rows(records: list[Record], lab: str) -> tuple[list[str], list[list[Any]]]:
    """A Moodle assignment's offline grading worksheet ("Upload grading worksheet") for ``lab``.

    Moodle matches rows by ``Identifier`` = "Participant <id>", the id in its bulk download's folder
    names (kept as the LMS user id); rows of students who did not come from a Moodle download have none.
    """
    rows = []
    for r in records:
        if r["lab"] != lab:
            continue
        moodle_id = r.get("lms_user_id") if r.get("source_layout") == "moodle" else None
        rows.append([f"Participant {moodle_id}" if moodle_id else "", display_name(r), "", "Graded" if r.get("status") != "error" else "Not graded",
                     final_score(r), float(r.get("max_score") or 0.0), "Yes", _feedback_line(r)])
    return list(MOODLE_WORKSHEET_COLUMNS), rows


def nbgrader_rows(records: list[Record]) -> tuple[list[str], list[list[Any]]]:
    """``nbgrader export``'s columns, one row per student and lab."""
    rows = []
    for r in records:
        late = r.get("late") if isinstance(r.get("late"), dict) else {}
        rows.append([
            r["lab"], late.get("due"), r.get("received_at") or late.get("received_at"), r["student"], "", display_name(r), "",
            float(r.get("score") or 0.0), late_penalty(r), final_score(r), float(r.get("max_score") or 0.0),
        ])
    return list(NBGRADER_COLUMNS), rows


def concepts_of(records: list[Record]) -> dict[tuple[str, str], str]:
    """(lab, check id) → the concept lab.toml declares (from the check row when a gradebook recorded it)."""
    out: dict[tuple[str, str], str] = {}
    for lab in labs_of(records):
        try:
            spec = load_lab(lab)
        except (LabSpecError, FileNotFoundError):
            continue
        out.update({(lab, c.id): c.concept for c in spec.checks})
    for r in records:
        for c in r.get("checks", []):
            if c.get("concept"):
                out.setdefault((str(r["lab"]), c["id"]), str(c["concept"]))
    return out


def write_all(records: list[Record], out_dir: Path) -> dict[str, Path]:
    """Every CSV into ``out_dir``; returns name → path."""
    concepts = concepts_of(records)
    tables = {
        "grades.csv": grades_rows(records),
        "checks.csv": checks_rows(records, concepts),
        "canvas.csv": canvas_rows(records),
        "moodle.csv": moodle_rows(records),
        "nbgrader.csv": nbgrader_rows(records),
    }
    for lab in labs_of(records):
        if any(r["lab"] == lab and r.get("source_layout") == "moodle" for r in records):
            tables[f"moodle_worksheet_{lab}.csv"] = moodle_worksheet_rows(records, lab)
    return {name: write_csv(out_dir / name, header, rows) for name, (header, rows) in tables.items()}
