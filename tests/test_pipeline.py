"""The two-stage pipeline end to end on the fast numpy lab, bad submissions included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import notebook_with_cells, outcomes, read_results, reference_notebook, reference_plus

from autograder.batch import discover, grade_all
from autograder.grading import GradeOptions
from autograder.labspec import load_lab

LAB = "bptt_numpy"
RESULT_KEYS = {"student", "student_name", "lab", "lab_version", "submission_sha256", "status", "score", "max_score", "error", "checks", "timing", "late"}
CHECK_KEYS = {"id", "kind", "title", "points", "max_points", "outcome", "message", "duration_s"}

LOOP_AT_IMPORT = "class Spin:\n    while True:\n        pass\n"
EXIT_AT_IMPORT = "class Leave:\n    import os\n    os._exit(3)\n"
# Leaves a marker wherever it is imported: in HOME, and beside the harvest's artifacts (stage 1's
# scratch space, HOME included, is removed when the harvest ends).
RECORD_IMPORTS = (
    "class Record:\n"
    "    import os, pathlib\n"
    "    marker = 'imported-by-' + os.environ.get('AUTOGRADER_STAGE', 'unknown')\n"
    "    for folder in (pathlib.Path(os.environ['HOME']), pathlib.Path(os.environ['HOME']).parent / 'artifacts'):\n"
    "        try:\n"
    "            (folder / marker).write_text('x')\n"
    "        except OSError:\n"
    "            pass\n"
)
# Fills its scratch space (HOME and TMPDIR) while a graded function runs.
SCRATCH_WRITER = (
    "def rnn_step_forward(x, h_prev, Wx, Wh, b, _forward=rnn_step_forward):\n"
    "    import os, tempfile\n"
    "    for folder in (os.environ['HOME'], tempfile.gettempdir()):\n"
    "        with open(os.path.join(folder, 'scratch.bin'), 'wb') as f:\n"
    "            f.write(b'0' * 2_000_000)\n"
    "    return _forward(x, h_prev, Wx, Wh, b)\n"
)
LOOP_IN_FORWARD = (
    "def rnn_forward(x, h0, Wx, Wh, b):\n"
    "    while True:\n"
    "        pass\n"
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """One class: honest, broken and hostile notebooks graded together."""
    subs = tmp_path_factory.mktemp("subs")
    reference_notebook(LAB, subs / "honest.ipynb")
    (subs / "malformed.ipynb").write_text('{"cells": [ this is not json')
    reference_plus(LAB, subs / "loops_at_import.ipynb", LOOP_AT_IMPORT)
    reference_plus(LAB, subs / "exits_at_import.ipynb", EXIT_AT_IMPORT)
    reference_plus(LAB, subs / "records_imports.ipynb", RECORD_IMPORTS)
    reference_plus(LAB, subs / "colab_import.ipynb", "from google.colab import drive\nimport wandb\n")
    reference_plus(LAB, subs / "slow_forward.ipynb", LOOP_IN_FORWARD)
    reference_plus(LAB, subs / "scratch_writer.ipynb", SCRATCH_WRITER)
    notebook_with_cells(subs / "missing.ipynb", "import numpy as np\n")
    out = tmp_path_factory.mktemp("out")
    lab = load_lab(LAB)
    results = grade_all(discover(subs, LAB), lab, out, GradeOptions(), workers=2, progress=False)
    return out, {r["student"]: r for r in results}


def test_results_have_the_documented_shape(batch) -> None:
    out, results = batch
    for student in results:
        on_disk = read_results(out, student)
        assert set(on_disk) == RESULT_KEYS
        assert set(on_disk["timing"]) == {"stage1_s", "stage2_s", "total_s"}
        assert all(set(c) == CHECK_KEYS for c in on_disk["checks"])
        assert len(on_disk["checks"]) == len(load_lab(LAB).checks)
        assert (out / student / "feedback.md").is_file()
    assert (out / "grades.csv").is_file() and (out / "checks.csv").is_file()


def test_honest_submission_scores_full_marks(batch) -> None:
    _, results = batch
    honest = results["honest"]
    assert honest["status"] == "graded"
    assert honest["score"] == honest["max_score"] == load_lab(LAB).max_score


def test_malformed_notebook_is_an_error_with_a_reason(batch) -> None:
    _, results = batch
    bad = results["malformed"]
    assert bad["status"] == "error" and bad["score"] == 0
    assert "not valid JSON" in bad["error"]
    assert all(c["outcome"] == "error" for c in bad["checks"])


@pytest.mark.parametrize(
    "student, reason",
    [
        ("loops_at_import", "did not finish within"),
        ("exits_at_import", "exit code 3"),
    ],
)
def test_import_failures_score_zero_with_a_reason(batch, student: str, reason: str) -> None:
    out, results = batch
    result = results[student]
    assert result["status"] == "graded" and result["score"] == 0
    assert all(reason in c["message"] for c in result["checks"]), result["checks"][0]["message"]
    assert reason in (out / student / "feedback.md").read_text()


def test_stage_two_never_imports_student_code(batch) -> None:
    out, results = batch
    assert results["records_imports"]["score"] == results["honest"]["score"]
    student_dir = out / "records_imports"
    assert (student_dir / "stage1" / "artifacts" / "imported-by-harvest").exists()
    assert not list(student_dir.rglob("imported-by-check")), "stage 2 imported the student's module"


def test_missing_modules_become_placeholders(batch) -> None:
    out, results = batch
    assert results["colab_import"]["score"] == results["honest"]["score"]
    feedback = (out / "colab_import" / "feedback.md").read_text()
    assert "`google.colab`" in feedback and "`wandb`" in feedback


def test_scratch_space_is_removed_when_the_harvest_ends(batch) -> None:
    out, results = batch
    assert results["scratch_writer"]["score"] == results["honest"]["score"]
    stage1 = out / "scratch_writer" / "stage1"
    assert (stage1 / "manifest.json").is_file() and any((stage1 / "artifacts").iterdir())
    left = [str(p.relative_to(stage1)) for p in stage1.rglob("*") if p.name == "scratch.bin"]
    assert not left and not (stage1 / "home").exists() and not (stage1 / "tmp").exists(), left


def test_a_step_that_hangs_costs_only_its_checks(batch) -> None:
    _, results = batch
    result = outcomes(results["slow_forward"])
    failed = {k for k, v in result.items() if v != "passed"}
    assert failed == {"rnn_forward_shapes", "rnn_forward_values", "rnn_backward_dx", "rnn_backward_dh0",
                      "rnn_backward_dWx", "rnn_backward_dWh", "rnn_backward_db", "gradient_flow_through_time",
                      "returns_documented_types"}
    message = next(c["message"] for c in results["slow_forward"]["checks"] if c["id"] == "rnn_forward_values")
    assert "timed out after" in message and "cell" in message  # points at the student's own line


def test_missing_functions_are_named(batch) -> None:
    _, results = batch
    missing = results["missing"]
    assert missing["score"] == 0
    message = next(c["message"] for c in missing["checks"] if c["id"] == "step_forward_values")
    assert "does not define `rnn_step_forward`" in message


def test_nbgrader_layout_is_discovered(tmp_path: Path) -> None:
    for student in ("ann", "bob"):
        reference_notebook(LAB, tmp_path / student / LAB / f"{LAB}.ipynb")
    (tmp_path / "ann" / LAB / ".ipynb_checkpoints").mkdir()
    found = discover(tmp_path, LAB)
    assert [(s.student, s.notebook.name) for s in found] == [("ann", f"{LAB}.ipynb"), ("bob", f"{LAB}.ipynb")]


def test_cli_grade_and_check(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    reference_notebook(LAB, subs / "alice.ipynb")
    reference_plus(LAB, subs / "bob.ipynb", "def clip_by_global_norm(grads, max_norm):\n    return grads, 0.0\n")
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "autograder.cli"]
    graded = subprocess.run([*cli, "grade", "subs", "--lab", LAB, "--out", "out", "--workers", "2", "--quiet"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)  # relative paths
    assert graded.returncode == 0, graded.stderr
    assert "alice" in graded.stdout and "clip_scales_when_over" in graded.stdout
    assert json.loads((out / "alice" / "results.json").read_text())["score"] == load_lab(LAB).max_score
    grades = (out / "grades.csv").read_text().splitlines()
    assert grades[0].startswith("student,lab,score,max_score,status") and len(grades) == 3
    checked = subprocess.run([*cli, "check", str(subs / "bob.ipynb"), "--lab", LAB], capture_output=True, text=True, timeout=300)
    assert checked.returncode == 1
    assert "FAIL  clip_by_global_norm scales every array" in checked.stdout
    assert "PASS " in checked.stdout and "more checks run when your submission is graded" in checked.stdout
    report = json.loads((out / "bob" / "results.json").read_text())
    hidden = {c["id"]: c["message"] for c in report["checks"]}
    assert hidden["clip_scales_when_over"].splitlines()[0] in checked.stdout  # same message as the hidden check
