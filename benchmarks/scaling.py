"""Throughput of a class: N copies of a lab's reference graded ``--workers`` at a time.

    .venv/bin/python benchmarks/scaling.py bptt_numpy --submissions 10 --workers 1 2

Prints, per configuration: wall seconds for the class, seconds per submission, the core-seconds
of one grading (median), and whether every grading gave the same score as the first. Each
configuration is run in the same invocation, one after the other, so ratios come from one run
(these machines are noisy). ``--env NAME=VALUE`` adds a configuration with that variable set in
the grader's process, e.g. ``--env AUTOGRADER_THREAD_SHARES=off`` (every stage sees every core:
the behaviour before thread shares) or ``--env AUTOGRADER_TF_ONEDNN=1`` (oneDNN on). One ``--env``
may set several variables and its own worker count, space-separated: the grader as it was before
issue 11 (one grading at a time, every stage on every core, every stage a fresh interpreter) is

    --env "workers=1 AUTOGRADER_THREAD_SHARES=off AUTOGRADER_BWRAP_WARM=0"
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder.grading import GradeOptions  # noqa: E402
from autograder.labspec import load_lab  # noqa: E402
from autograder.notebooks import solution_notebook, write_notebook  # noqa: E402
from autograder.pool import GradingJob, run_gradings  # noqa: E402
from autograder.submissions import Submission  # noqa: E402


def class_jobs(lab_id: str, count: int, folder: Path) -> list[GradingJob]:
    """``count`` submissions of the reference notebook, one per student ``s00``, ``s01``, ..."""
    lab = load_lab(lab_id)
    notebook = write_notebook(solution_notebook(lab), folder / "reference.ipynb")
    return [
        GradingJob(Submission(student=f"s{i:02d}", notebook=notebook), lab, folder / "out", GradeOptions())
        for i in range(count)
    ]


def core_seconds(folder: Path) -> float:
    """What the two stages of the grading in ``folder`` report they used (their own processes)."""
    manifest = json.loads((folder / "stage1" / "manifest.json").read_text())
    checks = json.loads((folder / "stage2" / "checks.json").read_text())
    return float(manifest.get("runner_reported_cpu_s") or 0.0) + float(checks.get("cpu_s") or 0.0)


def run_class(lab_id: str, count: int, workers: int, scheduler: str | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="scaling-") as tmp:
        jobs = class_jobs(lab_id, count, Path(tmp))
        started = time.monotonic()
        if scheduler:
            from autograder.cluster import run_gradings_on_cluster

            results = run_gradings_on_cluster(jobs, scheduler)
        else:
            results = run_gradings(jobs, workers=workers)
        wall = time.monotonic() - started
        scores = {r["score"] for r in results}
        cores = [core_seconds(Path(tmp) / "out" / r["student"]) for r in results]
    return {
        "wall_s": wall,
        "per_submission_s": wall / count,
        "core_s": statistics.median(cores),
        "same_scores": float(len(scores) == 1 and len(results) == count),
    }


def configuration(item: str, default_workers: int) -> tuple[int, dict[str, str]]:
    """(workers, environment) of one ``--env`` item: space-separated ``NAME=VALUE``, ``workers=N`` among them."""
    env = dict(token.partition("=")[::2] for token in item.split())
    workers = int(env.pop("workers", default_workers))
    return workers, env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("lab")
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--env", action="append", default=[],
                        help="'NAME=VALUE [NAME=VALUE ...] [workers=N]': one more configuration (default: at the last --workers)")
    parser.add_argument("--scheduler", default=None, help="also grade on this Dask scheduler")
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} load {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores, "
          f"{args.lab} x {args.submissions}")
    configs: list[tuple[str, int, dict[str, str], str | None]] = [(f"pool w={w}", w, {}, None) for w in args.workers]
    for item in args.env:
        workers, env = configuration(item, args.workers[-1])
        configs.append((f"pool w={workers} {' '.join(f'{k}={v}' for k, v in env.items())}", workers, env, None))
    if args.scheduler:
        configs.append((f"dask {args.scheduler}", 0, {}, args.scheduler))
    print(f"{'configuration':<64} {'wall_s':>8} {'s/subm':>8} {'core_s':>8} {'same':>5}")
    for label, workers, env, scheduler in configs:
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            m = run_class(args.lab, args.submissions, workers, scheduler)
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        print(f"{label:<64} {m['wall_s']:>8.1f} {m['per_submission_s']:>8.2f} {m['core_s']:>8.2f} "
              f"{'yes' if m['same_scores'] else 'NO':>5}", flush=True)


if __name__ == "__main__":
    main()
