"""Fast tests of the char_rnn lab's data: the corpus, the trusted preparation, the class profile's files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from helpers import load_file_module

from assignments.char_rnn.harvest.corpus import make_corpus
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
