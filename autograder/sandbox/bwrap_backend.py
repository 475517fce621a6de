"""The bubblewrap backend: namespaces, a minimal read-only view, an unprivileged user.

Each stage runs as::

    sh (joins the stage's cgroups) -> bwrap (mount, pid, net, ipc, uts namespaces)
        -> setpriv (root callers only: drop to the sandbox user, no capabilities)
        -> python -m autograder.sandbox.launch (rlimits) -> the stage's command

* no network: a fresh network namespace holds only a loopback device;
* the filesystem is a tmpfs root with read-only binds of /usr (and the /bin,
  /lib* links), a few files of /etc, the Python install, the engine and the
  request's ``readable`` paths; every ``hidden`` path is covered by an empty
  tmpfs; only ``writable`` paths are bound read-write; /tmp is private;
* a pid namespace: when bwrap is killed its pid 1 dies (``--die-with-parent``)
  and the kernel kills every process of the namespace, daemons included; where
  bubblewrap's parent-death signal is not yet set when the grader dies, the
  grader's reaper kills what its cgroups hold (``reaper.py``);
* memory, pids and CPU limits through cgroup v1 where writable, rlimits always.

When the grader runs as root, bwrap runs as root (so it can bind the Python
install even under a private /root) without a user namespace, and ``setpriv``
drops to the unprivileged ``autograder-sandbox`` user before any submission
code runs. A non-root grader runs bwrap in a user namespace as itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, replace
from functools import cache
from pathlib import Path

from autograder import paths
from autograder.sandbox import cgroups
from autograder.sandbox.base import (
    CappedOutput,
    Limits,
    MiB,
    PopenStage,
    SandboxRequest,
    SandboxUnavailable,
)
from autograder.sandbox.diskwatch import DiskWatch
from autograder.sandbox.sandbox_user import SandboxUser, ensure_user, hand_over

INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`) or, for trusted "
    "notebooks only, pass --unsafe-no-sandbox"
)
#: Files of /etc a Python process needs (dynamic linker, time zone, user names).
ETC_FILES = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf",
    "passwd", "group", "hosts", "host.conf", "mime.types", "ssl/certs", "ca-certificates.conf",
)
#: Top-level system folders bound read-only (or re-created as links on merged-/usr systems).
SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "opt")
#: An empty tmpfs over each hidden folder needs no room.
HIDDEN_TMPFS_BYTES = 64 * 1024
#: Written by the first process of a stage into each of its cgroups, then exec bwrap.
JOIN_CGROUPS = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'


class BwrapProcess(PopenStage):
    """One running stage; ``kill`` takes down its whole pid namespace and cgroups."""

    def __init__(self, popen: subprocess.Popen[bytes], output: CappedOutput, groups: cgroups.CgroupSet, request: SandboxRequest) -> None:
        super().__init__(popen, output)
        self._groups = groups
        self.started = time.monotonic()
        self._lock = threading.Lock()
        limits = request.limits
        self._limits_text = f"{limits.memory_bytes // MiB} MB of memory"
        self._watch = DiskWatch(request.writable, limits.disk_bytes, limits.max_files, self._stop)

    def _stop(self, reason: str) -> None:
        self._output.note(f"[grader] stopped the process: {reason}")
        self.kill()

    def kill(self) -> None:
        with self._lock:
            self._kill()

    def _kill(self) -> None:
        self._kill_group_and_reap(self._groups.kill_all)
        self._watch.close()
        if self._groups.oom_killed():
            self._output.note(f"[grader] the process ran out of its {self._limits_text}")
        self._groups.remove()


@cache
def bwrap_path() -> str:
    found = shutil.which("bwrap") or ("/usr/bin/bwrap" if Path("/usr/bin/bwrap").exists() else None)
    if not found:
        raise SandboxUnavailable(f"bubblewrap (`bwrap`) is not installed: {INSTALL_HINT}")
    return found


def _python_paths() -> list[Path]:
    """The interpreter and the virtual environment the stages run with."""
    found: list[Path] = []
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        for path in (Path(prefix), Path(prefix).resolve()):
            if path.is_dir() and not path.is_relative_to("/usr") and path not in found:
                found.append(path)
    return found


class MountPlan:
    """bwrap mount arguments, in order, with every parent folder created world-traversable.

    Privileged bwrap creates missing parents of a mount point with mode 0700, which
    the sandbox user could not traverse; so each parent not provided by an earlier
    bind is created first with ``--perms 0755 --dir``.
    """

    def __init__(self) -> None:
        self.args: list[str] = []
        self._binds: list[Path] = []
        self._made: set[Path] = {Path("/")}

    def _parents(self, target: Path) -> None:
        for parent in reversed(target.parents):
            if parent in self._made or any(parent.is_relative_to(b) for b in self._binds):
                continue
            self.args += ["--perms", "0755", "--dir", str(parent)]
            self._made.add(parent)

    def add(self, option: str, source: str | None, target: Path, prefix: tuple[str, ...] = ()) -> None:
        self._parents(target)
        self.args += [*prefix, option, *([source] if source is not None else []), str(target)]
        if option in ("--ro-bind", "--bind", "--dev-bind"):
            self._binds.append(target)
        self._made.add(target)


def _system_mounts(plan: MountPlan) -> None:
    for name in SYSTEM_DIRS:
        path = Path("/") / name
        if path.is_symlink():
            plan.args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            plan.add("--ro-bind", str(path), path)
    for name in ETC_FILES:
        if Path("/etc", name).exists():
            plan.add("--ro-bind", f"/etc/{name}", Path("/etc", name))
    if Path("/sys/devices/system/cpu").is_dir():
        plan.add("--ro-bind", "/sys/devices/system/cpu", Path("/sys/devices/system/cpu"))


def mount_arguments(request: SandboxRequest) -> list[str]:
    """bwrap's filesystem arguments for ``request`` (later mounts cover earlier ones)."""
    plan = MountPlan()
    plan.args += ["--proc", "/proc", "--dev", "/dev", "--size", str(request.limits.tmp_bytes), "--tmpfs", "/tmp"]
    _system_mounts(plan)
    for path in [*_python_paths(), paths.PACKAGE_DIR, *request.readable]:
        if path.exists():
            plan.add("--ro-bind", str(path), path)
    for path in request.hidden:
        if path.is_dir():
            plan.add("--tmpfs", None, path, prefix=("--size", str(HIDDEN_TMPFS_BYTES)))
        elif path.exists():
            plan.add("--ro-bind", "/dev/null", path)
    for path in request.writable:
        if path.exists():
            plan.add("--bind", str(path), path)
    if request.gpu is not None:
        for device in sorted(Path("/dev").glob("nvidia*")):
            plan.add("--dev-bind", str(device), device)
    return plan.args


