"""Intake from where submissions come from: Canvas and Moodle zips, nbgrader folders, hostile zips.

Every zip here is a real zip file: made with Python's ``zipfile`` (hostile names, symlink and
device entries through ``external_attr``) or, where ``zipfile`` will not write the lie, byte by
byte (a multi-GB zip bomb made cheaply from one repeated deflate block, sizes that lie).
"""

from __future__ import annotations

import json
import os
import stat
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import notebook_with_cells, reference_notebook

from autograder.discovery import discover, discover_report
from autograder.lms_names import canvas_name, moodle_name
from autograder.lms_zip import ZipLimits, ZipRefused, unpack
from autograder.nbgrader_layout import parse_timestamp

LAB = "bptt_numpy"
GIB = 1 << 30


def small_notebook(tmp: Path, text: str = "x = 1") -> bytes:
    """The bytes of a real (tiny) notebook."""
    return notebook_with_cells(tmp / f"nb-{abs(hash(text))}.ipynb", text).read_bytes()


def write_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def reasons(found) -> dict[str, str]:  # noqa: ANN001
    return {s.entry: s.reason for s in found.skipped}


# --- Canvas --------------------------------------------------------------------------------------


def test_canvas_names_are_read_as_canvas_writes_them() -> None:
    late = canvas_name("doejane_LATE_12345_67890_bptt_numpy.ipynb")
    assert late and (late.name, late.user_id, late.marked_late, late.file_name) == ("doejane", "12345", True, "bptt_numpy.ipynb")
    resubmitted = canvas_name("doejane_12345_67999_bptt_numpy-2.ipynb")
    assert resubmitted and resubmitted.order == (67999, 2) and not resubmitted.marked_late
    anonymous = canvas_name("anon_aB3dE_67890_lab_1_2.ipynb")
    assert anonymous and (anonymous.name, anonymous.user_id, anonymous.file_name) == ("", "anon_aB3dE", "lab_1_2.ipynb")
    assert canvas_name("obrien_pat_77_88_my_lab_3_4.ipynb").user_id == "77"  # the name may hold "_", never "_<digits>_"
    assert canvas_name("alice.ipynb") is None
    assert moodle_name("Jane Doe_1001_assignsubmission_file_").user_id == "1001"


