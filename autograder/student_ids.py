"""Safe, stable student ids: what names every path the grader writes for a student.

A submission's file or folder name is untrusted: ``...ipynb`` has the stem ``..``, an LMS
download may carry spaces, accents in either Unicode form, shell metacharacters, control or
bidirectional-override characters. The id made from it is NFC-normalised and keeps only
letters, digits and ``. _ -`` (everything else becomes ``_``); it never starts with a dot, is
never empty and never longer than 80 characters. When anything had to change, a short hash
of the original name is appended, so two different names never quietly share an id. The
original name is kept for display (``results.json``'s ``student_name``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_ID_LENGTH = 80
_UNSAFE_RUN = re.compile(r"[^\w.\-]+")
_DOTS_AT_START = re.compile(r"^[._\-]+")


def visible_characters(name: str) -> str:
    """``name`` without control, format (bidi overrides, zero-width) and unassigned characters."""
    return "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")


def safe_student_id(name: str) -> str:
    """The id for paths and tables: a non-empty ASCII-safe-punctuation name, stable for ``name``."""
    normal = unicodedata.normalize("NFC", name)
    cleaned = _UNSAFE_RUN.sub("_", visible_characters(normal), 0)
    cleaned = _DOTS_AT_START.sub("", cleaned).rstrip("._-")
    if cleaned == normal and 0 < len(cleaned) <= MAX_ID_LENGTH:
        return cleaned
    digest = hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    stem = cleaned[: MAX_ID_LENGTH - 9] or "student"
    return f"{stem}-{digest}"


def is_safe_student_id(student: str) -> bool:
    """True when ``student`` can name a folder as it is (``safe_student_id`` leaves it unchanged)."""
    return safe_student_id(student) == student
