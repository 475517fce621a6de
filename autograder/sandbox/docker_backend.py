"""The Docker backend (production, GPU): one container per stage, through the Docker SDK.

Each stage runs in a fresh container of the grading image (``docker/``):

* no network (``network_mode="none"``), a fixed non-root uid, no capabilities,
  ``no-new-privileges``, a read-only root filesystem and a private tmpfs /tmp;
* memory with no swap (``memswap_limit == mem_limit``), pids and CPU quota;
* only the request's paths are mounted, at the same paths as on the host:
  ``readable`` read-only, ``writable`` read-write, plus the engine itself
  (``autograder/``, read-only, put first on ``PYTHONPATH`` so the container
  runs the grader's own code, not the copy installed in the image). A
  ``hidden`` path is never mounted: a folder that holds one is mounted entry by
  entry, without it;
* one GPU through ``device_requests`` when the request names one;
* the exit code is read with ``container.wait()`` (no auto-remove), the output
  is read from the container's (size-capped) log, and the container is always
  removed, also after a wall-clock kill.

The request's ``argv[0]`` is the host's interpreter (``sys.executable``): it is
replaced by the image's (``AUTOGRADER_DOCKER_PYTHON``, default
``/opt/venv/bin/python``, the venv docker/Dockerfile creates).

When the grader runs as root, stages run as uid:gid 65534:65534 (``nobody``)
and the writable paths are handed to that uid first, as the bwrap backend does
with its sandbox user; files written in the container are then owned by 65534
on the host (rootful Docker and podman map uids one to one) and readable by
the grader. A non-root grader runs the containers as its own uid.

``DOCKER_HOST`` selects the engine (podman's Docker API works: see
docker/podman-ci.sh); ``AUTOGRADER_DOCKER_IMAGE`` the image.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from autograder import paths
from autograder.sandbox import reaper
from autograder.sandbox.base import SandboxRequest, SandboxUnavailable
from autograder.sandbox.sandbox_user import SandboxUser, hand_over

DEFAULT_IMAGE = "autograder:cpu"
DEFAULT_PYTHON = "/opt/venv/bin/python"
CONTAINER_PATH = "/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#: The user stages run as in the container when the grader is root (``nobody``).
CONTAINER_USER = SandboxUser("nobody", 65534, 65534)
#: Label on every container this backend creates (value: :func:`grader_id`).
LABEL = "org.autograder.stage"
#: Seconds between two state queries of a running container (each is an API call).
POLL_INTERVAL_S = 0.2
#: The pids cgroup holds each container; the launcher's RLIMIT_NPROC counts every
#: process of the uid on the whole host, so it is only a loose backstop here.
NPROC_BACKSTOP_FACTOR = 16


def image_name() -> str:
    return os.environ.get("AUTOGRADER_DOCKER_IMAGE", DEFAULT_IMAGE)


def container_python() -> str:
    return os.environ.get("AUTOGRADER_DOCKER_PYTHON", DEFAULT_PYTHON)


def gpu_ids(spec: str | None) -> tuple[str, ...]:
    """The device ids ``--gpus`` names: ``"0,1"``, or ``"all"`` (every GPU ``nvidia-smi`` lists)."""
    if not spec:
        return ()
    if spec.strip() != "all":
        return tuple(part.strip() for part in spec.split(",") if part.strip())
    import subprocess

    try:
        listed = subprocess.run(
            ["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as err:
        raise SandboxUnavailable(f"--gpus all: cannot list the GPUs with nvidia-smi ({err}); name them, e.g. --gpus 0,1") from None
    found = tuple(line.strip() for line in listed.splitlines() if line.strip())
    if not found:
        raise SandboxUnavailable("--gpus all: nvidia-smi lists no GPU")
    return found


def _is_host_python(program: str) -> bool:
    """Whether ``program`` names the grader's interpreter (the one request argv[0] carries)."""
    return program in {sys.executable, os.path.realpath(sys.executable), "python", "python3"}


