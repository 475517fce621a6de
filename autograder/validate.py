"""``autograder validate LAB``: prove a lab's checks both ways.

The reference must pass every check on every calibration seed, and so must
every declared correct alternative (a ``mistakes/*.py`` with
``EXPECT_FAILED = []``); the released stub must score 0; each known mistake
must fail exactly the checks it declares in ``EXPECT_FAILED`` and keep the
rest; each null variant of each student function (``autograder.nulls``) must
fail every check that grades that function.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from nbformat.v4 import new_code_cell

from autograder.dependent_pool import run_after
from autograder.grading import UNISOLATED, GradeOptions, grade_submission, selected_checks
from autograder.intake import extract
from autograder.labspec import CheckSpec, LabSpec
from autograder.mistake_groups import MistakeGroup, MistakeReach, group_mistakes, mistake_reach
from autograder.notebooks import (
    declared_failures,
    mistake_description,
    mistake_files,
    released_notebook,
    solution_notebook,
    variant_notebook,
    write_notebook,
)
from autograder.nulls import NullGroup, group_null_variants, null_variants
from autograder.reuse import reusable_steps


@dataclass
class VariantOutcome:
    variant: str  # "reference", "stub", a mistake's or alternative's file stem, or a null variant's name
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
    adopted_checks: list[str] = field(default_factory=list)  # outcomes taken from the reference (same seed)
    memo_fits: list[str] = field(default_factory=list)  # steps whose fit repeated one already run (train_memo)
    graded_with: list[str] = field(default_factory=list)  # the other variants of a shared grading
    kind: str = "mistake"  # "reference", "stub", "mistake", "alternative" or "null"


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
                expected = ("at least " if o.kind == "null" else "") + ", ".join(o.expected_failed)
            failed = ", ".join(o.failed) or "none"
            if o.variant == "stub":
                failed = f"{len(o.failed)} checks"
            elif o.kind == "null" and o.agrees:
                failed = f"every check of the function ({len(o.expected_failed or [])})"
            reused = f"  [reused: {', '.join(o.reused_steps)}]" if o.reused_steps else ""
            if o.adopted_checks:
                reused += f"  [{len(o.adopted_checks)} checks as the reference's]"
            if o.memo_fits:
                reused += f"  [same start, fit reused: {', '.join(o.memo_fits)}]"
            if o.graded_with:
                reused += f"  [graded with: {', '.join(o.graded_with)}]"
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
        lines.append("all agree" if self.ok else "DISAGREEMENT: the checks and the declared variants do not match")
        return "\n".join(lines)


def memo_hits(student_dir: Path) -> list[str]:
    """The steps of a grading whose fit was answered from validate's store (``autograder.harvest.train_memo``)."""
    try:
        steps = json.loads((student_dir / "stage1" / "manifest.json").read_text()).get("steps", {})
    except (OSError, ValueError):
        return []
    return [name for name, record in steps.items() if record.get("train_memo") == "hit"]


def read_metrics(student_dir: Path) -> dict[str, float]:
    """Figures the checks measured (stage 2's metrics), for calibration tables."""
    try:
        return json.loads((student_dir / "stage2" / "checks.json").read_text()).get("metrics", {})
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class Member:
    """One variant judged in a grading it shares with others: on ``judged_on`` only."""

    name: str
    expected_failed: tuple[str, ...]
    description: str
    judged_on: tuple[str, ...]  # the checks no other member of the grading can reach


@dataclass(frozen=True)
class Job:
    """One notebook graded at one seed, and what validate expects of it."""

    variant: str
    kind: str  # "reference", "stub", "mistake", "alternative" or "null"
    seed: int
    notebook: Path
    expected_failed: tuple[str, ...] | None  # None: must fail nothing
    description: str
    members: tuple[Member, ...] = ()  # variants graded together in this job (null variants, known mistakes)
    judged_on: tuple[str, ...] | None = None  # None: every check judges this variant

    def judged(self) -> list[Job]:
        """What is judged of this grading: each member of a group on its own checks, else the job."""
        return [
            replace(
                self, variant=m.name, expected_failed=m.expected_failed, description=m.description,
                members=(), judged_on=m.judged_on,
            )
            for m in self.members
        ] or [self]

    def agrees(self, failed: list[str], status: str) -> bool:
        if self.expected_failed is None:
            return not failed and status == "graded"
        if self.kind == "null":  # a do-nothing function fails at least every check that grades it
            return set(self.expected_failed) <= set(failed)
        return sorted(failed) == sorted(self.expected_failed)


