"""Grading on a real local Dask cluster: a scheduler and two worker processes started here.

The same small bptt_numpy class graded by the local pool and by the cluster gives identical
results; a worker killed mid-task has its task run again on the other, and ``on_result`` (the
gradebook's only writer, in this process) sees every student exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograder.grading import GradeOptions
from autograder.labspec import load_lab
from autograder.pool import GradingJob, run_gradings
from autograder.submissions import Submission
from tests.helpers import reference_notebook, reference_plus

LAB = "bptt_numpy"


class LocalCluster:
    """``dask scheduler`` and two ``dask worker --no-nanny`` processes (so a worker's pid is its own)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        bin_dir = Path(sys.executable).parent
        log = open(self.folder / "cluster.log", "ab")  # noqa: SIM115
        self.processes["scheduler"] = subprocess.Popen(
            [str(bin_dir / "dask"), "scheduler", "--port", "0", "--no-dashboard", "--scheduler-file", str(self.scheduler_file)],
            stdout=log, stderr=log,
        )
        deadline = time.monotonic() + 60
        while not self.scheduler_file.exists():
            assert time.monotonic() < deadline, "the Dask scheduler did not start"
            time.sleep(0.1)
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        for name in ("w1", "w2"):
            self.processes[name] = subprocess.Popen(
                [str(bin_dir / "dask"), "worker", "--scheduler-file", str(self.scheduler_file), "--name", name,
                 "--nthreads", "1", "--no-nanny", "--no-dashboard"],
                stdout=log, stderr=log, env=env,
            )
        from distributed import Client

        with Client(self.address) as client:
            client.wait_for_workers(2, timeout=60)

    @property
    def address(self) -> str:
        return json.loads(self.scheduler_file.read_text())["address"]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    running = LocalCluster(tmp_path_factory.mktemp("dask"))
    running.start()
    try:
        yield running
    finally:
        running.stop()


def class_notebooks(folder: Path) -> dict[str, Path]:
    """Four students: two full marks, one mistake, one that sleeps at import (slow enough to be caught mid-task)."""
    lab = load_lab(LAB)
    good = reference_notebook(LAB, folder / "good.ipynb")
    mistake = (lab.directory / "mistakes" / "clip_in_place.py").read_text()
    wrong = reference_plus(LAB, folder / "wrong.ipynb", mistake.replace("EXPECT_FAILED", "_EXPECT_FAILED"))
    # a default argument runs at import (top-level statements are dropped by intake)
    slow = reference_plus(LAB, folder / "slow.ipynb", "import time\n\n\ndef pause(done=time.sleep(4)):\n    pass\n")
    return {"alice": good, "bob": wrong, "carol": slow, "dave": good}


def small_class(notebooks: dict[str, Path], out: Path) -> list[GradingJob]:
    lab = load_lab(LAB)
    return [GradingJob(Submission(student=s, notebook=n), lab, out, GradeOptions()) for s, n in notebooks.items()]


def comparable(result: dict[str, Any]) -> tuple:
    """What must be identical wherever a grading ran (timings are not)."""
    checks = tuple((c["id"], c["outcome"], c["points"], c["message"]) for c in result["checks"])
    return (result["student"], result["status"], result["score"], result["max_score"], result["submission_sha256"], checks)


def test_cluster_grades_like_the_pool_and_survives_a_killed_worker(cluster: LocalCluster, tmp_path: Path) -> None:
    from distributed import Client

    notebooks = class_notebooks(tmp_path)
    pool_results = run_gradings(small_class(notebooks, tmp_path / "pool"), workers=2)
    expected = sorted(comparable(r) for r in pool_results)
    assert len({r["score"] for r in pool_results}) == 2  # the mistake costs points: the comparison can fail

    seen: Counter[str] = Counter()
    cluster_results = run_gradings(small_class(notebooks, tmp_path / "dask"), on_result=lambda job, r: seen.update([r["student"]]),
                                   scheduler=cluster.address)
    assert sorted(comparable(r) for r in cluster_results) == expected
    assert seen == Counter({"alice": 1, "bob": 1, "carol": 1, "dave": 1})

    # Kill the worker grading the slow submission while it does; the task must run again on the other.
    jobs = small_class(notebooks, tmp_path / "killed")
    seen.clear()
    outcome: dict[str, Any] = {}
    grading = threading.Thread(target=lambda: outcome.update(results=run_gradings(
        jobs, on_result=lambda job, r: seen.update([r["student"]]), scheduler=cluster.address)))
    events = tmp_path / "killed" / "carol" / "stage1" / "events.jsonl"
    victim = None
    with Client(cluster.address) as watcher:
        names = {a: w["name"] for a, w in watcher.scheduler_info()["workers"].items()}
        grading.start()
        deadline = time.monotonic() + 120
        while victim is None and time.monotonic() < deadline:
            worker = _worker_grading(watcher, "carol", jobs) if events.exists() else None
            if worker is not None and "carol" not in seen:
                victim = cluster.processes[names[worker]]
                os.kill(victim.pid, signal.SIGKILL)
            time.sleep(0.05)
    grading.join(300)
    assert victim is not None, "never caught a worker grading the slow submission"
    assert victim.wait(10) == -signal.SIGKILL
    assert sorted(comparable(r) for r in outcome["results"]) == expected
    assert seen == Counter({"alice": 1, "bob": 1, "carol": 1, "dave": 1}), seen


def _worker_grading(client: Any, student: str, jobs: list[GradingJob]) -> str | None:
    """The address of the worker executing ``student``'s task right now, if any."""
    from autograder.cluster import task_key

    prefix = task_key(next(j for j in jobs if j.submission.student == student), "")
    executing = client.run(lambda dask_worker: [str(getattr(t, "key", t)) for t in dask_worker.state.executing])
    return next((w for w, keys in executing.items() if any(k.startswith(prefix) for k in keys)), None)
