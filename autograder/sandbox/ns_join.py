"""Join a running bubblewrap sandbox from a forked process, then become its unprivileged stage.

The warm bwrap backend (``autograder/sandbox/warm_bwrap.py``) lets bubblewrap build each stage's
sandbox exactly as it always does (namespaces, the read-only tmpfs root, hidden paths, cgroups),
with a placeholder command that only waits. A child forked from the fork server, which imported
TensorFlow once and never runs anyone's code, then enters that sandbox with ``setns(2)``:

1. as root, outside any namespace: join the stage's cgroups, then the placeholder's IPC, UTS,
   network, cgroup, PID and mount namespaces, and take its root directory (``chroot``);
2. fork once more: only a child of ``setns(CLONE_NEWPID)``'s caller is inside the PID namespace,
   so only that child sees nothing but the sandbox's own processes and dies with it;
3. in that child: drop every capability from the bounding, inheritable and ambient sets, become
   the sandbox user with no supplementary groups, set no_new_privs, and dumpable again (as an
   exec would leave it): the same state ``setpriv`` leaves a cold stage in, before any code of the
   request runs.

Linux only, root only (``setns`` into namespaces root created needs CAP_SYS_ADMIN), and only in a
single-threaded process: a forked child is one.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass

#: Namespaces joined, in order: the mount namespace last (after it, /proc/PID/ns of the host is gone).
NAMESPACES = ("ipc", "uts", "net", "cgroup", "pid", "mnt")
#: The highest capability number of any kernel this runs on (CAP_CHECKPOINT_RESTORE is 40).
LAST_CAPABILITY = 63
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
PR_SET_DUMPABLE = 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


class JoinFailed(OSError):
    """The sandbox could not be entered: the stage must not run."""


@dataclass(frozen=True)
class Target:
    """The sandbox to enter: the host pid of its first process (and when that process started, in
    clock ticks since boot: a pid alone could be reused), its cgroups, and the user to become."""

    pid: int
    start_ticks: int
    procs_files: tuple[str, ...]
    uid: int
    gid: int


def start_ticks(pid: int) -> int:
    """When process ``pid`` started (field 22 of /proc/PID/stat); OSError once it is gone."""
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[19])


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise JoinFailed(errno, f"{what}: {os.strerror(errno)}")


def enter_namespaces(target: Target) -> None:
    """Step 1, as root in a single-threaded process: cgroups, namespaces, root directory."""
    for procs in target.procs_files:
        with open(procs, "w") as handle:
            handle.write(str(os.getpid()))
    fds = {}
    try:
        for name in NAMESPACES:
            path = f"/proc/{target.pid}/ns/{name}"
            if name == "cgroup" and not os.path.exists(path):
                continue
            fds[name] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        root = os.open(f"/proc/{target.pid}/root", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        # Opened from the process the backend saw start, not one that took its pid since.
        same = start_ticks(target.pid) == target.start_ticks
    except OSError as err:
        for fd in fds.values():
            os.close(fd)
        raise JoinFailed(err.errno or 0, f"the sandbox's process {target.pid} is gone: {err}") from None
    try:
        if not same:
            raise JoinFailed(3, f"the sandbox's process {target.pid} is gone (its pid was reused)")
        for name in ("pid", "mnt", "net"):  # a sandbox never shares these with the host
            if os.stat(f"/proc/self/ns/{name}").st_ino == os.fstat(fds[name]).st_ino:
                raise JoinFailed(1, f"the sandbox's {name} namespace is the host's")
        for name, fd in fds.items():
            _check(_libc.setns(fd, 0), f"setns({name})")
        os.fchdir(root)
        os.chroot(".")
        os.chdir("/")
    finally:
        for fd in [*fds.values(), root]:
            os.close(fd)


def _capset_zero() -> None:
    """Empty the effective, permitted and inheritable sets (capset(2), version 3: two 32-bit words each)."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header = Header(LINUX_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def become_user(target: Target) -> None:
    """Step 3, in the child inside the PID namespace: no capabilities, the sandbox user, no_new_privs."""
    for cap in range(LAST_CAPABILITY + 1):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != 22:  # EINVAL: no such cap
            _check(-1, f"dropping capability {cap}")
    _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clearing ambient capabilities")
    os.setgroups([])
    os.setresgid(target.gid, target.gid, target.gid)
    os.setresuid(target.uid, target.uid, target.uid)
    _capset_zero()
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    # Changing user made the process non-dumpable, so its own /proc/self files (status, environ,
    # fd, maps) would belong to root; a cold stage, which exec'd, reads them: so may this one.
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")
    if os.getuid() == 0 or os.geteuid() == 0 or os.getgroups():
        raise JoinFailed(1, "the stage still has root's identity")


if __name__ == "__main__":  # the warm path's probe (warm_bwrap.warm_works): a stage that only says where it is
    print(f"joined as uid {os.getuid()} pid {os.getpid()}")
