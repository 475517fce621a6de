"""A grader killed while bubblewrap builds a sandbox leaves nothing running: its reaper kills what
its sandbox cgroups hold (``autograder/sandbox/reaper.py``).

bubblewrap's gap, made to happen every time: ``--userns-block-fd`` holds the outer bwrap just
before it lets the sandbox's first process go, the moment a killed grader can leave behind. That
first process has no parent-death signal yet. Killed with its grader, the outer bwrap goes; the
first process would wait forever (the control below shows it does, when nothing guards its group).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.sandbox import cgroups, reaper
from autograder.sandbox.bwrap_backend import bwrap_path

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not cgroups.available(), reason="needs root and writable cgroups (the reaper's groups)"
)

ROOT = Path(__file__).resolve().parents[1]

#: A "grader": one sandbox group (guarded when its name begins with the owner prefix), bwrap started
#: inside it and held where bubblewrap's gap is; prints what the test needs, then waits to be killed.
GRADER = """
import json, os, subprocess, sys, time
from autograder.sandbox import cgroups, reaper
from autograder.sandbox.base import Limits
from autograder.sandbox.bwrap_backend import JOIN_CGROUPS
guarded = sys.argv[1] == "guarded"
name = (cgroups.owner_prefix() if guarded else f"autograder-unguarded-{os.getpid()}-") + "sandbox"
groups = cgroups.create(name, Limits())
info_read, info_write = os.pipe()
block_read = int(sys.argv[4])  # a pipe the test holds open and never writes: the outer bwrap waits on it
bwrap = [sys.argv[2], "--die-with-parent", "--unshare-user", "--unshare-pid", "--info-fd", str(info_write),
         "--userns-block-fd", str(block_read), "--ro-bind", "/", "/", "--", "sleep", "1000"]
subprocess.Popen(["/bin/sh", "-c", JOIN_CGROUPS, "sh", *map(str, groups.procs_files), "--", *bwrap],
                 pass_fds=[info_write, block_read], start_new_session=True)
said = b""
while not said.rstrip().endswith(b"}"):
    said += os.read(info_read, 4096)
info = json.loads(said)
started = reaper._reapers.get(os.getpid())
print(json.dumps({"first": info["child-pid"], "groups": [str(d) for d in groups.dirs.values()],
                  "reaper": started.pid if started else None}), flush=True)
if sys.argv[3] == "end":
    groups.remove()
    sys.exit(0)
time.sleep(1000)
"""


def _start_grader(mode: str, end: str, block_read: int) -> tuple[subprocess.Popen[str], dict]:
    """The grader's process and what it printed; ``block_read`` holds its bwrap until the test ends."""
    grader = subprocess.Popen(
        [sys.executable, "-c", GRADER, mode, bwrap_path(), end, str(block_read)], cwd=ROOT, stdout=subprocess.PIPE,
        text=True, start_new_session=True, pass_fds=[block_read],
    )
    assert grader.stdout is not None
    return grader, json.loads(grader.stdout.readline())


@pytest.fixture
def block_read():
    """The read end of a pipe that stays open, unwritten, while the test runs (not the grader's:
    the end of a killed grader's own pipe would let the outer bwrap go on)."""
    read_end, write_end = os.pipe()
    yield read_end
    os.close(read_end)
    os.close(write_end)


def _alive(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "zombie" not in state


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _alive(pid)


def _clear(groups: list[str]) -> None:
    """The control's leftovers: killed and removed by the test itself."""
    for group in map(Path, groups):
        reaper.sweep(group.name, [group.parent])


def test_a_killed_grader_leaves_no_sandbox_behind(block_read):
    control, unguarded = _start_grader("unguarded", "kill", block_read)
    grader, guarded = _start_grader("guarded", "kill", block_read)
    try:
        assert _alive(guarded["first"]) and _alive(unguarded["first"])
        for process in (control, grader):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

        assert _gone_within(guarded["first"], 10), "the sandbox's first process still runs 10 s after its grader was killed"
        assert not any(Path(g).exists() for g in guarded["groups"]), "the killed grader's cgroups were not removed"
        assert guarded["reaper"] is not None and unguarded["reaper"] is None
        assert _gone_within(guarded["reaper"], 10), "the reaper did not end after its sweep"
        # The control: the same sandbox in a group nobody guards is still there. bubblewrap's gap is real.
        time.sleep(1)
        assert _alive(unguarded["first"]), "bubblewrap's first process died by itself: the gap this guards against is gone"
    finally:
        _clear(unguarded["groups"] + guarded["groups"])


def test_a_grader_that_ends_normally_ends_its_reaper(block_read):
    grader, started = _start_grader("guarded", "end", block_read)
    assert grader.wait(30) == 0
    assert started["reaper"] is not None
    assert _gone_within(started["reaper"], 10), "the reaper outlived the grader that ended normally"
    assert not any(Path(g).exists() for g in started["groups"])
    assert not _alive(started["first"])

