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
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "release", "bptt_numpy", "--out", str(tmp_path), "--no-kit"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "bptt_numpy.ipynb"
    nbformat.validate(nbformat.read(str(path), as_version=4))
    source = extract(path).module_source()
    for name in ("rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward", "clip_by_global_norm"):
        assert f"def {name}(" in source
    assert "np.tanh" not in source  # no solution left


def test_kit_cells_never_run_at_grading(tmp_path: Path) -> None:
    """The install cell is a magic and the check cell a bare call: intake drops both, no kit import is kept."""
    from autograder.notebooks import KIT_CHECK_TAG, KIT_INSTALL_TAG, with_kit_cells, write_notebook

    lab = load_lab("bptt_numpy")
    notebook = with_kit_cells(released_notebook(lab), lab, "unit4_kit_bptt_numpy-1-py3-none-any.whl", "unit4_kit_bptt_numpy")
    tags = [c.metadata.get("tags", []) for c in notebook.cells]
    assert KIT_INSTALL_TAG in next(t for t, c in zip(tags, notebook.cells, strict=True) if c.cell_type == "code")
    assert KIT_CHECK_TAG in tags[-1]
    submission = extract(write_notebook(notebook, tmp_path / "nb.ipynb"))
    kept = submission.module_source()
    assert "unit4_kit" not in kept and "%pip" not in kept
    dropped = {d.text for d in submission.dropped}
    assert any(t.startswith("%pip install") for t in dropped)
    assert any("unit4_kit_bptt_numpy" in t and ".check()" in t for t in dropped)
