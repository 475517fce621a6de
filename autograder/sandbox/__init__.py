"""Sandboxes that run one stage of one submission: pluggable backends."""

from autograder.sandbox.base import (
    Limits,
    RunningProcess,
    Sandbox,
    SandboxRequest,
    SandboxUnavailable,
)
from autograder.sandbox.registry import make_sandbox

__all__ = ["Limits", "RunningProcess", "Sandbox", "SandboxRequest", "SandboxUnavailable", "make_sandbox"]
