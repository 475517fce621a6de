"""The released notebooks are labs: filled in, they run top to bottom in a real kernel and score full marks.

For every lab, the notebook ``release`` writes (nbgrader's stubs, the student kit's install and check
cells) has each stub replaced by the reference's solution, the way a student who solved the lab would
hand it in, and is executed by nbclient in a real Jupyter kernel on CPU. The two kit cells are skipped
(tagged ``skip-execution``): one would pip-install into this project's environment, the other needs
that kit; the kit's own tests run them. Its experiment cells (the ungraded ``if __name__ == "__main__":`` cells
after the stubs) must draw (``image/png`` outputs, saved under ``tests/output/released/<lab>/``),
the intake must drop them, and grading the executed notebook must give full marks.

The graded copy also carries the imports a student on Colab writes that do not exist here
(``seaborn``, ``google.colab``, ``drive.mount``): they become placeholders named in the feedback and
never cost points (this folds in what ``test_student_imports`` proved). Those lines are added to the
graded copy only: the kernel here has neither module, so the released notebook's own first cell holds
only the imports that exist everywhere.
"""

from __future__ import annotations

import base64
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from autograder.batch import discover, grade_all
from autograder.grading import GradeOptions
from autograder.intake import extract
from autograder.kit.build import kit_package, wheel_name
from autograder.labspec import available_labs, load_lab
from autograder.notebooks import (
    KIT_CHECK_TAG,
    KIT_INSTALL_TAG,
    released_notebook,
    solution_notebook,
    with_kit_cells,
    write_notebook,
)

LABS = ("bptt_numpy", "char_rnn", "vgg16_transfer", "ner_lstm", "seq2seq_gru", "densenet")
OUTPUT = Path(__file__).parent / "output" / "released"
#: The most seconds one lab's notebook may take, top to bottom, on a loaded 2-core CPU (measured: see the report).
KERNEL_SECONDS = 240
#: The pictures each lab's experiments must draw at least.
PICTURES = {"bptt_numpy": 3, "char_rnn": 1, "vgg16_transfer": 2, "ner_lstm": 2, "seq2seq_gru": 1, "densenet": 2}
#: What a student on Colab adds that is not installed where grading (or this kernel) runs.
COLAB_ONLY = """\
import seaborn as sns
from google.colab import drive
drive.mount("/content/drive")
sns.set_theme()
"""
EXPERIMENT = 'if __name__ == "__main__":'
#: A tag nbclient honours: the cell is not executed.
SKIP_TAG = "skip-execution"


def filled_notebook(lab_id: str) -> nbformat.NotebookNode:
    """The notebook ``release`` writes (with the kit's cells), every stub replaced by the reference's solution."""
    lab = load_lab(lab_id)
    released = with_kit_cells(released_notebook(lab), lab, wheel_name(lab), kit_package(lab.id))
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in solution_notebook(lab).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in solutions:
            cell.source = solutions[grade_id]
    return released


def is_kit_cell(cell: nbformat.NotebookNode) -> bool:
    """The release's cells that install the student kit and run its checks: not run here.

    The install cell would ``pip install`` into this project's own environment, and without it the
    check cell has no kit to import (the kit's own tests run it).
    """
    return bool({KIT_INSTALL_TAG, KIT_CHECK_TAG} & set(cell.metadata.get("tags", [])))


def experiment_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """0-based indices of the ungraded experiment cells."""
    return [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and c.source.startswith(EXPERIMENT)]


def run_in_kernel(notebook: nbformat.NotebookNode, workdir: Path) -> float:
    """Execute ``notebook`` in place in a fresh python3 kernel; the seconds it took."""
    for cell in notebook.cells:
        if is_kit_cell(cell):
            cell.metadata.setdefault("tags", []).append(SKIP_TAG)
    workdir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        notebook,
        timeout=KERNEL_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
        skip_cells_with_tag=SKIP_TAG,
    )
    start = time.monotonic()
    client.execute(env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""})
    return time.monotonic() - start


def save_pictures(notebook: nbformat.NotebookNode, lab_id: str) -> list[Path]:
    """Every image/png output of the notebook, decoded into tests/output/released/<lab>/ (beside the notebook)."""
    folder = OUTPUT / lab_id
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    write_notebook(notebook, folder / f"{lab_id}.ipynb")
    paths = []
    for number, cell in enumerate(notebook.cells, start=1):
        pictures = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        for k, data in enumerate(pictures, start=1):
            path = folder / f"cell{number:02d}-{k}.png"
            path.write_bytes(base64.b64decode(data))
            paths.append(path)
    return paths


