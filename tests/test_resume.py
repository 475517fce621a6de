"""A real `autograder grade` batch, killed with SIGKILL half way and started again, grades only
what is missing: nothing graded is lost or graded twice, and the runs the kill interrupted are
never taken for finished ones. On the default SQLite gradebook (``OUT/gradebook.db``) and on a
real PostgreSQL server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pgserver
import pytest
from helpers import reference_plus

from autograder.gradebook import latest_results, run_counts
from autograder.sandbox import cgroups

LAB = "bptt_numpy"
STUDENTS = [f"student{i}" for i in range(1, 5)]
KILL_AFTER = 2  # finished gradings before the kill
ROOT = Path(__file__).resolve().parents[1]
AUTOGRADER = Path(sys.executable).parent / "autograder"

pg_server = pgserver.pg_server


@pytest.fixture(params=["sqlite-default", "postgresql"])
def database(request, tmp_path):
    """(``--db`` arguments, URL to read): the default ``OUT/gradebook.db``, or a PostgreSQL database."""
    if request.param == "sqlite-default":
        yield [], f"sqlite:///{tmp_path / 'out' / 'gradebook.db'}"
        return
    with pgserver.fresh_database(request.getfixturevalue("pg_server")) as url:
        yield ["--db", url], url


def _finished(url: str) -> dict[str, int]:
    try:
        return {s: c.get("finished", 0) for s, c in run_counts(url, LAB).items()}
    except Exception:  # the batch has not created the tables yet
        return {}


def _processes_under(folder: Path, sandboxes: bool = False) -> list[str]:
    """Processes still running whose command line names ``folder`` (the batch's, or its sandboxes';
    ``sandboxes``: only bwrap's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("State:"))
            except (OSError, StopIteration):
                continue
            if str(folder) in cmdline and "zombie" not in state and (not sandboxes or "bwrap" in cmdline):
                found.append(f"{entry.name} ({_whereabouts(entry, state)}): {cmdline[:120]}")
    return found


def _sandbox_groups() -> set[Path]:
    """The sandbox cgroups of every grader process here (``autograder-PID-...``), where cgroups are writable."""
    found: set[Path] = set()
    for controller in cgroups.available():
        parent = cgroups.parent_dir(controller)
        assert parent is not None
        found |= {g for g in parent.glob("autograder-*-*") if g.name.split("-")[1].isdigit()}
    return found


def _left_by_the_dead(groups: set[Path]) -> list[str]:
    """Of ``groups``, those still there whose grader process has ended."""
    return sorted(str(g) for g in groups if g.exists() and not Path("/proc", g.name.split("-")[1]).exists())


def _whereabouts(entry: Path, state: str) -> str:
    """A process's state, parent and kernel wait channel: what a left-over process was doing."""
    try:
        parent = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("PPid:"))
        wchan = (entry / "wchan").read_text()
    except (OSError, StopIteration):
        return state
    return f"{state.split(':', 1)[1].strip()}, {parent.replace(chr(9), ' ')}, waiting in {wchan or '-'}"


def test_a_killed_batch_grades_only_what_is_missing(database, tmp_path):
    db_args, url = database
    subs, out = tmp_path / "subs", tmp_path / "out"
    for i, student in enumerate(STUDENTS):  # distinct notebooks: the reference and a cell of its own
        reference_plus(LAB, subs / f"{student}.ipynb", f"note_{i} = {i}  # {student}'s own cell")
    command = [str(AUTOGRADER), "grade", str(subs), "--lab", LAB, "--out", str(out), "--workers", "1", "--quiet", *db_args]

    log = (tmp_path / "first.log").open("w")
    groups_before = _sandbox_groups()
    batch = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 240
    # Kill once two gradings are recorded and the next one is running (its sandbox is up): half way.
    while sum(_finished(url).values()) < KILL_AFTER or not _processes_under(out / "student", sandboxes=True):
        assert batch.poll() is None, f"the batch ended before the kill: {(tmp_path / 'first.log').read_text()[-2000:]}"
        assert time.monotonic() < deadline, "the batch did not record two gradings in 240 s"
        time.sleep(0.2)
    os.killpg(batch.pid, signal.SIGKILL)  # the grader itself, and its whole process group
    batch.wait()
    log.close()
    assert batch.returncode == -signal.SIGKILL

    before = _finished(url)
    graded_before = sorted(s for s, n in before.items() if n)
    assert len(graded_before) >= KILL_AFTER and len(graded_before) < len(STUDENTS), before
    counts = run_counts(url, LAB)
    unfinished = sorted(s for s in STUDENTS if counts.get(s, {}).get("started"))
    assert unfinished == sorted(set(STUDENTS) - set(graded_before))  # left "started", not finished
    assert {r["student"] for r in latest_results(url, [LAB])} == set(graded_before)
    graded_at = {r["student"]: r["graded_at"] for r in latest_results(url, [LAB])}
    killed_at = time.monotonic()
    gone_by = killed_at + 30  # bwrap's --die-with-parent, and the reaper: the sandboxes go with the grader
    while _processes_under(out) and time.monotonic() < gone_by:
        time.sleep(0.5)
    assert _processes_under(out) == [], "processes of the killed batch still run 30 s after the kill"
    sandboxes_gone_s = time.monotonic() - killed_at
    while _left_by_the_dead(killed_groups := _sandbox_groups() - groups_before) and time.monotonic() < gone_by:
        time.sleep(0.5)
    assert _left_by_the_dead(killed_groups) == [], "the killed batch's sandbox cgroups are still there (its reaper)"

    restarted = datetime.now().astimezone()
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    missing = len(STUDENTS) - len(graded_before)
    assert f"{missing} graded now, {len(graded_before)} already graded" in second.stdout, second.stdout

    counts = run_counts(url, LAB)
    finished = {s: counts[s].get("finished", 0) for s in STUDENTS}
    duplicates = sum(n - 1 for n in finished.values() if n > 1)
    assert finished == dict.fromkeys(STUDENTS, 1), counts  # every student graded exactly once
    assert sum(c.get("interrupted", 0) for c in counts.values()) == missing
    assert not any(c.get("started") for c in counts.values())
    latest = {r["student"]: r for r in latest_results(url, [LAB])}
    resumed = sorted(s for s, r in latest.items() if datetime.fromisoformat(r["graded_at"]) > restarted)
    assert resumed == sorted(set(STUDENTS) - set(graded_before))  # only the missing ones graded again
    assert {s: latest[s]["graded_at"] for s in graded_before} == graded_at  # the first ones kept as they were
    for student in STUDENTS:  # every results.json whole, and the gradebook's record of it
        on_disk = json.loads((out / student / "results.json").read_text())
        assert on_disk["status"] == "graded" and on_disk["score"] == on_disk["max_score"], on_disk["checks"]
        assert {k: latest[student][k] for k in on_disk} == on_disk
    print(f"\n[kill-and-resume {url.split(':')[0]}] students {len(STUDENTS)}; graded before the kill "
          f"{len(graded_before)}; graded after the resume {len(resumed)}; duplicates {duplicates}; "
          f"interrupted runs {missing}; its sandboxes gone {sandboxes_gone_s:.1f} s after the kill")
