"""nbgrader's folders: ``submitted/<student>/<lab>/`` (after ``collect``) and the exchange's inbound.

``nbgrader collect`` leaves ``submitted/<student>/<lab>/<notebook>.ipynb`` beside a
``timestamp.txt``; the exchange's inbound folder holds one folder per hand-in,
``<student>+<lab>+<timestamp>[+<random>]/``, so a student who submitted twice has two. The
timestamp is written with nbgrader's ``timestamp_format`` (default ``%Y-%m-%d %H:%M:%S.%f %Z``
in the exchange's ``timezone``, default UTC), e.g. ``2026-12-01 17:03:44.123456 UTC``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})$")
_UTC_NAMES = {"UTC", "GMT", "Z", "UT"}


def parse_timestamp(text: str) -> datetime:
    """An aware UTC datetime from nbgrader's timestamp text (or any ISO 8601 time; naive means UTC).

    Shapes: ``'2026-12-01 17:03:44.123456 UTC'``, ``'2026-12-01 12:03:44 America/New_York'``,
    ``'2026-12-01 12:03:44 -0500'``, ``'2026-12-01T17:03:44Z'``. Raises ValueError otherwise.
    """
    text = text.strip()
    parts = text.split()
    zone: timezone | ZoneInfo | None = None
    if len(parts) == 3:
        text, zone = f"{parts[0]} {parts[1]}", _zone(parts[2])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f"not a time nbgrader writes: {text!r}") from err
    if zone is not None:
        if moment.tzinfo is not None:
            raise ValueError(f"two time zones in one timestamp: {text!r}")
        moment = moment.replace(tzinfo=zone)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _zone(token: str) -> timezone | ZoneInfo:
    if token.upper() in _UTC_NAMES:
        return UTC
    offset = _OFFSET.match(token)
    if offset:
        minutes = int(offset["h"]) * 60 + int(offset["m"])
        return timezone(timedelta(minutes=-minutes if offset["sign"] == "-" else minutes))
    try:
        return ZoneInfo(token)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(f"unknown time zone {token!r} in an nbgrader timestamp") from err


def read_timestamp(folder: Path) -> tuple[datetime | None, str]:
    """``folder/timestamp.txt`` as a time, or (None, why not) -- '' when there is no such file."""
    path = folder / "timestamp.txt"
    if not path.is_file():
        return None, ""
    try:
        return parse_timestamp(path.read_text(encoding="utf-8", errors="replace")[:200]), ""
    except ValueError as err:
        return None, f"{path.name} unreadable ({err})"


@dataclass(frozen=True)
class InboundName:
    """One hand-in folder of nbgrader's exchange inbound: ``<student>+<lab>+<timestamp>[+<random>]``."""

    student: str
    lab: str
    timestamp: datetime | None


def inbound_name(folder_name: str) -> InboundName | None:
    """The reading of an inbound folder name, or None when it is not one."""
    parts = folder_name.split("+")
    if len(parts) < 3 or not parts[0] or not parts[1]:
        return None
    for stamp in ("+".join(parts[2:]), "+".join(parts[2:-1])):
        try:
            return InboundName(parts[0], parts[1], parse_timestamp(stamp))
        except ValueError:
            continue
    return None
