"""Fast tests of the char_rnn lab's data: the corpus, the trusted preparation, the class profile's files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import load_file_module

from assignments.char_rnn.harvest.corpus import make_corpus
from autograder.checking.artifacts import Artifacts
from autograder.labspec import load_lab
from autograder.prepare import prepare_stage1_inputs

LAB = load_lab("char_rnn")


def test_corpus_is_deterministic_and_sized() -> None:
    text = make_corpus(1234, 60000)
    assert text == make_corpus(1234, 60000) and len(text) == 60000
    assert text != make_corpus(1235, 60000)
    assert 40 <= len(set(text)) <= 60 and "\n" in text


def test_heldout_text_is_new_but_in_the_training_alphabet() -> None:
    checks = load_file_module(LAB.checks_dir / "conftest.py", "char_rnn_checks_conftest")
    HELDOUT_SEED, heldout_text = checks.HELDOUT_SEED, checks.heldout_text

    profile = LAB.profile("ci")
    training = make_corpus(int(profile["corpus_seed"]), int(profile["corpus_chars"]))
    heldout = heldout_text(profile, None)
    assert HELDOUT_SEED != profile["corpus_seed"]
    assert set(heldout) <= set(training)
    assert heldout[:2000] not in training


def test_prepare_makes_the_reference_windows(tmp_path: Path) -> None:
    profile = LAB.profile("ci")
    out = prepare_stage1_inputs(LAB, profile, 0, None, tmp_path / "prepared")
    data = np.load(out / "train.npz")
    vocab = json.loads((out / "vocab.json").read_text())
    seq_len = int(profile["seq_len"])
    assert data["x"].shape == data["y"].shape == (int(profile["corpus_chars"]) // (seq_len + 1), seq_len)
    assert np.array_equal(data["x"][:, 1:], data["y"][:, :-1])
    assert vocab == sorted(vocab) and len(vocab) == len(set(make_corpus(1234, 60000)))


def test_class_profile_reads_the_instructors_files(tmp_path: Path) -> None:
    data_dir = tmp_path / "text"
    data_dir.mkdir()
    (data_dir / "train.txt").write_text("the cat sat on the mat. " * 200, encoding="utf-8")
    (data_dir / "heldout.txt").write_text("the mat sat on the cat! ", encoding="utf-8")
    profile = LAB.profile("class")
    out = prepare_stage1_inputs(LAB, profile, 0, data_dir, tmp_path / "prepared")
    assert json.loads((out / "vocab.json").read_text()) == sorted(set("the cat sat on the mat. "))
    assert np.load(out / "train.npz")["x"].shape[1] == int(profile["seq_len"])
    checks = load_file_module(LAB.checks_dir / "conftest.py", "char_rnn_checks_conftest")
    assert checks.heldout_text(profile, data_dir).startswith("the mat sat")
    assert "heldout" not in " ".join(p.name for p in out.iterdir())  # stage 1 never receives it


def _checks_module():  # noqa: ANN202
    """The lab's hidden checks module (it imports its own conftest as ``conftest``)."""
    import sys

    conftest = load_file_module(LAB.checks_dir / "conftest.py", "char_rnn_checks_conftest")
    saved = sys.modules.get("conftest")
    sys.modules["conftest"] = conftest
    try:
        return load_file_module(LAB.checks_dir / "test_char_rnn.py", "char_rnn_checks")
    finally:
        if saved is None:
            del sys.modules["conftest"]
        else:
            sys.modules["conftest"] = saved


def _sequence_artifacts(tmp_path: Path, make_sequences) -> Artifacts:  # noqa: ANN001
    from assignments.char_rnn.harvest import probes

    arrays = {}
    for case in probes.SEQUENCE_CASES:
        ids, seq_len = probes.sequence_case(0, case)
        arrays[f"x{case}"], arrays[f"y{case}"] = make_sequences(ids, seq_len)
    np.savez(tmp_path / "sequences.npz", **arrays)
    return Artifacts(tmp_path, {"steps": {"sequences": {"status": "ok"}}})


def _windows(ids: np.ndarray, seq_len: int, step: int) -> np.ndarray:
    starts = range(0, len(ids) - seq_len, step)
    return np.stack([ids[s : s + seq_len + 1] for s in starts])