@pytest.fixture(scope="module")
def labs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each lab's filled notebook executed (one kernel at a time), then the six graded two at a time."""
    assert set(LABS) <= set(available_labs())
    runs: dict[str, dict] = {}
    for lab_id in LABS:
        notebook = filled_notebook(lab_id)
        assert sum(map(is_kit_cell, notebook.cells)) == 2, "the release's kit cells are not where this test skips them"
        run: dict = {"notebook": notebook, "error": None}
        try:
            run["seconds"] = run_in_kernel(notebook, tmp_path_factory.mktemp(f"kernel-{lab_id}"))
        except Exception as err:  # reported by the test of this lab, not by the others
            run["error"], run["seconds"] = f"{type(err).__name__}: {err}"[:3000], None
        run["pictures"] = save_pictures(notebook, lab_id)
        print(f"\n{lab_id}: ran in the kernel in {run['seconds'] and round(run['seconds'], 1)} s; pictures:")
        for path in run["pictures"]:
            print(f"  {path}")
        for index in experiment_cells(notebook):
            text = "".join(o.get("text", "") for o in notebook.cells[index].get("outputs", []) if o.get("name") == "stdout")
            if text.strip():
                print(f"  cell {index + 1} printed: " + text.strip()[:400].replace("\n", "\n    "))
        runs[lab_id] = run

    def grade(lab_id: str) -> dict:
        graded = nbformat.from_dict(runs[lab_id]["notebook"])
        graded.cells.insert(0, new_code_cell(COLAB_ONLY))
        subs = tmp_path_factory.mktemp(f"subs-{lab_id}")
        path = write_notebook(graded, subs / "student.ipynb")
        out = tmp_path_factory.mktemp(f"out-{lab_id}")
        start = time.monotonic()
        [result] = grade_all(discover(subs, lab_id), load_lab(lab_id), out, GradeOptions(), progress=False)
        print(f"\n{lab_id}: graded in {time.monotonic() - start:.1f} s")
        return result | {"feedback": (out / "student" / "feedback.md").read_text(), "path": path}

    with ThreadPoolExecutor(max_workers=2) as pool:
        for lab_id, result in zip(LABS, pool.map(grade, LABS), strict=True):
            runs[lab_id]["graded"] = result
    return runs


@pytest.mark.parametrize("lab_id", LABS)
def test_released_notebook_is_a_lab(lab_id: str) -> None:
    """An opening on the idea, the imports students write first, a contract before every stub, a data helper."""
    notebook = released_notebook(load_lab(lab_id))
    cells = notebook.cells
    assert cells[0].cell_type == "markdown" and len(cells[0].source.split()) > 150, "no opening on the idea of the lab"
    first_code = next(c for c in cells if c.cell_type == "code")
    for line in ("import numpy as np", "import matplotlib.pyplot as plt", "import pandas as pd"):
        assert line in first_code.source
    stubs = [i for i, c in enumerate(cells) if "raise NotImplementedError()" in c.source]
    assert stubs
    for i in stubs:
        assert cells[i - 1].cell_type == "markdown", f"cell {i + 1}: no contract in a markdown cell before the stub"
    assert "def load_data(" in "\n".join(c.source for c in cells)
    assert experiment_cells(notebook) and min(experiment_cells(notebook)) > max(stubs)


@pytest.mark.parametrize("lab_id", LABS)
def test_filled_notebook_runs_top_to_bottom(labs: dict[str, dict], lab_id: str) -> None:
    run = labs[lab_id]
    assert run["error"] is None, run["error"]
    print(f"{lab_id}: {run['seconds']:.1f} s in the kernel (bound {KERNEL_SECONDS} s)")
    assert run["seconds"] < KERNEL_SECONDS


@pytest.mark.parametrize("lab_id", LABS)
def test_experiment_cells_draw(labs: dict[str, dict], lab_id: str) -> None:
    notebook = labs[lab_id]["notebook"]
    for index in experiment_cells(notebook):
        outputs = notebook.cells[index].get("outputs", [])
        assert outputs, f"experiment cell {index + 1} showed nothing"
        assert not [o for o in outputs if o.get("output_type") == "error"]
    pictures = labs[lab_id]["pictures"]
    assert len(pictures) >= PICTURES[lab_id], pictures
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 5000 for p in pictures)


@pytest.mark.parametrize("lab_id", LABS)
def test_intake_drops_the_experiments(labs: dict[str, dict], lab_id: str) -> None:
    """Grading imports the definitions (stubs' solutions, data helpers) and never runs an experiment cell."""
    path = labs[lab_id]["graded"]["path"]
    extracted = extract(path)
    kept = {c.cell: c.keep for c in extracted.cells}
    dropped_cells = {d.cell for d in extracted.dropped if d.reason == "statement"}
    indices = experiment_cells(labs[lab_id]["notebook"])
    for index in indices:
        cell = index + 2  # 1-based, after the inserted Colab cell
        assert kept[cell] == [] and cell in dropped_cells, f"experiment cell {cell} would run at grading"
    source = extracted.module_source()
    assert "def load_data(" in source and EXPERIMENT not in source and "import_module(" not in source


@pytest.mark.parametrize("lab_id", LABS)
def test_graded_notebook_scores_full_marks(labs: dict[str, dict], lab_id: str) -> None:
    result = labs[lab_id]["graded"]
    failed = {c["id"]: c["message"] for c in result["checks"] if c["outcome"] != "passed"}
    assert result["status"] == "graded" and not failed, failed
    assert result["score"] == result["max_score"] > 0
    # The Colab-only imports became placeholders, named in the feedback, at no cost.
    assert "`seaborn`" in result["feedback"] and "`google.colab`" in result["feedback"]
