"""Running many gradings at once: the local worker pool (and the seam where other executors plug in).

Each grading is one ``GradingJob``; ``run_gradings`` runs them ``workers`` at a time and calls
``on_result`` in the calling process as each one finishes (the batch records it there: one writer).
Every grading's student code runs in its own sandboxed processes (``grading.grade_submission``); the
threads here only wait on them, so nothing a submission produced is ever loaded in this process.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autograder.grading import GradeOptions, grade_submission
from autograder.labspec import LabSpec
from autograder.submissions import Submission


@dataclass(frozen=True)
class GradingJob:
    """One submission to grade for one lab, into ``out_dir/<student>/``."""

    submission: Submission
    lab: LabSpec
    out_dir: Path
    options: GradeOptions


class GpuPool:
    """Device ids handed out to one grading at a time: taken when free, given back when done."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = tuple(ids)
        self._free: queue.Queue[str] = queue.Queue()
        for device in self.ids:
            self._free.put(device)

    def take(self) -> str | None:
        return self._free.get() if self.ids else None

    def give_back(self, device: str | None) -> None:
        if device is not None:
            self._free.put(device)


def grade_job(job: GradingJob, gpus: GpuPool) -> dict[str, Any]:
    """Grade one job, holding a GPU from ``gpus`` (if any) for its duration."""
    device = gpus.take()
    try:
        options = replace(job.options, gpu=device) if device is not None else job.options
        s = job.submission
        return grade_submission(s.notebook, s.student, job.lab, job.out_dir, options, s.name or None)
    finally:
        gpus.give_back(device)


def run_gradings(
    jobs: Iterable[GradingJob],
    workers: int = 1,
    gpus: Iterable[str] = (),
    on_result: Callable[[GradingJob, dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Grade every job, ``workers`` at a time; returns the results in the order they finished."""
    pool = GpuPool(gpus)
    results: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as executor:
        futures = {executor.submit(grade_job, job, pool): job for job in jobs}
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            if on_result is not None:
                on_result(futures[future], result)
    return results
