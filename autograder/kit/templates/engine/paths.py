"""Where the kit's lab, engine and recorded answers live: all inside the installed kit."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
KIT_DIR = PACKAGE_DIR.parent


def project_root() -> Path:
    """The kit's own folder (it holds ``assignments/<lab>/``); nothing outside it is read."""
    return KIT_DIR


def assignments_dir() -> Path:
    return KIT_DIR / "assignments"


def reference_dir() -> Path:
    """Recorded answers of the reference on the kit's probes (no solution code)."""
    return KIT_DIR / "recorded"
