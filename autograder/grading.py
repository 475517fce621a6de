"""Grading one submission: intake, stage 1 (harvest), stage 2 (check), results.json."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autograder import feedback
from autograder.harvest.supervisor import run_harvest
from autograder.intake import SubmissionError, extract
from autograder.labspec import CheckSpec, LabSpec
from autograder.prepare import prepare_stage1_inputs
from autograder.sandbox import Limits, Sandbox, SandboxUnavailable, make_sandbox
from autograder.stage2 import error_row, run_checks
from autograder.student_ids import is_safe_student_id


@dataclass
class GradeOptions:
    profile: str = "ci"
    seed: int | None = None  # None: the lab's default seed
    sandbox: str = "bwrap"
    unsafe_no_sandbox: bool = False  # allow the "subprocess" backend (no isolation at all)
    data_dir: Path | None = None
    public_only: bool = False
    check_ids: list[str] | None = None
    keep_artifacts: bool = True
    limits: Limits = field(default_factory=Limits)
    gpu: str | None = None
    gpus: tuple[str, ...] = ()  # a pool of device ids: a grading takes one when free (pool.GpuPool)
    #: Validate only (trusted notebooks): steps copied from the reference's stage-1 folder.
    reuse_steps: tuple[str, ...] = ()
    reuse_from: Path | None = None
    #: Validate only (trusted notebooks run unisolated): a store of fits shared between gradings, so a fit
    #: that starts from a state already trained from is not run twice (``autograder/harvest/train_memo.py``).
    train_memo: Path | None = None


def selected_checks(lab: LabSpec, options: GradeOptions) -> list[CheckSpec]:
    checks = lab.public_checks() if options.public_only else list(lab.checks)
    if options.check_ids is not None:
        checks = [c for c in checks if c.id in options.check_ids]
    return checks


#: Backends that isolate nothing (rlimits only): for trusted notebooks, never for students' code.
UNISOLATED = ("subprocess", "fork")


def open_sandbox(options: GradeOptions) -> Sandbox:
    """The backend ``options`` names; refuses the unisolated one unless explicitly allowed."""
    if options.sandbox in UNISOLATED and not options.unsafe_no_sandbox:
        raise SandboxUnavailable(
            f"refusing to run student code without a sandbox: the `{options.sandbox}` backend isolates "
            "nothing; use the bwrap backend, or pass --unsafe-no-sandbox for trusted notebooks only"
        )
    if options.train_memo is not None and options.sandbox not in UNISOLATED:
        raise SandboxUnavailable(
            "a store of fits shared between gradings is for the lab's own notebooks only (validate, run unisolated): "
            "a sandboxed submission must never read what another grading wrote"
        )
    return make_sandbox(options.sandbox)


def grade_submission(
    notebook: Path, student: str, lab: LabSpec, out_dir: Path, options: GradeOptions, student_name: str | None = None
) -> dict[str, Any]:
    """Grade ``notebook`` and write ``out_dir/<student>/results.json`` and feedback.

    ``student`` names the folder and must be a safe id (``autograder.student_ids``);
    ``student_name`` is the original name, shown to people.
    """
    if not is_safe_student_id(student):
        raise ValueError(f"student id {student!r} is not safe as a folder name; use safe_student_id()")
    started = time.monotonic()
    # Sandboxes bind paths by name: relative ones would resolve against the sandbox's own cwd.
    notebook, out_dir = notebook.resolve(), out_dir.resolve()
    if options.data_dir is not None:
        options = replace(options, data_dir=options.data_dir.resolve())
    student_dir = out_dir / student
    student_dir.mkdir(parents=True, exist_ok=True)
    checks = selected_checks(lab, options)
    seed = lab.default_seed if options.seed is None else options.seed
    result: dict[str, Any] = {
        "student": student,
        "student_name": student_name if student_name is not None else student,
        "lab": lab.id,
        "lab_version": lab.version,
        "submission_sha256": None,
        "status": "graded",
        "score": 0.0,
        "max_score": float(sum(c.points for c in checks)),
        "error": None,
        "checks": [],
        "timing": {"stage1_s": 0.0, "stage2_s": 0.0, "total_s": 0.0},
        "late": None,  # the batch's late block (lateness.late_block) when handed in late
    }
    manifest: dict[str, Any] | None = None
    try:
        submission = extract(notebook)
        result["submission_sha256"] = submission.sha256
        sandbox = open_sandbox(options)
        work = student_dir / "stage1"
        for stale in (work, student_dir / "prepared"):
            if stale.exists():
                shutil.rmtree(stale)
        prepared = prepare_stage1_inputs(
            lab, lab.profile(options.profile), seed, options.data_dir, student_dir / "prepared"
        )
        steps = [s for s in lab.steps_for(checks) if s.name not in options.reuse_steps]
        harvest = run_harvest(
            lab, submission, work, sandbox,
            seed=seed, profile_name=options.profile, steps=steps,
            data_dir=options.data_dir, prepared_dir=prepared, limits=options.limits, gpu=options.gpu,
            train_memo=options.train_memo,
        )
        manifest = harvest.manifest
        if options.reuse_steps and options.reuse_from is not None:
            from autograder.reuse import adopt_steps

            manifest = adopt_steps(options.reuse_from, work, list(options.reuse_steps))
        result["timing"]["stage1_s"] = round(harvest.wall_s, 2)
        run = run_checks(
            lab, harvest.artifacts_dir, harvest.manifest_path, student_dir / "stage2", sandbox,
            checks=checks, seed=seed, profile_name=options.profile, data_dir=options.data_dir,
        )
        result["timing"]["stage2_s"] = round(run.wall_s, 2)
        result["checks"] = run.checks
        result["score"] = round(sum(float(c["points"]) for c in run.checks), 4)
        if not options.keep_artifacts:
            shutil.rmtree(harvest.artifacts_dir, ignore_errors=True)
    except SubmissionError as err:
        result["submission_sha256"] = _sha256_or_none(notebook)
        result["status"] = "error"
        result["error"] = str(err)
        result["checks"] = [error_row(c, f"not graded: {err}", outcome="error") for c in checks]
    except Exception as err:  # a grader failure costs this submission only
        result["status"] = "error"
        result["error"] = f"grader failure (not your fault; tell your instructor): {type(err).__name__}: {err}"
        result["checks"] = [error_row(c, result["error"]) for c in checks]
    result["timing"]["total_s"] = round(time.monotonic() - started, 2)
    write_results(student_dir, result)
    (student_dir / "feedback.md").write_text(feedback.render(result, manifest))
    return result


def write_results(student_dir: Path, result: dict[str, Any]) -> Path:
    """``student_dir/results.json``, atomically: a file beside it, then renamed over it, so a grader
    killed while writing never leaves a half-written results.json behind."""
    path = student_dir / "results.json"
    partial = student_dir / f".results.json.{os.getpid()}.{threading.get_ident()}.partial"
    with open(partial, "w") as handle:
        handle.write(json.dumps(result, indent=1))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


def _sha256_or_none(path: Path) -> str | None:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
