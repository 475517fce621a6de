"""An nbgrader course, with nbgrader's own commands: release, fetch, submit, collect, then grade.

``autograder release LAB --nbgrader COURSE`` writes ``COURSE/source/LAB/``; nbgrader's
``generate_assignment`` strips it, ``release_assignment`` puts it in a temporary exchange, a
student ``fetch_assignment``s it, fills the stubs and ``submit``s, ``collect`` gathers it into
``COURSE/submitted/<student>/LAB/``, and ``autograder grade COURSE/submitted`` grades it.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.kit.build import wheel_name
from autograder.labspec import load_lab
from autograder.notebooks import solution_notebook

ROOT = Path(__file__).resolve().parent.parent
LAB = "bptt_numpy"
NBGRADER = [sys.executable, "-m", "nbgrader"]
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.M)


def run(argv: list[str], cwd: Path) -> str:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs alembic
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


def fill_from_reference(path: Path) -> int:
    """What a student who solved the lab submits: each solution cell as the reference writes it."""
    answers = {
        c.metadata["nbgrader"]["grade_id"]: MARKER.sub("", c.source)
        for c in solution_notebook(load_lab(LAB)).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    notebook = nbformat.read(str(path), as_version=4)
    filled = 0
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            assert "raise NotImplementedError()" in cell.source  # nbgrader stripped it
            cell.source = answers[grade_id]
            filled += 1
    nbformat.write(notebook, str(path))
    return filled


def test_nbgrader_release_collect_and_grade(tmp_path: Path) -> None:
    course, exchange, student = tmp_path / "course", tmp_path / "exchange", tmp_path / "student"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)
    run([sys.executable, "-m", "autograder.cli", "release", LAB, "--nbgrader", str(course)], ROOT)
    source = course / "source" / LAB
    assert sorted(p.name for p in source.iterdir()) == sorted([f"{LAB}.ipynb", wheel_name(load_lab(LAB))])
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(f"c.Exchange.root = {str(exchange)!r}\n")
    run([*NBGRADER, "generate_assignment", LAB, "--force"], course)
    released = nbformat.read(str(course / "release" / LAB / f"{LAB}.ipynb"), as_version=4)
    assert not any("### BEGIN SOLUTION" in c.source for c in released.cells)
    assert (course / "release" / LAB / wheel_name(load_lab(LAB))).is_file()  # the kit goes with the notebook
    run([*NBGRADER, "release_assignment", LAB], course)

    student.mkdir()
    (student / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\nc.CourseDirectory.course_id = 'unit4'\n"
    )
    run([*NBGRADER, "fetch_assignment", LAB], student)
    fetched = student / LAB / f"{LAB}.ipynb"
    assert (student / LAB / wheel_name(load_lab(LAB))).is_file()
    assert fill_from_reference(fetched) == 5
    run([*NBGRADER, "submit", LAB], student)
    run([*NBGRADER, "collect", LAB], course)
    me = getpass.getuser()
    collected = course / "submitted" / me / LAB
    assert (collected / f"{LAB}.ipynb").is_file() and (collected / "timestamp.txt").is_file()

    out = tmp_path / "graded"
    log = run([sys.executable, "-m", "autograder.cli", "grade", str(course / "submitted"), "--lab", LAB,
               "--out", str(out), "--workers", "1", "--quiet"], ROOT)
    result = json.loads((out / me / "results.json").read_text())
    assert result["status"] == "graded", (result["error"], log[-2000:])
    assert result["score"] == result["max_score"] == load_lab(LAB).max_score, [
        (c["id"], c["message"]) for c in result["checks"] if c["outcome"] != "passed"
    ]
    shutil.rmtree(exchange, ignore_errors=True)
