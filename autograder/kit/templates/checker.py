"""Running the kit's public checks on a saved notebook, and printing what grading would say.

The same engine as ``autograder grade`` runs here (intake, the stage-1 harvest of your
definitions in a separate process, the stage-2 checks on what it saved), with two differences:
no sandbox (your own code, on your own machine: there is nothing to protect), and the kit's
practice probes (its own seed), so the kit's recorded answers tell nothing about the graded ones.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

KIT_DIR = Path(__file__).resolve().parent
KIT: dict[str, Any] = json.loads((KIT_DIR / "kit.json").read_text())

NO_SANDBOX_NOTE = (
    "No sandbox: your notebook's code ran as you, in a separate process on this machine. Checking your own "
    "notebook needs none; grading runs every submission in one."
)
MARKS = {"passed": "PASS ", "failed": "FAIL ", "error": "ERROR"}


def locate_notebook(notebook: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """(the notebook file to check, whether it is a live copy of the open notebook).

    Given a path: that file. On Colab (the notebook lives in the browser and Drive): the open
    notebook itself, asked from Colab's front end. In Jupyter: the kernel's notebook
    (``JPY_SESSION_NAME``), else ``<lab>.ipynb`` in the working folder.
    """
    if notebook is not None:
        return Path(notebook), False
    if "google.colab" in sys.modules:
        from google.colab import _message  # type: ignore[import-not-found]

        reply = _message.blocking_request("get_ipynb", request="", timeout_sec=60)
        folder = Path(tempfile.mkdtemp(prefix="kit-colab-"))
        path = folder / KIT["notebook"]
        path.write_text(json.dumps(reply["ipynb"]))
        return path, True
    vscode = _kernel_namespace().get("__vsc_ipynb_file__")  # VS Code's notebooks
    if isinstance(vscode, str) and Path(vscode).is_file():
        return Path(vscode), False
    session = os.environ.get("JPY_SESSION_NAME")  # Jupyter Server 2: the kernel's notebook
    if session and session.endswith(".ipynb"):
        for candidate in (Path(session), Path.cwd() / Path(session).name):
            if candidate.is_file():
                return candidate, False
    return Path.cwd() / KIT["notebook"], False


def _kernel_namespace() -> dict[str, Any]:
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    return dict(shell.user_ns) if shell is not None else {}


def run_public_checks(notebook: Path, work: Path) -> dict[str, Any]:
    """Grade ``notebook`` with the kit's public checks; the ``results.json`` of grading, as data."""
    from .engine.grading import GradeOptions, grade_submission
    from .engine.labspec import load_lab

    lab = load_lab(KIT["lab"])
    options = GradeOptions(
        profile=KIT["profile"], seed=KIT["seed"], sandbox="subprocess", unsafe_no_sandbox=True, public_only=True
    )
    return grade_submission(notebook.resolve(), "you", lab, work, options)


def report_text(result: dict[str, Any], notebook: Path) -> str:
    """What ``autograder check`` prints, with the kit's notes."""
    lines = [f"Public checks of {KIT['lab']} for {notebook.name}: {result['score']:g} / {result['max_score']:g}"]
    if result["status"] == "error":
        lines += ["", f"Your notebook could not be graded: {result['error']}"]
    else:
        for row in result["checks"]:
            lines.append(f"  {MARKS[row['outcome']]} {row['title']} [{row['id']}]")
            if row["outcome"] != "passed":
                lines += [f"          {line}" for line in row["message"].splitlines()]
    lines += [
        "",
        f"{KIT['hidden_checks']} more checks run when your submission is graded.",
        f"Practice probes: seed {KIT['seed']} (grading draws its own). {NO_SANDBOX_NOTE}",
    ]
    return "\n".join(lines)


def check(notebook: str | os.PathLike[str] | None = None, *, quiet: bool = False) -> dict[str, Any] | None:
    """Run the public checks on the saved notebook and print the result; return it (None: not run).

    In a kernel, the notebook file must hold the code the kernel ran: if a function was edited and
    run but not saved, this says so and runs nothing.
    """
    from .freshness import kernel_history, unsaved_functions

    path, live = locate_notebook(notebook)
    if not path.is_file():
        print(f"No notebook at {path}: pass its path, check(\"my_notebook.ipynb\").")
        return None
    if not live:
        stale = unsaved_functions(path, KIT["functions"], kernel_history())
        if stale:
            print(
                f"Save the notebook first (File > Save, or Ctrl-S), then run this cell again: {path.name} on disk "
                f"is older than the code your kernel ran ({', '.join(stale)} differ). The checks read the saved file, "
                "as grading does."
            )
            return None
    with tempfile.TemporaryDirectory(prefix="kit-") as work:
        result = run_public_checks(path, Path(work))
    if not quiet:
        print(report_text(result, path))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {KIT['package']}", description=f"public checks of {KIT['lab']}")
    parser.add_argument("notebook", nargs="?", default=None)
    parser.add_argument("--json", default=None, help="also write the result (results.json's schema) here")
    args = parser.parse_args(argv)
    result = check(args.notebook)
    if result is None:
        return 2
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0 if all(row["outcome"] == "passed" for row in result["checks"]) and result["status"] == "graded" else 1
