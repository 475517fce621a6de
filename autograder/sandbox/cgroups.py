"""Per-sandbox cgroup v1 groups (memory, pids, cpu) where this machine lets us write them.

Each sandbox gets its own group in each controller, nested under the group
this grader already runs in (so the limits the grader itself is under still
hold). Controllers that are missing or not writable are skipped: rlimits set
by :mod:`autograder.sandbox.launch` are the fallback.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autograder.sandbox import reaper
from autograder.sandbox.base import Limits

CGROUP_ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("memory", "pids", "cpu")
CFS_PERIOD_US = 100_000


def _own_group(controller: str) -> str | None:
    """This process's group path in ``controller`` (from /proc/self/cgroup), if v1 has it."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return path
    return None


@cache
def parent_dir(controller: str) -> Path | None:
    """Where to create sandbox groups for ``controller``, or None when we cannot."""
    own = _own_group(controller)
    mount = CGROUP_ROOT / controller
    if own is None or not (mount / "cgroup.procs").exists():
        return None
    parent = mount / own.lstrip("/")
    probe = parent / f"autograder-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError:
        return None
    return parent


def available() -> list[str]:
    """The v1 controllers this process can create sandbox groups in."""
    return [c for c in CONTROLLERS if parent_dir(c) is not None]


@dataclass
class CgroupSet:
    """One sandbox's groups; ``procs_files`` are what the sandbox's first process joins."""

    dirs: dict[str, Path] = field(default_factory=dict)

    @property
    def procs_files(self) -> list[Path]:
        return [d / "cgroup.procs" for d in self.dirs.values()]

    @property
    def limits_processes(self) -> bool:
        return "pids" in self.dirs

    def pids(self) -> set[int]:
        found: set[int] = set()
        for folder in self.dirs.values():
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                continue
        return found

    def kill_all(self, timeout_s: float = 5.0) -> None:
        """SIGKILL every process in the groups until they are empty."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def peak_memory_bytes(self) -> int | None:
        folder = self.dirs.get("memory")
        try:
            return int((folder / "memory.max_usage_in_bytes").read_text()) if folder else None
        except (OSError, ValueError):
            return None

    def oom_killed(self) -> bool:
        """Whether the kernel's OOM killer ended a process of this group."""
        folder = self.dirs.get("memory")
        try:
            lines = (folder / "memory.oom_control").read_text().splitlines() if folder else []
        except OSError:
            return False
        counts = dict(line.split() for line in lines if len(line.split()) == 2)
        return int(counts.get("oom_kill", "0")) > 0

    def remove(self, timeout_s: float = 5.0) -> None:
        """Kill what is left and delete the groups (a group can go once it is empty)."""
        self.kill_all(timeout_s)
        deadline = time.monotonic() + timeout_s
        for folder in self.dirs.values():
            while folder.exists():
                try:
                    folder.rmdir()
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.02)
        self.dirs.clear()


def owner_prefix() -> str:
    """How the names of this process's sandbox groups begin: ``autograder-PID-``."""
    return f"autograder-{os.getpid()}-"


def create(name: str, limits: Limits) -> CgroupSet:
    """Create groups named ``name`` with ``limits`` in every usable controller.

    A name that begins with :func:`owner_prefix` is guarded: if this process dies without
    removing its groups, its reaper (:mod:`autograder.sandbox.reaper`) kills what they hold.
    """
    groups = CgroupSet()
    parents = {controller: parent_dir(controller) for controller in available()}
    if name.startswith(owner_prefix()) and parents:
        reaper.guard_groups(owner_prefix(), [parent for parent in parents.values() if parent is not None])
    for controller, parent in parents.items():
        assert parent is not None
        folder = parent / name
        try:
            folder.mkdir()
            _configure(controller, folder, limits)
        except OSError:
            try:
                folder.rmdir()
            except OSError:
                pass
            continue
        groups.dirs[controller] = folder
    return groups


def _configure(controller: str, folder: Path, limits: Limits) -> None:
    if controller == "memory":
        (folder / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
        swap = folder / "memory.memsw.limit_in_bytes"
        if swap.exists():  # memory + swap equal to memory: no swap at all
            swap.write_text(str(limits.memory_bytes))
    elif controller == "pids":
        (folder / "pids.max").write_text(str(limits.max_processes))
    elif controller == "cpu" and limits.cpus:
        (folder / "cpu.cfs_period_us").write_text(str(CFS_PERIOD_US))
        (folder / "cpu.cfs_quota_us").write_text(str(int(limits.cpus * CFS_PERIOD_US)))
