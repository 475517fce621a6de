"""Trusted side: the grader's data pipeline for the char_rnn training step.

The student's model is trained on windows made here with the reference
pipeline, so a bug in the student's make_sequences costs that check only.
Stage 1 receives ``train.npz`` (x, y) and ``vocab.json``; the held-out text
never leaves stage 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from assignments.char_rnn.harvest.corpus import make_corpus
from autograder.checking.plugin import load_reference
from autograder.labspec import load_lab


def training_text(profile: dict[str, Any], data_dir: Path | None) -> str:
    if profile.get("data") == "folder":
        if data_dir is None:
            raise FileNotFoundError("the class profile needs --data DIR with train.txt and heldout.txt")
        return (data_dir / "train.txt").read_text(encoding="utf-8")
    return make_corpus(int(profile["corpus_seed"]), int(profile["corpus_chars"]))


def prepare(profile: dict[str, Any], seed: int, data_dir: Path | None, out_dir: Path) -> None:
    reference = load_reference(load_lab("char_rnn"))
    text = training_text(profile, data_dir)
    char_to_id, id_to_char = reference.build_vocab(text)
    x, y = reference.make_sequences(reference.encode(text, char_to_id), int(profile["seq_len"]))
    np.savez(out_dir / "train.npz", x=x, y=y)
    (out_dir / "vocab.json").write_text(json.dumps(id_to_char))
