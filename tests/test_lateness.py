"""The late policy: days late from a timestamp or an LMS marker, started days, the cutoff, the words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autograder.cli import build_parser
from autograder.lateness import LatePolicy, late_block, parse_due, policy_notes, resolve_policy
from autograder.submissions import Submission

DUE = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
POLICY = LatePolicy(DUE, penalty_per_day=0.1, cutoff_days=3)


def handed_in(after: timedelta | None = None, marked_late: bool = False, layout: str = "nbgrader") -> Submission:
    return Submission("ann", Path("ann.ipynb"), "Ann", source_layout=layout,
                      received_at=DUE + after if after is not None else None, marked_late=marked_late)


def test_on_time_and_no_policy_give_no_block() -> None:
    assert late_block(POLICY, handed_in(timedelta(hours=-5)), 8, 10) is None
    assert late_block(POLICY, handed_in(timedelta(0)), 8, 10) is None  # at the due minute: on time
    assert late_block(None, handed_in(timedelta(days=9)), 8, 10) is None
    assert late_block(POLICY, handed_in(None), 8, 10) is None  # no time, no marker


def test_every_started_day_counts() -> None:
    three_hours = late_block(POLICY, handed_in(timedelta(hours=3)), 8, 10)
    assert three_hours["days_counted"] == 1 and three_hours["days_late"] == pytest.approx(0.125)
    assert three_hours["penalty_points"] == pytest.approx(1.0) and three_hours["final_score"] == pytest.approx(7.0)
    assert three_hours["source"] == "timestamp" and three_hours["received_at"] == (DUE + timedelta(hours=3)).isoformat()
    assert three_hours["score_before_penalty"] == 8 and not three_hours["past_cutoff"]
    words = three_hours["explanation"]
    assert "3 hours after the due time, 2026-12-01 23:59 UTC" in words
    assert "10% of the 10 points per started day late: 1 started day, 1 points off, 7 / 10 instead of 8" in words
    day_and_an_hour = late_block(POLICY, handed_in(timedelta(hours=25)), 8, 10)
    assert day_and_an_hour["days_counted"] == 2 and day_and_an_hour["final_score"] == pytest.approx(6.0)


def test_past_the_cutoff_scores_zero_and_says_so() -> None:
    block = late_block(POLICY, handed_in(timedelta(days=3, minutes=1)), 9, 10)
    assert block["past_cutoff"] and block["final_score"] == 0 and block["penalty_fraction"] == 1.0
    assert block["penalty_points"] == 9
    assert "more than 3 days late earns no points: the score is 0 instead of 9 / 10" in block["explanation"]
    at_the_cutoff = late_block(POLICY, handed_in(timedelta(days=3)), 9, 10)
    assert not at_the_cutoff["past_cutoff"] and at_the_cutoff["final_score"] == pytest.approx(6.0)


def test_the_score_never_goes_below_zero() -> None:
    block = late_block(LatePolicy(DUE, penalty_per_day=0.3), handed_in(timedelta(days=1, hours=1)), 2, 10)
    assert block["penalty_fraction"] == pytest.approx(0.6) and block["penalty_points"] == 2 and block["final_score"] == 0
    assert "(never below 0)" in block["explanation"]


def test_a_canvas_late_marker_counts_as_one_day() -> None:
    block = late_block(POLICY, handed_in(None, marked_late=True, layout="canvas"), 10, 10)
    assert block["source"] == "lms-marker" and block["days_late"] == 1.0 and block["received_at"] is None
    assert block["final_score"] == pytest.approx(9.0)
    assert block["explanation"].startswith("Canvas marked this submission late but gives no time, so it counts as 1 day late")
    # A timestamp, when there is one, wins over the marker.
    assert late_block(POLICY, handed_in(timedelta(hours=-1), marked_late=True), 10, 10) is None
    # No late work accepted: the marker alone is enough for 0.
    closed = late_block(LatePolicy(DUE, cutoff_days=0), handed_in(None, marked_late=True, layout="canvas"), 10, 10)
    assert closed["final_score"] == 0 and "no late work is accepted" in closed["explanation"]


def test_late_without_a_penalty_is_still_said() -> None:
    block = late_block(LatePolicy(DUE), handed_in(timedelta(days=2)), 7, 10)
    assert block["final_score"] == 7 and block["penalty_points"] == 0
    assert "takes no points off: 7 / 10" in block["explanation"]


def test_policies_are_checked_and_command_line_options_override_the_course() -> None:
    with pytest.raises(ValueError, match="fraction of the score, 0 to 1; found 1.5"):
        LatePolicy(DUE, penalty_per_day=1.5)
    with pytest.raises(ValueError, match="needs a time zone"):
        LatePolicy(datetime(2026, 12, 1))
    assert parse_due("2026-12-01T23:59") == DUE
    assert parse_due("2026-12-01T23:59Z") == DUE
    assert parse_due("2026-12-02T00:59", "Europe/Paris") == DUE
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_due("next friday")
    course = LatePolicy(DUE, penalty_per_day=0.2, cutoff_days=5)
    assert resolve_policy(course) == course
    assert resolve_policy(course, penalty_per_day=0.05) == replace(course, penalty_per_day=0.05)
    assert resolve_policy(course, due="2026-12-08T12:00+02:00").due == datetime(2026, 12, 8, 10, tzinfo=UTC)
    assert resolve_policy(None) is None
    with pytest.raises(ValueError, match="needs a due time"):
        resolve_policy(None, penalty_per_day=0.1)


def test_grade_options_reach_the_policy() -> None:
    args = build_parser().parse_args(["grade", "subs", "--lab", "bptt_numpy", "--out", "o",
                                      "--due", "2026-12-01T23:59", "--penalty-per-day", "0.25", "--cutoff-days", "2"])
    def policy(args, base=None):  # noqa: ANN001, ANN202
        return resolve_policy(base, args.due, args.penalty_per_day, args.cutoff_days)

    assert policy(args) == LatePolicy(DUE, 0.25, 2.0)
    none = build_parser().parse_args(["grade", "subs", "--lab", "bptt_numpy", "--out", "o"])
    assert policy(none) is None and policy(none, POLICY) == POLICY


def test_policy_notes_name_what_cannot_be_timed() -> None:
    notes = policy_notes(POLICY, [handed_in(timedelta(hours=1)), handed_in(None, layout="moodle"),
                                  handed_in(None, layout="canvas")])
    assert notes[0].startswith("late policy: due 2026-12-01 23:59 UTC, 10% of the points off per started day late, "
                               "0 points past 3 days late")
    assert any("1 of 3 submissions carry no time and no late marker (moodle)" in n for n in notes)
    assert any("Canvas's LATE marker" in n for n in notes)
    assert policy_notes(None, []) == []