def _visible(path: Path, hidden: list[Path]) -> list[Path]:
    """``path``, or, when hidden paths lie inside it, its entries that hold nothing hidden.

    Engines cannot be trusted to cover a hidden folder inside a bind (podman's tmpfs
    mounts copy up what lies beneath them), so a hidden path is never mounted at all.
    """
    if any(path.is_relative_to(h) for h in hidden):
        return []
    if path.is_symlink() and any(path.resolve().is_relative_to(h) for h in hidden):
        return []
    inside = [h for h in hidden if h.is_relative_to(path)]
    if not inside or not path.is_dir() or path.is_symlink():
        return [path]
    return [shown for entry in sorted(path.iterdir()) for shown in _visible(entry, hidden)]


def _mounts(request: SandboxRequest) -> list[Any]:
    """Every mount of the container, parents before what they hold.

    The private /tmp is a tmpfs mount of the same list (so binds under /tmp land on it).
    """
    from docker.types import Mount

    hidden = [Path(os.path.abspath(h)) for h in request.hidden]
    mounts: dict[Path, Any] = {
        Path("/tmp"): Mount("/tmp", None, type="tmpfs", tmpfs_size=request.limits.tmp_bytes, tmpfs_mode=0o1777)
    }
    for top, read_only in [(p, True) for p in [paths.PACKAGE_DIR, *request.readable]] + [(p, False) for p in request.writable]:
        if top.exists():
            for path in _visible(top, hidden):
                mounts[path] = Mount(str(path), str(path), type="bind", read_only=read_only)
    return [mounts[target] for target in sorted(mounts, key=lambda p: len(p.parts))]


def container_options(request: SandboxRequest, image: str, user: SandboxUser) -> dict[str, Any]:
    """The ``containers.create`` keyword arguments for ``request`` (pure: easy to test)."""
    from docker.types import DeviceRequest, LogConfig

    python = container_python()
    argv = list(request.argv)
    if argv and _is_host_python(argv[0]):
        argv[0] = python  # the image's interpreter, not the host's
    launcher_limits = replace(request.limits, max_processes=request.limits.max_processes * NPROC_BACKSTOP_FACTOR)
    launcher = [python, "-m", "autograder.sandbox.launch", json.dumps(asdict(launcher_limits)), "--"]
    mounts = _mounts(request)
    limits = request.limits
    environment = dict(
        request.env,
        PATH=CONTAINER_PATH,
        PYTHONPATH=str(paths.PACKAGE_DIR.parent),
        AUTOGRADER_HOME=str(paths.project_root()),
    )
    options: dict[str, Any] = {
        "image": image,
        "command": launcher + argv,
        "user": f"{user.uid}:{user.gid}",
        "working_dir": str(request.workdir),
        "environment": environment,
        "labels": {LABEL: grader_id()},
        "network_mode": "none",
        "read_only": True,
        "mounts": mounts,
        "mem_limit": limits.memory_bytes,
        "memswap_limit": limits.memory_bytes,  # equal: no swap
        "pids_limit": limits.max_processes,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        # The engine keeps the log on disk: cap it (it keeps the newest part, which the
        # grader's messages quote), so a submission printing gigabytes fills no disk.
        "log_config": LogConfig(type="json-file", config={"max-size": str(max(limits.output_bytes * 4, 1024 * 1024))}),
        "detach": True,
        "auto_remove": False,  # the exit code is read from the stopped container
        "stdin_open": False,
    }
    if limits.cpus:
        options["nano_cpus"] = int(limits.cpus * 1e9)
    if request.gpu is not None:
        options["device_requests"] = [DeviceRequest(device_ids=[str(request.gpu)], capabilities=[["gpu"]])]
        environment["CUDA_VISIBLE_DEVICES"] = "0"  # the one device the container sees
        environment["NVIDIA_VISIBLE_DEVICES"] = str(request.gpu)
    return options


