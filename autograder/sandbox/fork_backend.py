"""The ``fork`` backend: stages forked from a server that imported TensorFlow once. Trusted code only.

Every Keras stage started by a process backend imports TensorFlow and Keras again: about 4.5 s of
one core on a quiet machine, up to 11 under load, twice per grading. ``validate`` grades a lab's
own notebooks (the reference on every seed, its known mistakes, its correct alternatives, the
null variants) dozens of times, and those notebooks are trusted. This backend starts one server
per grader process (``autograder/sandbox/zygote.py``) that imports them once; each stage is a
child forked from it, so it starts with TensorFlow already imported and runs exactly the
``python -m autograder.harvest.runner`` / ``autograder.checking.runner`` it would have run.

Like the ``subprocess`` backend it isolates nothing but rlimits and a process-group kill: no
namespaces, no hidden paths, the grader's own user. ``grading.open_sandbox`` refuses it without
``unsafe_no_sandbox``; ``validate`` allows it for the lab's own notebooks (``--sandbox fork``).
A child serves one stage of one grading and nothing it loads is seen by another: the server
itself never runs a request's code.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path

from autograder.sandbox.base import CappedOutput, SandboxRequest, SandboxUnavailable
from autograder.sandbox.zygote import SOCKET_FD_VARIABLE

#: What the server imports before it forks: what every Keras stage imports first.
PRELOAD = ("numpy", "tensorflow", "keras")
#: Seconds the server may take to import them (a loaded 2-core machine: ~20 s).
STARTUP_TIMEOUT_S = 180.0


class Zygote:
    """One server process and the thread that reads its answers."""

    def __init__(self, preload: tuple[str, ...] = PRELOAD, inherit_environment: bool = True) -> None:
        """``inherit_environment=False``: the server starts with the stages' base environment only, so
        nothing of the grader's own environment is in the memory every child inherits."""
        from autograder.harvest.supervisor import base_environment

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        # What a stage's interpreter and TensorFlow read when they start (hash seed, oneDNN, no GPU,
        # Keras's backend and home) must be the stage's from the start: the children inherit it.
        self._home = tempfile.TemporaryDirectory(prefix="autograder-zygote-")
        home = Path(self._home.name)
        for folder in ("home", "tmp"):
            (home / folder).mkdir()
        inherited = dict(os.environ) if inherit_environment else {}
        env = dict(inherited, **base_environment(home), **{SOCKET_FD_VARIABLE: str(theirs.fileno())})
        self._process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.zygote", *preload],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=[theirs.fileno()], start_new_session=True,
        )
        theirs.close()
        self._socket = ours
        self._send_lock = threading.Lock()
        self._changed = threading.Condition()
        self._pids: dict[int, int] = {}  # request id -> pid
        self._exits: dict[int, int] = {}  # pid -> exit code
        self._ready = False
        self._alive = True
        self._ids = itertools.count(1)
        threading.Thread(target=self._read, daemon=True).start()
        with self._changed:
            if not self._changed.wait_for(lambda: self._ready or not self._alive, STARTUP_TIMEOUT_S):
                self.close()
                raise SandboxUnavailable(f"the fork server did not start within {STARTUP_TIMEOUT_S:g} s")
        if not self._ready:
            raise SandboxUnavailable("the fork server exited while importing its modules")

    @property
    def alive(self) -> bool:
        return self._alive and self._process.poll() is None

    def _read(self) -> None:
        buffered = b""
        while True:
            try:
                data = self._socket.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            buffered += data
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                message = json.loads(line)
                with self._changed:
                    if message.get("ready"):
                        self._ready = True
                    elif "exit" in message:
                        self._exits[int(message["pid"])] = int(message["exit"])
                    else:
                        self._pids[int(message["id"])] = int(message["pid"])
                    self._changed.notify_all()
        with self._changed:
            self._alive = False
            self._changed.notify_all()

    def fork(self, request: SandboxRequest, output_fd: int, join: dict[str, object] | None = None) -> int:
        """Ask for a child running ``request`` (inside the running sandbox ``join`` names, if any); its pid.

        The request travels on a socket pair of its own that only the child reads.
        """
        request_id = next(self._ids)
        message = {
            "argv": request.argv, "env": request.env, "cwd": str(request.workdir),
            "limits": asdict(request.limits), "join": join,
        }
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._send_lock:
                socket.send_fds(self._socket, [(json.dumps({"id": request_id}) + "\n").encode()], [output_fd, theirs.fileno()])
            theirs.close()
            ours.sendall(json.dumps(message).encode())
        except OSError:
            pass  # the server is gone: answered below
        finally:
            theirs.close()
            ours.close()
        with self._changed:
            self._changed.wait_for(lambda: request_id in self._pids or not self._alive, STARTUP_TIMEOUT_S)
            pid = self._pids.pop(request_id, None)
        if pid is None:
            raise SandboxUnavailable("the fork server is gone: it could not start the stage")
        return pid

    def exit_code(self, pid: int, timeout: float | None) -> int | None:
        """The child's exit code once it has ended (waits up to ``timeout`` s; 0: just look)."""
        with self._changed:
            self._changed.wait_for(lambda: pid in self._exits or not self._alive, timeout)
            if pid in self._exits:
                return self._exits[pid]
            return None if self._alive else -signal.SIGKILL

    def close(self) -> None:
        self._socket.close()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._home.cleanup()


_zygotes: dict[bool, Zygote] = {}
_zygote_lock = threading.Lock()


def shared_zygote(inherit_environment: bool = True) -> Zygote:
    """This process's server, started on first use (and again if it died).

    The ``fork`` backend's inherits the grader's environment; the warm bwrap backend's does not.
    """
    with _zygote_lock:
        zygote = _zygotes.get(inherit_environment)
        if zygote is None or not zygote.alive:
            zygote = _zygotes[inherit_environment] = Zygote(inherit_environment=inherit_environment)
        return zygote


class ForkedStage:
    """A stage forked from the server: its own session, output through a pipe."""

    def __init__(self, zygote: Zygote, pid: int, output: CappedOutput) -> None:
        self._zygote = zygote
        self.pid = pid
        self._output = output

    def poll(self) -> int | None:
        return self._zygote.exit_code(self.pid, 0)

    def wait(self, timeout: float | None = None) -> int:
        code = self._zygote.exit_code(self.pid, timeout)
        if code is None:
            raise TimeoutError(f"stage process {self.pid} still running after {timeout} s")
        return code

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._zygote.exit_code(self.pid, 10)

    def output(self) -> str:
        return self._output.text()


class ForkSandbox:
    """Stages forked from a server that imported TensorFlow once: no isolation (trusted notebooks)."""

    name = "fork"

    def start(self, request: SandboxRequest) -> ForkedStage:
        read_end, write_end = os.pipe()
        zygote = shared_zygote()
        try:
            pid = zygote.fork(request, write_end)
        finally:
            os.close(write_end)
        output = CappedOutput(os.fdopen(read_end, "rb"), request.limits.output_bytes)
        return ForkedStage(zygote, pid, output)
