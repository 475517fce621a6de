"""The kit's only backend: a local process of your own (no root, no bubblewrap, no isolation).

A student checking their own notebook on their own machine needs no sandbox; grading, where
many students' notebooks run, uses one.
"""

from .base import Limits, RunningProcess, Sandbox, SandboxRequest, SandboxUnavailable
from .registry import make_sandbox

__all__ = ["Limits", "RunningProcess", "Sandbox", "SandboxRequest", "SandboxUnavailable", "make_sandbox"]
