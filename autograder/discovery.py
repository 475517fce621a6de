"""Finding the submissions: one notebook per student, from the places instructors get them.

``discover_report(root, lab_id, scratch)`` recognises, and says which it recognised:

- a single notebook (``file``);
- a folder of ``<student>.ipynb`` (``flat``) and/or nbgrader's ``<student>/<lab>/<nb>.ipynb``
  (``nbgrader``; also given as the course folder holding ``submitted/``), with ``timestamp.txt``
  read into ``received_at``;
- nbgrader's exchange inbound, ``<student>+<lab>+<timestamp>/`` (``nbgrader``, several per student);
- Canvas's "Download Submissions" (``canvas``) and Moodle's "Download all submissions"
  (``moodle``), as the zip (unpacked safely into ``scratch``, see ``lms_zip``) or unzipped.

A student with several files counts once, with the latest (Canvas: the highest attachment id,
then the ``-N`` resubmission suffix; nbgrader inbound: the latest timestamp; otherwise the newest
file), preferring a notebook named after the lab. Every entry left out is named with its reason.
Two different files whose names map to one safe id are an error naming both.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from autograder.lms_names import LmsName, canvas_name, moodle_name, resubmission_stem
from autograder.lms_zip import (
    DEFAULT_LIMITS,
    Skipped,
    ZipLimits,
    ZipRefused,
    unpack,
    wanted_for_grading,
)
from autograder.nbgrader_layout import inbound_name, read_timestamp
from autograder.student_ids import safe_student_id
from autograder.submissions import Submission

__all__ = ["Discovery", "Skipped", "ZipRefused", "discover", "discover_report"]

LAYOUT_TITLES = {
    "file": "a single notebook",
    "flat": "a folder of <student>.ipynb",
    "nbgrader": "nbgrader's submitted/<student>/<lab>/<notebook>.ipynb",
    "nbgrader-inbound": "nbgrader's exchange inbound, <student>+<lab>+<timestamp>/",
    "flat+nbgrader": "a folder of <student>.ipynb and nbgrader's <student>/<lab>/ folders",
    "canvas": "Canvas \"Download Submissions\" (<name>_<user id>_<attachment id>_<file>)",
    "moodle": "Moodle \"Download all submissions\" (<Full Name>_<id>_assignsubmission_file_/)",
    "empty": "nothing recognisable",
}
UNPACKED_MARKER = "UNPACKED_BY_AUTOGRADER"


@dataclass
class Discovery:
    """What was found under ``root``: the submissions, the layout recognised, what was left out and why.

    ``layout`` is a key of ``LAYOUT_TITLES``; ``from_zip`` says whether ``root`` was a zip
    (unpacked under ``unpacked``); ``notes`` are plain-words remarks for the instructor.
    """

    root: Path
    submissions: list[Submission]
    layout: str
    from_zip: bool = False
    unpacked: Path | None = None
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line: ``recognised: Canvas "Download Submissions" (...), a zip: 3 submissions``."""
        where = ", a zip" if self.from_zip else ""
        count = len(self.submissions)
        return (f"recognised: {LAYOUT_TITLES[self.layout]}{where}: "
                f"{count} submission{'s' if count != 1 else ''}, {len(self.skipped)} left out")

    def text(self, max_skipped: int = 25) -> str:
        """The description, the notes, and each left-out entry with its reason (the first ``max_skipped``)."""
        lines = [self.describe(), *(f"  note: {n}" for n in self.notes)]
        for s in self.skipped[:max_skipped]:
            lines.append(f"  left out {s.text()}")
        if len(self.skipped) > max_skipped:
            lines.append(f"  ... and {len(self.skipped) - max_skipped} more left out (all in intake.json)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "layout": self.layout,
            "layout_title": LAYOUT_TITLES[self.layout],
            "from_zip": self.from_zip,
            "submissions": [
                {"student": s.student, "name": s.name, "notebook": str(s.notebook), "source_layout": s.source_layout,
                 "lms_user_id": s.lms_user_id, "marked_late": s.marked_late,
                 "received_at": s.received_at.isoformat() if s.received_at else None}
                for s in self.submissions
            ],
            "skipped": [{"entry": s.entry, "reason": s.reason} for s in self.skipped],
            "notes": self.notes,
        }


def discover(root: Path, lab_id: str, scratch: Path | None = None) -> list[Submission]:
    """The submissions under ``root`` (a folder, a notebook or an LMS zip); see ``discover_report``."""
    return discover_report(root, lab_id, scratch).submissions


