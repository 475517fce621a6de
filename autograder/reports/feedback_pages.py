"""One self-contained HTML feedback page per student and lab.

The page holds every check with its points, outcome and student-facing
message, what intake left out of the notebook, the late penalty, and the lab's
pictures (PNG inside the page, CSS inside the page: it opens without a network).
It never shows hidden check source or held-out data: only what results.json
and the student's own artifacts hold.

Layout, as nbgrader's ``release_feedback`` reads it:
``<out>/feedback/<student>/<lab>/<lab>.html`` (``<student>`` is the safe id).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from autograder.labspec import LabSpec, LabSpecError, load_lab
from autograder.reports import lab_figures
from autograder.reports.records import (
    Record,
    display_name,
    figures_of,
    final_score,
    manifest_of,
    metrics_of,
)
from autograder.reports.render import render
from autograder.student_ids import is_safe_student_id, visible_characters

log = logging.getLogger(__name__)

MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR"}
DROPPED_WHY = {
    "statement": "a top-level statement: grading imports your definitions and does not re-run training or experiment cells",
    "magic": "a notebook magic (%)",
    "shell": "a shell line (!)",
}


def feedback_path(out_dir: Path, record: Record) -> Path:
    student = str(record["student"])
    if not is_safe_student_id(student):
        raise ValueError(f"student id {student!r} is not safe as a folder name")
    return out_dir / "feedback" / student / str(record["lab"]) / f"{record['lab']}.html"


def _lab(lab_id: str) -> LabSpec | None:
    try:
        return load_lab(lab_id)
    except (LabSpecError, FileNotFoundError):
        return None


def notebook_notes(manifest: dict[str, Any] | None) -> tuple[list[str], list[dict[str, Any]]]:
    """Plain-words notes about the notebook (missing modules, what was not run) and the dropped lines."""
    if not manifest:
        return [], []
    notes = []
    missing = (manifest.get("import") or {}).get("missing_modules") or []
    if missing:
        notes.append(
            "Modules your notebook imports are not installed where grading runs: " + ", ".join(map(str, missing))
            + ". Each import was replaced by a placeholder; a graded function that uses one fails."
        )
    import_error = (manifest.get("import") or {}).get("error")
    if import_error:
        notes.append(f"Importing your notebook's definitions failed: {import_error}")
    dropped = [
        {"cell": d.get("cell"), "line": d.get("line"), "text": d.get("text", ""), "why": DROPPED_WHY.get(d.get("reason"), str(d.get("reason")))}
        for d in manifest.get("dropped") or []
        if isinstance(d, dict)
    ]
    if dropped:
        notes.append(
            f"{len(dropped)} line(s) of your notebook were not run at grading time (listed below). Grading imports "
            "your functions, classes, imports and literal constants, then calls your functions on its own inputs."
        )
    return notes, dropped


def page_html(record: Record) -> str:
    """The feedback page of one record, as HTML text."""
    lab = _lab(str(record["lab"]))
    concepts = {c.id: c.concept for c in lab.checks} if lab else {}
    manifest = manifest_of(record)
    notes, dropped = notebook_notes(manifest)
    panels: list[lab_figures.Panel] = []
    panel_notes: list[str] = []
    if lab is not None and record.get("status") != "error":
        context = lab_figures.context_for(lab, record, manifest, metrics_of(record), figures_of(record))
        if context is not None:
            panels, panel_notes = lab_figures.panels_for(context)
    checks = [
        {**{k: c.get(k) for k in ("id", "title", "outcome", "message")},
         "points": float(c.get("points") or 0.0), "max_points": float(c.get("max_points") or 0.0),
         "concept": c.get("concept") or concepts.get(c.get("id"), "")}
        for c in record.get("checks", [])
    ]
    late = record.get("late") if isinstance(record.get("late"), dict) else None
    return render(
        "feedback.html.j2",
        record=record, name=visible_characters(display_name(record)), lab_title=lab.title if lab else record["lab"],
        final=final_score(record), late=late, checks=checks, marks=MARKS,
        notes=notes, dropped=dropped, panels=panels, panel_notes=panel_notes,
    )


def write_pages(records: list[Record], out_dir: Path) -> dict[tuple[str, str], Path]:
    """Every record's page; returns (student, lab) → path."""
    written: dict[tuple[str, str], Path] = {}
    for record in records:
        path = feedback_path(out_dir, record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_html(record), encoding="utf-8")
        written[(str(record["student"]), str(record["lab"]))] = path
    return written
