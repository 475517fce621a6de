"""Our per-submission cost against the way nbgrader and Otter grade: the notebook run in a kernel.

    .venv/bin/python benchmarks/peer_baseline.py bptt_numpy --repeats 3

Peer baseline: nbgrader's autograde executes the whole submitted notebook,
hidden test cells appended, in one Jupyter kernel (nbclient). We time exactly
that for the reference notebook with one appended test cell, against our two
sandboxed stages (harvest + check) for the same notebook. The peer's
kernel-side checks can be forged by the submission (same process); ours cannot,
and that isolation is what the difference pays for.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nbclient import NotebookClient  # noqa: E402
from nbformat.v4 import new_code_cell  # noqa: E402

from autograder.grading import GradeOptions, grade_submission  # noqa: E402
from autograder.labspec import load_lab  # noqa: E402
from autograder.notebooks import solution_notebook, write_notebook  # noqa: E402

#: A kernel-side test cell in nbgrader's style (it only has to exist and run).
PEER_TEST_CELL = "assert all(callable(globals()[name]) for name in {names!r})\n"


def peer_seconds(lab_id: str) -> float:
    lab = load_lab(lab_id)
    notebook = solution_notebook(lab)
    names = sorted({u for s in lab.steps for u in s.uses})
    notebook.cells.append(new_code_cell(PEER_TEST_CELL.format(names=names)))
    started = time.monotonic()
    NotebookClient(notebook, timeout=600, kernel_name="python3").execute()
    return time.monotonic() - started


def ours_seconds(lab_id: str, sandbox: str) -> float:
    lab = load_lab(lab_id)
    with tempfile.TemporaryDirectory() as tmp:
        notebook = write_notebook(solution_notebook(lab), Path(tmp) / "reference.ipynb")
        started = time.monotonic()
        result = grade_submission(notebook, "reference", lab, Path(tmp) / "out", GradeOptions(sandbox=sandbox))
        elapsed = time.monotonic() - started
    assert result["score"] == result["max_score"]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("labs", nargs="*", default=["bptt_numpy"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sandbox", default="bwrap")
    args = parser.parse_args()
    print(f"{'lab':<16} {'peer: kernel run (s)':>21} {'ours: 2 sandboxed stages (s)':>29}")
    for lab_id in args.labs:
        peer = statistics.median(peer_seconds(lab_id) for _ in range(args.repeats))
        ours = statistics.median(ours_seconds(lab_id, args.sandbox) for _ in range(args.repeats))
        print(f"{lab_id:<16} {peer:>21.2f} {ours:>29.2f}")
    print("(the peer's notebook has no training cells here; a student's real notebook re-runs its own training)")


if __name__ == "__main__":
    main()