def test_canvas_zip_is_recognised_and_the_latest_file_counts(tmp_path: Path) -> None:
    nb = small_notebook(tmp_path)
    archive = write_zip(tmp_path / "submissions.zip", {
        "doejane_12345_67890_bptt_numpy.ipynb": nb,
        "doejane_12345_67950_bptt_numpy-1.ipynb": nb + b" ",           # resubmitted: the latest
        "doejane_12345_67951_scratch.ipynb": nb,                       # another notebook, not the lab's
        "doejane_12345_67952_report.pdf": b"%PDF-1.4",
        "smithjohn_LATE_222_1001_BPTT_numpy.ipynb": nb,
        "smithjohn_333_1002_bptt_numpy.ipynb": nb,                     # another John Smith: another student
        "anon_aB3dE_3003_bptt_numpy.ipynb": nb,
        "smithjohn_333_1003_lab.zip": b"PK",
    })
    found = discover_report(archive, LAB, scratch=tmp_path / "scratch")
    assert found.layout == "canvas" and found.from_zip
    assert "Canvas" in found.describe() and "a zip" in found.describe()
    by_user = {s.lms_user_id: s for s in found.submissions}
    assert set(by_user) == {"222", "333", "12345", "anon_aB3dE"}
    jane = by_user["12345"]
    assert jane.notebook.name == "doejane_12345_67950_bptt_numpy-1.ipynb" and jane.name == "doejane"
    assert jane.source_layout == "canvas" and not jane.marked_late and jane.student == "doejane_12345"
    assert by_user["222"].marked_late and not by_user["333"].marked_late
    assert by_user["222"].student != by_user["333"].student  # two Smith Johns stay two
    assert by_user["anon_aB3dE"].student == "anon_aB3dE"
    why = reasons(found)
    assert "earlier file of Canvas user 12345" in why["doejane_12345_67890_bptt_numpy.ipynb"]
    assert "another notebook of Canvas user 12345" in why["doejane_12345_67951_scratch.ipynb"]
    assert "not a notebook" in why["doejane_12345_67952_report.pdf"]
    assert "a zip file (not opened" in why["smithjohn_333_1003_lab.zip"]
    assert all(s.notebook.is_relative_to(tmp_path / "scratch") for s in found.submissions)
    assert any("marked LATE" in n for n in found.notes)
    # The same download unzipped by hand: still Canvas, the same students.
    unzipped = discover_report(found.unpacked, LAB)
    assert unzipped.layout == "canvas" and not unzipped.from_zip
    assert [s.student for s in unzipped.submissions] == [s.student for s in found.submissions]
    assert json.loads(json.dumps(found.to_dict()))["layout"] == "canvas"
    # Run again: the grader's own scratch folder is remade, a foreign one is refused.
    assert [s.student for s in discover_report(archive, LAB, scratch=tmp_path / "scratch").submissions] == \
        [s.student for s in found.submissions]
    # A course's submissions/<lab>/ folder holding the downloads: the newest zip is read.
    folder = tmp_path / "course" / "submissions" / LAB
    folder.mkdir(parents=True)
    write_zip(folder / "old.zip", {"doejane_12345_67890_bptt_numpy.ipynb": nb})
    os.utime(folder / "old.zip", (1e9, 1e9))
    (folder / "submissions.zip").write_bytes(archive.read_bytes())
    newest = discover_report(folder, LAB, scratch=tmp_path / "scratch")
    assert newest.layout == "canvas" and len(newest.submissions) == 4
    assert "an older download" in reasons(newest)["old.zip"]
    (tmp_path / "foreign" / "submissions").mkdir(parents=True)
    with pytest.raises(ZipRefused, match="not made by the grader"):
        discover(archive, LAB, scratch=tmp_path / "foreign")


