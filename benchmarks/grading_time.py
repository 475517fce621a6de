"""Grading time and memory of each lab's reference, one submission at a time.

    .venv/bin/python benchmarks/grading_time.py bptt_numpy char_rnn --repeats 2

Prints, per lab: stage 1 / stage 2 / everything else (intake, preparation,
sandbox start-up and teardown) in seconds, and the peak resident memory of the
stage-1 runner (as it reports it) and of the stage-2 process. Run it on a
quiet machine: other load inflates every figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder.grading import GradeOptions, grade_submission  # noqa: E402
from autograder.labspec import available_labs, load_lab  # noqa: E402
from autograder.notebooks import solution_notebook, write_notebook  # noqa: E402


def measure(lab_id: str, repeats: int, sandbox: str) -> dict[str, float]:
    lab = load_lab(lab_id)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        notebook = write_notebook(solution_notebook(lab), Path(tmp) / "reference.ipynb")
        for run in range(repeats):
            result = grade_submission(notebook, f"run{run}", lab, Path(tmp) / "out", GradeOptions(sandbox=sandbox))
            assert result["score"] == result["max_score"], f"{lab_id}: the reference did not score full marks"
            manifest = json.loads((Path(tmp) / "out" / f"run{run}" / "stage1" / "manifest.json").read_text())
            checks = json.loads((Path(tmp) / "out" / f"run{run}" / "stage2" / "checks.json").read_text())
            t = result["timing"]
            rows.append(
                {
                    "stage1_s": t["stage1_s"],
                    "stage2_s": t["stage2_s"],
                    "other_s": round(t["total_s"] - t["stage1_s"] - t["stage2_s"], 2),
                    "total_s": t["total_s"],
                    "stage1_peak_mb": (manifest.get("runner_reported_peak_rss_kb") or 0) / 1024,
                    "stage2_peak_mb": (checks.get("peak_rss_kb") or 0) / 1024,
                }
            )
    return {key: statistics.median(r[key] for r in rows) for key in rows[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("labs", nargs="*", default=available_labs())
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--sandbox", default="bwrap")
    args = parser.parse_args()
    print(f"{'lab':<16} {'stage1_s':>9} {'stage2_s':>9} {'other_s':>8} {'total_s':>8} {'stage1 MB':>10} {'stage2 MB':>10}")
    for lab_id in args.labs:
        m = measure(lab_id, args.repeats, args.sandbox)
        print(
            f"{lab_id:<16} {m['stage1_s']:>9.2f} {m['stage2_s']:>9.2f} {m['other_s']:>8.2f} {m['total_s']:>8.2f} "
            f"{m['stage1_peak_mb']:>10.0f} {m['stage2_peak_mb']:>10.0f}"
        )


if __name__ == "__main__":
    main()
