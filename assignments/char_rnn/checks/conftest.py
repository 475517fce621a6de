"""Fixtures of the char_rnn checks: held-out text, the grader's training windows, models."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from assignments.char_rnn.harvest.corpus import make_corpus

#: The held-out text's seed: never used on the stage-1 side.
HELDOUT_SEED = 424242


def heldout_text(profile: dict, data_dir: Path | None) -> str:
    if profile.get("data") == "folder":
        return (data_dir / "heldout.txt").read_text(encoding="utf-8")
    return make_corpus(HELDOUT_SEED, int(profile["heldout_chars"]))


@pytest.fixture(scope="session")
def training(reference, profile, data_dir) -> dict:
    """The grader's training windows and vocabulary: the same pipeline as prepare.py."""
    from prepare import training_text

    text = training_text(profile, data_dir)
    char_to_id, id_to_char = reference.build_vocab(text)
    x, y = reference.make_sequences(reference.encode(text, char_to_id), int(profile["seq_len"]))
    return {"x": x, "y": y, "char_to_id": char_to_id, "id_to_char": id_to_char}


@pytest.fixture(scope="session")
def heldout(reference, profile, data_dir, training) -> dict:
    """Held-out windows, encoded with the training vocabulary (unknown characters dropped)."""
    text = heldout_text(profile, data_dir)
    known = "".join(c for c in text if c in training["char_to_id"])
    x, y = reference.make_sequences(reference.encode(known, training["char_to_id"]), int(profile["heldout_seq_len"]))
    return {"x": x, "y": y}


def cross_entropy_nats(logits: np.ndarray, targets: np.ndarray) -> float:
    """Mean -log softmax(logits)[target] in nats; logits (n, T, V), targets (n, T)."""
    logits = logits.astype(np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, targets[..., None].astype(np.int64), axis=-1)[..., 0]
    return float(-picked.mean())


def bits_per_char(model, x: np.ndarray, y: np.ndarray, batch: int = 64) -> float:
    total, count = 0.0, 0
    for start in range(0, len(x), batch):
        logits = np.asarray(model(x[start : start + batch], training=False))
        total += cross_entropy_nats(logits, y[start : start + batch]) * y[start : start + batch].size
        count += y[start : start + batch].size
    return total / count / math.log(2)
