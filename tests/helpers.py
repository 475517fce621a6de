"""Building small notebooks for the project's tests."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.labspec import load_lab
from autograder.notebooks import solution_notebook, variant_notebook, write_notebook


def notebook_with_cells(path: Path, *sources: str, markdown: str | None = None) -> Path:
    """A notebook whose code cells are ``sources`` (and one markdown cell first if given)."""
    cells = ([new_markdown_cell(markdown)] if markdown else []) + [new_code_cell(s) for s in sources]
    return write_notebook(new_notebook(cells=cells), path)


def reference_plus(lab_id: str, path: Path, extra_cell: str) -> Path:
    """The lab's reference notebook with one more code cell at the end."""
    return write_notebook(variant_notebook(load_lab(lab_id), extra_cell), path)


def reference_notebook(lab_id: str, path: Path) -> Path:
    return write_notebook(solution_notebook(load_lab(lab_id)), path)


def read_results(out: Path, student: str) -> dict:
    return json.loads((out / student / "results.json").read_text())


def outcomes(result: dict) -> dict[str, str]:
    return {c["id"]: c["outcome"] for c in result["checks"]}


__all__ = ["nbformat", "notebook_with_cells", "outcomes", "read_results", "reference_notebook", "reference_plus"]


def load_file_module(path: Path, name: str):  # noqa: ANN201
    """Import one file under a unique module name (a lab's checks/conftest.py, say)."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
