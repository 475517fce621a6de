"""Measure a backend's per-stage overhead: ``python -m autograder.sandbox.overhead --backend bwrap``.

Runs a command that does nothing, through the backend and directly, and
prints the median start-to-exit time and teardown (``kill``: cgroups removed,
namespace gone) time. Each graded submission pays this twice (stage 1 and
stage 2), plus once per relaunch after a hung step.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.sandbox.base import SandboxRequest
from autograder.sandbox.registry import make_sandbox


def measure(backend: str, argv: list[str], runs: int) -> dict[str, float]:
    sandbox = make_sandbox(backend)
    starts: list[float] = []
    teardowns: list[float] = []
    with tempfile.TemporaryDirectory(prefix="autograder-overhead-") as tmp:
        work = Path(tmp)
        for _ in range(runs):
            request = SandboxRequest(argv=argv, env={"PATH": "/usr/bin:/bin"}, workdir=work, writable=[work])
            began = time.perf_counter()
            process = sandbox.start(request)
            process.wait(120)
            ended = time.perf_counter()
            process.kill()
            starts.append(ended - began)
            teardowns.append(time.perf_counter() - ended)
    direct: list[float] = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(argv, check=True)
        direct.append(time.perf_counter() - began)
    return {
        "run_s": statistics.median(starts),
        "teardown_s": statistics.median(teardowns),
        "direct_s": statistics.median(direct),
        "overhead_s": statistics.median(starts) + statistics.median(teardowns) - statistics.median(direct),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="bwrap")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    figures = measure(args.backend, [sys.executable, "-c", "pass"], args.runs)
    print(
        f"{args.backend}: python -c pass takes {figures['run_s'] * 1000:.0f} ms in the sandbox "
        f"(direct {figures['direct_s'] * 1000:.0f} ms), teardown {figures['teardown_s'] * 1000:.0f} ms; "
        f"overhead per stage {figures['overhead_s'] * 1000:.0f} ms (median of {args.runs})"
    )


if __name__ == "__main__":
    main()
