"""The ``fork`` backend: stages forked from a server that imported TensorFlow once (trusted notebooks).

It must run a stage exactly as ``python -m MODULE`` would (working folder, environment, argv,
exit status, output, a kill that ends it), grade a Keras notebook to the very figures the bwrap
sandbox gives, and never be reachable for students' code without ``--unsafe-no-sandbox``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import reference_notebook

from autograder.grading import GradeOptions, grade_submission, open_sandbox
from autograder.labspec import load_lab
from autograder.sandbox import SandboxUnavailable, make_sandbox
from autograder.sandbox.base import SandboxRequest

STAGE = """\
import os, sys
import tensorflow as tf
print("argv", sys.argv[1:], "cwd", os.getcwd(), "seen", os.environ.get("SEEN"), "unset", os.environ.get("NOT_PASSED"))
print("sum", float(tf.reduce_sum(tf.ones((3, 3)))), "preloaded", "keras" in sys.modules)
sys.exit(3)
"""


def test_a_forked_stage_runs_like_python_dash_m(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "stage_module.py").write_text(STAGE)
    monkeypatch.setenv("NOT_PASSED", "grader-only")  # the grader's environment does not leak in
    sandbox = make_sandbox("fork")
    stage = sandbox.start(SandboxRequest(
        argv=[sys.executable, "-m", "stage_module", "a", "b"], env={"SEEN": "yes"}, workdir=tmp_path,
    ))
    assert stage.wait(120) == 3
    output = stage.output()
    assert f"argv ['a', 'b'] cwd {tmp_path} seen yes unset None" in output, output
    assert "sum 9.0 preloaded True" in output, output


def test_a_forked_stage_is_killed_with_everything_it_started(tmp_path: Path) -> None:
    (tmp_path / "hangs.py").write_text(
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
        "print('started', flush=True)\n"
        "time.sleep(300)\n"
    )
    stage = make_sandbox("fork").start(SandboxRequest(argv=[sys.executable, "-m", "hangs"], env={}, workdir=tmp_path))
    with pytest.raises(TimeoutError):
        stage.wait(3)
    stage.kill()
    assert stage.poll() == -9
    assert "started" in stage.output()


def test_students_code_is_never_forked_without_the_unsafe_flag() -> None:
    with pytest.raises(SandboxUnavailable, match="isolates nothing"):
        open_sandbox(GradeOptions(sandbox="fork"))
    assert open_sandbox(GradeOptions(sandbox="fork", unsafe_no_sandbox=True)).name == "fork"


def test_fork_grades_a_keras_notebook_to_the_same_figures_as_bwrap(tmp_path: Path) -> None:
    """char_rnn's reference on seed 0: same outcomes and the same measured figures, bit for bit.

    Through a fresh interpreter in bubblewrap (``bwrap-cold``), through bubblewrap entered by a forked
    stage (``bwrap``'s warm path, as root) and forked without a sandbox (``fork``).
    """
    lab = load_lab("char_rnn")
    notebook = reference_notebook("char_rnn", tmp_path / "reference.ipynb")
    figures = {}
    for backend in ("bwrap-cold", "bwrap", "fork"):
        options = GradeOptions(seed=0, sandbox=backend, unsafe_no_sandbox=True)
        result = grade_submission(notebook, backend, lab, tmp_path / "graded", options)
        assert result["score"] == result["max_score"], [c for c in result["checks"] if c["outcome"] != "passed"]
        checks = json.loads((tmp_path / "graded" / backend / "stage2" / "checks.json").read_text())
        figures[backend] = checks["metrics"]
    assert figures["fork"] == figures["bwrap-cold"] == figures["bwrap"] and figures["fork"]
