"""The trusted side of stage 1: start the runner in a sandbox and watch it.

The supervisor enforces each step's timeout and the lab's total budget from
outside, restarts the runner for the remaining steps after a step hangs or
kills its process, and writes the trusted ``manifest.json``: the runner's own
events are only claims, used to learn which step was running.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autograder import paths
from autograder.harvest.train_memo import STATUSES as MEMO_STATUSES
from autograder.intake import ExtractedSubmission
from autograder.labspec import LabSpec, StepSpec
from autograder.sandbox import Limits, Sandbox, SandboxRequest
from autograder.sandbox.base import last_output_lines
from autograder.sandbox.threads import stage_share, thread_environment

#: Seconds a step may overrun its limit before the supervisor kills the runner
#: (the runner's own timer normally stops it first, with a traceback).
GRACE_S = 5.0
#: Start-up allowance on top of the lab's import timeout (Python + TensorFlow import).
STARTUP_S = 45.0
POLL_S = 0.05
#: How much of the runner's events file is read (the honest runner writes a few KB).
MAX_EVENTS_BYTES = 1024 * 1024


@dataclass
class StepRecord:
    status: str  # ok | error | timeout | not implemented | missing function | not run
    error: str | None = None
    duration_s: float = 0.0
    train_memo: str | None = None  # validate only: what the step's fit did with the store (train_memo.STATUSES)

    def as_dict(self) -> dict[str, Any]:
        record = {"status": self.status, "error": self.error, "duration_s": self.duration_s}
        return record if self.train_memo is None else record | {"train_memo": self.train_memo}


@dataclass
class HarvestResult:
    """What stage 1 produced: the trusted manifest, plus diagnostics for the grader."""

    manifest: dict[str, Any]
    artifacts_dir: Path
    manifest_path: Path
    wall_s: float
    runner_output: str = ""
    peak_rss_kb: int | None = None
    launches: int = 0


@dataclass
class _Launch:
    """What one run of the runner did, read from its events."""

    imported: bool = False
    import_error: str | None = None
    missing_modules: list[str] = field(default_factory=list)
    ended: dict[str, dict[str, Any]] = field(default_factory=dict)
    running: str | None = None
    running_since: float | None = None
    done: bool = False
    peak_rss_kb: int | None = None
    cpu_s: float = 0.0


def base_environment(work_dir: Path) -> dict[str, str]:
    """The environment of a sandboxed stage: quiet TensorFlow, no GPU unless granted."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work_dir / "home"),
        "TMPDIR": str(work_dir / "tmp"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        # oneDNN off: it prints a banner twice per process, changes the bits, and (measured, see
        # benchmarks/README.md) buys nothing on the ci profile's small models.
        "TF_ENABLE_ONEDNN_OPTS": os.environ.get("AUTOGRADER_TF_ONEDNN", "0"),
        "KERAS_BACKEND": "tensorflow",
        "CUDA_VISIBLE_DEVICES": "",
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
    }


def run_harvest(
    lab: LabSpec,
    submission: ExtractedSubmission,
    work_dir: Path,
    sandbox: Sandbox,
    *,
    seed: int,
    profile_name: str,
    steps: list[StepSpec] | None = None,
    data_dir: Path | None = None,
    prepared_dir: Path | None = None,
    limits: Limits | None = None,
    gpu: str | None = None,
    train_memo: Path | None = None,
) -> HarvestResult:
    """Run stage 1 for one submission in ``work_dir``; return the trusted manifest.

    ``train_memo``: validate only, for trusted notebooks run unisolated: the store of fits
    shared by its gradings (``autograder.harvest.train_memo``).
    """
    started = time.monotonic()
    profile = lab.profile(profile_name)
    steps = [_with_profile_timeout(spec, profile) for spec in (lab.steps if steps is None else steps)]
    by_name = {spec.name: spec for spec in steps}
    total_budget_s = float(profile.get("total_budget_s", lab.total_budget_s))
    artifacts = work_dir / "artifacts"
    for folder in (artifacts, work_dir / "home", work_dir / "tmp"):
        folder.mkdir(parents=True, exist_ok=True)
    submission_file = work_dir / "submission.json"
    submission_file.write_text(submission.to_json())
    records: dict[str, StepRecord] = {}
    import_info: dict[str, Any] = {"status": "ok", "error": None, "missing_modules": []}
    outputs: list[str] = []
    peak_rss_kb: int | None = None
    cpu_s = 0.0
    launches = 0
    budget_end = started + total_budget_s
    remaining = list(steps)
    while remaining:
        if time.monotonic() >= budget_end:
            for spec in remaining:
                records[spec.name] = StepRecord("not run", _budget_message(total_budget_s))
            break
        launches += 1
        launch, exit_code, killed_for, output = _launch(
            lab, work_dir, sandbox, remaining, seed, profile_name, data_dir, prepared_dir, limits, gpu, budget_end,
            train_memo,
        )
        outputs.append(output)
        if launch.peak_rss_kb:
            peak_rss_kb = max(peak_rss_kb or 0, launch.peak_rss_kb)
        cpu_s += launch.cpu_s
        for name, record in launch.ended.items():
            records[name] = StepRecord(
                record["status"], record.get("error"), record.get("duration_s", 0.0), record.get("train_memo")
            )
        if launch.missing_modules:
            import_info["missing_modules"] = launch.missing_modules
        if not launch.imported:
            reason = launch.import_error or _import_death_message(exit_code, killed_for, lab, output)
            import_info.update(status="error", error=reason)
            for spec in remaining:
                records.setdefault(spec.name, StepRecord("error", reason))
            break
        remaining = [spec for spec in remaining if spec.name not in records]
        if launch.running and launch.running not in records:
            spec = by_name.get(launch.running) or lab.step(launch.running)
            if killed_for == "step":
                records[spec.name] = StepRecord("timeout", f"step `{spec.name}` timed out after {spec.timeout_s:g} s", spec.timeout_s)
            elif killed_for == "budget":
                records[spec.name] = StepRecord("timeout", _budget_message(total_budget_s))
            else:
                records[spec.name] = StepRecord("error", _crash_message(spec.name, exit_code, output))
            remaining = [s for s in remaining if s.name != spec.name]
        elif launch.done or killed_for is None:
            for spec in remaining:  # the runner said it was done, or exited, without running these
                records[spec.name] = StepRecord("error", _crash_message(spec.name, exit_code, output))
            remaining = []
    remove_scratch(work_dir)
    planted = artifacts / "manifest.json"
    if planted.exists() or planted.is_symlink():
        planted.unlink()
    manifest = {
        "lab": lab.id,
        "lab_version": lab.version,
        "seed": seed,
        "profile": profile_name,
        "sha256": submission.sha256,
        "import": import_info,
        "dropped": [d.__dict__ for d in submission.dropped],
        "steps": {spec.name: records.get(spec.name, StepRecord("not run")).as_dict() for spec in steps},
        "runner_reported_peak_rss_kb": peak_rss_kb,  # a claim of the runner, for benchmarks only
        "runner_reported_cpu_s": round(cpu_s, 2),  # likewise (the launches that ended normally)
    }
    manifest_path = work_dir / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return HarvestResult(
        manifest=manifest,
        artifacts_dir=artifacts,
        manifest_path=manifest_path,
        wall_s=time.monotonic() - started,
        runner_output="\n".join(outputs)[-20000:],
        peak_rss_kb=peak_rss_kb,
        launches=launches,
    )


def remove_scratch(work_dir: Path) -> None:
    """Delete the harvest's scratch space (HOME, TMPDIR); the artifacts and the manifest stay.

    A notebook may fill its scratch space up to the sandbox's write cap; none of it is graded.
    """
    for folder in (work_dir / "home", work_dir / "tmp"):
        if folder.is_symlink():
            folder.unlink()
        elif folder.exists():
            shutil.rmtree(folder, ignore_errors=True)


def _launch(
    lab: LabSpec,
    work_dir: Path,
    sandbox: Sandbox,
    steps: list[StepSpec],
    seed: int,
    profile_name: str,
    data_dir: Path | None,
    prepared_dir: Path | None,
    limits: Limits | None,
    gpu: str | None,
    budget_end: float,
    train_memo: Path | None = None,
) -> tuple[_Launch, int | None, str | None, str]:
    """Run the runner once over ``steps``; return what it did and why it stopped."""
    events_path = work_dir / "events.jsonl"
    events_path.write_text("")
    job = {
        "lab_id": lab.id,
        "project_root": str(paths.project_root()),
        "plan_module": f"assignments.{lab.id}.harvest.plan",
        "framework": lab.framework,
        "submission": str(work_dir / "submission.json"),
        "out_dir": str(work_dir / "artifacts"),
        "events_path": str(events_path),
        "seed": seed,
        "profile_name": profile_name,
        "profile": lab.profile(profile_name),
        "data_dir": str(data_dir) if data_dir else None,
        "prepared_dir": str(prepared_dir) if prepared_dir else None,
        "train_memo": str(train_memo) if train_memo else None,
        "import_timeout_s": lab.import_timeout_s,
        "steps": [{"name": s.name, "timeout_s": s.timeout_s} for s in steps],
    }
    job_path = work_dir / "job.json"
    job_path.write_text(json.dumps(job, indent=1))
    with stage_share() as threads:
        return _run_launch(lab, work_dir, sandbox, steps, profile_name, data_dir, prepared_dir, limits, gpu,
                           budget_end, job_path, events_path, threads)


def _run_launch(
    lab: LabSpec,
    work_dir: Path,
    sandbox: Sandbox,
    steps: list[StepSpec],
    profile_name: str,
    data_dir: Path | None,
    prepared_dir: Path | None,
    limits: Limits | None,
    gpu: str | None,
    budget_end: float,
    job_path: Path,
    events_path: Path,
    threads: int,
) -> tuple[_Launch, int | None, str | None, str]:
    """Start the runner on ``job_path`` with ``threads`` threads and watch it until it stops."""
    request = SandboxRequest(
        argv=[sys.executable, "-m", "autograder.harvest.runner", str(job_path)],
        env=dict(base_environment(work_dir), AUTOGRADER_STAGE="harvest", **thread_environment(threads)),
        workdir=work_dir,
        readable=readable_for_harvest(lab, data_dir, lab.profile(profile_name))
        + ([prepared_dir] if prepared_dir else [])
        + [work_dir],
        # Not work_dir itself: the trusted files the supervisor writes there (job.json,
        # manifest.json) must not be replaceable by links planted from inside.
        writable=[work_dir / "artifacts", work_dir / "home", work_dir / "tmp", events_path],
        hidden=hidden_from_harvest(lab),
        limits=limits or Limits(),
        gpu=gpu,
    )
    process = sandbox.start(request)
    launched = time.monotonic()
    state = _Launch()
    killed_for: str | None = None
    timeouts = {s.name: s.timeout_s for s in steps}
    while True:
        exit_code = process.poll()
        _read_events(events_path, state)
        now = time.monotonic()
        if exit_code is not None:
            break
        if not state.imported and state.import_error is None:
            if now - launched > lab.import_timeout_s + STARTUP_S:
                killed_for = "import"
        elif state.running and state.running_since is not None:
            if now - state.running_since > timeouts.get(state.running, 0) + GRACE_S:
                killed_for = "step"
        if now > budget_end:
            killed_for = "budget"
        if killed_for:
            process.kill()
            exit_code = process.poll()
            _read_events(events_path, state)
            break
        time.sleep(POLL_S)
    process.kill()  # whatever it left behind
    return state, exit_code, killed_for, process.output()


def _read_events(path: Path, state: _Launch) -> None:
    """Update ``state`` from the runner's events file (untrusted, so read defensively)."""
    try:
        with path.open("rb") as events:  # a submission can grow this file: read a bounded prefix
            lines = events.read(MAX_EVENTS_BYTES).decode("utf-8", "replace").splitlines()
    except OSError:
        return
    previous = state.running
    state.ended.clear()
    running: str | None = None
    for line in lines[:10000]:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        if kind == "imported":
            state.imported = True
            missing = event.get("missing_modules")
            if isinstance(missing, list):
                state.missing_modules = [str(m)[:100] for m in missing[:50]]
        elif kind == "import_failed":
            state.import_error = str(event.get("error"))[:4000]
        elif kind == "step_start":
            running = str(event.get("step"))
        elif kind == "step_end" and running is not None and event.get("step") == running:
            state.ended[running] = {
                "status": _known_status(event.get("status")),
                "error": None if event.get("error") is None else str(event.get("error"))[:4000],
                "duration_s": _as_float(event.get("duration_s")),
                "train_memo": event.get("train_memo") if event.get("train_memo") in MEMO_STATUSES else None,
            }
            running = None
        elif kind == "done":
            state.done = True
            state.peak_rss_kb = int(_as_float(event.get("peak_rss_kb"))) or None
            state.cpu_s = _as_float(event.get("cpu_s"))
    state.running = running
    if running != previous:
        state.running_since = time.monotonic() if running else None


def _as_float(value: Any) -> float:
    try:
        return float(value or 0.0)
    except (TypeError, ValueError):
        return 0.0


def _known_status(value: Any) -> str:
    allowed = {"ok", "error", "timeout", "not implemented", "missing function"}
    return value if value in allowed else "error"


def _budget_message(total_budget_s: float) -> str:
    return f"not run: the lab's total time budget of {total_budget_s:g} s was used up"


def _with_profile_timeout(spec: StepSpec, profile: dict[str, Any]) -> StepSpec:
    """A profile may give a step more time (``[profiles.class.step_timeouts] train = 1800``)."""
    override = profile.get("step_timeouts", {}).get(spec.name)
    return spec if override is None else replace(spec, timeout_s=float(override))


def _import_death_message(exit_code: int | None, killed_for: str | None, lab: LabSpec, output: str) -> str:
    if killed_for in ("import", "budget"):
        return (
            f"importing the notebook did not finish within {lab.import_timeout_s:g} s "
            "(is there a loop or a long computation in a class body, a decorator or a default argument?)"
        )
    return (
        f"the grading process ended while importing the notebook (exit code {exit_code}); "
        "does a cell call os._exit, exit() or kill the process?" + _tail(output)
    )


def _crash_message(step_name: str, exit_code: int | None, output: str) -> str:
    return (
        f"the grading process ended during step `{step_name}` (exit code {exit_code}): "
        "your code crashed or ended the process (os._exit, a signal, or running out of memory)" + _tail(output)
    )


def _tail(output: str) -> str:
    lines = last_output_lines(output, 3)
    return ("\nLast output:\n" + "\n".join(lines))[:1500] if lines else ""


def readable_for_harvest(lab: LabSpec, data_dir: Path | None, profile: dict[str, Any] | None = None) -> list[Path]:
    """What stage 1 needs to see: the engine, the lab's harvest plan, its training data.

    Of the instructor's ``--data`` folder, stage 1 sees only the entries the profile lists in
    ``stage1_data`` (e.g. ``["train.txt"]``): held-out files in the same folder stay hidden.
    """
    visible = [paths.PACKAGE_DIR, lab.harvest_dir, lab.directory / "lab.toml"]
    if data_dir:
        for entry in (profile or {}).get("stage1_data", []):
            candidate = data_dir / entry
            if candidate.exists():
                visible.append(candidate)
    return visible


def hidden_from_harvest(lab: LabSpec) -> list[Path]:
    """Everything stage 1 must not see: checks, reference solutions, mistakes of every lab."""
    root = paths.project_root()
    hidden = [root / "reference", root / "tests", root / "benchmarks"]
    for lab_dir in sorted(paths.assignments_dir().iterdir()):
        if not lab_dir.is_dir():
            continue
        hidden += [lab_dir / "checks", lab_dir / "mistakes"]
        if lab_dir != lab.directory:
            hidden.append(lab_dir / "harvest")
    return [p for p in hidden if p.exists()]
