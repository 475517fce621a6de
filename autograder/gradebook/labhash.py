"""The hash of what decides a lab's grades: lab.toml (checks, points, thresholds), the hidden
checks, the harvest plan and the reference solution. Changing a threshold changes it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from autograder.labspec import LabSpec

_SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and not _SKIPPED_PARTS.intersection(p.relative_to(root).parts) and p.suffix != ".pyc"
    )


def checks_hash(lab: LabSpec) -> str:
    """sha256 over (relative name, content) of lab.toml, checks/, harvest/ and the reference."""
    digest = hashlib.sha256()
    parts: list[tuple[str, Path]] = [("lab.toml", lab.directory / "lab.toml")]
    for folder in (lab.checks_dir, lab.harvest_dir):
        parts += [(f"{folder.name}/{p.relative_to(folder).as_posix()}", p) for p in _files(folder)]
    if lab.reference_path.is_file():
        parts.append(("reference.py", lab.reference_path))
    for name, path in parts:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
