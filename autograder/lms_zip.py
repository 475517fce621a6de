"""Unpacking an untrusted submissions zip (an LMS bulk download) into a scratch folder.

A zip is student-controlled input, like a notebook: its entry names, its declared sizes and its
file modes are all chosen by whoever made it. ``unpack`` writes only the entries the caller
wants (notebooks, nbgrader's ``timestamp.txt``), only under ``dest``, and only within bounds:

- names: ``\\`` counts as a separator; absolute names, drive letters, ``..`` components, control
  characters, over-long or too deeply nested names are refused;
- kinds: symlinks, devices, FIFOs and sockets (the Unix mode in ``external_attr``) are refused,
  and so are encrypted entries and compression other than stored and deflate (the two the LMSs
  write; deflate's decompression is bounded per read, bzip2's and lzma's are not);
- sizes, checked on the central directory before anything is written: at most
  ``max_entries`` entries (else the whole zip is refused), each wanted entry at most
  ``max_entry_bytes`` and, above 1 MiB, a compression ratio of at most ``max_ratio``, all wanted
  entries together at most ``max_total_bytes`` (else the whole zip is refused);
- and because a header can lie, each entry is streamed with a byte cap: never more than its
  declared size (nor the per-entry and remaining total budgets) is written, and an entry that
  turns out longer or shorter than declared, or fails its CRC, is removed and skipped.

Files are created with ``O_EXCL | O_NOFOLLOW`` in folders this module made itself, so a second
entry of the same name cannot overwrite the first. Every entry that is not written is named in
``Unpacked.skipped`` with its reason, in plain words.
"""

from __future__ import annotations

import os
import stat
import time
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

CHUNK_BYTES = 1 << 16
MIB = 1 << 20
#: Entries smaller than this are never refused for their compression ratio (they cannot bomb).
RATIO_FLOOR_BYTES = MIB
ACCEPTED_COMPRESSION = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_UNIX_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
}


class ZipRefused(ValueError):
    """The whole zip is refused (not a zip, too many entries, too large in all); nothing was written."""


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on what one submissions zip may make the grader write."""

    max_entries: int = 20_000
    max_entry_bytes: int = 64 * MIB
    max_total_bytes: int = 2048 * MIB
    max_ratio: float = 500.0
    max_depth: int = 12
    max_component_bytes: int = 255


DEFAULT_LIMITS = ZipLimits()


@dataclass(frozen=True)
class Skipped:
    """One entry (or file) that was not taken, and why, in plain words."""

    entry: str
    reason: str

    def text(self) -> str:
        return f"{self.entry!r}: {self.reason}"


@dataclass
class Unpacked:
    """What ``unpack`` wrote: ``files`` maps each entry's (cleaned) relative name to its path under ``root``."""

    root: Path
    files: dict[str, Path] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    entries: int = 0
    bytes_written: int = 0


#: A predicate on an entry's cleaned relative path: None to take it, else the reason it is skipped.
Wanted = Callable[[PurePosixPath], "str | None"]


def wanted_for_grading(path: PurePosixPath) -> str | None:
    """Take notebooks and nbgrader's ``timestamp.txt``; say why anything else is left out."""
    name = path.name
    if path.parts and path.parts[0] == "__MACOSX" or name.startswith("._"):
        return "macOS metadata, not a submission"
    if ".ipynb_checkpoints" in path.parts or name.endswith("-checkpoint.ipynb"):
        return "a Jupyter checkpoint copy, not the submission"
    if name.lower().endswith(".ipynb") or name == "timestamp.txt":
        return None
    if name.lower().endswith(".zip"):
        return "a zip file (not opened: a zip inside the download, or beside other submissions)"
    return "not a notebook (.ipynb)"


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker meant it.

    A zip without the UTF-8 flag is read as cp437, but many makers (rubyzip as Canvas runs it, for
    one) write UTF-8 without setting the flag: ``'mÃ¼ller'`` is then really ``'müller'``.
    """
    name = info.filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    try:
        return name.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def clean_entry_name(raw: str, limits: ZipLimits = DEFAULT_LIMITS) -> tuple[PurePosixPath | None, str]:
    """The entry's relative path, or (None, why it is refused). Shapes: 'a\\\\b.ipynb' -> a/b.ipynb."""
    if "\x00" in raw or any(unicodedata.category(ch) == "Cc" for ch in raw):
        return None, "its name holds control characters"
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None, "an absolute path (it would be written outside the scratch folder)"
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None, "its path climbs out with '..' (it would be written outside the scratch folder)"
    if not parts:
        return None, "an empty name"
    if len(parts) > limits.max_depth:
        return None, f"nested {len(parts)} folders deep (at most {limits.max_depth})"
    if any(len(p.encode("utf-8", "surrogatepass")) > limits.max_component_bytes for p in parts):
        return None, f"a part of its name is longer than {limits.max_component_bytes} bytes"
    return PurePosixPath(*parts), ""