def discover_report(root: Path, lab_id: str, scratch: Path | None = None, limits: ZipLimits = DEFAULT_LIMITS) -> Discovery:
    """Recognise the layout under ``root`` and find one notebook per student (zips need ``scratch``)."""
    root = Path(root)
    if root.is_file() and root.suffix.lower() != ".ipynb":
        return _discover_zip(root, lab_id, scratch, limits)
    if root.is_file():
        return Discovery(root, [Submission.named(root.stem, root, source_layout="file")], "file")
    if not root.is_dir():
        raise FileNotFoundError(f"no submissions at {root}")
    downloads = _only_zips(root)
    if downloads:  # a course's submissions/<lab>/ folder holding the LMS download(s)
        latest, *older = sorted(downloads, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
        found = _discover_zip(latest, lab_id, scratch, limits)
        found.notes.insert(0, f"read the newest zip in {root}, {latest.name}")
        found.skipped[:0] = [Skipped(p.name, f"an older download; the newest, {latest.name}, is read") for p in older]
        return found
    return _discover_folder(root, lab_id)


def _only_zips(folder: Path) -> list[Path]:
    """The zip files in ``folder`` when it holds nothing else but hidden files, else []."""
    entries = [e for e in folder.iterdir() if not e.name.startswith(".")]
    zips = [e for e in entries if e.is_file() and e.suffix.lower() == ".zip"]
    return zips if zips and len(zips) == len(entries) else []


def _discover_zip(zip_path: Path, lab_id: str, scratch: Path | None, limits: ZipLimits) -> Discovery:
    if not zipfile.is_zipfile(zip_path):
        raise ZipRefused(f"{zip_path} is neither a notebook (.ipynb) nor a zip file")
    if scratch is None:
        raise ValueError(f"{zip_path} is a zip: a scratch folder to unpack it into is needed")
    holder = Path(scratch) / safe_student_id(zip_path.stem)
    if holder.exists():
        if not (holder / UNPACKED_MARKER).is_file():
            raise ZipRefused(f"{holder} exists and was not made by the grader: remove it or choose another scratch folder")
        shutil.rmtree(holder)
    holder.mkdir(parents=True)
    (holder / UNPACKED_MARKER).write_text(f"unpacked from {zip_path.resolve()}; removed and remade on each run\n")
    unpacked = unpack(zip_path, holder / "files", wanted_for_grading, limits)
    found = _discover_folder(unpacked.root, lab_id)
    found.root, found.from_zip, found.unpacked = zip_path, True, unpacked.root
    found.skipped = unpacked.skipped + found.skipped
    return found


# --- folders -------------------------------------------------------------------------------------


def _discover_folder(root: Path, lab_id: str) -> Discovery:
    notes: list[str] = []
    top = _top_folder(root, lab_id, notes)
    skipped: list[Skipped] = []
    notebooks, folders = [], []
    for entry in sorted(top.iterdir()):
        if entry.name.startswith(".") and (entry.is_dir() or not entry.name.lower().endswith(".ipynb")):
            skipped.append(_skip(root, entry, "a hidden file or folder"))
        elif entry.name.startswith("._"):
            skipped.append(_skip(root, entry, "macOS metadata, not a submission"))
        elif entry.is_dir():
            folders.append(entry)
        elif entry.is_file() and entry.suffix.lower() == ".ipynb":
            notebooks.append(entry)
        else:
            skipped.append(_skip(root, entry, wanted_for_grading_name(entry) or "not a notebook or a folder"))
    layout = _recognise(notebooks, folders, lab_id)
    builders: dict[str, Callable[..., list[Submission]]] = {
        "canvas": _canvas, "moodle": _moodle, "nbgrader-inbound": _nbgrader_inbound, "flat+nbgrader": _flat_and_nbgrader,
    }
    submissions = builders[layout](root, notebooks, folders, lab_id, skipped, notes)
    if layout == "flat+nbgrader":
        kinds = {s.source_layout for s in submissions}
        layout = "flat+nbgrader" if kinds == {"flat", "nbgrader"} else (kinds.pop() if kinds else "empty")
    _refuse_clashes(root, submissions)
    return Discovery(root, sorted(submissions, key=lambda s: s.student), layout, skipped=skipped, notes=notes)


def wanted_for_grading_name(path: Path) -> str | None:
    return wanted_for_grading(PurePosixPath(path.name))


def _top_folder(root: Path, lab_id: str, notes: list[str]) -> Path:
    """``root``, or the folder the submissions really are in: nbgrader's ``submitted/``, a lone wrapper folder."""
    top = root
    for _ in range(4):
        if (top / "submitted").is_dir() and not (top / "submitted" / lab_id).is_dir():
            notes.append(f"read nbgrader's {(top / 'submitted').relative_to(root)}/ folder")
            top = top / "submitted"
            continue
        entries = [e for e in top.iterdir() if not e.name.startswith(".") and e.name != "__MACOSX"]
        if len(entries) == 1 and entries[0].is_dir():
            only = entries[0]
            if not (moodle_name(only.name) or inbound_name(only.name) or (only / lab_id).is_dir()):
                notes.append(f"looked inside the only folder, {only.relative_to(root)}/")
                top = only
                continue
        break
    return top


def _recognise(notebooks: list[Path], folders: list[Path], lab_id: str) -> str:
    """The layout most of the top-level entries follow (LMS names must be the majority)."""
    entries = len(notebooks) + len(folders)
    moodle = sum(1 for p in [*notebooks, *folders] if moodle_name(p.name))
    if moodle and moodle * 2 > entries:
        return "moodle"
    canvas = sum(1 for p in notebooks if canvas_name(p.name))
    if canvas and canvas * 2 > len(notebooks) and not any((f / lab_id).is_dir() for f in folders):
        return "canvas"
    inbound = sum(1 for f in folders if inbound_name(f.name))
    if inbound and inbound * 2 > len(folders) and not notebooks:
        return "nbgrader-inbound"
    return "flat+nbgrader"


def _skip(root: Path, path: Path, reason: str) -> Skipped:
    return Skipped(str(path.relative_to(root)), reason)


def _notebooks_in(folder: Path) -> list[Path]:
    """Notebooks anywhere under ``folder``, without checkpoint copies, oldest first."""
    found = [
        p for p in folder.rglob("*.ipynb")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
        and not p.name.endswith("-checkpoint.ipynb") and not p.name.startswith("._")
    ]
    return sorted(found, key=lambda p: (p.stat().st_mtime, str(p)))


def _named_after_lab(file_name: str, lab_id: str) -> bool:
    return resubmission_stem(file_name)[0].casefold() == lab_id.casefold()


def _pick_latest(
    root: Path,
    candidates: list[tuple[Any, Path, str]],
    lab_id: str,
    skipped: list[Skipped],
    who: str,
) -> tuple[Any, Path] | None:
    """The latest of one student's ``(order, notebook, file name)``, preferring one named after the lab."""
    if not candidates:
        return None
    preferred = [c for c in candidates if _named_after_lab(c[2], lab_id)] or candidates
    order, chosen, _ = max(preferred, key=lambda c: c[0])
    for _, path, name in candidates:
        if path == chosen:
            continue
        if len(preferred) < len(candidates) and not _named_after_lab(name, lab_id):
            why = f"another notebook of {who}; the one named after {lab_id}, {chosen.name}, counts"
        else:
            why = f"an earlier file of {who}; the latest, {chosen.name}, counts"
        skipped.append(_skip(root, path, why))
    return order, chosen


def _canvas(root: Path, notebooks: list[Path], folders: list[Path], lab_id: str,
            skipped: list[Skipped], notes: list[str]) -> list[Submission]:
    by_user: dict[str, list[tuple[tuple[int, ...], Path, str, LmsName]]] = {}
    for nb in notebooks:
        name = canvas_name(nb.name)
        if name is None:
            skipped.append(_skip(root, nb, "not named the Canvas way (<name>_<user id>_<attachment id>_<file>)"))
            continue
        by_user.setdefault(name.user_id, []).append((name.order, nb, name.file_name, name))
    for folder in folders:
        skipped.append(_skip(root, folder, "a folder in a Canvas download (Canvas puts every file at the top)"))
    found = []
    for user_id, files in sorted(by_user.items()):
        picked = _pick_latest(root, [(o, p, f) for o, p, f, _ in files], lab_id, skipped, f"Canvas user {user_id}")
        assert picked is not None
        name = next(n for _, p, _, n in files if p == picked[1])
        found.append(Submission(safe_student_id(name.student_key()), picked[1], name.name or user_id,
                                source_layout="canvas", lms_user_id=user_id, marked_late=name.marked_late))
    late = sum(s.marked_late for s in found)
    if late:
        notes.append(f"{late} marked LATE by Canvas (Canvas gives no time: see the late policy for how it counts)")
    return found


def _moodle(root: Path, notebooks: list[Path], folders: list[Path], lab_id: str,
            skipped: list[Skipped], notes: list[str]) -> list[Submission]:
    by_user: dict[str, list[tuple[tuple[float, str], Path, str, LmsName]]] = {}
    for entry in [*folders, *notebooks]:
        name = moodle_name(entry.name)
        if name is None:
            skipped.append(_skip(root, entry, "not named the Moodle way (<Full Name>_<id>_assignsubmission_file_)"))
            continue
        if name.plugin != "file":
            skipped.append(_skip(root, entry, f"Moodle's {name.plugin} answer, not a notebook file"))
            continue
        files = _notebooks_in(entry) if entry.is_dir() else [entry]
        if entry.is_dir() and not files:
            skipped.append(_skip(root, entry, "a Moodle submission folder without a notebook"))
        for nb in files:
            file_name = nb.name if entry.is_dir() else name.file_name
            by_user.setdefault(name.user_id, []).append(((nb.stat().st_mtime, str(nb)), nb, file_name, name))
    found = []
    for user_id, files in sorted(by_user.items()):
        picked = _pick_latest(root, [(o, p, f) for o, p, f, _ in files], lab_id, skipped, f"Moodle participant {user_id}")
        assert picked is not None
        name = next(n for _, p, _, n in files if p == picked[1])
        found.append(Submission(safe_student_id(name.student_key()), picked[1], name.name,
                                source_layout="moodle", lms_user_id=user_id))
    if found:
        notes.append("Moodle's download carries no submission times: no late penalty can be worked out from it")
    return found


def _nbgrader_inbound(root: Path, notebooks: list[Path], folders: list[Path], lab_id: str,
                      skipped: list[Skipped], notes: list[str]) -> list[Submission]:
    by_student: dict[str, list[tuple[tuple[datetime, str], Path, str, datetime]]] = {}
    for folder in folders:
        name = inbound_name(folder.name)
        if name is None:
            skipped.append(_skip(root, folder, "not named the nbgrader inbound way (<student>+<lab>+<timestamp>)"))
            continue
        if name.lab != lab_id:
            skipped.append(_skip(root, folder, f"a hand-in for {name.lab!r}, not {lab_id!r}"))
            continue
        received, problem = read_timestamp(folder)
        received = received or name.timestamp
        if problem:
            notes.append(f"{folder.name}: {problem}; the time in the folder name is used")
        files = _notebooks_in(folder)
        if not files:
            skipped.append(_skip(root, folder, "an nbgrader hand-in without a notebook"))
            continue
        for nb in files:
            by_student.setdefault(name.student, []).append(((received, folder.name), nb, nb.name, received))
    found = []
    for student, files in sorted(by_student.items()):
        # The latest hand-in first, then one notebook of it.
        latest_folder = max(files, key=lambda f: f[0])[1].parent
        in_latest = [f for f in files if f[1].is_relative_to(latest_folder)]
        for _, nb, _, _ in files:
            if not nb.is_relative_to(latest_folder):
                skipped.append(_skip(root, nb, f"an earlier hand-in of {student}; the latest, {latest_folder.name}, counts"))
        picked = _pick_latest(root, [((nb.stat().st_mtime, str(nb)), nb, f) for _, nb, f, _ in in_latest],
                              lab_id, skipped, student)
        assert picked is not None
        received = in_latest[0][3]
        found.append(Submission.named(student, picked[1], source_layout="nbgrader", received_at=received))
    return found


def _flat_and_nbgrader(root: Path, notebooks: list[Path], folders: list[Path], lab_id: str,
                       skipped: list[Skipped], notes: list[str]) -> list[Submission]:
    found = [Submission.named(p.stem, p, source_layout="flat") for p in notebooks]
    for student_dir in folders:
        lab_dir = student_dir / lab_id
        files = _notebooks_in(lab_dir) if lab_dir.is_dir() else []
        files = [f for f in files if f.parent == lab_dir]
        if not files:
            skipped.append(_skip(root, student_dir, f"a folder without {lab_id}/<notebook>.ipynb inside "
                                 "(nbgrader's layout is <student>/<lab>/<notebook>.ipynb)"))
            continue
        picked = _pick_latest(root, [((f.stat().st_mtime, str(f)), f, f.name) for f in files],
                              lab_id, skipped, student_dir.name)
        assert picked is not None
        received, problem = read_timestamp(lab_dir)
        if problem:
            notes.append(f"{lab_dir.relative_to(root)}: {problem}")
        found.append(Submission.named(student_dir.name, picked[1], source_layout="nbgrader", received_at=received))
    return found


def _refuse_clashes(root: Path, found: Iterable[Submission]) -> None:
    by_id: dict[str, list[Submission]] = {}
    for submission in found:
        by_id.setdefault(submission.student, []).append(submission)
    clashes = [group for group in by_id.values() if len(group) > 1]
    if clashes:
        described = "; ".join(
            f"id {group[0].student!r} from " + " and ".join(str(s.notebook.relative_to(root)) for s in group)
            for group in clashes
        )
        raise ValueError(f"more than one submission for one student: {described}")