def namespace_arguments(as_root: bool) -> list[str]:
    common = ["--die-with-parent", "--new-session"]
    if as_root:  # no user namespace: setpriv drops to the sandbox user inside
        return common + [
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP",
        ]
    return common + ["--unshare-all"]


def stage_limits(limits: Limits, limits_processes: bool) -> Limits:
    """The rlimits a stage gets: where the pids cgroup holds each stage, RLIMIT_NPROC (per uid) is only a backstop."""
    return replace(limits, max_processes=limits.max_processes * 16) if limits_processes else limits


def drop_privileges(user: SandboxUser) -> list[str]:
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    return [
        setpriv, f"--reuid={user.uid}", f"--regid={user.gid}", "--clear-groups",
        "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
    ]


class BwrapSandbox:
    """Stages in bubblewrap, as the unprivileged sandbox user."""

    name = "bwrap"

    def __init__(self) -> None:
        self._bwrap = bwrap_path()
        self._as_root = os.geteuid() == 0
        self._user = ensure_user() if self._as_root else None
        _probe(self._bwrap, self._as_root, self._user)

    def command(self, request: SandboxRequest, limits_processes: bool) -> list[str]:
        """The full argv: bwrap, its options, the privilege drop, the launcher, the stage."""
        limits = stage_limits(request.limits, limits_processes)
        launcher = [sys.executable, "-m", "autograder.sandbox.launch", json.dumps(asdict(limits)), "--"]
        drop = drop_privileges(self._user) if self._user else []
        return [
            self._bwrap, *namespace_arguments(self._as_root), *mount_arguments(request),
            "--chdir", str(request.workdir), "--",
            *drop, *launcher, *request.argv,
        ]

    def start(self, request: SandboxRequest) -> BwrapProcess:
        marker = f"{os.getpid()}-{time.monotonic_ns()}"
        groups = cgroups.create(f"autograder-{marker}", request.limits)
        try:
            if self._user:
                hand_over(request.writable, self._user)
            argv = self.command(request, groups.limits_processes)
            if groups.dirs:
                argv = ["/bin/sh", "-c", JOIN_CGROUPS, "sh", *map(str, groups.procs_files), "--", *argv]
            env = dict(request.env, AUTOGRADER_SANDBOX_ID=marker)
            if request.gpu is not None:
                env["CUDA_VISIBLE_DEVICES"] = request.gpu
            popen = subprocess.Popen(
                argv,
                cwd="/",
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        except BaseException:
            groups.remove()
            raise
        assert popen.stdout is not None
        return BwrapProcess(popen, CappedOutput(popen.stdout, request.limits.output_bytes), groups, request)


@cache
def _probe(bwrap: str, as_root: bool, user: SandboxUser | None) -> None:
    """Run ``true`` in a sandbox once, so a broken setup fails before any grading starts."""
    plan = MountPlan()
    _system_mounts(plan)
    argv = [bwrap, *namespace_arguments(as_root), *plan.args, "--proc", "/proc", "--dev", "/dev", "--"]
    argv += [*(drop_privileges(user) if user else []), "/bin/true"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SandboxUnavailable(f"bubblewrap does not start here ({err}): {INSTALL_HINT}") from None
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise SandboxUnavailable(
            f"bubblewrap cannot create a sandbox here ({reason[0]}); unprivileged user namespaces "
            f"may be disabled: {INSTALL_HINT}"
        )
