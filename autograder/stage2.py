"""Running stage 2 (the checks) for one submission, in its own sandboxed process."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.harvest.supervisor import base_environment
from autograder.labspec import CheckSpec, LabSpec
from autograder.sandbox import Limits, Sandbox, SandboxRequest
from autograder.sandbox.base import last_output_lines
from autograder.sandbox.threads import stage_share, thread_environment

STAGE2_TIMEOUT_S = 600.0


@dataclass
class CheckRun:
    checks: list[dict[str, Any]]
    wall_s: float
    output: str
    metrics: dict[str, float]


def run_checks(
    lab: LabSpec,
    artifacts_dir: Path,
    manifest_path: Path,
    work_dir: Path,
    sandbox: Sandbox,
    *,
    checks: list[CheckSpec],
    seed: int,
    profile_name: str,
    data_dir: Path | None = None,
    timeout_s: float = STAGE2_TIMEOUT_S,
) -> CheckRun:
    """Run the selected checks; a crash or timeout of stage 2 becomes an ``error`` outcome."""
    started = time.monotonic()
    work_dir.mkdir(parents=True, exist_ok=True)
    for folder in ("home", "tmp"):
        (work_dir / folder).mkdir(exist_ok=True)
    results_path = work_dir / "checks.json"
    results_path.unlink(missing_ok=True)
    argv = [
        sys.executable, "-m", "autograder.checking.runner",
        "--lab", lab.id,
        "--artifacts", str(artifacts_dir),
        "--manifest", str(manifest_path),
        "--results", str(results_path),
        "--profile", profile_name,
        "--seed", str(seed),
        "--only", ",".join(c.id for c in checks),
    ]
    if data_dir:
        argv += ["--data-dir", str(data_dir)]
    with stage_share() as threads:
        return _run_stage2(lab, work_dir, sandbox, argv, checks, artifacts_dir, manifest_path, data_dir,
                           timeout_s, started, results_path, threads)


def _run_stage2(
    lab: LabSpec,
    work_dir: Path,
    sandbox: Sandbox,
    argv: list[str],
    checks: list[CheckSpec],
    artifacts_dir: Path,
    manifest_path: Path,
    data_dir: Path | None,
    timeout_s: float,
    started: float,
    results_path: Path,
    threads: int,
) -> CheckRun:
    env = dict(base_environment(work_dir), AUTOGRADER_STAGE="check", **thread_environment(threads))
    readable = [lab.directory, lab.reference_path, manifest_path, artifacts_dir]
    if data_dir:
        readable.append(data_dir)
    request = SandboxRequest(
        argv=argv, env=env, workdir=work_dir, readable=readable, writable=[work_dir], limits=Limits()
    )
    process = sandbox.start(request)
    try:
        process.wait(timeout_s)
        problem = None
    except TimeoutError:
        problem = f"the checks took longer than {timeout_s:g} s"
    finally:
        process.kill()
    output = process.output()
    rows: list[dict[str, Any]] | None = None
    metrics: dict[str, float] = {}
    if problem is None:
        try:
            payload = json.loads(results_path.read_text())
            rows, metrics = payload["checks"], payload.get("metrics", {})
        except (OSError, ValueError, KeyError):
            problem = "the checking process ended without results" + _tail(output)
    if rows is None:
        rows = [error_row(spec, f"grader problem, not yours: {problem}") for spec in checks]
    return CheckRun(checks=rows, wall_s=time.monotonic() - started, output=output, metrics=metrics)


def error_row(spec: CheckSpec, message: str, outcome: str = "error") -> dict[str, Any]:
    return {
        "id": spec.id,
        "kind": spec.kind,
        "title": spec.title,
        "points": 0.0,
        "max_points": spec.points,
        "outcome": outcome,
        "message": message,
        "duration_s": 0.0,
    }


def _tail(output: str) -> str:
    lines = last_output_lines(output, 5)
    return (": " + " | ".join(lines))[:1200] if lines else ""
