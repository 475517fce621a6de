"""Reusing the reference's stage-1 steps when validating a lab's known mistakes.

A mistake redefines a few functions of the reference notebook. A harvest step
whose student functions -- and everything they reach through global names --
are untouched by the mistake computes exactly what it computed for the
reference with the same seed, so ``autograder validate`` copies the
reference's artifacts of that step instead of training the same model again.
Only for trusted notebooks (validate); never for grading students.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path
from typing import Any

from autograder.intake import AST_LOCK, ExtractedSubmission
from autograder.labspec import LabSpec


def final_definitions(submission: ExtractedSubmission) -> dict[str, tuple[str, set[str]]]:
    """For each top-level name: the dump of its last definition and the global names it uses."""
    with AST_LOCK:
        return _final_definitions(submission)


def _final_definitions(submission: ExtractedSubmission) -> dict[str, tuple[str, set[str]]]:
    definitions: dict[str, tuple[str, set[str]]] = {}
    for cell in submission.cells:
        tree = ast.parse(cell.source)
        for index in cell.keep:
            node = tree.body[index]
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            dump = ast.dump(node, include_attributes=False)
            for name in defined_names(node):
                definitions[name] = (dump, used)
    return definitions


def defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return [n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)]


def reachable(definitions: dict[str, tuple[str, set[str]]], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    frontier = list(roots)
    while frontier:
        name = frontier.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in definitions:
            frontier.extend(definitions[name][1])
    return seen


def reusable_steps(lab: LabSpec, reference: ExtractedSubmission, variant: ExtractedSubmission) -> list[str]:
    """The steps whose whole dependency closure is defined identically in both notebooks."""
    ref, var = final_definitions(reference), final_definitions(variant)
    changed = {name for name in set(ref) | set(var) if ref.get(name, ("",))[0] != var.get(name, ("",))[0]}
    reusable = []
    for step in lab.steps:
        if not step.uses:
            continue
        closure = reachable(var, list(step.uses)) | reachable(ref, list(step.uses))
        if not closure & changed:
            reusable.append(step.name)
    return reusable


def adopt_steps(source_stage1: Path, target_stage1: Path, steps: list[str]) -> dict[str, Any]:
    """Copy the reference's artifacts and manifest records of ``steps``; return the new manifest."""
    source_manifest = json.loads((source_stage1 / "manifest.json").read_text())
    manifest_path = target_stage1 / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for step in steps:
        record = dict(source_manifest["steps"][step], reused_from_reference=True)
        manifest["steps"][step] = record
        for artifact in (source_stage1 / "artifacts").glob(f"{step}*"):
            if artifact.stem == step or artifact.name.startswith(f"{step}-") or artifact.stem.startswith(f"{step}."):
                shutil.copy2(artifact, target_stage1 / "artifacts" / artifact.name)
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest
