"""The bwrap backend's warm path: bubblewrap's sandbox, entered by a stage forked with TensorFlow imported.

A cold stage is ``bwrap ... setpriv ... python -m STAGE``: a fresh interpreter that imports
TensorFlow and Keras again (≈4.5 s of one core quiet, up to 11 s under load; twice per grading).
Here bubblewrap builds the same sandbox from the same arguments (namespaces, the read-only tmpfs
root, hidden paths, the stage's cgroups, the sandbox user), but its command only says it is ready
and waits. The stage itself is a child of the warm fork server (``zygote.py``), which imported
numpy, TensorFlow and Keras once, has never run anyone's code, and started with none of the
grader's environment: the child enters that waiting sandbox (``ns_join``), becomes the sandbox user
with no capabilities, and runs ``python -m STAGE``. When the stage ends, the sandbox is torn down
as a cold one is.

What a stage can see and do is what a cold stage can: the same mounts, namespaces, cgroups, user
and rlimits (``tests/test_attacks.py`` runs every attack through both paths). What it shares with
other gradings is the server's memory as it was after importing: no request's paths, names or
environment ever enter it (each request reaches only its own child).

The warm path needs root (``setns`` into namespaces root created) and a stage that is
``python -m MODULE`` with no GPU; any other request runs cold. ``AUTOGRADER_BWRAP_WARM=0`` turns it off.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

from autograder.sandbox import cgroups
from autograder.sandbox.base import CappedOutput, SandboxRequest, SandboxUnavailable
from autograder.sandbox.bwrap_backend import (
    JOIN_CGROUPS,
    BwrapProcess,
    BwrapSandbox,
    mount_arguments,
    namespace_arguments,
    stage_limits,
)
from autograder.sandbox.fork_backend import STARTUP_TIMEOUT_S, Zygote, shared_zygote
from autograder.sandbox.ns_join import start_ticks
from autograder.sandbox.sandbox_user import hand_over

#: The waiting sandbox's command: one line once the sandbox is built, then nothing until it is killed.
#: It keeps root's user id, with no capability at all: the stage (the sandbox user) can neither
#: signal nor trace it, so it cannot tear its own sandbox down from inside (pid 1 ends with it).
HOLDER = ["/bin/sh", "-c", "echo ready && exec sleep infinity"]


def holder_command() -> list[str]:
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--", *HOLDER]
#: Seconds bubblewrap may take to build a sandbox (a loaded 2-core machine: well under one).
READY_TIMEOUT_S = 60.0


def warm_enabled() -> bool:
    return os.environ.get("AUTOGRADER_BWRAP_WARM", "1") != "0"


_warm_works: bool | None = None
_warm_lock = threading.Lock()


class WarmStage(BwrapProcess):
    """A stage forked into a waiting sandbox: its exit is the forked child's; ``kill`` ends both."""

    def __init__(
        self, holder: subprocess.Popen[bytes], output: CappedOutput, groups: cgroups.CgroupSet,
        request: SandboxRequest, zygote: Zygote, stage_pid: int,
    ) -> None:
        super().__init__(holder, output, groups, request)
        self._zygote = zygote
        self.stage_pid = stage_pid
        self._released = False

    def poll(self) -> int | None:
        code = self._zygote.exit_code(self.stage_pid, 0)
        if code is not None:
            self._release()
        return code

    def wait(self, timeout: float | None = None) -> int:
        code = self._zygote.exit_code(self.stage_pid, timeout)
        if code is None:
            raise TimeoutError(f"stage process {self.stage_pid} still running after {timeout} s")
        self._release()
        return code

    def _release(self) -> None:
        """The stage has ended: its sandbox (the waiting command, the namespaces, the cgroups) goes."""
        self.kill()

    def kill(self) -> None:
        with self._lock:
            if not self._released:
                self._released = True
                self._kill()

    def _kill(self) -> None:
        try:
            os.killpg(self.stage_pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        super()._kill()
        self._zygote.exit_code(self.stage_pid, 10)


def _read_ready(holder: subprocess.Popen[bytes], info_read: int) -> int:
    """Wait for the holder's "ready" line; the host pid of the sandbox's first process (bwrap's info)."""
    assert holder.stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT_S
    said = b""
    while b"\n" not in said:
        left = deadline - time.monotonic()
        readable, _, _ = select.select([holder.stdout], [], [], max(0.0, left))
        if not readable:
            raise SandboxUnavailable(f"bubblewrap did not build the sandbox within {READY_TIMEOUT_S:g} s")
        chunk = os.read(holder.stdout.fileno(), 4096)
        if not chunk:
            break
        said += chunk
    if said.strip() != b"ready":
        holder.wait(10)
        raise SandboxUnavailable(f"bubblewrap could not build the sandbox: {said.decode(errors='replace').strip()[-300:]}")
    info = b""
    with os.fdopen(info_read, "rb", closefd=False) as stream:
        while b"}" not in info and (chunk := stream.read1(4096)):
            info += chunk
    return int(json.loads(info)["child-pid"])


class WarmBwrapSandbox(BwrapSandbox):
    """bwrap stages forked from a server that imported TensorFlow once, when the request allows it."""

    name = "bwrap"

    def warm_applies(self, request: SandboxRequest) -> bool:
        argv = request.argv
        return (
            self._as_root and self._user is not None and request.gpu is None and warm_enabled()
            and len(argv) >= 3 and argv[0] == sys.executable and argv[1] == "-m" and self.warm_works()
        )

    def warm_works(self) -> bool:
        """Whether a warm stage can enter a sandbox here; found out once per process, by trying.

        Where it cannot (``setns`` refused by a container's seccomp profile, say), every stage runs
        cold instead, with one warning: a grading never fails because the warm path does not work.
        """
        global _warm_works
        with _warm_lock:
            if _warm_works is None:
                _warm_works = self._probe_warm()
            return _warm_works

    def _probe_warm(self) -> bool:
        with tempfile.TemporaryDirectory(prefix="autograder-warm-probe-") as folder:
            request = SandboxRequest(
                argv=[sys.executable, "-m", "autograder.sandbox.ns_join"], env={"PATH": "/usr/bin:/bin"},
                workdir=Path(folder), writable=[Path(folder)],
            )
            stage: WarmStage | None = None
            try:
                stage = self._start_warm(request)
                code = stage.wait(STARTUP_TIMEOUT_S)
                said = stage.output()
            except (OSError, SandboxUnavailable, TimeoutError) as err:
                code, said = -1, str(err)
            finally:
                if stage is not None:
                    stage.kill()  # a probe that hangs must not keep its sandbox (kill after an exit is a no-op)
        if code == 0 and "joined as uid" in said:
            return True
        print(f"[autograder] warm bwrap stages do not work here, every stage starts cold: {said.strip()[-300:]}",
              file=sys.stderr)
        return False

    def start(self, request: SandboxRequest) -> BwrapProcess:
        if not self.warm_applies(request):
            return super().start(request)
        return self._start_warm(request)

    def _start_warm(self, request: SandboxRequest) -> WarmStage:
        assert self._user is not None
        marker = f"{os.getpid()}-{time.monotonic_ns()}"
        groups = cgroups.create(f"autograder-{marker}", request.limits)
        info_read, info_write = os.pipe()
        holder: subprocess.Popen[bytes] | None = None
        try:
            hand_over(request.writable, self._user)
            argv = [
                self._bwrap, *namespace_arguments(True), "--info-fd", str(info_write),
                *mount_arguments(request), "--chdir", str(request.workdir), "--",
                *holder_command(),
            ]
            if groups.dirs:
                argv = ["/bin/sh", "-c", JOIN_CGROUPS, "sh", *map(str, groups.procs_files), "--", *argv]
            holder = subprocess.Popen(
                argv, cwd="/", env={"PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                close_fds=True, pass_fds=[info_write],
            )
            os.close(info_write)
            info_write = -1
            sandbox_pid = _read_ready(holder, info_read)
            limits = stage_limits(request.limits, groups.limits_processes)
            stage = replace(request, env=dict(request.env, AUTOGRADER_SANDBOX_ID=marker), limits=limits)
            join = {
                "pid": sandbox_pid, "start_ticks": start_ticks(sandbox_pid),
                "procs_files": [str(p) for p in groups.procs_files],
                "uid": self._user.uid, "gid": self._user.gid,
            }
            zygote = shared_zygote(inherit_environment=False)
            read_end, write_end = os.pipe()
            try:
                stage_pid = zygote.fork(stage, write_end, join=join)
            finally:
                os.close(write_end)
        except BaseException:
            if holder is not None:
                try:
                    os.killpg(holder.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                groups.kill_all()
                holder.wait(10)
            groups.remove()
            raise
        finally:
            os.close(info_read)
            if info_write >= 0:
                os.close(info_write)
        assert holder.stdout is not None
        holder.stdout.close()
        output = CappedOutput(os.fdopen(read_end, "rb"), request.limits.output_bytes)
        return WarmStage(holder, output, groups, request, zygote, stage_pid)

