"""Late submissions: how late a submission is, and what the late policy takes off.

The policy (``LatePolicy``) is a due time, a penalty per day and an optional cutoff:

- How late: from the submission's ``received_at`` (nbgrader's ``timestamp.txt``) when known;
  otherwise from the LMS's own marker (Canvas's ``LATE`` in the file name). Canvas gives no
  time with its marker, so a marked submission is counted as **one day late** -- the least a
  late submission can be under a per-day policy; a timestamp, when there is one, always wins over
  the marker. A submission with neither is on time (``policy_notes`` says how many those are).
- The penalty: ``penalty_per_day`` is a fraction of the lab's maximum score taken for each
  **started** day late (3 hours late is one day, 25 hours two), as Canvas's late policy
  deducts a percentage of the points possible; the score never goes below 0.
- The cutoff: more than ``cutoff_days`` late earns 0 points (``cutoff_days=0``: no late work).

``late_block`` returns what goes into ``results.json``'s ``late`` key: None when the
submission is on time (or there is no policy), else every figure and a plain-words explanation,
so the penalty is never applied silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autograder.submissions import Submission

#: How late a submission the LMS marked late, without a time, is counted.
LATE_MARKER_DAYS = 1.0
_LMS_TITLES = {"canvas": "Canvas", "moodle": "Moodle"}


@dataclass(frozen=True)
class LatePolicy:
    """A due time (timezone-aware), a fraction of the maximum score per started day late, a cutoff in days."""

    due: datetime
    penalty_per_day: float = 0.0
    cutoff_days: float | None = None

    def __post_init__(self) -> None:
        if self.due.tzinfo is None:
            raise ValueError(f"the due time {self.due.isoformat()} needs a time zone")
        if not 0.0 <= self.penalty_per_day <= 1.0:
            raise ValueError(f"the penalty per day is a fraction of the score, 0 to 1; found {self.penalty_per_day:g}")
        if self.cutoff_days is not None and self.cutoff_days < 0:
            raise ValueError(f"the cutoff is a number of days, 0 or more; found {self.cutoff_days:g}")

    def text(self) -> str:
        """The policy in one line, for the terminal and the reports."""
        parts = [f"due {_when(self.due)}"]
        if self.penalty_per_day:
            parts.append(f"{self.penalty_per_day:.0%} of the points off per started day late")
        if self.cutoff_days is not None:
            parts.append("no late work accepted" if self.cutoff_days == 0
                         else f"0 points past {self.cutoff_days:g} day{'s' if self.cutoff_days != 1 else ''} late")
        return ", ".join(parts)


def parse_due(text: str, timezone_name: str = "UTC") -> datetime:
    """An ISO 8601 due time (``2026-12-01T23:59``, ``2026-12-01T23:59+01:00``, ``...Z``); no offset means ``timezone_name``."""
    try:
        due = datetime.fromisoformat(text.strip())
    except ValueError as err:
        raise ValueError(f"a due time is ISO 8601, like 2026-12-01T23:59 or 2026-12-01T23:59+01:00; found {text!r}") from err
    if due.tzinfo is None:
        due = due.replace(tzinfo=_zone(timezone_name))
    return due


def _zone(name: str) -> tzinfo:
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Europe/Paris)") from err


def resolve_policy(
    base: LatePolicy | None = None,
    due: str | datetime | None = None,
    penalty_per_day: float | None = None,
    cutoff_days: float | None = None,
    timezone_name: str = "UTC",
) -> LatePolicy | None:
    """``base`` (a course's policy for the lab) with whatever the command line gave overriding it.

    ``grade --due ISO --penalty-per-day F --cutoff-days N``: each option given replaces the
    course's value; with no due time anywhere there is no policy (and a penalty without one is an error).
    """
    if isinstance(due, str):
        due = parse_due(due, timezone_name)
    due = due or (base.due if base else None)
    if due is None:
        if penalty_per_day is not None or cutoff_days is not None:
            raise ValueError("a late penalty or cutoff needs a due time: give --due (or the lab's due in course.toml)")
        return None
    return LatePolicy(
        due=due,
        penalty_per_day=penalty_per_day if penalty_per_day is not None else (base.penalty_per_day if base else 0.0),
        cutoff_days=cutoff_days if cutoff_days is not None else (base.cutoff_days if base else None),
    )


def days_late(policy: LatePolicy, submission: Submission) -> tuple[float, str] | None:
    """``(days, source)`` -- source ``"timestamp"`` or ``"lms-marker"`` -- or None when on time or unknown."""
    if submission.received_at is not None:
        received = submission.received_at if submission.received_at.tzinfo else submission.received_at.replace(tzinfo=UTC)
        late = (received - policy.due).total_seconds() / 86400.0
        return (late, "timestamp") if late > 0 else None
    if submission.marked_late:
        return LATE_MARKER_DAYS, "lms-marker"
    return None


def late_block(policy: LatePolicy | None, submission: Submission, score: float, max_score: float) -> dict[str, Any] | None:
    """The ``late`` record of one graded submission, or None when it is on time or there is no policy.

    Keys: ``due``, ``received_at`` (ISO or None), ``days_late``, ``source``, ``days_counted``
    (started days), ``penalty_fraction``, ``penalty_points``, ``score_before_penalty``,
    ``final_score``, ``past_cutoff`` and ``explanation`` (plain words, for the student).
    """
    if policy is None:
        return None
    found = days_late(policy, submission)
    if found is None:
        return None
    late, source = found
    started = max(1, math.ceil(late - 1e-9))
    past_cutoff = policy.cutoff_days is not None and late > policy.cutoff_days
    fraction = 1.0 if past_cutoff else min(1.0, policy.penalty_per_day * started)
    points = score if past_cutoff else min(score, fraction * max_score)
    final = max(0.0, score - points)
    return {
        "due": policy.due.isoformat(),
        "received_at": submission.received_at.isoformat() if submission.received_at else None,
        "days_late": round(late, 4),
        "source": source,
        "days_counted": started,
        "penalty_fraction": round(fraction, 6),
        "penalty_points": round(points, 4),
        "score_before_penalty": score,
        "final_score": round(final, 4),
        "past_cutoff": past_cutoff,
        "explanation": _explanation(policy, submission, late, source, started, fraction, points, score, final,
                                    max_score, past_cutoff),
    }


def _explanation(policy: LatePolicy, submission: Submission, late: float, source: str, started: int,
                 fraction: float, points: float, score: float, final: float, max_score: float,
                 past_cutoff: bool) -> str:
    if source == "timestamp":
        assert submission.received_at is not None
        how = (f"Handed in {_when(submission.received_at)}, {_duration(timedelta(days=late))} after "
               f"the due time, {_when(policy.due)}.")
    else:
        lms = _LMS_TITLES.get(submission.source_layout, "The LMS")
        how = (f"{lms} marked this submission late but gives no time, so it counts as "
               f"{LATE_MARKER_DAYS:g} day late (due {_when(policy.due)}).")
    if past_cutoff:
        assert policy.cutoff_days is not None
        limit = ("no late work is accepted" if policy.cutoff_days == 0
                 else f"work more than {policy.cutoff_days:g} day{'s' if policy.cutoff_days != 1 else ''} late earns no points")
        return f"{how} The late policy says {limit}: the score is 0 instead of {score:g} / {max_score:g}."
    if not policy.penalty_per_day:
        return f"{how} The late policy takes no points off: {score:g} / {max_score:g}."
    days = f"{started} started day{'s' if started != 1 else ''}"
    capped = " (never below 0)" if points < fraction * max_score else ""
    return (f"{how} The late policy takes {policy.penalty_per_day:.0%} of the {max_score:g} points per started "
            f"day late: {days}, {points:g} points off{capped}, {final:g} / {max_score:g} instead of {score:g}.")


def _when(moment: datetime) -> str:
    zone = moment.tzname() or ""
    return moment.strftime("%Y-%m-%d %H:%M") + (f" {zone}" if zone else "")


def _duration(span: timedelta) -> str:
    minutes = max(1, round(span.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n]
    return " ".join(parts[:2])


def policy_notes(policy: LatePolicy | None, submissions: Iterable[Submission]) -> list[str]:
    """Plain-words lines for the terminal: the policy, and how many submissions it could not time."""
    if policy is None:
        return []
    submissions = list(submissions)
    untimed = [s for s in submissions if s.received_at is None and not s.marked_late and s.source_layout != "canvas"]
    notes = [f"late policy: {policy.text()}"]
    if any(s.source_layout == "canvas" and s.received_at is None for s in submissions):
        notes.append("Canvas's LATE marker is Canvas's judgement against the due date set in Canvas; "
                     "a marked submission counts as one day late")
    if untimed:
        kinds = sorted({s.source_layout for s in untimed})
        notes.append(f"{len(untimed)} of {len(submissions)} submissions carry no time and no late marker "
                     f"({', '.join(kinds)}): they count as on time")
    return notes
