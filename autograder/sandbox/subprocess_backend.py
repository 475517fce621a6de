"""The plain-subprocess backend: a process group with rlimits and a wall-clock kill.

It isolates nothing but resources; it is what ``--unsafe-no-sandbox`` runs
and what the hardened backends build on.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from autograder.sandbox.base import CappedOutput, Limits, PopenStage, SandboxRequest


class ProcessGroup(PopenStage):
    """A started child in its own session; ``kill`` signals the whole group."""

    def __init__(self, popen: subprocess.Popen[bytes], output: CappedOutput, marker: str) -> None:
        super().__init__(popen, output)
        self._marker = marker

    def kill(self) -> None:
        self._kill_group_and_reap(lambda: kill_marked_processes(self._marker))


def kill_marked_processes(marker: str) -> None:
    """Kill processes that carry the sandbox marker in their environment (escaped daemons)."""
    needle = f"AUTOGRADER_SANDBOX_ID={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue


def launcher_argv(limits: Limits, python: str = sys.executable) -> list[str]:
    """The prefix that applies ``limits`` before exec-ing the real command."""
    return [python, "-m", "autograder.sandbox.launch", json.dumps(asdict(limits)), "--"]


def start_process(request: SandboxRequest, argv: list[str], marker: str) -> ProcessGroup:
    env = dict(request.env, AUTOGRADER_SANDBOX_ID=marker)
    popen = subprocess.Popen(
        launcher_argv(request.limits) + argv,
        cwd=request.workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        close_fds=True,
    )
    assert popen.stdout is not None
    return ProcessGroup(popen, CappedOutput(popen.stdout, request.limits.output_bytes), marker)


class SubprocessSandbox:
    """No isolation beyond rlimits and process-group kill: for trusted code or explicit opt-in."""

    name = "subprocess"

    def start(self, request: SandboxRequest) -> ProcessGroup:
        marker = f"{os.getpid()}-{time.monotonic_ns()}"
        return start_process(request, request.argv, marker)
