"""Grading time, fixed cost, core-seconds and memory of each lab's reference, one submission at a time.

    .venv/bin/python benchmarks/grading_time.py bptt_numpy char_rnn --repeats 2

Prints, per lab and per notebook (the reference, and the released stub whose every function
raises NotImplementedError):

- ``stage1_s`` / ``stage2_s`` / ``total_s``: wall seconds of each stage and of the whole grading;
- ``work_s``: the steps' own work plus the checks' own work (their durations as recorded);
- ``fixed_s = total_s - work_s``: everything else — sandbox start, Python and TensorFlow imports
  in both stages, the notebook's import, the prepare hook, pytest start-up, model save/reload
  outside a timed step, teardown;
- ``core_s``: CPU seconds (user + system) of the grading: the grader's own process (its
  ``RUSAGE_SELF`` delta: intake, the prepare hook), the stage-1 runner and the stage-2 process
  (each reports its own ``RUSAGE_SELF`` when it ends);
- peak resident memory of the stage-1 runner (as it reports it) and of the stage-2 process.

Run it on a quiet machine: other load inflates every figure (``uptime`` is printed first).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder.grading import GradeOptions, grade_submission  # noqa: E402
from autograder.labspec import LabSpec, available_labs, load_lab  # noqa: E402
from autograder.notebooks import released_notebook, solution_notebook, write_notebook  # noqa: E402


def _cpu_s() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return children.ru_utime + children.ru_stime + own.ru_utime + own.ru_stime


def grade_once(lab: LabSpec, notebook: Path, out: Path, student: str, sandbox: str) -> dict[str, float]:
    """One grading of ``notebook``, broken down as the module docstring says."""
    cpu0 = _cpu_s()
    # ``fork`` and ``subprocess`` isolate nothing: allowed here because these are the lab's own notebooks.
    result = grade_submission(notebook, student, lab, out, GradeOptions(sandbox=sandbox, unsafe_no_sandbox=True))
    grader_core_s = _cpu_s() - cpu0  # the grader's own process (prepare hook, intake)
    folder = out / student
    manifest = json.loads((folder / "stage1" / "manifest.json").read_text())
    checks = json.loads((folder / "stage2" / "checks.json").read_text())
    steps_s = sum(float(s.get("duration_s") or 0.0) for s in manifest["steps"].values())
    checks_s = sum(float(c.get("duration_s") or 0.0) for c in result["checks"])
    t = result["timing"]
    return {
        "score": result["score"],
        "max_score": result["max_score"],
        "stage1_s": t["stage1_s"],
        "stage2_s": t["stage2_s"],
        "total_s": t["total_s"],
        "work_s": round(steps_s + checks_s, 2),
        "fixed_s": round(t["total_s"] - steps_s - checks_s, 2),
        "core_s": round(grader_core_s + (manifest.get("runner_reported_cpu_s") or 0.0) + (checks.get("cpu_s") or 0.0), 2),
        "stage1_peak_mb": (manifest.get("runner_reported_peak_rss_kb") or 0) / 1024,
        "stage2_peak_mb": (checks.get("peak_rss_kb") or 0) / 1024,
    }


def measure(lab_id: str, repeats: int, sandbox: str, kinds: tuple[str, ...] = ("reference", "stub")) -> dict[str, dict[str, float]]:
    """Median figures over ``repeats`` gradings of the reference and of the stub."""
    lab = load_lab(lab_id)
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        notebooks = {
            "reference": write_notebook(solution_notebook(lab), Path(tmp) / "reference.ipynb"),
            "stub": write_notebook(released_notebook(lab), Path(tmp) / "stub.ipynb"),
        }
        for kind, notebook in notebooks.items():
            if kind not in kinds:
                continue
            rows = [grade_once(lab, notebook, Path(tmp) / "out", f"{kind}{run}", sandbox) for run in range(repeats)]
            if kind == "reference":
                assert rows[0]["score"] == rows[0]["max_score"], f"{lab_id}: the reference did not score full marks"
            figures[kind] = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    return figures


COLUMNS = ["stage1_s", "stage2_s", "total_s", "work_s", "fixed_s", "core_s", "stage1_peak_mb", "stage2_peak_mb"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("labs", nargs="*", default=available_labs())
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--sandbox", default="bwrap",
                        help="a backend, or several side by side (bwrap,fork: fork is validate's, for the lab's own notebooks)")
    parser.add_argument("--notebooks", default="reference,stub", help="which of reference,stub to grade")
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} load {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    print(f"{'lab':<16} {'notebook':<10} {'sandbox':<8} " + " ".join(f"{c:>14}" for c in COLUMNS))
    for lab_id in args.labs:
        for sandbox in args.sandbox.split(","):
            if sandbox in ("fork", "bwrap"):  # its server imports TensorFlow once per grader process: shown apart
                started = time.monotonic()
                from autograder.sandbox.fork_backend import shared_zygote

                shared_zygote(inherit_environment=sandbox == "fork")  # bwrap's warm server: none of ours
                print(f"# {sandbox} server started (TensorFlow imported once) in {time.monotonic() - started:.1f} s")
            for kind, m in measure(lab_id, args.repeats, sandbox, tuple(args.notebooks.split(","))).items():
                print(f"{lab_id:<16} {kind:<10} {sandbox:<8} " + " ".join(f"{m[c]:>14.2f}" for c in COLUMNS), flush=True)


if __name__ == "__main__":
    main()
