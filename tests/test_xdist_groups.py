"""``make test``'s two xdist workers really share the work by module (``tests/conftest.py``).

A module-scoped fixture (a class graded once, read by many tests) must be built once: if the
groups silently stop working (a mark added too late, a pytest that xdist cannot rewrite), every
test becomes a group of its own and both workers build the fixture, which cost ``make test``
about ten minutes of graded batches built twice.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

MODULE = '''
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def graded_once():
    with Path(os.environ["SETUP_LOG"]).open("a") as log:
        log.write(os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")


@pytest.mark.parametrize("n", range(6))
def test_reads_the_fixture(graded_once, n):
    pass
'''
OTHER = '''
def test_a():
    pass


def test_b():
    pass
'''


def test_a_module_fixture_is_built_on_one_worker(tmp_path: Path) -> None:
    suite = tmp_path / "tests"
    suite.mkdir()
    shutil.copy(Path(__file__).with_name("conftest.py"), suite / "conftest.py")
    (suite / "test_graded.py").write_text(MODULE)
    for name in ("test_other.py", "test_more.py"):
        (suite / name).write_text(OTHER)
    log = tmp_path / "setups.log"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path, env={"SETUP_LOG": str(log), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "10 passed" in run.stdout, run.stdout
    workers = log.read_text().split()
    assert len(workers) == 1, f"the module fixture was built {len(workers)} times (on {workers}): the groups do not hold"
