"""The local pool: a hanging or failing submission never stalls the others; thread shares reach the sandbox.

Real gradings of the numpy lab (bptt_numpy) in the real bwrap sandbox.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from autograder.cli import build_parser
from autograder.grading import GradeOptions
from autograder.harvest.supervisor import run_harvest
from autograder.intake import extract
from autograder.labspec import load_lab
from autograder.pool import GpuPool, GradingJob, default_workers, run_gradings
from autograder.sandbox import make_sandbox, threads
from autograder.sandbox.threads import machine_cores, sharing, stage_share
from autograder.submissions import Submission
from tests.helpers import reference_notebook, reference_plus

LAB = "bptt_numpy"


@pytest.fixture(autouse=True)
def shares_not_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests measure the shares themselves: an operator's fixed count (`make test` sets one) is off."""
    monkeypatch.delenv("AUTOGRADER_STAGE_THREADS", raising=False)


def test_a_hanging_submission_does_not_stall_the_others(tmp_path: Path) -> None:
    lab = load_lab(LAB)
    good = reference_notebook(LAB, tmp_path / "good.ipynb")
    # a loop in a class body runs at import (a top-level loop would be dropped by intake)
    hangs = reference_plus(LAB, tmp_path / "hangs.ipynb", "class Forever:\n    while True:\n        pass\n")
    quick = GradeOptions(check_ids=["step_forward_shapes"])  # the good ones: one cheap check each
    jobs = [
        GradingJob(Submission(student="hangs", notebook=hangs), lab, tmp_path / "out", GradeOptions()),
        GradingJob(Submission(student="good1", notebook=good), lab, tmp_path / "out", quick),
        GradingJob(Submission(student="good2", notebook=good), lab, tmp_path / "out", quick),
        # a job the grader itself cannot run (an unsafe id): an error result, the batch goes on
        GradingJob(Submission(student="../evil", notebook=good), lab, tmp_path / "out", GradeOptions()),
    ]
    finished: list[tuple[str, float]] = []
    started = time.monotonic()
    results = run_gradings(jobs, workers=2, on_result=lambda job, r: finished.append((r["student"], time.monotonic() - started)))
    print(finished)
    by_student = {r["student"]: r for r in results}
    # the other worker went on grading while the hanging one held its worker until the import timeout
    assert finished[0][0] == "good1", finished
    assert set(by_student) == {"hangs", "good1", "good2", "../evil"}
    for name in ("good1", "good2"):
        assert by_student[name]["score"] == by_student[name]["max_score"] > 0
    import_limit = lab.import_timeout_s
    assert by_student["hangs"]["score"] == 0
    assert all(f"within {import_limit:g} s" in c["message"] for c in by_student["hangs"]["checks"])
    assert by_student["../evil"]["status"] == "error" and "not safe" in by_student["../evil"]["error"]


def test_each_stage_gets_its_share_of_the_cores(tmp_path: Path) -> None:
    """Inside ``sharing(2)`` a real sandboxed stage sees cores // 2 threads in every pool variable."""
    lab = load_lab(LAB)
    notebook = reference_plus(
        LAB, tmp_path / "env.ipynb",
        # a default argument runs at import (top-level statements are dropped by intake)
        "import os\n\n\ndef probe(seen=print('SEEN', [os.environ.get(v) for v in "
        "('OMP_NUM_THREADS', 'TF_NUM_INTRAOP_THREADS', 'AUTOGRADER_THREADS')], flush=True)):\n    pass\n",
    )
    expected = str(max(1, machine_cores() // 2))
    with sharing(2):
        harvest = run_harvest(
            lab, extract(notebook), tmp_path / "work", make_sandbox("bwrap"),
            seed=0, profile_name="ci", steps=[lab.steps[0]],
        )
    assert f"SEEN {[expected] * 3}" in harvest.runner_output, harvest.runner_output[-2000:]


def test_shares_follow_the_concurrency(monkeypatch: pytest.MonkeyPatch) -> None:
    cores = machine_cores()
    with sharing(1), stage_share() as alone:
        assert alone == cores
    with sharing(cores * 4), stage_share() as crowded:
        assert crowded == 1
    # undeclared (validate's own threads): the most stages seen at once lately, forgotten after a while
    monkeypatch.setattr(threads, "MEMORY_S", 3600.0)
    with stage_share(), stage_share() as second:
        assert second == max(1, cores // 2)
    with stage_share() as after:
        assert after == max(1, cores // 2)
    monkeypatch.setattr(threads, "MEMORY_S", 0.0)
    with stage_share() as later:
        assert later == cores


def test_default_workers_fill_the_machine() -> None:
    assert 1 <= default_workers() <= machine_cores()
    assert default_workers(gpus=("0",)) == 1  # a grading holds its GPU while it runs
    args = build_parser().parse_args(["grade", "subs", "--lab", LAB])
    assert args.workers is None and args.scheduler is None  # None: run_gradings uses default_workers()


def test_gpu_pool_hands_each_device_to_one_holder_at_a_time() -> None:
    pool = GpuPool(["7", "9"])
    holding: list[str] = []
    overlap: list[str] = []
    lock = threading.Lock()

    def hold() -> None:
        device = pool.take()
        with lock:
            if device in holding:
                overlap.append(device)
            holding.append(device)
        time.sleep(0.02)
        with lock:
            holding.remove(device)
        pool.give_back(device)

    threads = [threading.Thread(target=hold) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlap == [] and sorted([pool.take(), pool.take()]) == ["7", "9"]
