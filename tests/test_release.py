"""Releasing a lab: nbgrader strips the single solution source into stubs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.intake import extract
from autograder.labspec import available_labs, load_lab
from autograder.notebooks import released_notebook, solution_notebook


@pytest.mark.parametrize("lab_id", available_labs())
def test_release_strips_every_solution(lab_id: str) -> None:
    lab = load_lab(lab_id)
    released = released_notebook(lab)
    solution = solution_notebook(lab)
    code = "\n".join(c.source for c in released.cells if c.cell_type == "code")
    assert "### BEGIN SOLUTION" not in code and "raise NotImplementedError()" in code
    solution_cells = [c for c in solution.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert solution_cells, "no cell of the reference is marked as a solution"
    assert code.count("raise NotImplementedError()") == len(solution_cells)
    assert any(c.cell_type == "markdown" for c in released.cells)


def test_release_cli_writes_a_valid_notebook(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "release", "bptt_numpy", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "bptt_numpy.ipynb"
    nbformat.validate(nbformat.read(str(path), as_version=4))
    source = extract(path).module_source()
    for name in ("rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward", "clip_by_global_norm"):
        assert f"def {name}(" in source
    assert "np.tanh" not in source  # no solution left
