"""A course directory: which labs, when they are due, the late policy, where things live.

``autograder course init DIR --labs a,b`` writes ``DIR/course.toml`` (and ``DIR/submissions/<lab>/``);
``grade`` and ``report`` take ``--course DIR`` and read it with ``load_course``. The file::

    name = "Unit 4"
    profile = "ci"                 # the grading profile of every lab unless the lab says otherwise
    workers = 1
    timezone = "UTC"               # what a due time without an offset means
    out_dir = "graded"             # relative paths are relative to the course folder
    # db_url = "postgresql+psycopg://..."   (default: sqlite file gradebook.db in the course folder)

    [late_policy]                  # the course's default policy
    penalty_per_day = 0.1          # fraction of the lab's points per started day late
    cutoff_days = 7                # 0 points when more late than this (omit: no cutoff)

    [labs.bptt_numpy]
    due = "2026-12-01T23:59:00+00:00"
    submissions = "submissions/bptt_numpy"
    # data_dir = "data/bptt_numpy"   profile = "class"   penalty_per_day = 0.2   cutoff_days = 3

A key the grader does not know is an error naming it, so a typo never silently drops a policy.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from autograder.labspec import available_labs
from autograder.lateness import LatePolicy, parse_due, resolve_policy

COURSE_FILE = "course.toml"
_COURSE_KEYS = {"name", "profile", "workers", "timezone", "out_dir", "db_url", "late_policy", "labs"}
_POLICY_KEYS = {"penalty_per_day", "cutoff_days"}
_LAB_KEYS = {"due", "submissions", "data_dir", "profile"} | _POLICY_KEYS


class CourseError(ValueError):
    """course.toml is missing or wrong; the message says what and where."""


@dataclass(frozen=True)
class CourseLab:
    """One lab of the course: its due time and late policy (None: none), data folder, profile, submissions folder."""

    id: str
    due: datetime | None
    late_policy: LatePolicy | None
    data_dir: Path | None
    profile: str
    submissions: Path


@dataclass(frozen=True)
class Course:
    """A course folder's settings, paths resolved against ``directory``."""

    name: str
    directory: Path
    labs: dict[str, CourseLab]
    profile: str = "ci"
    db_url: str = ""
    out_dir: Path = Path()
    workers: int = 1
    timezone: str = "UTC"
    default_policy: dict[str, Any] = field(default_factory=dict)

    def lab(self, lab_id: str) -> CourseLab:
        """The course's settings for ``lab_id``; an error naming the course's labs when it has no such lab."""
        try:
            return self.labs[lab_id]
        except KeyError:
            raise CourseError(f"the course {self.name!r} ({self.directory / COURSE_FILE}) has no lab {lab_id!r}; "
                              f"its labs: {', '.join(self.labs) or 'none'}") from None

    def text(self) -> str:
        """The course for the terminal: folders, database, and each lab's due time and policy."""
        lines = [f"course {self.name!r} in {self.directory}", f"  profile {self.profile}, {self.workers} worker(s)",
                 f"  results: {self.out_dir}", f"  gradebook: {self.db_url}"]
        for lab in self.labs.values():
            policy = lab.late_policy.text() if lab.late_policy else "no due time"
            extra = f", data {lab.data_dir}" if lab.data_dir else ""
            lines.append(f"  {lab.id}: {policy}; profile {lab.profile}; submissions {lab.submissions}{extra}")
        return "\n".join(lines)


