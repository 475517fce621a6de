"""The kit's backends: ``subprocess`` only."""

from __future__ import annotations

from .base import Sandbox, SandboxUnavailable

BACKENDS = ("subprocess",)
DEFAULT_BACKEND = "subprocess"


def make_sandbox(name: str) -> Sandbox:
    if name != "subprocess":
        raise SandboxUnavailable(f"the student kit runs your notebook in a local process only, not {name!r}")
    from .subprocess_backend import SubprocessSandbox

    return SubprocessSandbox()