def test_utf8_names_written_without_the_utf8_flag_are_read_as_meant(tmp_path: Path) -> None:
    name = "müllerjörg_444_5001_bptt_numpy.ipynb"  # rubyzip (Canvas) writes UTF-8 without setting the flag
    archive = write_zip(tmp_path / "canvas.zip", {name: small_notebook(tmp_path)})
    data = bytearray(archive.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        struct.pack_into("<H", data, at + flag_at, struct.unpack_from("<H", data, at + flag_at)[0] & ~0x800)
    archive.write_bytes(bytes(data))
    assert zipfile.ZipFile(archive).namelist() == [name.encode().decode("cp437")]  # what zipfile alone reads
    [found] = discover(archive, LAB, scratch=tmp_path / "scratch")
    assert (found.name, found.lms_user_id, found.notebook.name) == ("müllerjörg", "444", name)


def test_a_folder_keeps_dot_named_notebooks_and_names_what_it_leaves_out(tmp_path: Path) -> None:
    for name in ("...ipynb", "ann.ipynb", "._ann.ipynb", ".DS_Store", "notes.txt"):
        (tmp_path / name).write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    found = discover_report(tmp_path, LAB)
    assert found.layout == "flat" and sorted(s.name for s in found.submissions) == ["..", "ann"]
    assert reasons(found) == {"._ann.ipynb": "macOS metadata, not a submission", ".DS_Store": "a hidden file or folder",
                              ".ipynb_checkpoints": "a hidden file or folder", "notes.txt": "not a notebook (.ipynb)"}


def test_a_zip_needs_a_scratch_folder(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "s.zip", {"alice.ipynb": small_notebook(tmp_path)})
    with pytest.raises(ValueError, match="scratch folder"):
        discover(archive, LAB)


# --- Moodle --------------------------------------------------------------------------------------


def test_moodle_zip_with_folders_and_without(tmp_path: Path) -> None:
    nb = small_notebook(tmp_path)
    folders = write_zip(tmp_path / "moodle.zip", {
        "Jane Doe_1001_assignsubmission_file_/bptt_numpy.ipynb": nb,
        "Jane Doe_1001_assignsubmission_onlinetext_/onlinetext.html": b"<p>hi</p>",
        "Jörg Müller_1002_assignsubmission_file_/work/lab4.ipynb": nb,
        "Participant_1003_assignsubmission_file_/notes.txt": b"no notebook",
    })
    found = discover_report(folders, LAB, scratch=tmp_path / "scratch")
    assert found.layout == "moodle" and "Moodle" in found.describe()
    assert [(s.name, s.lms_user_id, s.notebook.name) for s in found.submissions] == [
        ("Jane Doe", "1001", "bptt_numpy.ipynb"), ("Jörg Müller", "1002", "lab4.ipynb")]
    assert all(s.source_layout == "moodle" and s.received_at is None for s in found.submissions)
    assert found.submissions[0].student == "Jane_Doe_1001"
    why = reasons(found)
    assert "not a notebook" in why["Jane Doe_1001_assignsubmission_onlinetext_/onlinetext.html"]
    assert "not a notebook" in why["Participant_1003_assignsubmission_file_/notes.txt"]
    assert any("no submission times" in n for n in found.notes)

    flat = write_zip(tmp_path / "moodle-flat.zip", {
        "Jane Doe_1001_assignsubmission_file_bptt_numpy.ipynb": nb,
        "Ann Lee_1004_assignsubmission_file_lab.ipynb": nb,
    })
    found = discover_report(flat, LAB, scratch=tmp_path / "scratch")
    assert found.layout == "moodle" and [s.lms_user_id for s in found.submissions] == ["1004", "1001"]


# --- nbgrader ------------------------------------------------------------------------------------


def test_nbgrader_timestamps_as_nbgrader_writes_them() -> None:
    from nbgrader.exchange.abc.exchange import Exchange  # its own default timestamp_format

    fmt = Exchange.timestamp_format.default_value
    written = datetime(2026, 12, 2, 1, 30, 5, 123456, tzinfo=UTC).strftime(fmt)
    assert parse_timestamp(written) == datetime(2026, 12, 2, 1, 30, 5, 123456, tzinfo=UTC)
    assert parse_timestamp("2026-12-01 20:30:05 America/New_York") == datetime(2026, 12, 2, 1, 30, 5, tzinfo=UTC)
    assert parse_timestamp("2026-12-01 20:30:05 -0500").hour == 1
    assert parse_timestamp("2026-12-02T01:30:05Z").hour == 1
    with pytest.raises(ValueError, match="time zone"):
        parse_timestamp("2026-12-01 20:30:05 Mars/Olympus")


def test_nbgrader_submitted_reads_timestamp_txt(tmp_path: Path) -> None:
    course = tmp_path / "course"
    for student, stamp in (("ann", "2026-12-02 01:30:00.000000 UTC"), ("bob", None)):
        lab_dir = course / "submitted" / student / LAB
        notebook_with_cells(lab_dir / f"{LAB}.ipynb", "x = 1")
        notebook_with_cells(lab_dir / "extra.ipynb", "y = 2")
        if stamp:
            (lab_dir / "timestamp.txt").write_text(stamp)
    (course / "submitted" / "carl" / "other_lab").mkdir(parents=True)
    found = discover_report(course, LAB)  # the course folder: its submitted/ is read
    assert found.layout == "nbgrader"
    ann, bob = found.submissions
    assert ann.received_at == datetime(2026, 12, 2, 1, 30, tzinfo=UTC) and bob.received_at is None
    assert ann.notebook.name == f"{LAB}.ipynb"
    why = reasons(found)
    assert f"named after {LAB}" in why[f"submitted/ann/{LAB}/extra.ipynb"]
    assert "without bptt_numpy/" in why["submitted/carl"]

    # The same tree, zipped by the instructor: recognised the same, timestamps kept.
    archive = tmp_path / "collected.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(course.rglob("*")):
            if path.is_file():
                zf.write(path, f"course/{path.relative_to(course)}")
    zipped = discover_report(archive, LAB, scratch=tmp_path / "scratch")
    assert zipped.layout == "nbgrader" and [s.received_at for s in zipped.submissions] == [ann.received_at, None]


def test_nbgrader_inbound_latest_hand_in_counts(tmp_path: Path) -> None:
    inbound = tmp_path / "inbound"
    for folder, code in ((f"ann+{LAB}+2026-12-01 10:00:00.000000 UTC", "x = 1"),
                         (f"ann+{LAB}+2026-12-02 09:00:00.000000 UTC+a1b2c3", "x = 2"),
                         (f"bob+{LAB}+2026-12-01 08:00:00.000000 UTC", "x = 3"),
                         ("bob+char_rnn+2026-12-01 08:00:00.000000 UTC", "x = 4")):
        notebook_with_cells(inbound / folder / f"{LAB}.ipynb", code)
    (inbound / f"bob+{LAB}+2026-12-01 08:00:00.000000 UTC" / "timestamp.txt").write_text("2026-12-01 08:00:01.5 UTC")
    found = discover_report(inbound, LAB)
    assert found.layout == "nbgrader-inbound"
    ann, bob = found.submissions
    assert ann.notebook.parent.name.startswith(f"ann+{LAB}+2026-12-02") and ann.source_layout == "nbgrader"
    assert ann.received_at == datetime(2026, 12, 2, 9, tzinfo=UTC)
    assert bob.received_at == datetime(2026, 12, 1, 8, 0, 1, 500000, tzinfo=UTC)
    why = reasons(found)
    assert any("earlier hand-in of ann" in r for r in why.values())
    assert "not 'bptt_numpy'" in why["bob+char_rnn+2026-12-01 08:00:00.000000 UTC"]


# --- hostile zips --------------------------------------------------------------------------------


def _info(name: str, mode: int | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 12, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    return info


def test_hostile_entries_are_skipped_and_nothing_lands_outside(tmp_path: Path) -> None:
    nb = small_notebook(tmp_path)
    archive = tmp_path / "hostile.zip"
    hostile = {
        "../evil.ipynb": "climbs out",
        "a/../../evil2.ipynb": "climbs out",
        "..\\evil3.ipynb": "climbs out",
        "/tmp/evil4.ipynb": "absolute",
        "C:\\evil5.ipynb": "absolute",
        "bad\x01name.ipynb": "control characters",
    }
    kinds = {"link.ipynb": (stat.S_IFLNK | 0o777, "symbolic link"),
             "chardev.ipynb": (stat.S_IFCHR | 0o644, "character device"),
             "blockdev.ipynb": (stat.S_IFBLK | 0o644, "block device"),
             "fifo.ipynb": (stat.S_IFIFO | 0o644, "FIFO")}
    with zipfile.ZipFile(archive, "w") as zf:
        for name in hostile:
            zf.writestr(_info(name), nb)
        for name, (mode, _) in kinds.items():
            zf.writestr(_info(name, mode), "/etc/passwd" if name == "link.ipynb" else nb)
        zf.writestr(_info("alice.ipynb", stat.S_IFREG | 0o644), nb)
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr(_info("alice.ipynb"), b"second copy")
    assert [i.filename for i in zipfile.ZipFile(archive).infolist()][:6] == list(hostile)  # the names are in the zip as written
    scratch = tmp_path / "box" / "scratch"
    found = discover_report(archive, LAB, scratch=scratch)
    assert [s.student for s in found.submissions] == ["alice"]
    assert found.submissions[0].notebook.read_bytes() == nb  # the first alice.ipynb, not the duplicate
    why = {s.entry: s.reason for s in found.skipped}
    for name, expected in hostile.items():
        assert expected in why[name], (name, why.get(name))
    for name, (_, expected) in kinds.items():
        assert expected in why[name], (name, why.get(name))
    assert "second entry with the same name" in why["alice.ipynb"]
    # Nothing outside the scratch folder: tmp_path holds only what the test made.
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("nb-")) == ["box", "hostile.zip"]
    assert not list(Path("/tmp").glob("evil*.ipynb"))
    assert files_under(scratch) == ["hostile/UNPACKED_BY_AUTOGRADER", "hostile/files/alice.ipynb"]
    assert not any(p.is_symlink() for p in scratch.rglob("*"))


def _raw_zip(path: Path, name: str, chunks, count: int, usize: int, crc: int, mode: int = 0o100644) -> Path:  # noqa: ANN001
    """A one-entry deflate zip written byte by byte: ``chunks`` repeated ``count`` times, then the final block."""
    raw_name = name.encode()
    csize = len(chunks) * count + 2
    with path.open("wb") as f:
        f.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x5981, crc, csize, usize, len(raw_name), 0))
        f.write(raw_name)
        for _ in range(count):
            f.write(chunks)
        f.write(b"\x03\x00")
        central = f.tell()
        f.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 0x031E, 20, 0, 8, 0, 0x5981, crc, csize, usize,
                            len(raw_name), 0, 0, 0, 0, mode << 16, 0))
        f.write(raw_name)
        end = f.tell()
        f.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, end - central, central, 0))
    return path


