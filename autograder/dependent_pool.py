"""Run jobs on a few threads, each once the one job it waits for has finished, the costliest ready job first.

``validate`` grades the reference on every seed and then the variants, which reuse the reference's
steps at their own seed. Waiting for every seed's reference before any variant left one thread idle
while the last reference trained (66 s of seq2seq_gru's validate). Here a variant waits only for the
reference at its seed, and among the jobs that may start, the one expected to take longest starts
first, so the short ones fill the end instead of a long one running alone.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


def run_after(
    jobs: list[Job],
    run: Callable[[Job], Result],
    *,
    workers: int,
    after: Callable[[Job], int | None],
    cost: Callable[[Job], float],
) -> list[Result]:
    """``[run(job) for job in jobs]``, on ``workers`` threads, in dependency and cost order.

    ``after(job)``: the index in ``jobs`` of the job that must finish before ``job`` starts, or None.
    ``cost(job)``: how long ``job`` is expected to take, asked when it becomes ready (so it may read
    what the job it waited for left behind); ready jobs start costliest first, ties in list order.
    An exception in ``run`` is raised here once the jobs already running have ended; nothing more starts.
    """
    prerequisite = [after(job) for job in jobs]
    for index, before in enumerate(prerequisite):
        if before is not None and (not 0 <= before < len(jobs) or before == index):
            raise ValueError(f"job {index} waits for {before}, which is not another job of the list")
    results: dict[int, Result] = {}
    waiting = list(range(len(jobs)))
    running: dict[Future, int] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while waiting or running:
            ready = [i for i in waiting if prerequisite[i] is None or prerequisite[i] in results]
            ready.sort(key=lambda i: (-cost(jobs[i]), i))
            for index in ready[: max(1, workers) - len(running)]:
                waiting.remove(index)
                running[pool.submit(run, jobs[index])] = index
            if not running:
                raise ValueError(f"jobs {waiting} wait for one another: none of them can start")
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                index = running.pop(future)
                if future.exception() is not None:
                    raise future.exception()  # nothing more starts; the pool's exit waits for the running ones
                results[index] = future.result()
    return [results[i] for i in range(len(jobs))]
