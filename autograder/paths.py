"""Where the labs, the reference solutions and the engine live on disk."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The folder that holds ``assignments/`` and ``reference/``.

    ``AUTOGRADER_HOME`` overrides it; otherwise it is the checkout the package
    was installed from (an editable install) or the current directory.
    """
    override = os.environ.get("AUTOGRADER_HOME")
    if override:
        return Path(override).resolve()
    for candidate in (PACKAGE_DIR.parent, Path.cwd()):
        if (candidate / "assignments").is_dir():
            return candidate
    raise FileNotFoundError(
        "cannot find the assignments/ folder: set AUTOGRADER_HOME to the project checkout"
    )


def assignments_dir() -> Path:
    return project_root() / "assignments"


def reference_dir() -> Path:
    return project_root() / "reference"
