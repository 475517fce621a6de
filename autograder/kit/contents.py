"""What a lab's student kit holds of the lab: the public checks and the stage-1 steps they need.

``public_sources(lab)`` maps a path inside the kit's copy of ``assignments/<lab>/`` to the
source written there. Of every module only the statements the public checks reach are kept
(:mod:`autograder.kit.extract`); the kit's ``lab.toml`` lists only the public checks, the steps
they need, and the profile entries the kept code reads.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.intake import AST_LOCK
from autograder.kit.extract import ExtractionError, Extractor, decorator_call, is_autouse_fixture
from autograder.labspec import LabSpec


@dataclass
class PublicPart:
    """The public part of one lab: module sources by relative path, and the kit's lab.toml data."""

    sources: dict[str, str]  # "checks/test_bptt.py" -> source
    package_inits: list[str]  # "__init__.py", "harvest/__init__.py": empty files the lab has
    spec: dict[str, Any]  # the kit's lab.toml, as data
    uses_reference: bool  # whether a kept check or fixture requests the reference


HEADER = (
    "Extracted from assignments/{lab}/{path} by `autograder release`: only what the lab's public "
    "checks use. Generated: do not edit."
)


def public_part(lab: LabSpec, profile_name: str, seed: int) -> PublicPart:
    """Extract the public checks of ``lab`` and what they reach."""
    package = f"assignments.{lab.id}"
    public = lab.public_checks()
    if not public:
        raise ExtractionError(f"lab {lab.id} has no public checks (lab.toml `public = true`)")
    public_ids = {c.id for c in public}
    steps = {s.name for s in lab.steps_for(public)}
    conftest = lab.checks_dir / "conftest.py"
    extractor = Extractor(package, lab.directory, f"{package}.checks.conftest" if conftest.is_file() else None)
    found_checks: set[str] = set()
    for test_file in sorted(lab.checks_dir.glob("test_*.py")):
        dotted = f"{package}.checks.{test_file.stem}"
        module = extractor.module(dotted)
        assert module is not None
        for index, node in enumerate(module.tree.body):
            check_id = decorator_call(node, "check")
            if check_id in public_ids:
                found_checks.add(check_id)
                extractor.need_statement(dotted, index)
    missing = public_ids - found_checks
    if missing:
        raise ExtractionError(f"public checks without a test function in checks/test_*.py: {sorted(missing)}")
    if conftest.is_file():
        dotted = f"{package}.checks.conftest"
        module = extractor.module(dotted)
        assert module is not None
        for index, node in enumerate(module.tree.body):
            if is_autouse_fixture(node):
                extractor.need_statement(dotted, index)
    plan = f"{package}.harvest.plan"
    module = extractor.module(plan)
    assert module is not None
    found_steps: set[str] = set()
    for index, node in enumerate(module.tree.body):
        name = decorator_call(node, "step")
        if name in steps:
            found_steps.add(name)
            extractor.need_statement(plan, index)
    if steps - found_steps:
        raise ExtractionError(f"steps without a @step function in harvest/plan.py: {sorted(steps - found_steps)}")
    extractor.run()
    sources: dict[str, str] = {}
    for dotted, kept in extractor.kept.items():
        if not kept:
            continue
        module = extractor.modules[dotted]
        relative = module.path.relative_to(lab.directory).as_posix()
        sources[relative] = extractor.source_of(dotted, HEADER.format(lab=lab.id, path=relative))
    if "checks/prepare.py" in sources:
        raise ExtractionError("the public checks reach checks/prepare.py (trusted preparation): a kit cannot run it")
    for relative, source in sources.items():
        if "prepared_dir" in source and relative.startswith("harvest/"):
            raise ExtractionError(
                f"a public step reads h.prepared_dir ({relative}): its inputs are prepared with the reference; "
                "make the step public-free or the checks hidden"
            )
    inits = sorted(
        p.relative_to(lab.directory).as_posix()
        for p in lab.directory.rglob("__init__.py")
        if "__pycache__" not in p.parts and not p.read_text().strip() and _holds_kept(p.parent, lab.directory, sources)
    )
    uses_reference = any(_requests_reference(src) for path, src in sources.items() if path.startswith("checks/"))
    return PublicPart(sources, inits, kit_spec(lab, public, profile_name, seed, sources), uses_reference)


def _holds_kept(folder: Path, lab_dir: Path, sources: dict[str, str]) -> bool:
    prefix = folder.relative_to(lab_dir).as_posix()
    return prefix == "." or any(path.startswith(prefix + "/") for path in sources)


def _requests_reference(source: str) -> bool:
    with AST_LOCK:
        tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(a.arg == "reference" for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs):
                return True
    return False


def mentioned_strings(sources: dict[str, str]) -> set[str]:
    """Every string constant in ``sources`` (a profile entry is kept only if the kept code names it)."""
    found: set[str] = set()
    for source in sources.values():
        with AST_LOCK:
            tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def kit_spec(lab: LabSpec, public: list, profile_name: str, seed: int, sources: dict[str, str]) -> dict[str, Any]:
    """The kit's lab.toml: the public checks, their steps, the profile entries the kept code reads."""
    raw = lab.raw
    steps = lab.steps_for(public)
    names = mentioned_strings(sources)
    profile = {k: v for k, v in lab.profile(profile_name).items() if k == "description" or k in names}
    step_names = {s.name for s in steps}
    return {
        "id": lab.id,
        "version": lab.version,
        "title": lab.title,
        "framework": lab.framework,
        "default_seed": seed,
        "calibration_seeds": [seed],
        "harvest": dict(raw.get("harvest", {})),
        "steps": [dict(s) for s in raw.get("steps", []) if s["name"] in step_names],
        "checks": [
            {k: v for k, v in c.items() if k in ("id", "kind", "points", "title", "needs", "public", "grades", "concept")}
            for c in raw.get("checks", [])
            if c.get("public")
        ],
        "profiles": {profile_name: profile},
    }
