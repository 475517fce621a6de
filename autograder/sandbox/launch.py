"""``python -m autograder.sandbox.launch LIMITS_JSON -- ARGV...``: set rlimits, then exec.

A separate launcher instead of ``preexec_fn`` keeps process start-up safe
when several submissions are graded from threads at once.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def apply(limits: dict[str, int | None]) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    fsize = limits["file_size_bytes"]
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    # RLIMIT_DATA, not RLIMIT_AS: TensorFlow reserves far more address space than it uses.
    memory = limits["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    cpu = limits.get("cpu_seconds")
    if cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    if os.getuid() != 0:  # root ignores RLIMIT_NPROC
        nproc = limits["max_processes"]
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def main() -> None:
    limits = json.loads(sys.argv[1])
    if sys.argv[2] != "--":
        raise SystemExit("usage: launch LIMITS_JSON -- ARGV...")
    apply(limits)
    argv = sys.argv[3:]
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main()