def load_course(directory: Path) -> Course:
    """Read ``directory/course.toml``; every key checked, every path resolved, every due time parsed."""
    directory = Path(directory).resolve()
    path = directory / COURSE_FILE
    if not path.is_file():
        raise CourseError(f"no {COURSE_FILE} in {directory} (make one with: autograder course init {directory} --labs ...)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise CourseError(f"{path} is not valid TOML: {err}") from err
    _refuse_unknown(raw, _COURSE_KEYS, str(path))
    timezone_name = _typed(raw, "timezone", str, "UTC", path)
    profile = _typed(raw, "profile", str, "ci", path)
    default_policy = raw.get("late_policy", {})
    _refuse_unknown(default_policy, _POLICY_KEYS, f"{path} [late_policy]")
    known = set(available_labs())
    labs: dict[str, CourseLab] = {}
    for lab_id, settings in raw.get("labs", {}).items():
        where = f"{path} [labs.{lab_id}]"
        if lab_id not in known:
            raise CourseError(f"{where}: unknown lab {lab_id!r} (known labs: {', '.join(sorted(known))})")
        if not isinstance(settings, dict):
            raise CourseError(f"{where}: expected a table of settings")
        _refuse_unknown(settings, _LAB_KEYS, where)
        labs[lab_id] = _course_lab(lab_id, settings, default_policy, directory, profile, timezone_name, where)
    workers = _typed(raw, "workers", int, 1, path)
    if workers < 1:
        raise CourseError(f"{path}: workers is at least 1; found {workers}")
    db_url = _typed(raw, "db_url", str, "", path) or f"sqlite:///{directory / 'gradebook.db'}"
    if db_url.startswith("sqlite:///") and not db_url.startswith("sqlite:////"):
        db_url = f"sqlite:///{directory / db_url.removeprefix('sqlite:///')}"
    return Course(
        name=_typed(raw, "name", str, directory.name, path),
        directory=directory,
        labs=labs,
        profile=profile,
        db_url=db_url,
        out_dir=directory / _typed(raw, "out_dir", str, "graded", path),
        workers=workers,
        timezone=timezone_name,
        default_policy=dict(default_policy),
    )


def _course_lab(lab_id: str, settings: dict[str, Any], default_policy: dict[str, Any], directory: Path,
                profile: str, timezone_name: str, where: str) -> CourseLab:
    due_text = settings.get("due")
    try:
        if isinstance(due_text, datetime):  # TOML's own date-time type
            due = due_text if due_text.tzinfo else parse_due(due_text.isoformat(), timezone_name)
        elif due_text is None or isinstance(due_text, str):
            due = parse_due(due_text, timezone_name) if due_text else None
        else:
            raise ValueError(f"due is a date and time, found {due_text!r}")
        penalty = settings.get("penalty_per_day", default_policy.get("penalty_per_day"))
        cutoff = settings.get("cutoff_days", default_policy.get("cutoff_days"))
        for key, value in (("penalty_per_day", penalty), ("cutoff_days", cutoff)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ValueError(f"{key} is a number, found {value!r}")
        policy = resolve_policy(None, due, penalty, cutoff) if due else None
    except ValueError as err:
        raise CourseError(f"{where}: {err}") from err
    data_dir = settings.get("data_dir")
    return CourseLab(
        id=lab_id,
        due=due,
        late_policy=policy,
        data_dir=directory / data_dir if data_dir else None,
        profile=settings.get("profile", profile),
        submissions=directory / settings.get("submissions", f"submissions/{lab_id}"),
    )


def _refuse_unknown(table: Any, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise CourseError(f"{where}: expected a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise CourseError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(allowed))})")


def _typed(raw: dict[str, Any], key: str, kind: type, default: Any, path: Path) -> Any:
    value = raw.get(key, default)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise CourseError(f"{path}: {key} is a {kind.__name__}, found {value!r}")
    return value


def init_course(
    directory: Path,
    labs: list[str],
    due: dict[str, str] | None = None,
    penalty_per_day: float | None = None,
    cutoff_days: float | None = None,
    profile: str = "ci",
    name: str | None = None,
    data: dict[str, str] | None = None,
    db_url: str | None = None,
    workers: int = 1,
    timezone_name: str = "UTC",
    force: bool = False,
) -> Course:
    """Write ``directory/course.toml`` (refusing to replace one unless ``force``) and the submissions folders."""
    directory = Path(directory)
    due, data = dict(due or {}), dict(data or {})
    known = set(available_labs())
    if not labs:
        raise CourseError(f"a course needs at least one lab (known labs: {', '.join(sorted(known))})")
    for lab_id in [*labs, *due, *data]:
        if lab_id not in known:
            raise CourseError(f"unknown lab {lab_id!r} (known labs: {', '.join(sorted(known))})")
    for lab_id in [*due, *data]:
        if lab_id not in labs:
            raise CourseError(f"{lab_id!r} has a due time or data folder but is not among --labs {','.join(labs)}")
    path = directory / COURSE_FILE
    if path.exists() and not force:
        raise CourseError(f"{path} exists already (--force replaces it)")
    for text in due.values():
        parse_due(text, timezone_name)  # refuse a bad time before writing anything
    resolve_policy(None, "2000-01-01T00:00", penalty_per_day, cutoff_days)  # validates the numbers
    directory.mkdir(parents=True, exist_ok=True)
    lines = [
        "# The course's settings for the Unit-4 autograder (autograder course init). Relative paths are",
        "# relative to this folder; a due time without an offset is in `timezone`.",
        f"name = {_toml_string(name or directory.resolve().name)}",
        f"profile = {_toml_string(profile)}",
        f"workers = {int(workers)}",
        f"timezone = {_toml_string(timezone_name)}",
        'out_dir = "graded"',
        f"db_url = {_toml_string(db_url)}" if db_url else
        '# db_url = "postgresql+psycopg://user@host/course"   (default: the sqlite file gradebook.db here)',
        "",
        "[late_policy]",
        "# penalty_per_day: fraction of a lab's points taken per started day late; cutoff_days: 0 points past it",
        f"penalty_per_day = {float(penalty_per_day or 0.0)!r}",
        f"cutoff_days = {float(cutoff_days)!r}" if cutoff_days is not None else "# cutoff_days = 7",
    ]
    for lab_id in labs:
        lines += ["", f"[labs.{lab_id}]"]
        lines.append(f"due = {_toml_string(parse_due(due[lab_id], timezone_name).isoformat())}" if lab_id in due
                     else '# due = "2026-12-01T23:59:00+00:00"')
        lines.append(f'submissions = "submissions/{lab_id}"')
        lines.append(f"data_dir = {_toml_string(data[lab_id])}" if lab_id in data else f'# data_dir = "data/{lab_id}"')
        (directory / "submissions" / lab_id).mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_course(directory)


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, DEL escaped as well."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
