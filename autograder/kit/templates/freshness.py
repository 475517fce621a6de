"""Is the saved notebook the code the kernel ran? (Checks read the file, as grading does.)

The kit compares definitions, not clocks: for each function of the lab that the kernel has
defined, the last definition it executed (IPython's ``In`` history) must be the one in the saved
file, compared as syntax trees (comments, blank lines and formatting do not count). A function
edited and run but not saved makes the file older than the kernel's code: the student is told
to save first. Outside a kernel (a terminal) there is nothing to compare.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from .engine.intake import extract


def kernel_history() -> list[str] | None:
    """The sources of the cells this kernel executed, oldest first (None outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None:
        return None
    history = shell.user_ns.get("In")
    return [str(cell) for cell in history] if isinstance(history, list) else None


def definitions(sources: Iterable[str], names: Iterable[str]) -> dict[str, str]:
    """The last top-level definition of each of ``names`` in ``sources``, as an AST dump."""
    wanted = set(names)
    found: dict[str, str] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in wanted:
                found[node.name] = ast.dump(node)
    return found


def unsaved_functions(notebook: Path, names: Iterable[str], history: list[str] | None) -> list[str]:
    """The functions whose kernel definition is not the saved one (empty: the file is current)."""
    if not history:
        return []
    names = list(names)
    in_kernel = definitions(history, names)
    saved = definitions((cell.source for cell in extract(notebook).cells), names)
    return [name for name in names if name in in_kernel and saved.get(name) != in_kernel[name]]
