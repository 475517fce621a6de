"""``python -m autograder.sandbox.zygote MODULE...``: import the heavy modules once, fork a stage per request.

The ``fork`` backend's server (``autograder/sandbox/fork_backend.py``). It imports the modules
named on its command line (TensorFlow and Keras) and runs no operation, so no thread pool exists
yet; then, for each request on its socket, it forks a child that takes the request's working
folder, environment and rlimits and runs the requested module as ``__main__`` — the same
``python -m MODULE ARGS`` a process backend would have started, without importing TensorFlow
again. A child handles one stage of one grading and exits; the server never runs a request's
code itself. It isolates nothing (no namespaces, the grader's own user): trusted notebooks only.

Protocol, one JSON object per message on a Unix stream socket, each ending with a newline:
a request ``{"id", "argv", "env", "cwd", "limits"}`` arrives with the write end of an output pipe
as an SCM_RIGHTS file descriptor; the server answers ``{"id", "pid"}``, and ``{"pid", "exit"}`` when that child ends (a negative exit is the signal that ended it).
"""

from __future__ import annotations

import importlib
import json
import os
import runpy
import select
import socket
import sys
from typing import Any

from autograder.sandbox.launch import apply as apply_limits

#: The socket's file descriptor in the server, passed by the backend.
SOCKET_FD_VARIABLE = "AUTOGRADER_ZYGOTE_FD"


def run_child(request: dict[str, Any], output_fd: int) -> None:
    """In the forked child: become the requested stage, run it, exit with its code. Never returns."""
    code = 1
    try:
        os.setsid()
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
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
    pending_fds: list[int] = []  # each request's output pipe, in the order the requests came
    children: set[int] = set()
    while True:
        readable, _, _ = select.select([sock], [], [], 0.05)
        if readable:
            data, fds, _, _ = socket.recv_fds(sock, 1 << 20, 4)
            if not data:
                break
            buffered += data
            pending_fds.extend(fds)
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                request = json.loads(line)
                output_fd = pending_fds.pop(0)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    sock.close()
                    for other in pending_fds:  # the pipes of requests not forked yet
                        os.close(other)
                    run_child(request, output_fd)
                os.close(output_fd)
                children.add(pid)
                send(sock, {"id": request["id"], "pid": pid})
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
