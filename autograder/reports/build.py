"""``autograder report``: every CSV, every feedback page and the class report into one folder.

Layout of ``out``::

    grades.csv  checks.csv  canvas.csv  moodle.csv  nbgrader.csv
    class_report.html
    feedback/<student>/<lab>/<lab>.html     (nbgrader's release_feedback layout)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from autograder.reports import class_report, csv_exports, feedback_pages
from autograder.reports.records import Record


@dataclass
class ReportFiles:
    class_report: Path
    csv: dict[str, Path]
    feedback: dict[tuple[str, str], Path]


def build_reports(records: list[Record], out: Path) -> ReportFiles:
    out.mkdir(parents=True, exist_ok=True)
    tables = csv_exports.write_all(records, out)
    pages = feedback_pages.write_pages(records, out)
    links = {key: os.path.relpath(path, out) for key, path in pages.items()}
    page = class_report.write_page(records, out / "class_report.html", links)
    return ReportFiles(class_report=page, csv=tables, feedback=pages)
