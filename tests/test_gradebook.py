"""The gradebook, against SQLite and a real PostgreSQL server (the same tests on both).

Real gradings of bptt_numpy (bwrap sandbox) are recorded through ``batch.grade_all``, the batch's
own path; to stay cheap most grade only the contract check (a grading of a check subset is its own
grading, never taken for a full one). The kill-and-resume proof is in test_resume.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pgserver
import pytest
from helpers import reference_notebook, reference_plus
from sqlalchemy import select

from autograder.batch import BatchReport, grade_all
from autograder.gradebook import (
    Gradebook,
    GradingKey,
    checks_hash,
    db,
    graded_labs,
    latest_results,
    run_counts,
)
from autograder.gradebook.schema import CheckResult
from autograder.grading import GradeOptions
from autograder.labspec import load_lab
from autograder.submissions import Submission

LAB = "bptt_numpy"
CONTRACT = ["returns_documented_types"]

# The fixtures: an SQLite file, and a database on a real PostgreSQL server.
pg_server, db_url = pgserver.pg_server, pgserver.db_url


@pytest.fixture(scope="module")
def lab():
    return load_lab(LAB)


@pytest.fixture(scope="module")
def alice_dir(tmp_path_factory) -> Path:
    subs = tmp_path_factory.mktemp("alice")
    reference_notebook(LAB, subs / "alice.ipynb")
    return subs


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory) -> Path:
    """Two students: the reference, and a notebook whose rnn_forward returns None."""
    subs = tmp_path_factory.mktemp("subs")
    reference_notebook(LAB, subs / "alice.ipynb")
    reference_plus(LAB, subs / "bob.ipynb", "def rnn_forward(x, h0, Wx, Wh, b):\n    return None\n")
    return subs


def _submissions(subs: Path) -> list[Submission]:
    return [Submission.named(p.stem, p) for p in sorted(subs.glob("*.ipynb"))]


def _grade(subs: Path, lab, out: Path, db_url: str, **kw) -> tuple[list[dict], BatchReport]:
    report = BatchReport()
    results = grade_all(_submissions(subs), lab, out, GradeOptions(check_ids=CONTRACT), progress=False,
                        gradebook=Gradebook(db_url), report=report, **kw)
    return results, report


def test_records_every_result_and_skips_what_is_graded(db_url, lab, class_dir, tmp_path):
    out = tmp_path / "out"
    results, report = _grade(class_dir, lab, out, db_url)
    assert sorted(report.graded) == ["alice", "bob"] and report.skipped == []
    by_student = {r["student"]: r for r in results}
    assert by_student["alice"]["score"] == 1.0 and by_student["bob"]["score"] == 0.0

    latest = {r["student"]: r for r in latest_results(db_url)}
    assert set(latest) == {"alice", "bob"} and graded_labs(db_url) == [LAB]
    for student, row in latest.items():
        on_disk = json.loads((out / student / "results.json").read_text())
        assert {k: row[k] for k in on_disk} == on_disk  # the whole results.json, as written
        assert row["result_dir"] == str(out / student) and row["late"] is None
        assert row["source_layout"] == "flat" and row["graded_at"].startswith("20")
    assert latest["bob"]["checks"][0]["outcome"] == "failed"
    with db.sessions(db_url)() as session:
        rows = session.scalars(select(CheckResult)).all()
    spec = {c.id: c for c in lab.checks}[CONTRACT[0]]
    assert {(r.check_id, r.concept, r.max_points) for r in rows} == {(spec.id, spec.concept, spec.points)}
    assert sorted(r.outcome for r in rows) == ["failed", "passed"]

    again, report = _grade(class_dir, lab, out, db_url)
    assert report.graded == [] and sorted(report.skipped) == ["alice", "bob"]
    assert [r["score"] for r in again] == [r["score"] for r in results]
    assert run_counts(db_url, LAB) == {"alice": {"finished": 1}, "bob": {"finished": 1}}

    _, report = _grade(class_dir, lab, out, db_url, regrade=["bob"])
    assert report.graded == ["bob"] and run_counts(db_url, LAB)["alice"] == {"finished": 1}
    assert run_counts(db_url, LAB)["bob"] == {"finished": 2}
    assert sorted(r["student"] for r in latest_results(db_url)) == ["alice", "bob"]

    _, report = _grade(class_dir, lab, out, db_url, force=True)
    assert sorted(report.graded) == ["alice", "bob"]
    assert run_counts(db_url, LAB) == {"alice": {"finished": 2}, "bob": {"finished": 3}}


def test_a_changed_threshold_is_graded_again(db_url, lab, alice_dir, tmp_path):
    """The skip key holds the hash of lab.toml and the checks: editing either makes it a new grading."""
    _grade(alice_dir, lab, tmp_path / "out", db_url)
    sha = hashlib.sha256((alice_dir / "alice.ipynb").read_bytes()).hexdigest()
    gradebook = Gradebook(db_url)

    copy = tmp_path / "assignments" / LAB
    shutil.copytree(lab.directory, copy)
    copied = replace(lab, directory=copy)

    def stored(spec) -> bool:
        return gradebook.finished_run("alice", sha, GradingKey.of(spec, "ci", spec.default_seed, CONTRACT)) is not None

    assert stored(copied)  # the same files: the same grading
    (copy / "checks" / "__pycache__").mkdir(exist_ok=True)
    (copy / "checks" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"cache")
    assert stored(copied)  # caches are not the checks
    toml = (copy / "lab.toml").read_text()
    assert "total_budget_s = 120" in toml
    (copy / "lab.toml").write_text(toml.replace("total_budget_s = 120", "total_budget_s = 121", 1))
    assert checks_hash(copied) != checks_hash(lab) and not stored(copied)
    (copy / "lab.toml").write_text(toml)
    assert stored(copied)
    helpers = copy / "checks" / "helpers.py"
    helpers.write_text(helpers.read_text() + "\n# a tolerance changed\n")
    assert not stored(copied)
    _, report = _grade(alice_dir, lab, tmp_path / "out", db_url)
    assert report.skipped == ["alice"] and report.graded == []


def test_a_full_grading_is_not_a_subset_grading(lab):
    full, subset = GradingKey.of(lab, "ci", 0), GradingKey.of(lab, "ci", 0, CONTRACT)
    assert full.checks_hash == checks_hash(lab) and subset.checks_hash != full.checks_hash
    assert GradingKey.of(lab, "ci", 1) != full and GradingKey.of(lab, "class", 0) != full


def test_unfinished_runs_are_never_taken_for_finished(db_url, lab, alice_dir, tmp_path):
    """A grader that dies after ``started``: its run is not a result, and a later batch says so."""
    notebook = alice_dir / "alice.ipynb"
    code = (
        "import sys; from pathlib import Path\n"
        "from autograder.gradebook import Gradebook, GradingKey\n"
        "from autograder.labspec import load_lab\nfrom autograder.submissions import Submission\n"
        "import hashlib\n"
        "from dataclasses import replace\n"
        f"lab = replace(load_lab({LAB!r}), directory=Path(sys.argv[4]))\n"
        f"key = GradingKey.of(lab, 'ci', lab.default_seed, {CONTRACT!r})\n"
        "g = Gradebook(sys.argv[1]); nb = Path(sys.argv[2])\n"
        "g.start(Submission.named('alice', nb), hashlib.sha256(nb.read_bytes()).hexdigest(), key,"
        " g.lab_row(lab, key), 'bwrap', Path(sys.argv[3]))\n"
        "import os; os._exit(0)  # dies before finishing\n"
    )
    subprocess.run([sys.executable, "-c", code, db_url, str(notebook), str(tmp_path / "out" / "alice"), str(lab.directory)],
                   check=True, cwd=Path(__file__).resolve().parents[1])
    assert run_counts(db_url) == {"alice": {"started": 1}}
    assert latest_results(db_url) == [] and graded_labs(db_url) == []

    _, report = _grade(alice_dir, lab, tmp_path / "out", db_url)
    assert report.interrupted == 1 and report.graded == ["alice"]
    assert run_counts(db_url) == {"alice": {"interrupted": 1, "finished": 1}}


def test_a_grader_failure_is_recorded_and_graded_again(db_url, lab, tmp_path):
    """A notebook the grader cannot read is recorded as an error; a grader failure is retried."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "carol.ipynb").write_text("{ this is not a notebook")
    out = tmp_path / "out"
    report = BatchReport()
    grade_all(_submissions(subs), lab, out, GradeOptions(), progress=False, gradebook=Gradebook(db_url), report=report)
    [row] = latest_results(db_url)
    assert row["status"] == "error" and row["error"] and report.graded == ["carol"]
    report = BatchReport()
    grade_all(_submissions(subs), lab, out, GradeOptions(), progress=False, gradebook=Gradebook(db_url), report=report)
    assert report.skipped == ["carol"]  # the student's own error is a grade: not graded again

    # The grader's own failure (here: a sandbox backend that does not exist) is not a grade.
    options = GradeOptions(sandbox="no-such-backend")
    (subs / "carol.ipynb").unlink()
    reference_notebook(LAB, subs / "carol.ipynb")
    for _ in range(2):
        report = BatchReport()
        grade_all(_submissions(subs), lab, out, options, progress=False, gradebook=Gradebook(db_url), report=report)
        assert report.graded == ["carol"]
    [row] = latest_results(db_url)
    assert row["error"].startswith("grader failure")
    assert run_counts(db_url) == {"carol": {"finished": 3}}


def test_the_late_block_is_recorded_and_follows_the_policy(db_url, lab, alice_dir, tmp_path):
    """A late submission's penalty is in results.json, the gradebook and grades.csv; a new due date
    changes it without grading again."""
    from datetime import UTC, datetime, timedelta

    from autograder.lateness import LatePolicy

    received = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    late = [Submission.named("alice", alice_dir / "alice.ipynb", received_at=received, source_layout="nbgrader")]
    out = tmp_path / "out"

    def grade(policy: LatePolicy) -> BatchReport:
        report = BatchReport()
        grade_all(late, lab, out, GradeOptions(check_ids=CONTRACT), progress=False, gradebook=Gradebook(db_url),
                  late_policy=policy, report=report)
        return report

    assert grade(LatePolicy(due=received - timedelta(days=1.5), penalty_per_day=0.25)).graded == ["alice"]
    on_disk = json.loads((out / "alice" / "results.json").read_text())
    [row] = latest_results(db_url)
    assert on_disk["late"] == row["late"] and row["late"]["days_counted"] == 2
    assert row["late"]["score_before_penalty"] == 1.0 and row["late"]["final_score"] == 0.5
    assert row["received_at"] == received.isoformat() and row["source_layout"] == "nbgrader"
    grades = (out / "grades.csv").read_text().splitlines()
    header, values = grades[0].split(","), grades[1].split(",")
    assert dict(zip(header, values, strict=True))["final_score"] == "0.5"

    assert grade(LatePolicy(due=received + timedelta(hours=1))).skipped == ["alice"]  # on time now
    [row] = latest_results(db_url)
    assert row["late"] is None and json.loads((out / "alice" / "results.json").read_text())["late"] is None
    assert run_counts(db_url) == {"alice": {"finished": 1}}


def test_grade_with_a_course_uses_its_gradebook_and_folders(tmp_path, capsys):
    """`grade --lab LAB --course DIR`: the course's submissions folder, gradebook and results folder;
    `--student` names a student of the batch (an unknown one is refused, naming who was found)."""
    from autograder.cli import main
    from autograder.course import init_course

    course = init_course(tmp_path / "course", [LAB])
    submissions = course.labs[LAB].submissions
    submissions.mkdir(parents=True, exist_ok=True)
    (submissions / "dora.ipynb").write_text("not a notebook at all")  # graded quickly: an error result
    assert main(["grade", "--lab", LAB, "--course", str(course.directory), "--quiet"]) == 0
    assert "1 graded now, 0 already graded" in capsys.readouterr().out
    url = f"sqlite:///{course.directory / 'gradebook.db'}"
    [row] = latest_results(url)
    assert row["student"] == "dora" and row["status"] == "error"
    assert row["result_dir"] == str(course.out_dir / LAB / "dora")
    assert (course.out_dir / LAB / "dora" / "results.json").is_file()

    assert main(["grade", "--lab", LAB, "--course", str(course.directory), "--quiet"]) == 0
    assert "0 graded now, 1 already graded" in capsys.readouterr().out
    assert main(["grade", "--lab", LAB, "--course", str(course.directory), "--quiet", "--student", "dora"]) == 0
    assert "1 graded now" in capsys.readouterr().out
    assert main(["grade", "--lab", LAB, "--course", str(course.directory), "--student", "eve"]) == 2
    assert "--student 'eve': no such student among the submissions (found: dora)" in capsys.readouterr().err
    assert run_counts(url) == {"dora": {"finished": 2}}
