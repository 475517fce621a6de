"""The class report: one HTML page for the instructor, across every lab graded.

Sections: per lab, the distribution of final scores (histogram) and the pass
rate of each check; grading time per submission; the submissions that could
not be graded and why; and the pass rate per syllabus concept across labs
(``concept`` in lab.toml), lowest first: the Unit-4 ideas the class has not understood.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder.reports import plots
from autograder.reports.csv_exports import concepts_of, lab_title
from autograder.reports.records import Record, display_name, final_score, labs_of
from autograder.reports.render import render
from autograder.student_ids import visible_characters


@dataclass
class CheckRate:
    lab: str
    id: str
    title: str
    concept: str
    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass
class LabSummary:
    lab: str
    title: str
    max_score: float
    scores: list[float]
    graded: int
    errors: int
    checks: list[CheckRate]
    histogram_uri: str

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores) if self.scores else 0.0


@dataclass
class ConceptRate:
    concept: str
    passed: int = 0
    total: int = 0
    labs: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def check_rates(records: list[Record], lab: str, concepts: dict[tuple[str, str], str]) -> list[CheckRate]:
    """Per check of ``lab``, in the order graded: how many of the graded submissions passed it."""
    rates: dict[str, CheckRate] = {}
    for r in records:
        if r["lab"] != lab or r.get("status") == "error":
            continue
        for c in r.get("checks", []):
            rate = rates.setdefault(c["id"], CheckRate(lab, c["id"], str(c.get("title", "")), concepts.get((lab, c["id"]), ""), 0, 0))
            rate.total += 1
            rate.passed += c.get("outcome") == "passed"
    return list(rates.values())


def concept_rates(rates: list[CheckRate]) -> list[ConceptRate]:
    """Pass rates summed per concept across labs, lowest first."""
    table: dict[str, ConceptRate] = {}
    for rate in rates:
        concept = rate.concept or "(no concept declared)"
        entry = table.setdefault(concept, ConceptRate(concept))
        entry.passed += rate.passed
        entry.total += rate.total
        entry.labs.add(rate.lab)
        entry.checks.add(f"{rate.lab}:{rate.id}")
    return sorted(table.values(), key=lambda e: (e.rate, e.concept))


def score_histogram(scores: list[float], max_score: float) -> str:
    figure = plots.new_figure(5.0, 2.6)
    axes = figure.add_subplot()
    top = max(max_score, max(scores, default=0.0), 1e-9)
    bins = np.linspace(0.0, top, min(21, max(6, int(top) + 2)))
    axes.hist(scores, bins=bins, color="#4c78a8", edgecolor="white")
    axes.set_xlim(0, top)
    axes.set_xlabel(f"final score (of {max_score:g})")
    axes.set_ylabel("submissions")
    axes.yaxis.get_major_locator().set_params(integer=True)
    return plots.data_uri(plots.png_bytes(figure))


def concept_chart(concepts: list[ConceptRate]) -> str | None:
    if not concepts:
        return None
    figure = plots.new_figure(6.4, 0.6 + 0.28 * len(concepts))
    axes = figure.add_subplot()
    names = [c.concept for c in concepts][::-1]
    values = [100 * c.rate for c in concepts][::-1]
    colours = ["#d62728" if v < 50 else "#ff7f0e" if v < 75 else "#4c78a8" for v in values]
    axes.barh(names, values, color=colours)
    axes.set_xlim(0, 100)
    axes.set_xlabel("checks passed (%)")
    axes.tick_params(axis="y", labelsize=8)
    return plots.data_uri(plots.png_bytes(figure))


def timing_chart(records: list[Record]) -> str | None:
    rows = [r for r in records if r.get("timing")]
    if not rows:
        return None
    figure = plots.new_figure(6.4, 2.8)
    axes = figure.add_subplot()
    labs = labs_of(rows)
    for index, lab in enumerate(labs):
        stage1 = [float(r["timing"].get("stage1_s") or 0.0) for r in rows if r["lab"] == lab]
        stage2 = [float(r["timing"].get("stage2_s") or 0.0) for r in rows if r["lab"] == lab]
        totals = [float(r["timing"].get("total_s") or 0.0) for r in rows if r["lab"] == lab]
        jitter = np.linspace(-0.25, 0.25, len(totals)) if len(totals) > 1 else np.zeros(1)
        axes.plot(index + jitter, totals, "o", ms=4, color="#4c78a8", label="total" if index == 0 else None)
        axes.plot(index + jitter, stage1, "^", ms=3, color="#f58518", label="stage 1 (harvest)" if index == 0 else None)
        axes.plot(index + jitter, stage2, "s", ms=3, color="#54a24b", label="stage 2 (checks)" if index == 0 else None)
    axes.set_xticks(range(len(labs)), labs, fontsize=8)
    axes.set_ylabel("seconds per submission")
    axes.set_ylim(bottom=0)
    axes.legend(fontsize=7)
    return plots.data_uri(plots.png_bytes(figure))


def lab_summaries(records: list[Record], concepts: dict[tuple[str, str], str]) -> list[LabSummary]:
    out = []
    for lab in labs_of(records):
        rows = [r for r in records if r["lab"] == lab]
        scores = [final_score(r) for r in rows]
        max_score = max(float(r.get("max_score") or 0.0) for r in rows)
        title = lab_title(lab)
        out.append(LabSummary(
            lab=lab, title=title, max_score=max_score, scores=scores,
            graded=sum(r.get("status") != "error" for r in rows), errors=sum(r.get("status") == "error" for r in rows),
            checks=check_rates(records, lab, concepts), histogram_uri=score_histogram(scores, max_score),
        ))
    return out


def _timing_rows(records: list[Record]) -> list[dict[str, Any]]:
    rows = [
        {"student": visible_characters(display_name(r)), "student_id": r["student"], "lab": r["lab"],
         "stage1_s": float(r.get("timing", {}).get("stage1_s") or 0.0),
         "stage2_s": float(r.get("timing", {}).get("stage2_s") or 0.0),
         "total_s": float(r.get("timing", {}).get("total_s") or 0.0)}
        for r in records
    ]
    return sorted(rows, key=lambda t: -t["total_s"])


def page_html(records: list[Record], feedback_links: dict[tuple[str, str], str] | None = None, title: str = "Class report") -> str:
    concepts = concepts_of(records)
    labs = lab_summaries(records, concepts)
    per_concept = concept_rates([rate for lab in labs for rate in lab.checks])
    timings = _timing_rows(records)
    totals = [t["total_s"] for t in timings]
    not_graded = [
        {"student": visible_characters(display_name(r)), "student_id": r["student"], "lab": r["lab"], "error": r.get("error") or "(no reason recorded)"}
        for r in records if r.get("status") == "error"
    ]
    check_errors = [
        {"student": visible_characters(display_name(r)), "lab": r["lab"], "check": c["id"], "message": c.get("message", "")}
        for r in records if r.get("status") != "error"
        for c in r.get("checks", []) if c.get("outcome") == "error"
    ]
    students = sorted({str(r["student"]) for r in records})
    late = [r for r in records if isinstance(r.get("late"), dict) and r["late"].get("penalty_points")]
    return render(
        "class.html.j2",
        title=title, labs=labs, concepts=per_concept, concept_chart=concept_chart(per_concept),
        timing_chart=timing_chart(records), timings=timings[:15], timing_count=len(timings),
        time_median=statistics.median(totals) if totals else 0.0, time_max=max(totals, default=0.0),
        time_sum=sum(totals), not_graded=not_graded, check_errors=check_errors[:50], check_error_count=len(check_errors),
        student_count=len(students), submission_count=len(records), late_count=len(late),
        grades=_grades_matrix(records, [lab.lab for lab in labs], feedback_links or {}),
    )


def _grades_matrix(records: list[Record], labs: list[str], links: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    by_student: dict[str, dict[str, Record]] = defaultdict(dict)
    for r in records:
        by_student[str(r["student"])][str(r["lab"])] = r
    rows = []
    for student, per_lab in sorted(by_student.items()):
        first = next(iter(per_lab.values()))
        cells = []
        for lab in labs:
            r = per_lab.get(lab)
            cells.append(None if r is None else {
                "score": final_score(r), "max": float(r.get("max_score") or 0.0), "status": r.get("status"),
                "late": bool(isinstance(r.get("late"), dict) and r["late"].get("penalty_points")),
                "link": links.get((student, lab)),
            })
        rows.append({"student": visible_characters(display_name(first)), "student_id": student, "cells": cells,
                     "total": sum(final_score(r) for r in per_lab.values())})
    return rows


def write_page(records: list[Record], path: Path, feedback_links: dict[tuple[str, str], str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page_html(records, feedback_links), encoding="utf-8")
    return path
