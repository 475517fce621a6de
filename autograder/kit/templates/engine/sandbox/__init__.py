"""The kit's only backend: a local process of your own (no root, no bubblewrap, no isolation).

A student checking their own notebook on their own machine needs no sandbox; grading, where
many students' notebooks run, uses one. The limits are grading's, except the process cap:
RLIMIT_NPROC counts every process and thread of your user (your Jupyter server, your kernel's
TensorFlow threads), not only the checks', so the kit keeps the cap you already have.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass

from .base import Limits as GradingLimits
from .base import RunningProcess, Sandbox, SandboxRequest, SandboxUnavailable
from .registry import make_sandbox

_NPROC_HARD = resource.getrlimit(resource.RLIMIT_NPROC)[1]


@dataclass(frozen=True)
class Limits(GradingLimits):
    max_processes: int = _NPROC_HARD


__all__ = ["Limits", "RunningProcess", "Sandbox", "SandboxRequest", "SandboxUnavailable", "make_sandbox"]
