"""``autograder validate LAB``: prove a lab's checks both ways.

The reference must pass every check on every calibration seed; the released
stub must score 0; each known mistake (``assignments/<lab>/mistakes/*.py``)
must fail exactly the checks it declares in ``EXPECT_FAILED`` and keep the rest.
"""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from autograder.grading import GradeOptions, grade_submission
from autograder.intake import extract
from autograder.labspec import LabSpec
from autograder.notebooks import (
    declared_failures,
    mistake_description,
    mistake_files,
    released_notebook,
    solution_notebook,
    variant_notebook,
    write_notebook,
)
from autograder.reuse import reusable_steps


@dataclass
class VariantOutcome:
    variant: str  # "reference", "stub" or the mistake's name
    seed: int
    description: str
    score: float
    max_score: float
    failed: list[str]
    expected_failed: list[str] | None  # None: the reference (must fail nothing)
    agrees: bool
    timing: dict[str, float] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    reused_steps: list[str] = field(default_factory=list)


@dataclass
class ValidationReport:
    lab: str
    outcomes: list[VariantOutcome]

    @property
    def ok(self) -> bool:
        return all(o.agrees for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {"lab": self.lab, "ok": self.ok, "outcomes": [asdict(o) for o in self.outcomes]}

    def text(self) -> str:
        lines = [f"validate {self.lab}", f"{'variant':<34} {'seed':>4} {'score':>11}  {'agrees':<6} failed (expected)"]
        for o in self.outcomes:
            if o.variant == "stub":
                expected = "all"
            elif o.expected_failed is None:
                expected = "none"
            else:
                expected = ", ".join(o.expected_failed)
            failed = ", ".join(o.failed) or "none"
            if o.variant == "stub":
                failed = f"{len(o.failed)} checks"
            reused = f"  [reused: {', '.join(o.reused_steps)}]" if o.reused_steps else ""
            lines.append(
                f"{o.variant:<34} {o.seed:>4} {o.score:>5g} / {o.max_score:<4g} {'yes' if o.agrees else 'NO':<6} {failed}"
                + ("" if o.agrees or o.variant == "stub" else f"  (expected: {expected})")
                + reused
            )
            if not o.agrees and o.variant != "stub":
                for check_id, message in o.messages.items():
                    lines.append(f"{'':>41}{check_id}: {message.splitlines()[0][:150] if message else ''}")
        reference = [o for o in self.outcomes if o.variant == "reference"]
        if reference:
            lines.append(
                "reference per seed: " + ", ".join(f"seed {o.seed}: {o.score:g}/{o.max_score:g}" for o in reference)
            )
        measured = [o for o in self.outcomes if o.metrics]
        if measured:
            lines.append("measured figures (for calibration):")
            for o in measured:
                figures = ", ".join(f"{k}={v:.4g}" for k, v in sorted(o.metrics.items()))
                lines.append(f"  {o.variant:<32} seed {o.seed}: {figures}")
        lines.append("all agree" if self.ok else "DISAGREEMENT: the checks and the declared mistakes do not match")
        return "\n".join(lines)


def read_metrics(student_dir: Path) -> dict[str, float]:
    """Figures the checks measured (stage 2's metrics), for calibration tables."""
    try:
        return json.loads((student_dir / "stage2" / "checks.json").read_text()).get("metrics", {})
    except (OSError, ValueError):
        return {}


def validate_lab(
    lab: LabSpec,
    out_dir: Path | None = None,
    *,
    seeds: list[int] | None = None,
    workers: int = 2,
    sandbox: str = "bwrap",
    profile: str = "ci",
    mistakes: list[Path] | None = None,
    reuse_reference: bool = True,
    data_dir: Path | None = None,
) -> ValidationReport:
    """Grade the reference on ``seeds``, the stub, and each mistake file (default: the lab's own)."""
    seeds = list(lab.calibration_seeds if seeds is None else seeds)
    mistakes = mistake_files(lab) if mistakes is None else mistakes
    with tempfile.TemporaryDirectory(prefix=f"validate-{lab.id}-") as tmp:
        root = out_dir or Path(tmp)
        notebooks = root / "notebooks"
        jobs: list[tuple[str, int, Path, list[str] | None, str]] = []
        reference = write_notebook(solution_notebook(lab), notebooks / "reference.ipynb")
        for seed in seeds:
            jobs.append(("reference", seed, reference, None, "the reference solution"))
        stub = write_notebook(released_notebook(lab), notebooks / "stub.ipynb")
        jobs.append(("stub", lab.default_seed, stub, [c.id for c in lab.checks], "the released notebook, unchanged"))
        for mistake in mistakes:
            path = write_notebook(variant_notebook(lab, mistake.read_text()), notebooks / f"{mistake.stem}.ipynb")
            jobs.append((mistake.stem, lab.default_seed, path, declared_failures(mistake), mistake_description(mistake)))

        reuse: dict[str, tuple[str, ...]] = {}  # variant -> steps copied from the reference

        def run(job: tuple[str, int, Path, list[str] | None, str]) -> VariantOutcome:
            name, seed, notebook, expected, description = job
            options = GradeOptions(profile=profile, seed=seed, sandbox=sandbox, data_dir=data_dir)
            if name in reuse:
                options.reuse_steps = reuse[name]
                options.reuse_from = root / "graded" / f"reference-seed{lab.default_seed}" / "stage1"
            student = f"{name}-seed{seed}"
            result = grade_submission(notebook, student, lab, root / "graded", options)
            metrics = read_metrics(root / "graded" / student)
            failed = [c["id"] for c in result["checks"] if c["outcome"] != "passed"]
            if expected is None:
                agrees = not failed and result["status"] == "graded"
            else:
                agrees = sorted(failed) == sorted(expected)
            return VariantOutcome(
                variant=name, seed=seed, description=description, score=result["score"],
                max_score=result["max_score"], failed=failed, expected_failed=expected, agrees=agrees,
                timing=result["timing"], metrics=metrics, reused_steps=list(options.reuse_steps),
                messages={c["id"]: c["message"] for c in result["checks"] if c["outcome"] != "passed" or (expected and c["id"] in expected)},
            )

        # The reference at the default seed first: the mistakes reuse its untouched steps.
        first = next(j for j in jobs if j[0] == "reference" and j[1] == lab.default_seed)
        outcomes_by_job = {id(first): run(first)}
        if reuse_reference and outcomes_by_job[id(first)].agrees:
            reference_source = extract(first[2])
            for name, _, path, _, _ in jobs:
                if name not in ("reference", "stub"):
                    reuse[name] = tuple(reusable_steps(lab, reference_source, extract(path)))
        rest = [j for j in jobs if j is not first]
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for job, outcome in zip(rest, pool.map(run, rest), strict=True):
                outcomes_by_job[id(job)] = outcome
        outcomes = [outcomes_by_job[id(j)] for j in jobs]
    return ValidationReport(lab=lab.id, outcomes=outcomes)
