"""``python -m autograder.sandbox.reaper``: when the grader dies, its sandboxes die too.

bubblewrap's ``--die-with-parent`` has a gap. After bwrap clones the sandbox's first process,
that process waits on an eventfd until the outer bwrap lets it go. If the grader is killed in
that moment, the outer bwrap dies with it (or on its ``--info-fd`` pipe). The first process waits
forever: it is pid 1 of its namespace, and it has no parent-death signal yet. Graders killed at
random moments while they started warm stages left such a process behind 3 times in 30.
A container has no tie to the grader at all: killed, the grader leaves its stages' containers
running until they end by themselves, and a stage that never ends is never stopped.

The reaper outlives the grader to close both: one small process per grader process, in its own
session, so a signal to the grader's process group does not reach it. Its stdin is a pipe whose
only writer is the grader. On it the grader sends duties, one JSON object per line, before it
creates what they cover:

* ``{"groups": PREFIX, "folders": [...]}``: the grader's sandbox cgroups, the folders named
  ``PREFIX*`` in each folder. Every process a bwrap sandbox starts stays in its groups, the
  half-built sandbox's first process included.
* ``{"containers": "LABEL=VALUE"}``: the containers the grader created, by their label.

End of file comes when the grader's process ends, however it ends. Then the reaper kills what the
groups hold and removes them, and removes the containers. A grader that ended normally has done
so already, and the reaper finds nothing to do. It never sees a submission's data: only name
prefixes, folders and a label (``tests/test_reaper.py``, ``tests/test_docker_backend.py``).

Where no cgroup can be written (bwrap as a non-root user), there are no groups to guard, and
bubblewrap's ``--die-with-parent`` is all there is.
"""

from __future__ import annotations

import json
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


def remove_containers(label: str, rounds: int = 2, pause_s: float = 1.0) -> list[str]:
    """Remove (force) every container labelled ``label`` (``KEY=VALUE``) on the engine ``DOCKER_HOST``
    names; the ids still there after. A second round, ``pause_s`` later, catches a container whose
    creation the grader had asked for just before it died.

    The low-level API lists without inspecting each container: a container removed between the
    two (podman answers 500, "no such container") is not an error.
    """
    import docker

    client = docker.from_env(timeout=60).api
    for round_number in range(rounds):
        if round_number:
            time.sleep(pause_s)
        for entry in client.containers(all=True, filters={"label": label}):
            try:
                client.remove_container(entry["Id"], force=True)
            except docker.errors.APIError:
                pass  # gone already, or not removable: the listing below says which
    return [entry["Id"] for entry in client.containers(all=True, filters={"label": label})]


def carry_out(duty: dict[str, object]) -> bool:
    """Do one duty once the grader has ended; whether nothing of it is left."""
    try:
        if "groups" in duty:
            return not sweep(str(duty["groups"]), [Path(str(f)) for f in duty["folders"]])  # type: ignore[union-attr]
        if "containers" in duty:
            return not remove_containers(str(duty["containers"]))
    except Exception:  # one duty that fails must not keep the others from being done
        return False
    return True


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # only the end of the pipe ends the watch
    with os.fdopen(0, "rb") as duties_sent:
        duties = [json.loads(line) for line in duties_sent if line.strip()]
    done = [carry_out(duty) for duty in duties]
    return 0 if all(done) else 1


_reapers: dict[int, subprocess.Popen[bytes]] = {}
_sent: dict[int, set[str]] = {}
_lock = threading.Lock()


def guard(duty: dict[str, object]) -> int:
    """Have this process's reaper do ``duty`` when this process ends (once per duty); the reaper's pid.

    The reaper starts with the first duty. The write end of its stdin stays open here until this
    process ends.
    """
    line = json.dumps(duty, sort_keys=True)
    with _lock:
        me = os.getpid()  # a forked child is another grader process, with a reaper of its own
        if me not in _reapers:
            _reapers[me] = subprocess.Popen(
                [sys.executable, "-m", "autograder.sandbox.reaper"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                cwd="/", start_new_session=True, close_fds=True,
            )
        reaper, sent = _reapers[me], _sent.setdefault(me, set())
        if line not in sent:
            assert reaper.stdin is not None
            reaper.stdin.write(line.encode() + b"\n")
            reaper.stdin.flush()
            sent.add(line)
        return reaper.pid


def guard_groups(prefix: str, folders: list[Path]) -> int:
    """The cgroup folders named ``prefix*`` in ``folders``: emptied and removed when this process ends."""
    return guard({"groups": prefix, "folders": [str(f) for f in folders]})


def guard_containers(label: str) -> int:
    """The containers labelled ``label`` (``KEY=VALUE``): removed when this process ends."""
    return guard({"containers": label})


if __name__ == "__main__":
    sys.exit(main())
