"""Choosing a sandbox backend by name."""

from __future__ import annotations

from autograder.sandbox.base import Sandbox, SandboxUnavailable

BACKENDS = ("bwrap", "bwrap-cold", "docker", "subprocess", "fork")
DEFAULT_BACKEND = "bwrap"


def make_sandbox(name: str) -> Sandbox:
    """The backend called ``name``; raises SandboxUnavailable when it cannot run here."""
    if name == "bwrap":  # warm where it can be (root, a `python -m` stage, no GPU), cold otherwise
        from autograder.sandbox.warm_bwrap import WarmBwrapSandbox

        return WarmBwrapSandbox()
    if name == "bwrap-cold":  # every stage a fresh interpreter
        from autograder.sandbox.bwrap_backend import BwrapSandbox

        return BwrapSandbox()
    if name == "docker":
        from autograder.sandbox.docker_backend import DockerSandbox

        return DockerSandbox()
    if name == "subprocess":
        from autograder.sandbox.subprocess_backend import SubprocessSandbox

        return SubprocessSandbox()
    if name == "fork":
        from autograder.sandbox.fork_backend import ForkSandbox

        return ForkSandbox()
    raise SandboxUnavailable(f"unknown sandbox backend {name!r} (known: {', '.join(BACKENDS)})")
