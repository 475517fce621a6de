"""A lab's specification: ``assignments/<lab>/lab.toml`` as typed objects."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import paths

CHECK_KINDS = ("contract", "shapes", "equivalence", "gradients", "training", "quality")

#: The Unit-4 ideas a check can test (lab.toml ``concept``); the class report gives a pass rate per concept.
SYLLABUS_CONCEPTS = (
    "recurrent networks",
    "backpropagation through time",
    "vanishing/exploding gradients and clipping",
    "gating",
    "bidirectional context",
    "masking and padding",
    "tokenisation and vocabularies",
    "tensor shapes and types",
    "output layers and losses",
    "training",
    "language modelling",
    "sampling",
    "sequence tagging",
    "teacher forcing",
    "encoder–decoder state",
    "sequence decoding",
    "sequence-to-sequence learning",
    "preprocessing",
    "transfer learning",
    "freezing and fine-tuning",
    "convolutional networks",
    "dense connectivity",
)


class LabSpecError(ValueError):
    """The lab's own files are inconsistent (an instructor's mistake, not a student's)."""


@dataclass(frozen=True)
class StepSpec:
    """One named harvest step: what it calls in the submission and how long it may take."""

    name: str
    timeout_s: float
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckSpec:
    """One graded check, as declared in lab.toml (the test function binds to ``id``)."""

    id: str
    kind: str
    title: str
    points: float
    needs: tuple[str, ...]
    public: bool = False
    catches: str = ""
    #: The student functions this check grades (lab.toml ``grades``); empty: every function its steps use.
    grades: tuple[str, ...] = ()
    #: The syllabus concept this check tests (lab.toml ``concept``; one of ``SYLLABUS_CONCEPTS``).
    concept: str = ""


@dataclass(frozen=True)
class LabSpec:
    id: str
    version: str
    title: str
    framework: str
    directory: Path
    steps: tuple[StepSpec, ...]
    checks: tuple[CheckSpec, ...]
    profiles: dict[str, dict[str, Any]]
    default_seed: int = 0
    calibration_seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    import_timeout_s: float = 60.0
    total_budget_s: float = 600.0
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def harvest_dir(self) -> Path:
        """Stage-1 material: the harvest plan and the training-data generators."""
        return self.directory / "harvest"

    @property
    def checks_dir(self) -> Path:
        """Stage-2 material: the hidden pytest checks (never visible to stage 1)."""
        return self.directory / "checks"

    @property
    def mistakes_dir(self) -> Path:
        return self.directory / "mistakes"

    @property
    def reference_path(self) -> Path:
        return paths.reference_dir() / f"{self.id}.py"

    @property
    def max_score(self) -> float:
        return float(sum(check.points for check in self.checks))

    def profile(self, name: str) -> dict[str, Any]:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise LabSpecError(f"lab {self.id} has no profile {name!r} (known: {known})") from None

    def step(self, name: str) -> StepSpec:
        for step in self.steps:
            if step.name == name:
                return step
        raise LabSpecError(f"lab {self.id} has no harvest step {name!r}")

    def steps_for(self, checks: list[CheckSpec]) -> list[StepSpec]:
        """The steps these checks need, in the plan's order."""
        needed = {name for check in checks for name in check.needs}
        return [step for step in self.steps if step.name in needed]

    def public_checks(self) -> list[CheckSpec]:
        return [check for check in self.checks if check.public]

    def student_functions(self) -> list[str]:
        """Every student function a harvest step calls, in the plan's order."""
        names: list[str] = []
        for step in self.steps:
            names.extend(n for n in step.uses if n not in names)
        return names

    def graded_functions(self, check: CheckSpec) -> tuple[str, ...]:
        """The functions ``check`` grades: its ``grades`` entry, else every function its steps use."""
        if check.grades:
            return check.grades
        return tuple(dict.fromkeys(name for step in self.steps if step.name in check.needs for name in step.uses))

    def checks_of_function(self, function: str) -> list[CheckSpec]:
        """The checks that grade ``function``: a null version of it must fail every one."""
        return [check for check in self.checks if function in self.graded_functions(check)]


def available_labs() -> list[str]:
    root = paths.assignments_dir()
    return sorted(p.parent.name for p in root.glob("*/lab.toml"))


def load_lab(lab_id: str) -> LabSpec:
    """Read and validate ``assignments/<lab_id>/lab.toml``."""
    directory = paths.assignments_dir() / lab_id
    spec_file = directory / "lab.toml"
    if not spec_file.is_file():
        known = ", ".join(available_labs()) or "none"
        raise LabSpecError(f"unknown lab {lab_id!r} (known labs: {known})")
    raw = tomllib.loads(spec_file.read_text())
    steps = tuple(
        StepSpec(name=s["name"], timeout_s=float(s["timeout_s"]), uses=tuple(s.get("uses", ())))
        for s in raw.get("steps", [])
    )
    checks = tuple(
        CheckSpec(
            id=c["id"],
            kind=c["kind"],
            title=c["title"],
            points=float(c.get("points", 1.0)),
            needs=tuple(c.get("needs", ())),
            public=bool(c.get("public", False)),
            catches=c.get("catches", ""),
            grades=tuple(c.get("grades", ())),
            concept=c.get("concept", ""),
        )
        for c in raw.get("checks", [])
    )
    harvest = raw.get("harvest", {})
    spec = LabSpec(
        id=raw["id"],
        version=str(raw["version"]),
        title=raw["title"],
        framework=raw.get("framework", "numpy"),
        directory=directory,
        steps=steps,
        checks=checks,
        profiles=raw.get("profiles", {}),
        default_seed=int(raw.get("default_seed", 0)),
        calibration_seeds=tuple(raw.get("calibration_seeds", (0, 1, 2, 3, 4))),
        import_timeout_s=float(harvest.get("import_timeout_s", 60)),
        total_budget_s=float(harvest.get("total_budget_s", 600)),
        raw=raw,
    )
    _validate(spec)
    return spec


def _validate(spec: LabSpec) -> None:
    if spec.id != spec.directory.name:
        raise LabSpecError(f"lab.toml id {spec.id!r} does not match its folder {spec.directory.name!r}")
    step_names = [s.name for s in spec.steps]
    if len(set(step_names)) != len(step_names):
        raise LabSpecError(f"lab {spec.id}: duplicate step names")
    check_ids = [c.id for c in spec.checks]
    if len(set(check_ids)) != len(check_ids):
        raise LabSpecError(f"lab {spec.id}: duplicate check ids")
    for check in spec.checks:
        if check.kind not in CHECK_KINDS:
            raise LabSpecError(f"check {check.id}: kind {check.kind!r} is not one of {CHECK_KINDS}")
        for need in check.needs:
            if need not in step_names:
                raise LabSpecError(f"check {check.id} needs unknown step {need!r}")
        unknown = [name for name in check.grades if name not in spec.student_functions()]
        if unknown:
            raise LabSpecError(f"check {check.id} grades {unknown}, which no harvest step uses")