def _kind_refused(info: zipfile.ZipInfo) -> str | None:
    mode = info.external_attr >> 16
    kind = _UNIX_KINDS.get(stat.S_IFMT(mode)) if mode else None
    if kind:
        return f"{kind}, not a regular file"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.compress_type not in ACCEPTED_COMPRESSION:
        return f"compression method {info.compress_type} (only stored and deflate are accepted)"
    return None


def _size_refused(info: zipfile.ZipInfo, limits: ZipLimits) -> str | None:
    if info.file_size > limits.max_entry_bytes:
        return f"{info.file_size / MIB:.1f} MiB uncompressed, more than the {limits.max_entry_bytes / MIB:g} MiB an entry may be"
    if info.file_size > RATIO_FLOOR_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            return f"compressed {ratio:.0f} to 1 (at most {limits.max_ratio:g} to 1): a zip bomb"
    return None


def unpack(zip_path: Path, dest: Path, wanted: Wanted = wanted_for_grading, limits: ZipLimits = DEFAULT_LIMITS) -> Unpacked:
    """Write the wanted entries of ``zip_path`` under ``dest`` (created, must not exist or be empty)."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as err:
        raise ZipRefused(f"{zip_path} is not a readable zip file: {err}") from err
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise ZipRefused(f"{zip_path} has {len(infos)} entries, more than the {limits.max_entries} accepted")
        skipped: list[Skipped] = []
        plan = _plan(infos, wanted, limits, skipped)
        declared = sum(info.file_size for info, _ in plan)
        if declared > limits.max_total_bytes:
            raise ZipRefused(
                f"{zip_path}'s notebooks would take {declared / MIB:.0f} MiB uncompressed, "
                f"more than the {limits.max_total_bytes / MIB:g} MiB accepted"
            )
        dest.mkdir(parents=True, exist_ok=True)
        if any(dest.iterdir()):
            raise ZipRefused(f"the scratch folder {dest} is not empty")
        result = Unpacked(dest.resolve(), skipped=skipped, entries=len(infos))
        for info, relative in plan:
            budget = min(info.file_size, limits.max_entry_bytes, limits.max_total_bytes - result.bytes_written)
            target, reason = _write_entry(archive, info, result.root, relative, budget)
            if target is None:
                result.skipped.append(Skipped(info.filename, reason))
            else:
                result.files[str(relative)] = target
                result.bytes_written += target.stat().st_size
        return result


def _plan(
    infos: list[zipfile.ZipInfo], wanted: Wanted, limits: ZipLimits, skipped: list[Skipped]
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The entries to write, each with its cleaned path; every other non-folder entry goes to ``skipped``."""
    plan = []
    for info in infos:
        info.filename = entry_name(info)
        relative, why = clean_entry_name(info.filename, limits)
        if relative is None:
            skipped.append(Skipped(info.filename, why))
            continue
        if info.is_dir():
            continue  # folders are made as the files in them are written
        reason = _kind_refused(info) or wanted(relative) or _size_refused(info, limits)
        if reason:
            skipped.append(Skipped(info.filename, reason))
        else:
            plan.append((info, relative))
    return plan


def _write_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path, relative: PurePosixPath, budget: int
) -> tuple[Path | None, str]:
    """Stream one entry to ``root/relative`` with at most ``budget`` bytes; (path, "") or (None, reason)."""
    if budget < info.file_size:
        return None, "the zip's notebooks together exceed the size accepted"
    target = root.joinpath(*relative.parts)
    try:
        parent = _make_folders(root, relative.parts[:-1])
    except OSError as err:
        return None, f"cannot be written here ({err.strerror or err})"
    try:
        fd = os.open(target.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=parent)
    except FileExistsError:
        return None, "a second entry with the same name (the first one is kept)"
    except OSError as err:
        return None, f"cannot be written here ({err.strerror or err})"
    finally:
        os.close(parent)
    written, problem = 0, ""
    try:
        with os.fdopen(fd, "wb") as out, archive.open(info) as stream:
            while True:
                chunk = stream.read(min(CHUNK_BYTES, budget - written + 1))
                if not chunk:
                    break
                written += len(chunk)
                if written > budget:
                    problem = f"longer than its header says ({info.file_size} bytes): the header lies"
                    break
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
        problem = f"damaged: {err}"
    if not problem and written != info.file_size:
        problem = f"{written} bytes where its header says {info.file_size}: the header lies"
    if problem:
        target.unlink(missing_ok=True)
        return None, problem
    try:
        stamp = time.mktime((*info.date_time, 0, 0, -1))
        os.utime(target, (stamp, stamp))
    except (OverflowError, ValueError, OSError):
        pass  # an impossible date in the header: the file keeps the time it was written
    return target, ""


def _make_folders(root: Path, parts: tuple[str, ...]) -> int:
    """An fd of ``root/parts...``, each folder made here or already made here; never follows a symlink."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for part in parts:
            try:
                os.mkdir(part, 0o755, dir_fd=fd)
            except FileExistsError:
                pass
            child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd
