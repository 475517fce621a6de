"""The stage-1 process: ``python -m autograder.harvest.runner JOB.json``.

Runs inside the sandbox. It imports the extracted student module, then runs
each requested step of the lab's harvest plan, saving artifacts as each step
ends and appending one event per line to the job's events file. It trusts
nothing it writes: the supervisor outside the sandbox writes the manifest.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import signal
import sys
import time
import traceback
import types
from pathlib import Path
from typing import Any

from autograder.harvest.placeholders import StudentImports, run_statements
from autograder.harvest.plan import BadOutput, Harvest, MissingFunction, registered_steps
from autograder.intake import ExtractedSubmission

STUDENT_FILE_PREFIX = "cell "


class StepTimeout(BaseException):
    """Raised by the soft timer when a step runs past its limit."""


class EventLog:
    def __init__(self, path: Path) -> None:
        self._file = path.open("a", buffering=1)

    def emit(self, event: str, **fields: Any) -> None:
        self._file.write(json.dumps({"event": event, "time": time.time(), **fields}) + "\n")
        self._file.flush()


def load_student_module(submission: ExtractedSubmission) -> tuple[types.ModuleType, list[str]]:
    """Execute the kept statements of each cell into one module named ``submission``."""
    import linecache

    module = types.ModuleType("submission")
    module.__file__ = "submission.ipynb"
    sys.modules["submission"] = module
    imports = StudentImports()
    for cell in submission.cells:
        filename = f"{STUDENT_FILE_PREFIX}{cell.cell}"
        lines = [line + "\n" for line in cell.source.splitlines()]
        linecache.cache[filename] = (len(cell.source), None, lines, filename)
        run_statements(ast.parse(cell.source, filename=filename), list(cell.keep), filename, module.__dict__, imports)
    return module, imports.top_level_missing()


def student_traceback(error: BaseException) -> str:
    """The exception, with only the frames of the student's own cells."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(STUDENT_FILE_PREFIX)
    ]
    lines = [f"{type(error).__name__}: {error}".strip()]
    if frames:
        lines.append("Where it happened in your notebook (innermost last):")
        for frame in frames[-6:]:
            lines.append(f"  {frame.filename}, line {frame.lineno}, in {frame.name}")
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
    return "\n".join(lines)[:4000]


def set_seeds(seed: int, framework: str) -> None:
    import random

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    if framework == "keras":
        import keras

        keras.utils.set_random_seed(seed)


def _on_alarm(signum: int, frame: Any) -> None:
    raise StepTimeout()


def run_step(name: str, timeout_s: float, job: dict[str, Any], student: types.ModuleType) -> dict[str, Any]:
    """Run one step; return its status record (status, error, duration_s)."""
    function = registered_steps()[name]
    harvest = Harvest(
        step_name=name,
        student=student,
        out_dir=Path(job["out_dir"]),
        seed=int(job["seed"]),
        profile=job["profile"],
        data_dir=Path(job["data_dir"]) if job.get("data_dir") else None,
        prepared_dir=Path(job["prepared_dir"]) if job.get("prepared_dir") else None,
        train_memo=Path(job["train_memo"]) if job.get("train_memo") else None,
    )
    set_seeds(int(job["seed"]), job["framework"])
    started = time.monotonic()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        function(harvest)
        status, error = "ok", None
    except StepTimeout as err:
        status = "timeout"
        error = f"step `{name}` timed out after {timeout_s:g} s\n" + student_traceback(err).split("\n", 1)[-1]
    except MissingFunction as err:
        status, error = "missing function", str(err)
    except NotImplementedError as err:
        status = "not implemented"
        error = "a function this step calls still raises NotImplementedError (not implemented yet)"
        error += "\n" + student_traceback(err)
    except BadOutput as err:
        status, error = "error", str(err)
    except SystemExit as err:
        status, error = "error", f"your code called sys.exit({err.code!r}) during step `{name}`"
    except BaseException as err:  # student code may raise anything
        status, error = "error", student_traceback(err)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    record = {"status": status, "error": error, "duration_s": round(time.monotonic() - started, 3)}
    if harvest.memo_status is not None and harvest.train_memo is not None:
        record["train_memo"] = harvest.memo_status
    return record


def main(job_path: str) -> int:
    job = json.loads(Path(job_path).read_text())
    sys.path.insert(0, job["project_root"])
    log = EventLog(Path(job["events_path"]))
    if job["framework"] == "keras":
        import keras  # noqa: F401  (imported before student code, timed apart from it)
        import tensorflow as tf

        from autograder.sandbox.threads import apply_tensorflow_threads

        apply_tensorflow_threads()
        tf.config.experimental.enable_op_determinism()
    importlib.import_module(job["plan_module"])
    submission = ExtractedSubmission.from_json(Path(job["submission"]).read_text())
    log.emit("import_start")
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, float(job["import_timeout_s"]))
    try:
        student, missing = load_student_module(submission)
    except StepTimeout:
        log.emit(
            "import_failed",
            error=f"importing the notebook did not finish within {job['import_timeout_s']:g} s "
            "(is there a loop or a long computation in a class body, a decorator or a default argument?)",
        )
        return 0
    except BaseException as err:
        log.emit("import_failed", error="importing the notebook failed: " + student_traceback(err))
        return 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    log.emit("imported", missing_modules=missing)
    for step_job in job["steps"]:
        log.emit("step_start", step=step_job["name"])
        record = run_step(step_job["name"], float(step_job["timeout_s"]), job, student)
        log.emit("step_end", step=step_job["name"], **record)
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    log.emit("done", peak_rss_kb=usage.ru_maxrss, cpu_s=round(usage.ru_utime + usage.ru_stime, 2))
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: TF's can take seconds


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