def validation_jobs(
    lab: LabSpec,
    notebooks: Path,
    seeds: list[int],
    *,
    alternative_seeds: list[int],
    mistakes: list[Path],
    nulls: bool,
    variants: list[str] | None,
    grouped: bool = True,
) -> list[Job]:
    """The reference on every seed, the stub, each mistake, each correct alternative, each null variant."""
    jobs: list[Job] = []
    reference = write_notebook(solution_notebook(lab), notebooks / "reference.ipynb")
    jobs.extend(Job("reference", "reference", s, reference, None, "the reference solution") for s in seeds)
    others: list[Job] = []
    stub = write_notebook(released_notebook(lab), notebooks / "stub.ipynb")
    all_checks = tuple(c.id for c in lab.checks)
    others.append(Job("stub", "stub", lab.default_seed, stub, all_checks, "the released notebook, unchanged"))
    reference_source = extract(reference)
    known_mistakes: list[MistakeReach] = []
    for mistake in mistakes:
        path = write_notebook(variant_notebook(lab, mistake.read_text()), notebooks / f"{mistake.stem}.ipynb")
        declared = tuple(declared_failures(mistake))
        if not declared:
            others.extend(
                Job(mistake.stem, "alternative", s, path, None, mistake_description(mistake)) for s in alternative_seeds
            )
        elif variants is None or mistake.stem in variants:
            known_mistakes.append(
                mistake_reach(lab, mistake.stem, mistake, declared, mistake_description(mistake), reference_source, extract(path))
            )
    # Known mistakes of independent steps share one grading; each is judged on the checks it alone reaches.
    for group in group_mistakes(known_mistakes) if grouped else [MistakeGroup((m,)) for m in known_mistakes]:
        first = group.members[0]
        if len(group.members) == 1:
            path = notebooks / f"{first.name}.ipynb"
            others.append(Job(first.name, "mistake", lab.default_seed, path, first.declared, first.description))
            continue
        notebook = solution_notebook(lab)
        notebook.cells.extend(new_code_cell(m.path.read_text()) for m in group.members)
        path = write_notebook(notebook, notebooks / f"{group.name}.ipynb")
        members = tuple(
            Member(m.name, m.declared, m.description, group.judged_on(m, all_checks)) for m in group.members
        )
        declared_union = tuple(dict.fromkeys(c for m in group.members for c in m.declared))
        description = "; ".join(m.description for m in group.members)
        others.append(Job(group.name, "mistake", lab.default_seed, path, declared_union, description, members))
    if nulls:
        wanted = [n for n in null_variants(lab) if variants is None or n.name in variants]
        # Null variants of independent functions share one grading; each is judged on its own checks.
        for null_group in group_null_variants(lab, wanted, reference_source) if grouped else [
            NullGroup((n,)) for n in wanted
        ]:
            path = write_notebook(variant_notebook(lab, null_group.source), notebooks / f"{null_group.name}.ipynb")
            description = "; ".join(m.description for m in null_group.members)
            members = tuple(Member(m.name, m.must_fail, m.description, m.must_fail) for m in null_group.members)
            others.append(
                Job(null_group.name, "null", lab.default_seed, path, null_group.must_fail, description, members)
            )
    if variants is not None:
        known = {judged.variant for j in others for judged in j.judged()}
        unknown = set(variants) - known
        if unknown:
            raise ValueError(f"validate {lab.id}: no variant named {', '.join(sorted(unknown))}")
        others = [j for j in others if j.variant in variants or j.members or j.kind == "mistake"]
    return jobs + others


def adopted_checks(
    checks: list[CheckSpec], reused_steps: tuple[str, ...], reference_rows: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[CheckSpec]]:
    """Split ``checks`` into the reference's rows for those that read only reused steps, and the rest.

    A check reads the artifacts of the steps it ``needs``; when each of those was copied from the
    reference's grading at the same seed, it reads the very files the reference's check read, so
    its outcome is the reference's (which passed: reuse is only used once the reference agrees).
    """
    reused = set(reused_steps)
    adopted = [c for c in checks if c.needs and set(c.needs) <= reused and c.id in reference_rows]
    return [reference_rows[c.id] for c in adopted], [c for c in checks if c not in adopted]