def _zero_block(mib: int = 1) -> bytes:
    """One deflate block of ``mib`` MiB of zeros after a full flush: the same bytes every time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(bytes(mib << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path: Path) -> None:
    block = _zero_block()
    count = 3 * 1024  # 3 GiB of zeros in about 3 MB
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(bytes(1 << 20), crc)
    bomb = _raw_zip(tmp_path / "bomb.zip", "bptt_numpy.ipynb", block, count, count << 20, crc)
    assert bomb.stat().st_size < 4 << 20
    with zipfile.ZipFile(bomb) as zf, zf.open("bptt_numpy.ipynb") as stream:  # a real, valid zip: it inflates
        assert zf.infolist()[0].file_size == 3 * GIB and stream.read(10 << 20) == bytes(10 << 20)
    started = time.monotonic()
    unpacked = unpack(bomb, tmp_path / "out")
    assert time.monotonic() - started < 5
    assert unpacked.files == {} and files_under(tmp_path / "out") == []
    [skipped] = unpacked.skipped
    assert "3072.0 MiB uncompressed, more than the 64 MiB" in skipped.reason

    # Under the per-entry bound but a ratio only a bomb has: refused too.
    small_bomb = _raw_zip(tmp_path / "small.zip", "bptt_numpy.ipynb", block, 8, 8 << 20, 0)
    [skipped] = unpack(small_bomb, tmp_path / "out2").skipped
    assert "zip bomb" in skipped.reason

    # Many entries that together exceed the total bound: the whole zip is refused, nothing written.
    many = write_zip(tmp_path / "many.zip", {f"s{i}.ipynb": bytes(300_000) for i in range(4)})
    with pytest.raises(ZipRefused, match="MiB uncompressed"):
        unpack(many, tmp_path / "out3", limits=ZipLimits(max_total_bytes=1 << 20))
    assert not (tmp_path / "out3").exists()
    with pytest.raises(ZipRefused, match="4 entries, more than the 3"):
        unpack(many, tmp_path / "out4", limits=ZipLimits(max_entries=3))


def test_headers_that_lie_about_sizes(tmp_path: Path) -> None:
    # Declares 1000 bytes, inflates to 3 GiB: never more than the declared 1000 bytes are inflated.
    liar = _raw_zip(tmp_path / "liar.zip", "bptt_numpy.ipynb", _zero_block(), 3 * 1024, 1000, 0x12345678)
    started = time.monotonic()
    unpacked = unpack(liar, tmp_path / "out")
    assert time.monotonic() - started < 5
    [skipped] = unpacked.skipped
    assert "damaged" in skipped.reason and files_under(tmp_path / "out") == []

    # A real notebook whose central directory (and local header) say it is longer, or shorter, than it is.
    nb = small_notebook(tmp_path, "x = 1\n" * 2000)
    for declared, expected in ((len(nb) + 5000, "header lies"), (len(nb) // 2, "damaged")):
        archive = write_zip(tmp_path / f"lie-{declared}.zip", {"alice.ipynb": nb, "bob.ipynb": nb})
        data = bytearray(archive.read_bytes())
        info = zipfile.ZipFile(archive).getinfo("alice.ipynb")
        struct.pack_into("<I", data, info.header_offset + 22, declared)
        central = data.find(b"alice.ipynb", data.find(b"PK\x01\x02")) - 46
        assert data[central:central + 4] == b"PK\x01\x02"
        struct.pack_into("<I", data, central + 24, declared)
        archive.write_bytes(bytes(data))
        assert zipfile.ZipFile(archive).getinfo("alice.ipynb").file_size == declared
        unpacked = unpack(archive, tmp_path / f"out-{declared}")
        assert list(unpacked.files) == ["bob.ipynb"], unpacked.skipped
        assert expected in {s.entry: s.reason for s in unpacked.skipped}["alice.ipynb"]
        assert files_under(tmp_path / f"out-{declared}") == ["bob.ipynb"]


def test_two_entries_that_map_to_one_id_are_an_error_naming_both(tmp_path: Path) -> None:
    nb = small_notebook(tmp_path)
    nfc, nfd = unicodedata.normalize("NFC", "José.ipynb"), unicodedata.normalize("NFD", "José.ipynb")
    archive = write_zip(tmp_path / "dupes.zip", {nfc: nb, nfd: nb, "ann.ipynb": nb})
    with pytest.raises(ValueError) as err:
        discover(archive, LAB, scratch=tmp_path / "scratch")
    assert nfc in str(err.value) and nfd in str(err.value)


# --- end to end ----------------------------------------------------------------------------------


def test_grade_a_canvas_zip_end_to_end(tmp_path: Path) -> None:
    """``autograder grade submissions.zip``: the layout is said, the LMS id kept, the late marker counted."""
    good = reference_notebook(LAB, tmp_path / "good.ipynb").read_bytes()
    write_zip(tmp_path / "submissions.zip", {
        "doejane_LATE_12345_67890_bptt_numpy.ipynb": b"{not json",        # replaced by the resubmission
        "doejane_LATE_12345_67950_bptt_numpy-1.ipynb": good,
        "doejane_LATE_12345_67951_notes.pdf": b"%PDF",
    })
    cli = [sys.executable, "-m", "autograder.cli"]
    graded = subprocess.run(
        [*cli, "grade", "submissions.zip", "--lab", LAB, "--out", "out", "--quiet",
         "--due", "2026-12-01T23:59:00Z", "--penalty-per-day", "0.1"],
        capture_output=True, text=True, timeout=400, cwd=tmp_path,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert 'recognised: Canvas "Download Submissions"' in graded.stdout and "a zip: 1 submission" in graded.stdout
    assert "doejane_LATE_12345_67890_bptt_numpy.ipynb" in graded.stdout and "notes.pdf" in graded.stdout
    result = json.loads((tmp_path / "out" / "doejane_12345" / "results.json").read_text())
    assert result["score"] == result["max_score"] and result["student_name"] == "doejane"
    late = result["late"]
    assert late["source"] == "lms-marker" and late["days_late"] == 1.0
    assert late["final_score"] == pytest.approx(0.9 * result["max_score"])
    intake = json.loads((tmp_path / "out" / "intake.json").read_text())
    assert intake["layout"] == "canvas" and intake["submissions"][0]["lms_user_id"] == "12345"
    assert {s["entry"] for s in intake["skipped"]} == {"doejane_LATE_12345_67890_bptt_numpy.ipynb",
                                                       "doejane_LATE_12345_67951_notes.pdf"}
