"""Grading on a Dask distributed cluster: the same per-submission tasks as the local pool.

    autograder grade SUBMISSIONS --lab L --out OUT --scheduler tcp://HOST:8786

Each submission is one Dask task that runs ``pool.grade_job`` on a worker, i.e. the whole
two-stage grading in that worker's own sandboxes; the result comes back to this process, where
``on_result`` records it (the gradebook has one writer, here). Workers need the project's
environment (or the grading image) and a sandbox backend, and must see the submissions and
``OUT`` at the same paths (a shared filesystem, as on a Slurm cluster).

Worker lost mid-task: the scheduler runs the task again on another worker (up to Dask's
``distributed.scheduler.allowed-failures``); the client sees one result per task, so a grade is
neither lost nor recorded twice. The killed worker's sandbox dies with it (bwrap's
``--die-with-parent``, and the reaper of ``autograder/sandbox/reaper.py`` for a sandbox still
being built), and the rerun starts its submission's folder afresh.

GPUs: a job submitted with GPUs asks for the Dask resource ``GPU=1``; start GPU workers with
``dask worker ... --resources GPU=N`` and ``AUTOGRADER_GPUS=0,1,...`` (the device ids that worker
hands out, as ``--gpus`` does locally).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from autograder.pool import GpuPool, GradingJob, failed_result, grade_job
from autograder.sandbox.threads import sharing

_worker_gpus: GpuPool | None = None


def _gpus_of_this_worker() -> GpuPool:
    """The worker process's own GPU pool, from ``AUTOGRADER_GPUS`` (empty: none)."""
    global _worker_gpus
    if _worker_gpus is None:
        ids = [part.strip() for part in os.environ.get("AUTOGRADER_GPUS", "").split(",") if part.strip()]
        _worker_gpus = GpuPool(ids)
    return _worker_gpus


def grade_on_worker(job: GradingJob) -> dict[str, Any]:
    """The task a Dask worker runs: one grading, its threads shared with the worker's other tasks."""
    threads = 1
    try:
        from distributed import get_worker

        threads = get_worker().state.nthreads
    except (ImportError, ValueError, AttributeError):
        pass
    with sharing(int(os.environ.get("AUTOGRADER_GRADINGS_PER_HOST", threads))):
        return grade_job(job, _gpus_of_this_worker())


def task_key(job: GradingJob, batch: str) -> str:
    """A key unique to this grading of this batch (Dask merges live tasks that share a key)."""
    digest = hashlib.sha256(f"{job.lab.id}\0{job.submission.student}\0{job.out_dir}".encode()).hexdigest()[:16]
    return f"grade-{job.lab.id}-{digest}-{batch}"


def run_gradings_on_cluster(
    jobs: Iterable[GradingJob],
    scheduler: str,
    gpus: Iterable[str] = (),
    on_result: Callable[[GradingJob, dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Grade every job on the cluster at ``scheduler``; ``on_result`` runs here, once per job."""
    from distributed import Client, as_completed

    jobs = list(jobs)
    batch = uuid.uuid4().hex[:8]
    needs_gpu = bool(tuple(gpus))
    results: list[dict[str, Any]] = []
    with Client(scheduler) as client:
        futures = {
            client.submit(
                grade_on_worker, job, key=task_key(job, batch), pure=False,
                resources={"GPU": 1} if needs_gpu else None,
            ): job
            for job in jobs
        }
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as err:  # the task failed on every worker it was given (or the grader did)
                result = failed_result(job, err)
            results.append(result)
            if on_result is not None:
                on_result(job, result)
            future.release()
    return results
