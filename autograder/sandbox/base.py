"""The contract every sandbox backend fulfils."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

GiB = 1024**3
MiB = 1024**2


class SandboxUnavailable(RuntimeError):
    """The backend cannot run here (missing tool, no permission); the message says why."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed stage."""

    memory_bytes: int = 6 * GiB
    max_processes: int = 512  # TensorFlow counts every thread
    cpu_seconds: int | None = None
    cpus: float | None = None  # CPU quota in cores (cgroup / container), None: no quota
    file_size_bytes: int = 512 * MiB
    output_bytes: int = 256 * 1024  # captured stdout+stderr kept for diagnosis
    tmp_bytes: int = 1 * GiB  # size of the private /tmp (a tmpfs: it is memory)
    disk_bytes: int = 2 * GiB  # all the writable paths together (checked while it runs)
    max_files: int = 10_000  # files and folders in the writable paths


@dataclass
class SandboxRequest:
    """What to run and what it may see.

    ``readable`` paths are visible read-only, ``writable`` ones read-write,
    ``hidden`` ones are covered (by an empty tmpfs where the backend can).
    """

    argv: list[str]
    env: dict[str, str]
    workdir: Path
    readable: list[Path] = field(default_factory=list)
    writable: list[Path] = field(default_factory=list)
    hidden: list[Path] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    gpu: str | None = None  # a device id for backends that hand out GPUs


class RunningProcess(Protocol):
    def poll(self) -> int | None:
        """The exit code once finished, else None."""

    def kill(self) -> None:
        """Kill everything the stage started, however it detached."""

    def wait(self, timeout: float | None = None) -> int:
        """Block until the process ends (raises TimeoutError after ``timeout`` s)."""

    def output(self) -> str:
        """Captured stdout and stderr, capped at the request's output limit."""


class Sandbox(Protocol):
    name: str

    def start(self, request: SandboxRequest) -> RunningProcess:
        ...


class PopenStage:
    """What every process-based backend shares: a ``Popen`` in its own session, captured output."""

    def __init__(self, popen: subprocess.Popen[bytes], output: CappedOutput) -> None:
        self._popen = popen
        self._output = output

    @property
    def pid(self) -> int:
        return self._popen.pid

    def poll(self) -> int | None:
        return self._popen.poll()

    def wait(self, timeout: float | None = None) -> int:
        try:
            return self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"stage process {self.pid} still running after {timeout} s") from None

    def output(self) -> str:
        return self._output.text()

    def _kill_group_and_reap(self, before_reaping: Callable[[], None] = lambda: None) -> None:
        """SIGKILL the process group, run ``before_reaping``, then wait for the child (10 s at most)."""
        try:
            os.killpg(self._popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        before_reaping()
        try:
            self._popen.wait(10)
        except subprocess.TimeoutExpired:
            pass


class CappedOutput:
    """Drains a pipe in a thread, keeping only the first ``cap`` bytes."""

    def __init__(self, stream: IO[bytes], cap: int) -> None:
        self._stream = stream
        self._cap = cap
        self._chunks: list[bytes] = []
        self._kept = 0
        self.dropped = 0
        self._notes: list[str] = []
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while True:
            chunk = self._stream.read(65536)
            if not chunk:
                break
            room = self._cap - self._kept
            if room > 0:
                self._chunks.append(chunk[:room])
                self._kept += min(room, len(chunk))
            self.dropped += max(0, len(chunk) - max(room, 0))

    def note(self, line: str) -> None:
        """Add a line of the grader's own after the captured output (why it was stopped)."""
        self._notes.append(line)

    def text(self, join_timeout: float = 2.0) -> str:
        self._thread.join(join_timeout)
        text = b"".join(self._chunks).decode("utf-8", "replace")
        if self.dropped:
            text += f"\n[... {self.dropped} more bytes of output dropped]"
        return "\n".join([text, *self._notes]) if self._notes else text


def last_output_lines(output: str, count: int) -> list[str]:
    """The last ``count`` non-blank lines a stage printed (for error messages)."""
    return [line for line in output.strip().splitlines() if line.strip()][-count:]
