"""``python -m autograder.sandbox.reaper PREFIX FOLDER...``: when the grader dies, its sandboxes die too.

bubblewrap's ``--die-with-parent`` has a gap. After bwrap clones the sandbox's first process,
that process waits on an eventfd until the outer bwrap lets it go. If the grader is killed in
that moment, the outer bwrap dies with it (or on its ``--info-fd`` pipe). The first process waits
forever: it is pid 1 of its namespace, and it has no parent-death signal yet. Graders killed at
random moments while they started warm stages left such a process behind 3 times in 30.
``tests/test_reaper.py`` makes the gap happen every time. Closing it needs someone who outlives
the grader.

This is that someone: one small process per grader process, in its own session, so a signal to
the grader's process group does not reach it. It never sees a submission's data: only a name
prefix and the cgroup folders. Its stdin is a pipe whose only writer is the grader; it reads until end of file,
which comes when the grader's process ends, however it ends. Then it kills every process in the
grader's sandbox cgroups (the folders named ``PREFIX*`` in each ``FOLDER``) and removes them. A
grader that ended normally has removed them already, and the reaper finds nothing to do.

Processes in cgroups cannot escape by forking or by leaving a session: every process a sandbox
starts stays in its groups. Where no cgroup can be written (bwrap as a non-root user) there is no
reaper, and ``--die-with-parent`` is all there is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

#: Seconds the reaper keeps killing before it gives up on a group it cannot remove.
SWEEP_TIMEOUT_S = 30.0


def owned_groups(prefix: str, folders: list[Path]) -> list[Path]:
    """The grader's groups still there: folders named ``prefix*`` under each of ``folders``."""
    found: list[Path] = []
    for folder in folders:
        try:
            found += [child for child in folder.iterdir() if child.name.startswith(prefix) and child.is_dir()]
        except OSError:
            continue
    return found


def sweep(prefix: str, folders: list[Path], timeout_s: float = SWEEP_TIMEOUT_S) -> list[Path]:
    """SIGKILL every process in the groups and remove them, until none is left; the groups left over."""
    deadline = time.monotonic() + timeout_s
    while (groups := owned_groups(prefix, folders)) and time.monotonic() < deadline:
        for group in groups:
            try:
                pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
            except (OSError, ValueError):
                pids = []
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                group.rmdir()  # fails while a killed process has not exited yet: the next round
            except OSError:
                pass
        time.sleep(0.02)
    return owned_groups(prefix, folders)


def main(argv: list[str]) -> int:
    prefix, folders = argv[0], [Path(f) for f in argv[1:]]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # only the end of the pipe ends the watch
    while os.read(0, 4096):
        pass
    left = sweep(prefix, folders)
    return 1 if left else 0


_started: dict[int, subprocess.Popen[bytes]] = {}
_lock = threading.Lock()


def guard(prefix: str, folders: list[Path]) -> None:
    """Start this process's reaper for the groups named ``prefix*`` in ``folders``, once per process.

    Its stdin's write end stays open here, unused, until this process ends.
    """
    with _lock:
        if os.getpid() in _started:
            return
        _started[os.getpid()] = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.reaper", prefix, *map(str, folders)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd="/", start_new_session=True, close_fds=True,
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
