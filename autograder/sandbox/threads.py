"""Each sandboxed stage's share of the machine's cores.

Every TensorFlow, OpenMP or BLAS process sizes its thread pools to every core it can see. Two
gradings at once on two cores then run four busy pools on two cores, and Eigen's spinning
workers steal time from the other grading. So each stage is told its share instead:
``cores // concurrency`` threads (at least one), where the concurrency is what the batch declared
(``sharing(workers)``, as ``pool.run_gradings`` does) or, undeclared, the most stages this
process has had running at once in the last minute; ``AUTOGRADER_STAGE_THREADS=N`` in the grader's
environment fixes it (a Dask worker host shared with other work, say).

The share reaches the sandbox as environment variables (``thread_environment``), which
TensorFlow reads when its runtime starts; the harvest runner, which imports TensorFlow before the
student's code anyway, also applies it with ``apply_tensorflow_threads``. The check runner does
not import TensorFlow, so checks that read no model never pay for it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: The variable the stage runners read to size TensorFlow's pools.
THREADS_VARIABLE = "AUTOGRADER_THREADS"

#: How long a level of concurrency is remembered once seen (undeclared batches, e.g. validate's).
MEMORY_S = 60.0

_lock = threading.Lock()
_active = 0
_last_seen: dict[int, float] = {}  # stages running at once -> when that many last were
_declared: list[int] = []


def machine_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@contextmanager
def sharing(concurrency: int) -> Iterator[None]:
    """Declare that ``concurrency`` gradings run at once inside this block."""
    with _lock:
        _declared.append(max(1, concurrency))
    try:
        yield
    finally:
        with _lock:
            _declared.remove(max(1, concurrency))


@contextmanager
def stage_share() -> Iterator[int]:
    """Hold a stage's place while it runs; yields the threads it should use."""
    global _active
    if os.environ.get("AUTOGRADER_THREAD_SHARES") == "off":  # benchmarks: every stage sees every core
        yield 0
        return
    fixed = os.environ.get("AUTOGRADER_STAGE_THREADS")  # an operator's choice (a shared host) wins
    with _lock:
        _active += 1
        _remember(_active)
        concurrency = max(_declared) if _declared else _recent_concurrency()
        threads = int(fixed) if fixed else max(1, machine_cores() // concurrency)
    try:
        yield threads
    finally:
        with _lock:
            _remember(_active)
            _active -= 1


def _remember(active: int) -> None:
    now = time.monotonic()
    for level in range(1, active + 1):
        _last_seen[level] = now


def _recent_concurrency() -> int:
    """The most stages seen running at once in the last ``MEMORY_S`` seconds."""
    now = time.monotonic()
    return max((level for level, seen in _last_seen.items() if now - seen < MEMORY_S), default=1)


def thread_environment(threads: int) -> dict[str, str]:
    """Environment variables that size every thread pool a stage may start to ``threads`` (0: none)."""
    if threads <= 0:
        return {}
    value = str(max(1, threads))
    return {
        THREADS_VARIABLE: value,
        "OMP_NUM_THREADS": value,
        "OPENBLAS_NUM_THREADS": value,
        "MKL_NUM_THREADS": value,
        "NUMEXPR_MAX_THREADS": value,
        "TF_NUM_INTRAOP_THREADS": value,
        "TF_NUM_INTEROP_THREADS": value,
    }


def apply_tensorflow_threads() -> None:
    """Size TensorFlow's intra- and inter-op pools from ``AUTOGRADER_THREADS`` (call before any op)."""
    value = os.environ.get(THREADS_VARIABLE)
    if not value:
        return
    import tensorflow as tf

    threads = max(1, int(value))
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # the context already started: too late, leave TensorFlow's own choice
        pass
