"""Reading who handed in a file from the names LMS bulk downloads give their files.

Canvas ("Download Submissions", ``ContentZipper#add_submission`` in canvas-lms): one file per
attachment, at the top of the zip, named::

    <name>[_LATE]_<user id>_<attachment id>_<original file name>
    doejane_LATE_12345_67890_bptt_numpy.ipynb      anon_aB3dE_67890_lab.ipynb (anonymous grading)

``<name>`` is the student's sortable name ("Doe, Jane") lower-cased with everything but letters,
digits and ``_`` removed, and never contains ``_<digits>_``; ``LATE`` is there when Canvas
counts the submission late (older Canvas wrote it in lower case); the user id is digits, or
``anon_<id>`` under anonymous grading. A student who uploads a file of a name they already used
gets ``lab-1.ipynb``, ``lab-2.ipynb`` from Canvas; attachment ids grow with time.

Moodle ("Download all submissions", ``assign::download_submissions``): by default a folder per
student and plugin, ``<Full Name>_<participant id>_assignsubmission_file_/<file path>``; with
"download submissions in folders" off, flat files ``<Full Name>_<participant
id>_assignsubmission_file_<file name>``. The participant id is the assignment's own id for the
student (what Moodle's grading worksheet calls ``Participant <id>``), ``<Full Name>`` has its
``_`` turned into spaces, and is ``Participant`` under blind marking. Online-text answers come as
``..._assignsubmission_onlinetext_/onlinetext.html``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

_CANVAS = re.compile(
    r"^(?:(?P<name>.*?)_)??(?P<late>LATE_)?(?P<uid>anon_[A-Za-z0-9]+|\d+)_(?P<attachment>\d+)_(?P<file>.+)$",
    re.IGNORECASE,
)
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<rest>.*)$", re.DOTALL)
_RESUBMISSION = re.compile(r"^(?P<stem>.*?)(?:-(?P<n>\d+)| \((?P<m>\d+)\))$")


@dataclass(frozen=True)
class LmsName:
    """Who a file in an LMS download belongs to.

    ``name`` is the student's name as the LMS wrote it (display only), ``user_id`` the LMS's id
    for them, ``marked_late`` the LMS's late marker, ``order`` sorts one student's files from
    oldest to newest (Canvas: attachment id, then the ``-N`` suffix), ``file_name`` the name the
    student gave the file and ``plugin`` Moodle's submission plugin (``file``, ``onlinetext``).
    """

    lms: str
    name: str
    user_id: str
    file_name: str
    marked_late: bool = False
    order: tuple[int, ...] = ()
    plugin: str = "file"

    def student_key(self) -> str:
        """The text the safe student id is made from: name and LMS id, so two Jane Does stay two."""
        readable = self.name.replace(" ", "_") if self.name else ""
        return f"{readable}_{self.user_id}" if readable else self.user_id


def resubmission_stem(file_name: str) -> tuple[str, int]:
    """``'lab-2.ipynb'`` -> ``('lab', 2)``, ``'lab (1).ipynb'`` -> ``('lab', 1)``, ``'lab.ipynb'`` -> ``('lab', 0)``."""
    stem = PurePosixPath(file_name).stem
    match = _RESUBMISSION.match(stem)
    if not match:
        return stem, 0
    return match["stem"], int(match["n"] or match["m"])


def canvas_name(file_name: str) -> LmsName | None:
    """The Canvas reading of a top-level file name, or None when it is not named the Canvas way."""
    match = _CANVAS.match(file_name)
    if not match:
        return None
    _, suffix = resubmission_stem(file_name)
    return LmsName(
        lms="canvas",
        name=match["name"] or "",
        user_id=match["uid"],
        file_name=match["file"],
        marked_late=bool(match["late"]),
        order=(int(match["attachment"]), suffix),
    )


def moodle_name(top: str) -> LmsName | None:
    """The Moodle reading of a top-level folder (``..._assignsubmission_file_``) or flat file name."""
    match = _MOODLE.match(top)
    if not match:
        return None
    return LmsName(
        lms="moodle",
        name=match["name"],
        user_id=match["uid"],
        file_name=match["rest"],
        plugin=match["plugin"],
    )