def with_adopted(lab: LabSpec, result: dict[str, Any], adopted: list[dict[str, Any]]) -> dict[str, Any]:
    """``result`` with the adopted reference rows put back in the lab's check order, and rescored.

    A grading that did not happen (``status`` "error") fails the adopted checks too, as it would have.
    """
    if not adopted:
        return result
    if result["status"] != "graded":
        adopted = [c | {"outcome": "error", "points": 0.0, "message": result["error"]} for c in adopted]
    rows = {c["id"]: c for c in [*result["checks"], *adopted]}
    checks = [rows[c.id] for c in lab.checks if c.id in rows]
    return result | {
        "checks": checks,
        "score": round(sum(float(c["points"]) for c in checks), 4),
        "max_score": float(sum(float(c["max_points"]) for c in checks)),
    }


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
    quick: bool = False,
    nulls: bool = True,
    variants: list[str] | None = None,
    grouped: bool = True,
    train_memo: bool = True,
) -> ValidationReport:
    """Grade the reference on ``seeds``, the stub, each mistake file (default: the lab's own) and each null variant.

    Declared correct alternatives (``EXPECT_FAILED = []``) run on every seed, or on the lab's
    default seed only when ``quick``; ``variants`` restricts everything but the reference to those names.
    Null variants of independent functions and known mistakes of independent steps share gradings
    (``autograder.nulls``, ``autograder.mistake_groups``) unless ``grouped`` is False.
    ``sandbox="fork"`` runs every stage forked from one process that imported TensorFlow once
    (``autograder/sandbox/fork_backend.py``): the notebooks are the lab's own, so they need no isolation.
    Under an unisolated backend, a fit that starts from exactly the state of one already run (a
    mistake elsewhere, an optimizer the grader replaces) is answered from a store shared by the
    gradings (``autograder/harvest/train_memo.py``) unless ``train_memo`` is False.
    """
    seeds = list(lab.calibration_seeds if seeds is None else seeds)
    mistakes = mistake_files(lab) if mistakes is None else mistakes
    alternative_seeds = [lab.default_seed] if quick else seeds
    with tempfile.TemporaryDirectory(prefix=f"validate-{lab.id}-") as tmp:
        root = out_dir or Path(tmp)
        jobs = validation_jobs(
            lab, root / "notebooks", seeds, alternative_seeds=alternative_seeds,
            mistakes=mistakes, nulls=nulls, variants=variants, grouped=grouped,
        )
        reuse: dict[str, tuple[str, ...]] = {}  # variant -> steps copied from the reference at the same seed
        reference_agrees: dict[int, bool] = {}
        reference_rows: dict[int, dict[str, dict[str, Any]]] = {}  # seed -> check id -> the reference's row
        memo = root / "train-memo" if train_memo and sandbox in UNISOLATED else None

        def run(job: Job) -> list[VariantOutcome]:
            # The lab's own notebooks are trusted: validate may run them unisolated (``fork``, ``subprocess``).
            options = GradeOptions(
                profile=profile, seed=job.seed, sandbox=sandbox, data_dir=data_dir, unsafe_no_sandbox=True,
                train_memo=memo,
            )
            if job.kind == "null":  # only the checks of the function that does nothing: their steps, nothing else
                options.check_ids = list(job.expected_failed or ())
            adopted: list[dict[str, Any]] = []
            reused: tuple[str, ...] = ()  # the reference's steps this grading relies on
            if job.variant in reuse and reference_agrees.get(job.seed):
                checks = selected_checks(lab, options)
                needed = {step.name for step in lab.steps_for(checks)}
                reused = tuple(step for step in reuse[job.variant] if step in needed)
                if job.kind == "mistake":
                    adopted, checks = adopted_checks(checks, reused, reference_rows[job.seed])
                    options.check_ids = [c.id for c in checks]
                still_needed = {step.name for step in lab.steps_for(checks)}
                options.reuse_steps = tuple(step for step in reused if step in still_needed)
                options.reuse_from = root / "graded" / f"reference-seed{job.seed}" / "stage1"
            student = f"{job.variant}-seed{job.seed}"
            result = with_adopted(lab, grade_submission(job.notebook, student, lab, root / "graded", options), adopted)
            if job.kind == "reference":
                reference_rows[job.seed] = {c["id"]: c for c in result["checks"]}
            failed = [c["id"] for c in result["checks"] if c["outcome"] != "passed"]
            shared_with = [m.name for m in job.members]
            outcomes = []
            for part in job.judged():
                # a member of a group is judged on its own checks: another member's fail for that member
                judged = [c for c in result["checks"] if part.judged_on is None or c["id"] in part.judged_on]
                own_failed = [c for c in failed if part.judged_on is None or c in part.judged_on]
                expected = part.expected_failed or ()
                outcomes.append(VariantOutcome(
                    variant=part.variant, seed=job.seed, description=part.description,
                    score=round(sum(float(c["points"]) for c in judged), 4) if job.members else result["score"],
                    max_score=float(sum(float(c["max_points"]) for c in judged)) if job.members else result["max_score"],
                    failed=own_failed,
                    expected_failed=None if part.expected_failed is None else list(part.expected_failed),
                    agrees=part.agrees(own_failed, result["status"]),
                    kind=job.kind, timing=result["timing"], metrics=read_metrics(root / "graded" / student),
                    reused_steps=list(reused),
                    adopted_checks=[c["id"] for c in adopted],
                    memo_fits=memo_hits(root / "graded" / student),
                    graded_with=[name for name in shared_with if name != part.variant],
                    messages={
                        c["id"]: c["message"] for c in judged if c["outcome"] != "passed" or c["id"] in expected
                    },
                ))
            if job.kind == "reference":
                reference_agrees[job.seed] = outcomes[0].agrees
            return outcomes

        # The reference on every seed first (the default seed's first); a variant waits only for the
        # reference at its own seed, whose steps it reuses, and the longest of the ready gradings starts first.
        references = sorted((j for j in jobs if j.kind == "reference"), key=lambda j: j.seed != lab.default_seed)
        rest = [j for j in jobs if j.kind != "reference"]
        if reuse_reference and references:
            reference_source = extract(references[0].notebook)
            for job in rest:
                if job.kind != "stub" and job.variant not in reuse:
                    reuse[job.variant] = tuple(reusable_steps(lab, reference_source, extract(job.notebook)))
        ordered = references + rest
        reference_index = {job.seed: i for i, job in enumerate(references)}
        graded_steps = {step.name for step in lab.steps_for(list(lab.checks))}
        reference_step_seconds: dict[int, dict[str, float]] = {}  # seed -> step -> the reference's seconds

        def step_seconds(seed: int) -> dict[str, float]:
            if seed not in reference_step_seconds:
                manifest = root / "graded" / f"reference-seed{seed}" / "stage1" / "manifest.json"
                try:
                    steps = json.loads(manifest.read_text())["steps"]
                except (OSError, ValueError, KeyError):
                    return {}
                reference_step_seconds[seed] = {name: float(s.get("duration_s") or 0.0) for name, s in steps.items()}
            return reference_step_seconds[seed]

        def expected_seconds(job: Job) -> float:
            """A reference: first of all. The stub and null variants: last (every step ends at once, they
            fill the end). Else the reference's time (same seed) on the steps this grading runs."""
            if job.kind == "reference":
                return float("inf")
            if job.kind in ("stub", "null"):
                return 0.0
            seconds = step_seconds(job.seed)
            return sum(seconds.get(name, 0.0) for name in graded_steps - set(reuse.get(job.variant, ())))

        outcomes_in_order = run_after(
            ordered, run, workers=workers,
            after=lambda job: None if job.kind == "reference" else reference_index.get(job.seed),
            cost=expected_seconds,
        )
        outcomes_by_job = {id(job): outcome for job, outcome in zip(ordered, outcomes_in_order, strict=True)}
        outcomes = [outcome for j in jobs for outcome in outcomes_by_job[id(j)]]
    return ValidationReport(lab=lab.id, outcomes=outcomes)
