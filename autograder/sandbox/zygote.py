"""``python -m autograder.sandbox.zygote MODULE...``: import the heavy modules once, fork a stage per request.

The ``fork`` backend's server (``autograder/sandbox/fork_backend.py``). It imports the modules
named on its command line (TensorFlow and Keras) and runs no operation, so no thread pool exists
yet; then, for each request on its socket, it forks a child that takes the request's working
folder, environment and rlimits and runs the requested module as ``__main__`` — the same
``python -m MODULE ARGS`` a process backend would have started, without importing TensorFlow
again. A child handles one stage of one grading and exits; the server never runs a request's
code itself. It isolates nothing (no namespaces, the grader's own user): trusted notebooks only.

The ``bwrap`` backend's warm path (``autograder/sandbox/warm_bwrap.py``) uses the same server: its
request also names a running bubblewrap sandbox, which the child enters (``ns_join``) and where it
becomes the unprivileged sandbox user before it runs anything of the request's.

Protocol, one JSON object per message on a Unix stream socket, each ending with a newline: the
backend sends ``{"id"}`` with two SCM_RIGHTS file descriptors, the write end of the stage's output
pipe and one end of a socket pair that carries the request itself (``{"argv", "env", "cwd",
"limits"}``, and ``"join"`` for the warm path). Only the forked child reads the request: the
server's memory, which every later child inherits, never holds one grading's paths, names or
environment. The server answers ``{"id", "pid"}``, and ``{"pid", "exit"}`` when that child ends (a
negative exit is the signal that ended it).
"""

from __future__ import annotations

import importlib
import json
import os
import runpy
import select
import signal
import socket
import sys
import tempfile
from typing import Any

from autograder.sandbox.launch import apply as apply_limits
from autograder.sandbox.ns_join import Target, become_user, enter_namespaces

#: The socket's file descriptor in the server, passed by the backend.
SOCKET_FD_VARIABLE = "AUTOGRADER_ZYGOTE_FD"


def read_request(request_fd: int) -> dict[str, Any]:
    """The request the backend wrote to this child's own socket (until the backend closes it)."""
    chunks = []
    with os.fdopen(request_fd, "rb") as stream:
        while chunk := stream.read(65536):
            chunks.append(chunk)
    return json.loads(b"".join(chunks))


def join_sandbox(join: dict[str, Any]) -> None:
    """Enter the running sandbox ``join`` names; return in a child inside it, as the sandbox user.

    The process that called this stays outside the PID namespace: it waits for that child and
    ends the way the child ended (the same exit code, or killed by the same signal).
    """
    target = Target(
        int(join["pid"]), int(join["start_ticks"]), tuple(join["procs_files"]), int(join["uid"]), int(join["gid"])
    )
    enter_namespaces(target)
    pid = os.fork()
    if pid == 0:
        become_user(target)
        return
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
        os.kill(os.getpid(), os.WTERMSIG(status))
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


def run_child(output_fd: int, request_fd: int) -> None:
    """In the forked child: become the requested stage, run it, exit with its code. Never returns."""
    code = 1
    try:
        os.setsid()
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        request = read_request(request_fd)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # nothing of the server's reaches the stage
        if request.get("join"):
            join_sandbox(request["join"])
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        tempfile.tempdir = None  # the server's import may have cached its own TMPDIR: the stage's instead
        apply_limits(request["limits"])
        argv = request["argv"]
        if len(argv) < 3 or argv[1] != "-m":
            raise SystemExit(f"zygote: can only run `python -m MODULE ...`, not {argv[:3]}")
        sys.argv = [argv[2], *argv[3:]]
        # As ``python -m`` would: the working folder first, then PYTHONPATH, then the server's own path.
        extra = [p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p]
        sys.path[:0] = [os.getcwd(), *extra]
        sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
        runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException as err:  # noqa: BLE001  (whatever the stage raised is its exit status)
        print(f"zygote child: {type(err).__name__}: {err}", file=sys.stderr)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    sock.sendall((json.dumps(message) + "\n").encode())


def serve(sock: socket.socket) -> None:
    """Answer requests until the backend closes its end; report each child's exit."""
    buffered = b""
    pending_fds: list[int] = []  # each request's output pipe and request socket, in the order they came
    children: set[int] = set()
    while True:
        readable, _, _ = select.select([sock], [], [], 0.05)
        if readable:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 20, 64)
            if not data:
                break
            buffered += data
            pending_fds.extend(fds)
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                request_id = int(json.loads(line)["id"])
                output_fd, request_fd = pending_fds.pop(0), pending_fds.pop(0)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    sock.close()
                    for other in pending_fds:  # the descriptors of requests not forked yet
                        os.close(other)
                    run_child(output_fd, request_fd)
                os.close(output_fd)
                os.close(request_fd)
                children.add(pid)
                send(sock, {"id": request_id, "pid": pid})
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                send(sock, {"pid": pid, "exit": os.waitstatus_to_exitcode(status)})
    for pid in children:  # the backend is gone: so are its stages
        try:
            os.killpg(pid, 9)
        except OSError:
            pass


def main() -> None:
    for module in sys.argv[1:]:
        importlib.import_module(module)
    sock = socket.socket(fileno=int(os.environ.pop(SOCKET_FD_VARIABLE)))
    send(sock, {"ready": True, "preloaded": sys.argv[1:]})
    serve(sock)


if __name__ == "__main__":
    main()
