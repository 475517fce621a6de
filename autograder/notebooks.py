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


KIT_INSTALL_TAG = "autograder-kit-install"
KIT_CHECK_TAG = "autograder-kit-check"


def kit_cells(lab: LabSpec, install_target: str, package: str) -> tuple[list[nbformat.NotebookNode], list[nbformat.NotebookNode]]:
    """The cells a released notebook opens and closes with: install the kit, run its public checks.

    ``install_target`` is what ``pip install`` takes: the kit's wheel beside the notebook, or the
    address the instructor publishes it at. Neither cell survives intake (a magic; a bare call):
    grading never runs them. The check cell calls the kit through ``import_module`` so that no
    import of the kit is left for grading to turn into a missing-module placeholder.
    """
    first = [
        new_markdown_cell(
            "**Setup.** Run the next cell once: it installs this lab's public checks (a small kit, "
            "numpy, nbformat and pytest; Python 3.10-3.12). The last cell of the notebook runs them."
        ),
        new_code_cell(f"%pip install --quiet {install_target}"),
    ]
    first[1].metadata["tags"] = [KIT_INSTALL_TAG]
    last = [
        new_markdown_cell(
            "**Check your work.** Save the notebook first (File > Save): the checks read the saved file, "
            "as grading does, and say so if it is older than the code you ran. They are the public checks, "
            "with the messages grading gives; more checks run when you submit."
        ),
        new_code_cell(
            "# The lab's public checks, on the saved notebook (no sandbox needed on your own machine).\n"
            "from importlib import import_module\n\n"
            f'import_module("{package}").check()'
        ),
    ]
    last[1].metadata["tags"] = [KIT_CHECK_TAG]
    return first, last


def with_kit_cells(notebook: nbformat.NotebookNode, lab: LabSpec, install_target: str, package: str, locked: bool = False) -> nbformat.NotebookNode:
    """``notebook`` opening with the kit's install cell and closing with its check cell.

    ``locked``: nbgrader metadata that keeps students from editing or deleting them (course layout).
    """
    first, last = kit_cells(lab, install_target, package)
    if locked:
        for name, cell in (("setup-text", first[0]), ("setup", first[1]), ("check-text", last[0]), ("check", last[1])):
            cell.metadata["nbgrader"] = {
                "grade": False, "solution": False, "locked": True, "task": False,
                "grade_id": f"{lab.id}-kit-{name}", "schema_version": 3,
            }
    title = 1 if notebook.cells and notebook.cells[0].cell_type == "markdown" else 0
    notebook.cells[title:title] = first
    notebook.cells.extend(last)
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
