"""Choosing a sandbox backend by name."""

from __future__ import annotations

from autograder.sandbox.base import Sandbox, SandboxUnavailable

BACKENDS = ("subprocess",)


def make_sandbox(name: str) -> Sandbox:
    if name == "subprocess":
        from autograder.sandbox.subprocess_backend import SubprocessSandbox

        return SubprocessSandbox()
    raise SandboxUnavailable(f"unknown sandbox backend {name!r} (known: {', '.join(BACKENDS)})")
