"""The course directory: course init writes course.toml, load_course reads it back, mistakes are named."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from autograder.course import CourseError, init_course, load_course
from autograder.lateness import LatePolicy


def test_init_then_load_round_trips(tmp_path: Path) -> None:
    directory = tmp_path / "unit4"
    course = init_course(directory, ["bptt_numpy", "char_rnn"], due={"bptt_numpy": "2026-12-02T00:59"},
                         penalty_per_day=0.1, cutoff_days=3, name='Unit 4 "RNNs"\n\x7f', data={"char_rnn": "data/corpus"},
                         timezone_name="Europe/Paris", workers=2)
    assert tomllib.loads((directory / "course.toml").read_text())["name"] == 'Unit 4 "RNNs"\n\x7f'
    assert course == load_course(directory)
    assert course.name == 'Unit 4 "RNNs"\n\x7f' and course.workers == 2 and course.profile == "ci"
    assert course.directory == directory.resolve()
    assert course.db_url == f"sqlite:///{directory.resolve() / 'gradebook.db'}"
    assert course.out_dir == directory.resolve() / "graded"
    bptt = course.lab("bptt_numpy")
    assert bptt.due == datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
    assert bptt.late_policy == LatePolicy(datetime(2026, 12, 1, 23, 59, tzinfo=UTC), 0.1, 3.0)
    assert bptt.submissions == directory.resolve() / "submissions" / "bptt_numpy" and bptt.submissions.is_dir()
    rnn = course.lab("char_rnn")
    assert rnn.due is None and rnn.late_policy is None and rnn.data_dir == directory.resolve() / "data" / "corpus"
    with pytest.raises(CourseError, match="has no lab 'ner_lstm'; its labs: bptt_numpy, char_rnn"):
        course.lab("ner_lstm")
    with pytest.raises(CourseError, match="exists already"):
        init_course(directory, ["bptt_numpy"])
    assert init_course(directory, ["bptt_numpy"], force=True).labs.keys() == {"bptt_numpy"}


def test_a_lab_overrides_the_course_policy_and_paths_resolve(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text(
        'profile = "class"\ndb_url = "sqlite:///book.db"\nout_dir = "results"\n'
        "[late_policy]\npenalty_per_day = 0.1\ncutoff_days = 7\n"
        '[labs.bptt_numpy]\ndue = 2026-12-01T23:59:00Z\npenalty_per_day = 0.25\nprofile = "ci"\n'
        '[labs.ner_lstm]\ndue = "2026-12-08T23:59:00+00:00"\ndata_dir = "/data/conll"\n'
    )
    course = load_course(tmp_path)
    assert course.db_url == f"sqlite:///{tmp_path.resolve() / 'book.db'}" and course.out_dir == tmp_path.resolve() / "results"
    assert course.lab("bptt_numpy").late_policy == LatePolicy(datetime(2026, 12, 1, 23, 59, tzinfo=UTC), 0.25, 7)
    assert course.lab("bptt_numpy").profile == "ci" and course.lab("ner_lstm").profile == "class"
    assert course.lab("ner_lstm").late_policy.penalty_per_day == 0.1
    assert course.lab("ner_lstm").data_dir == Path("/data/conll")


@pytest.mark.parametrize(("text", "message"), [
    ("[late_policy]\ncutof_days = 3\n", r"\[late_policy\]: unknown key cutof_days"),
    ("[labs.bptt_numpy]\ndue = \"friday\"\n", r"\[labs.bptt_numpy\]: a due time is ISO 8601"),
    ("[labs.nolab]\n", "unknown lab 'nolab'"),
    ("[labs.bptt_numpy]\ndue = \"2026-12-01T00:00\"\npenalty_per_day = 10\n", "fraction of the score, 0 to 1"),
    ("[labs.bptt_numpy]\npenalty_per_day = \"10%\"\n", "penalty_per_day is a number"),
    ("workers = 0\n", "workers is at least 1"),
    ("name = 3\n", "name is a str"),
    ("name = [\n", "not valid TOML"),
])
def test_mistakes_in_course_toml_are_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(CourseError, match=message):
        load_course(tmp_path)


def test_no_course_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="autograder course init"):
        load_course(tmp_path)


def test_course_init_and_show_on_the_command_line(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "autograder.cli", "course"]
    made = subprocess.run([*cli, "init", "c", "--labs", "bptt_numpy,seq2seq_gru", "--due", "bptt_numpy=2026-12-01T23:59Z",
                           "--penalty-per-day", "0.1", "--cutoff-days", "2"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "bptt_numpy: due 2026-12-01 23:59 UTC, 10% of the points off per started day late, 0 points past 2 days late" in made.stdout
    assert "seq2seq_gru: no due time" in made.stdout and (tmp_path / "c" / "submissions" / "seq2seq_gru").is_dir()
    shown = subprocess.run([*cli, "show", "c"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert shown.returncode == 0 and "course 'c'" in shown.stdout
    bad = subprocess.run([*cli, "init", "d", "--labs", "bptt_numpy", "--due", "char_rnn=2026-12-01"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert bad.returncode == 2 and "not among --labs bptt_numpy" in bad.stderr and not (tmp_path / "d").exists()