SEQUENCE_VARIANTS = {
    # name: (make_sequences, passes windows_shapes, passes targets_shifted)
    "reference": (lambda ids, n: (_windows(ids, n, n + 1)[:, :-1], _windows(ids, n, n + 1)[:, 1:]), True, True),
    "overlapping windows, targets shifted": (
        lambda ids, n: (_windows(ids, n, n)[:, :-1], _windows(ids, n, n)[:, 1:]), False, True),
    "y = x": (lambda ids, n: (_windows(ids, n, n + 1)[:, :-1],) * 2, True, False),
    "x and y swapped": (lambda ids, n: (_windows(ids, n, n + 1)[:, 1:], _windows(ids, n, n + 1)[:, :-1]), True, False),
    "zeros": (lambda ids, n: (np.zeros((len(ids) // (n + 1), n), np.int32),) * 2, False, False),
    "no windows": (lambda ids, n: (np.zeros((0, n), np.int32),) * 2, False, False),
}


@pytest.mark.parametrize("name", list(SEQUENCE_VARIANTS))
def test_windows_and_shift_are_judged_apart(tmp_path: Path, name: str) -> None:
    """Overlapping windows whose targets are shifted cost the windows check only (issue 9, section 3)."""
    checks = _checks_module()
    make_sequences, windows_ok, shift_ok = SEQUENCE_VARIANTS[name]
    artifacts = _sequence_artifacts(tmp_path, make_sequences)
    for check, expected in ((checks.test_windows_shapes, windows_ok), (checks.test_targets_shifted, shift_ok)):
        try:
            check(artifacts, 0)
            passed = True
        except AssertionError:
            passed = False
        assert passed == expected, f"{check.__name__} on {name}: passed={passed}"


def test_probes_vary_every_contract_argument() -> None:
    from assignments.char_rnn.harvest import probes

    for seed in range(5):
        lengths = {probes.sequence_case(seed, case)[1] for case in probes.SEQUENCE_CASES}
        assert len(lengths) == len(probes.SEQUENCE_CASES)
    assert len({probes.GREEDY_PREFIX, probes.REPEAT_PREFIX, probes.STAT_PREFIX}) == 3
    assert probes.PROBE_SIZES != probes.OTHER_SIZES
    assert len({probes.GREEDY_LENGTH, probes.REPEAT_LENGTH, probes.STAT_LENGTH}) == 3


def test_quality_and_own_settings_are_separate_steps() -> None:
    """heldout_bpc trains under the grader's regimen; loss_decreases under the student's own compile."""
    checks = {c.id: c for c in LAB.checks}
    assert checks["heldout_bpc"].needs == ("train",) and checks["loss_decreases"].needs == ("train_own",)
    profile = LAB.profile("ci")
    assert int(profile["own_epochs"]) < int(profile["epochs"])


REPEATS = {
    # name: (first, again, other seeds, passes sample_deterministic)
    "seeded": ("abcab jj.!abcab jj.!", "abcab jj.!abcab jj.!", ["jjj ab.!cabcab jj.!a", "ba jj.!abcab jj.!abc"], True),
    "unseeded": ("abcab jj.!abcab jj.!", "ba jj.!abcab jj.!abc", ["jjj ab.!cabcab jj.!a", "abcab jj.!abcab jj.a"], False),
    "seed ignored": ("abcab jj.!abcab jj.!",) * 2 + (["abcab jj.!abcab jj.!"] * 2,) + (False,),
    "empty text": ("", "", ["", ""], False),
    "fixed text": ("a" * 20, "a" * 20, ["a" * 20, "a" * 20], False),
}


@pytest.mark.parametrize("name", list(REPEATS))
def test_sample_deterministic_needs_a_seeded_sample(tmp_path: Path, name: str) -> None:
    """Reproducible is not enough: None, "" or a fixed text earn nothing (issue 9, section 3)."""
    checks = _checks_module()
    first, again, others, expected = REPEATS[name]
    (tmp_path / "sample_repeat.json").write_text(json.dumps({"first": first, "again": again, "other_seeds": others}))
    artifacts = Artifacts(tmp_path, {"steps": {"sample_repeat": {"status": "ok"}}})
    try:
        checks.test_sample_deterministic(artifacts)
        passed = True
    except AssertionError:
        passed = False
    assert passed == expected