def grader_id() -> str:
    """Which grader process created a container: ``HOST-PID`` (one engine may serve several hosts)."""
    return f"{socket.gethostname()}-{os.getpid()}"


class ContainerProcess:
    """One stage's container; ``kill`` stops it, keeps its exit code and output, removes it."""

    def __init__(self, container: Any, output_cap: int) -> None:
        self._container = container
        self._cap = output_cap
        self._exit_code: int | None = None
        self._output: str | None = None
        self._removed = False
        self._last_poll = 0.0

    def poll(self) -> int | None:
        now = time.monotonic()
        if self._exit_code is None and not self._removed and now - self._last_poll >= POLL_INTERVAL_S:
            self._last_poll = now
            try:
                self._container.reload()
            except Exception:
                return None
            state = self._container.attrs.get("State", {})
            if state.get("Status") in ("exited", "dead", "stopped"):
                self._exit_code = int(state.get("ExitCode", -1))
        return self._exit_code

    def wait(self, timeout: float | None = None) -> int:
        if self._exit_code is not None:
            return self._exit_code
        try:
            status = self._container.wait(timeout=timeout)
        except Exception as err:  # requests' ReadTimeout / ConnectionError
            raise TimeoutError(f"container still running after {timeout} s ({type(err).__name__})") from None
        self._exit_code = int(status.get("StatusCode", -1))
        return self._exit_code

    def _collect_output(self) -> None:
        if self._output is not None:
            return
        kept, dropped = bytearray(), 0
        try:
            for chunk in self._container.logs(stdout=True, stderr=True, stream=True, follow=False):
                room = max(self._cap - len(kept), 0)
                kept += chunk[:room]
                dropped += len(chunk) - min(room, len(chunk))
        except Exception as err:
            kept += f"\n[could not read the container's output: {err}]".encode()
        text = kept.decode("utf-8", "replace")
        self._output = text + (f"\n[... {dropped} more bytes of output dropped]" if dropped else "")

    def kill(self) -> None:
        """Kill the container (its whole pid namespace), then read what it left and remove it."""
        if self._removed:
            return
        try:
            self._container.kill()
        except Exception:
            pass  # already stopped
        if self._exit_code is None:
            try:
                self.wait(30)
            except TimeoutError:
                self._last_poll = 0.0
                self.poll()
        self._collect_output()
        try:
            self._container.remove(force=True)
        except Exception:
            pass
        self._removed = True

    def output(self) -> str:
        if self._output is None and not self._removed:
            self._collect_output()
        return self._output or ""


def _reach_engine() -> Any:
    try:
        import docker

        client = docker.from_env(timeout=120)
        client.ping()
    except Exception as err:
        raise SandboxUnavailable(
            f"cannot reach a Docker engine ({err}); start Docker (or podman's Docker API "
            "service, see docker/podman-ci.sh) and set DOCKER_HOST, or use --sandbox bwrap"
        ) from None
    return client


class DockerSandbox:
    """Stages in containers of the grading image."""

    name = "docker"

    def __init__(self, client: Any = None, image: str | None = None) -> None:
        self._client = client if client is not None else _reach_engine()
        self._image = image or image_name()
        self._user = CONTAINER_USER if os.geteuid() == 0 else SandboxUser("caller", os.getuid(), os.getgid())

    def start(self, request: SandboxRequest) -> ContainerProcess:
        if os.geteuid() == 0:
            hand_over(request.writable, self._user)
        options = container_options(request, self._image, self._user)
        reaper.guard_containers(f"{LABEL}={grader_id()}")  # removed if this grader dies before it removes them
        try:
            container = self._client.containers.create(**options)
        except Exception as err:
            raise SandboxUnavailable(f"cannot create a container of {self._image!r}: {err}") from None
        process = ContainerProcess(container, request.limits.output_bytes)
        try:
            container.start()
        except Exception as err:
            process.kill()
            raise SandboxUnavailable(f"the container did not start: {err}") from None
        return process
