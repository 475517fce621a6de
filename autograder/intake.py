"""Notebook intake: turn a submitted notebook into module source, running nothing.

Only definitions survive: imports, functions, classes and constants with
literal values. Magics and shell lines are dropped, and so are the student's
own top-level statements (training loops, plots, experiments), so grading time
is bounded by the lab's budgets. What was dropped is recorded for feedback.
"""

from __future__ import annotations

import ast
import hashlib
import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nbformat

#: CPython 3.11's ast module is not safe to use from several threads at once (a parse in one thread
#: can fail with "SystemError: AST constructor recursion depth mismatch" in another, as seen here
#: in validate's worker threads); the grader parses notebooks in worker threads, so every parse takes this lock.
AST_LOCK = threading.RLock()

SUPPORTED_NBFORMAT = (3, 4)
#: Cell magics whose body is Python: the body is kept, the magic line dropped.
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}


class SubmissionError(Exception):
    """The submission cannot be graded at all; the message is for the student."""


@dataclass
class DroppedStatement:
    """A top-level statement that will not run at grading time."""

    cell: int  # 1-based index among all cells of the notebook
    line: int  # 1-based line within that cell
    reason: str  # "magic", "shell", "statement"
    text: str  # first line of the statement, trimmed


@dataclass
class ExtractedCell:
    """One code cell: its Python source and which top-level statements to run."""

    cell: int
    source: str
    keep: list[int]


@dataclass
class ExtractedSubmission:
    sha256: str
    cells: list[ExtractedCell] = field(default_factory=list)
    dropped: list[DroppedStatement] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> ExtractedSubmission:
        raw = json.loads(text)
        return cls(
            sha256=raw["sha256"],
            cells=[ExtractedCell(**c) for c in raw["cells"]],
            dropped=[DroppedStatement(**d) for d in raw["dropped"]],
        )

    def module_source(self) -> str:
        """The kept code as one readable module (for people; the runner uses ``cells``)."""
        parts = []
        for cell in self.cells:
            with AST_LOCK:
                tree = ast.parse(cell.source)
            kept = [tree.body[i] for i in cell.keep]
            if kept:
                with AST_LOCK:
                    parts.append(f"# --- cell {cell.cell} ---\n" + ast.unparse(ast.Module(kept, [])))
        return "\n\n".join(parts) + "\n"


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Parse and validate a notebook file, with a student-facing error on failure."""
    # Imported here, not at the top: a harvest stage imports this module for ExtractedSubmission alone,
    # and nbformat's import (jsonschema compiles its grammars) took 1.3-2.3 s of every stage 1.
    import nbformat

    raw_bytes = path.read_bytes()
    try:
        raw = json.loads(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise SubmissionError(f"{path.name} is not a text file (it is not UTF-8 encoded)") from None
    except json.JSONDecodeError as err:
        raise SubmissionError(
            f"{path.name} is not valid JSON, so it is not a readable notebook "
            f"(line {err.lineno}, column {err.colno}: {err.msg}); "
            "re-download it from Jupyter with File > Save and try again"
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw or ("cells" not in raw and "worksheets" not in raw):
        raise SubmissionError(f"{path.name} is JSON but not a Jupyter notebook (no 'nbformat'/'cells')")
    major = raw.get("nbformat")
    if major not in SUPPORTED_NBFORMAT:
        raise SubmissionError(
            f"{path.name} uses notebook format version {major}; "
            f"supported versions are {', '.join(map(str, SUPPORTED_NBFORMAT))}"
        )
    try:
        notebook = nbformat.reads(raw_bytes.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except Exception as err:  # nbformat raises several kinds
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise SubmissionError(f"{path.name} is not a valid notebook: {message}") from None
    return notebook


def extract(path: Path) -> ExtractedSubmission:
    """Read ``path`` and keep only the definitions of its code cells."""
    with AST_LOCK:
        return _extract(path)


def _extract(path: Path) -> ExtractedSubmission:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    notebook = read_notebook(path)
    result = ExtractedSubmission(sha256=digest)
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        source, dropped = _strip_ipython(cell.source, index)
        result.dropped.extend(dropped)
        try:
            tree = ast.parse(source, filename=f"cell {index}")
        except SyntaxError as err:
            raise SubmissionError(
                f"cell {index} has a syntax error on line {err.lineno}: {err.msg}. "
                "Fix it (the notebook must run top to bottom) and submit again"
            ) from None
        keep = []
        for position, node in enumerate(tree.body):
            if is_definition(node):
                keep.append(position)
            else:
                result.dropped.append(
                    DroppedStatement(index, node.lineno, "statement", _first_line(source, node))
                )
        result.cells.append(ExtractedCell(cell=index, source=source, keep=keep))
    return result


def _strip_ipython(source: str, cell_index: int) -> tuple[str, list[DroppedStatement]]:
    """Blank out magics and shell lines, keeping line numbers as in the notebook."""
    lines = source.splitlines()
    dropped: list[DroppedStatement] = []
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split()[0] if lines[0].strip() != "%%" else ""
        dropped.append(DroppedStatement(cell_index, 1, "magic", lines[0].strip()[:80]))
        if magic not in PYTHON_CELL_MAGICS:
            for n in range(1, len(lines)):
                lines[n] = ""
        lines[0] = ""
    out = []
    continuing = False
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if continuing or stripped.startswith(("%", "!")) or _is_help_query(stripped):
            reason = "shell" if stripped.startswith("!") else "magic"
            if not continuing:
                dropped.append(DroppedStatement(cell_index, number, reason, stripped[:80]))
            continuing = line.rstrip().endswith("\\")
            out.append("")
            continue
        if _is_shell_assignment(stripped):
            dropped.append(DroppedStatement(cell_index, number, "shell", stripped[:80]))
            out.append("")
            continue
        out.append(line)
    return "\n".join(out), dropped


def _is_help_query(stripped: str) -> bool:
    return stripped.endswith("?") and not stripped.startswith("#") and stripped.count("?") <= 2 and (
        stripped.rstrip("?").replace(".", "").replace("_", "").isalnum()
    )


def _is_shell_assignment(stripped: str) -> bool:
    head, sep, tail = stripped.partition("=")
    return bool(sep) and head.strip().isidentifier() and tail.lstrip().startswith(("!", "%"))


def is_definition(node: ast.stmt) -> bool:
    """True for the top-level statements grading runs: definitions and literal constants."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True  # a docstring or a bare string
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        value = node.value
        if value is None:
            return False
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return all(_is_name_target(t) for t in targets) and _is_literal(value)
    if isinstance(node, ast.Try):
        body_ok = all(is_definition(n) for n in node.body)
        handlers_ok = all(
            all(is_definition(n) or isinstance(n, ast.Pass) for n in h.body) for h in node.handlers
        )
        return body_ok and handlers_ok and not node.finalbody and not node.orelse
    return False


def _is_name_target(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_is_name_target(t) for t in target.elts)
    return False


def _is_literal(value: ast.expr) -> bool:
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _first_line(source: str, node: ast.stmt) -> str:
    line = source.splitlines()[node.lineno - 1].strip()
    return line if len(line) <= 80 else line[:77] + "..."
