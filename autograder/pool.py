"""Running many gradings at once: the local worker pool, or a Dask cluster (``autograder.cluster``).

Each grading is one ``GradingJob``; ``run_gradings`` runs them ``workers`` at a time and calls
``on_result`` in the calling process as each one finishes (the batch records it there: one writer).
Every grading's student code runs in its own sandboxed processes (``grading.grade_submission``); the
threads here only wait on them, so nothing a submission produced is ever loaded in this process.

A grading that hangs holds one worker until its lab's budgets stop it (stage 1's total budget,
stage 2's timeout); the other workers go on meanwhile. A grading that fails in the grader itself
becomes an ``error`` result for that submission: it never stops the batch.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autograder.grading import GradeOptions, grade_submission, selected_checks
from autograder.labspec import LabSpec
from autograder.sandbox.threads import machine_cores, sharing
from autograder.stage2 import error_row
from autograder.submissions import Submission

#: Memory one grading may need at its peak (a Keras lab's two stages measured ≤ 1 GiB on ``ci``,
#: see benchmarks/README.md), with room to spare: the default worker count never exceeds
#: available memory / this.
MEMORY_PER_GRADING_BYTES = 2.5 * 1024**3


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


def default_workers(gpus: Iterable[str] = ()) -> int:
    """How many gradings this machine runs at once: one per core, no more than memory allows,
    and no more than the GPUs when there are some (a grading holds its GPU while it runs)."""
    workers = machine_cores()
    available = _available_memory_bytes()
    if available:
        workers = min(workers, max(1, int(available // MEMORY_PER_GRADING_BYTES)))
    gpus = tuple(gpus)
    if gpus:
        workers = min(workers, len(gpus))
    return max(1, workers)


def _available_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def grade_job(job: GradingJob, gpus: GpuPool) -> dict[str, Any]:
    """Grade one job, holding a GPU from ``gpus`` (if any) for its duration."""
    device = gpus.take()
    try:
        options = replace(job.options, gpu=device) if device is not None else job.options
        s = job.submission
        return grade_submission(s.notebook, s.student, job.lab, job.out_dir, options, s.name or None)
    finally:
        gpus.give_back(device)


def failed_result(job: GradingJob, err: BaseException) -> dict[str, Any]:
    """The result of a grading the grader itself could not finish (the submission scores 0)."""
    checks = selected_checks(job.lab, job.options)
    message = f"grader failure (not your fault; tell your instructor): {type(err).__name__}: {err}"
    return {
        "student": job.submission.student,
        "student_name": job.submission.name or job.submission.student,
        "lab": job.lab.id,
        "lab_version": job.lab.version,
        "submission_sha256": None,
        "status": "error",
        "score": 0.0,
        "max_score": float(sum(c.points for c in checks)),
        "error": message,
        "checks": [error_row(c, message) for c in checks],
        "timing": {"stage1_s": 0.0, "stage2_s": 0.0, "total_s": 0.0},
    }


def run_gradings(
    jobs: Iterable[GradingJob],
    workers: int | None = 1,
    gpus: Iterable[str] = (),
    on_result: Callable[[GradingJob, dict[str, Any]], None] | None = None,
    scheduler: str | None = None,
) -> list[dict[str, Any]]:
    """Grade every job, ``workers`` at a time (None: ``default_workers``); returns the results in
    the order they finished. ``scheduler`` (a Dask address, default: the one ``use_scheduler`` set)
    sends the gradings to that cluster instead, with the same results and the same ``on_result``."""
    scheduler = scheduler or _default_scheduler
    if scheduler:
        from autograder.cluster import run_gradings_on_cluster

        return run_gradings_on_cluster(jobs, scheduler, gpus=gpus, on_result=on_result)
    gpus = tuple(gpus)
    workers = default_workers(gpus) if workers is None else max(1, workers)
    pool = GpuPool(gpus)
    results: list[dict[str, Any]] = []
    with sharing(workers), ThreadPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(grade_job, job, pool): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as err:  # a grader bug costs this submission only
                result = failed_result(job, err)
            results.append(result)
            if on_result is not None:
                on_result(job, result)
    return results


_default_scheduler: str | None = None


def use_scheduler(address: str | None) -> str | None:
    """Make ``address`` (``tcp://host:8786``) where ``run_gradings`` sends gradings by default
    (``grade --scheduler`` calls it while parsing its arguments); returns it."""
    global _default_scheduler
    _default_scheduler = address or None
    return address
