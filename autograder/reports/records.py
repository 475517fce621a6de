"""The graded results a report is made from: one dict per student and lab.

A record is the results.json dict (the public schema) plus what the gradebook
knows beside it: ``student_name``, ``lms_user_id``, ``source_layout``,
``received_at``, ``late`` (the late block, or None), ``result_dir`` (the
``OUT/<student>`` folder holding ``stage1/``) and ``graded_at``. Records come from
``autograder.gradebook.query.latest_results`` or, without a gradebook, straight
from ``OUT/<student>/results.json`` files.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Record = dict[str, Any]

MAX_RESULTS_BYTES = 16 * 1024 * 1024
_EXTRA_KEYS = ("student_name", "lms_user_id", "source_layout", "received_at", "late", "result_dir", "graded_at")


def from_gradebook(db_url: str, lab_ids: list[str] | None = None) -> list[Record]:
    """The latest finished grading of every student and lab in the gradebook at ``db_url``."""
    from autograder.gradebook.query import latest_results

    return [normalised(r) for r in latest_results(db_url, lab_ids or None)]


def gradebook_labs(db_url: str) -> list[str]:
    from autograder.gradebook.query import graded_labs

    return list(graded_labs(db_url))


def from_results_folders(folders: Iterable[Path], lab_ids: list[str] | None = None) -> list[Record]:
    """Every ``<folder>/<student>/results.json`` under the given ``autograder grade`` OUT folders.

    A folder that is itself a student's (holds results.json) counts too. Files
    that are not plain files, or too large, or not JSON objects are skipped.
    """
    records: list[Record] = []
    for folder in folders:
        folder = Path(folder)
        candidates = [folder / "results.json"] if (folder / "results.json").exists() else sorted(folder.glob("*/results.json"))
        for path in candidates:
            result = _read_json(path)
            if result is None or (lab_ids and result.get("lab") not in lab_ids):
                continue
            result.setdefault("result_dir", str(path.parent))
            result.setdefault("graded_at", datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds"))
            records.append(normalised(result))
    return sort_records(records)


def normalised(record: Record) -> Record:
    """``record`` with every key a report reads present (absent extras become None)."""
    out = dict(record)
    for key in _EXTRA_KEYS:
        out.setdefault(key, None)
    out["student_name"] = out["student_name"] or out["student"]
    out.setdefault("checks", [])
    out.setdefault("timing", {})
    return out


def sort_records(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (str(r["lab"]), str(r["student"])))


def final_score(record: Record) -> float:
    """The score that counts: the late block's ``final_score`` when there is one, else the score."""
    late = record.get("late")
    if isinstance(late, dict) and late.get("final_score") is not None:
        return float(late["final_score"])
    return float(record.get("score") or 0.0)


def late_penalty(record: Record) -> float:
    """Points taken off for lateness (0 when on time or without a policy)."""
    late = record.get("late")
    if isinstance(late, dict):
        return float(late.get("penalty_points") or 0.0)
    return 0.0


def display_name(record: Record) -> str:
    return str(record.get("student_name") or record["student"])


def labs_of(records: list[Record]) -> list[str]:
    return sorted({str(r["lab"]) for r in records})


def manifest_of(record: Record) -> dict[str, Any] | None:
    """The trusted stage-1 manifest of a record (written by the grader's supervisor), if kept."""
    directory = record.get("result_dir")
    if not directory:
        return None
    return _read_json(Path(directory) / "stage1" / "manifest.json")


def metrics_of(record: Record) -> dict[str, float]:
    """The figures stage 2's checks measured (``metrics["heldout_bpc"]``), if kept."""
    metrics = _checks_payload(record).get("metrics")
    if not isinstance(metrics, dict):
        return {}
    return {str(k): float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def figures_of(record: Record) -> dict[str, dict[str, Any]]:
    """The tables stage 2's checks kept for the feedback pages (``figures["heldout_confusion"]``), if kept.

    Only entries that are JSON objects; an older grading (no ``"figures"`` in checks.json) gives {}.
    """
    figures = _checks_payload(record).get("figures")
    if not isinstance(figures, dict):
        return {}
    return {str(k): v for k, v in figures.items() if isinstance(v, dict)}


def _checks_payload(record: Record) -> dict[str, Any]:
    """Stage 2's ``checks.json`` of a record, or {} when it was not kept."""
    directory = record.get("result_dir")
    return (_read_json(Path(directory) / "stage2" / "checks.json") if directory else None) or {}


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_RESULTS_BYTES:
        return None
    try:
        value = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None
