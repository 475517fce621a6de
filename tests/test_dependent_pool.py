"""validate's job order (autograder/dependent_pool.py): a job waits for its own prerequisite only, costliest first."""

from __future__ import annotations

import threading
import time

import pytest

from autograder.dependent_pool import run_after

WAIT_S = 10.0  # far longer than any step here takes; reached only when the order is wrong


def test_a_job_starts_when_its_own_prerequisite_ends_not_when_all_have() -> None:
    """ref0 ends at once; ref1 holds its thread until var0 (which waits for ref0 only) has started."""
    var0_started = threading.Event()
    events: list[str] = []

    def run(name: str) -> str:
        events.append(f"start {name}")
        if name == "var0":
            var0_started.set()
        if name == "ref1":
            assert var0_started.wait(WAIT_S), "var0 did not start while ref1 was still running"
        events.append(f"end {name}")
        return name.upper()

    jobs = ["ref0", "ref1", "var0", "var1"]
    prerequisite = {"var0": 0, "var1": 1}
    results = run_after(jobs, run, workers=2, after=prerequisite.get, cost=lambda name: 0.0)
    assert results == ["REF0", "REF1", "VAR0", "VAR1"]
    assert events.index("start var0") > events.index("end ref0")
    assert events.index("start var0") < events.index("end ref1")
    assert events.index("start var1") > events.index("end ref1")


def test_the_costliest_ready_job_starts_first() -> None:
    started: list[str] = []
    cost = {"short": 1.0, "long": 50.0, "middle": 10.0, "also_short": 1.0}

    def run(name: str) -> None:
        started.append(name)
        time.sleep(0.01)

    run_after(list(cost), run, workers=1, after=lambda name: None, cost=cost.get)
    assert started == ["long", "middle", "short", "also_short"]  # ties keep the list's order


def test_cost_is_asked_once_the_prerequisite_has_ended() -> None:
    """The cost of a dependent may read what its prerequisite left (validate reads the reference's step times)."""
    left_behind: dict[str, float] = {}
    started: list[str] = []

    def run(name: str) -> None:
        started.append(name)
        if name == "ref":
            left_behind.update(cheap=1.0, dear=9.0)

    def cost(name: str) -> float:
        return float("inf") if name == "ref" else left_behind[name]

    run_after(["ref", "cheap", "dear"], run, workers=1, after=lambda name: None if name == "ref" else 0, cost=cost)
    assert started == ["ref", "dear", "cheap"]


def test_a_failing_job_stops_the_rest_and_raises() -> None:
    started: list[str] = []

    def run(name: str) -> None:
        started.append(name)
        if name == "broken":
            raise RuntimeError("grader bug")

    with pytest.raises(RuntimeError, match="grader bug"):
        run_after(["broken", "next"], run, workers=1, after=lambda name: None, cost=lambda name: 0.0)
    assert started == ["broken"]


def test_impossible_orders_are_refused() -> None:
    with pytest.raises(ValueError, match="not another job"):
        run_after(["a"], lambda name: name, workers=1, after=lambda name: 0, cost=lambda name: 0.0)
    with pytest.raises(ValueError, match="wait for one another"):
        run_after(["a", "b"], lambda name: name, workers=1, after={"a": 1, "b": 0}.get, cost=lambda name: 0.0)
