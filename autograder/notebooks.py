"""Building notebooks from the single solution source, ``reference/<lab>.py``.

The reference is written in the percent format: ``# %%`` starts a code cell,
``# %% [markdown]`` a markdown cell whose lines are comments. Solution code
sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; nbgrader's
ClearSolutions turns those regions into stubs for the released notebook.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.labspec import LabSpec

SOLUTION_BEGIN = "### BEGIN SOLUTION"


def cells_from_percent(source: str) -> list[nbformat.NotebookNode]:
    """Split percent-format source into notebook cells."""
    cells: list[nbformat.NotebookNode] = []
    kind, lines = "code", []

    def flush() -> None:
        text = "\n".join(lines).strip("\n")
        if not text.strip():
            return
        if kind == "markdown":
            body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in text.splitlines())
            cells.append(new_markdown_cell(body))
        else:
            cells.append(new_code_cell(text))

    for line in source.splitlines():
        if line.startswith("# %%"):
            flush()
            kind = "markdown" if "[markdown]" in line else "code"
            lines = []
        else:
            lines.append(line)
    flush()
    return cells


def solution_notebook(lab: LabSpec) -> nbformat.NotebookNode:
    """The reference as a notebook, solution cells marked for nbgrader."""
    notebook = new_notebook(cells=cells_from_percent(lab.reference_path.read_text()))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata["autograder"] = {"lab": lab.id, "lab_version": lab.version}
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and SOLUTION_BEGIN in cell.source:
            cell.metadata["nbgrader"] = {
                "grade": False,
                "solution": True,
                "locked": False,
                "grade_id": f"{lab.id}-solution-{number}",
                "schema_version": 3,
            }
    return notebook


def released_notebook(lab: LabSpec) -> nbformat.NotebookNode:
    """The student notebook: every solution region replaced by nbgrader's stub."""
    from nbgrader.preprocessors import ClearSolutions

    notebook = solution_notebook(lab)
    clear = ClearSolutions(code_stub={"python": "# YOUR CODE HERE\nraise NotImplementedError()"})
    notebook, _ = clear.preprocess(notebook, {})
    if any(SOLUTION_BEGIN in c.source for c in notebook.cells):
        raise RuntimeError(f"solution markers left in the released notebook of {lab.id}")
    return notebook


def variant_notebook(lab: LabSpec, patch_source: str) -> nbformat.NotebookNode:
    """The reference notebook with a final cell that redefines some functions (a known mistake)."""
    notebook = solution_notebook(lab)
    notebook.cells.append(new_code_cell(patch_source))
    return notebook


def write_notebook(notebook: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path


def declared_failures(mistake_file: Path) -> list[str]:
    """The ``EXPECT_FAILED`` list of a mistake file, read without running it."""
    tree = ast.parse(mistake_file.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXPECT_FAILED" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise ValueError(f"{mistake_file} does not declare EXPECT_FAILED = [...]")


def mistake_description(mistake_file: Path) -> str:
    return (ast.get_docstring(ast.parse(mistake_file.read_text())) or mistake_file.stem).splitlines()[0]


def mistake_files(lab: LabSpec) -> list[Path]:
    return sorted(lab.mistakes_dir.glob("*.py")) if lab.mistakes_dir.is_dir() else []
