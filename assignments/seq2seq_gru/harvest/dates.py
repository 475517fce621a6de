"""Data of the seq2seq_gru lab: date pairs (human format -> ISO) and their character ids.

``ci`` profile: pairs generated with ``datetime`` from many human formats, the
same for a given seed. ``class`` profile: a tab-separated file of
``source<TAB>target`` lines the instructor provides (``train.tsv`` for training;
the held-out file is read on the checks side only).

Source ids: 0 padding, 1 unknown character, then printable ASCII.
Target ids: 0 padding, 1 start, 2 end, then the sorted characters of the
training targets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.harvest import rng_for

PAD, UNKNOWN = 0, 1
START, END = 1, 2
SOURCE_CHARS = [chr(c) for c in range(32, 127)]
FIRST_DAY = dt.date(1950, 1, 1)
LAST_DAY = dt.date(2049, 12, 31)
TRAIN_FILE = "train.tsv"
HELDOUT_FILE = "heldout.tsv"


def ordinal(day: int) -> str:
    """1 -> '1st', 22 -> '22nd', 13 -> '13th'."""
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def _formats(d: dt.date) -> list[str]:
    """Every human way this lab writes one date (day before month when numeric)."""
    month, short, weekday = d.strftime("%B"), d.strftime("%b"), d.strftime("%A")
    return [
        f"{ordinal(d.day)} of {month} {d.year}",
        f"{short} {d.day}, {d.year}",
        f"{month} {d.day}, {d.year}",
        f"{d.day} {month} {d.year}",
        f"{d.day} {short} {d.year}",
        f"{d.day:02d} {short} {d:%y}",
        f"{d:%d/%m/%y}",
        f"{d:%d/%m/%Y}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d:%d.%m.%Y}",
        f"{d:%Y.%m.%d}",
        f"{d:%d-%m-%Y}",
        f"{weekday}, {month} {d.day}, {d.year}",
        f"{weekday[:3]} {ordinal(d.day)} {short} {d.year}",
        f"the {ordinal(d.day)} of {month}, {d.year}",
        f"{month} {ordinal(d.day)} {d.year}",
    ]


def render(d: dt.date, style: int, case: int) -> str:
    """Date ``d`` in format ``style`` (any int, taken modulo) and case 0 as is, 1 lower, 2 upper."""
    options = _formats(d)
    text = options[style % len(options)]
    return text.lower() if case == 1 else text.upper() if case == 2 else text


def random_dates(rng: np.random.Generator, count: int, exclude: set[dt.date] | None = None) -> list[dt.date]:
    span = (LAST_DAY - FIRST_DAY).days + 1
    dates: list[dt.date] = []
    while len(dates) < count:
        d = FIRST_DAY + dt.timedelta(days=int(rng.integers(span)))
        if not exclude or d not in exclude:
            dates.append(d)
    return dates


def generate_pairs(rng: np.random.Generator, count: int, exclude: set[dt.date] | None = None) -> list[tuple[str, str]]:
    """``count`` (source, ISO target) pairs; dates in ``exclude`` are never drawn."""
    pairs = []
    for d in random_dates(rng, count, exclude):
        style, case = int(rng.integers(1 << 30)), int(rng.choice(3, p=[0.6, 0.25, 0.15]))
        pairs.append((render(d, style, case), d.isoformat()))
    return pairs


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """``source<TAB>target`` lines; blank lines and lines starting with '#' are skipped."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise ValueError(f"{path.name} line {number}: expected 'source<TAB>target', found {line!r}")
        pairs.append((parts[0], parts[1]))
    if not pairs:
        raise ValueError(f"{path} holds no pairs")
    return pairs


@dataclass(frozen=True)
class Vocab:
    """Character vocabularies and padded lengths of one data set."""

    target_chars: tuple[str, ...]
    source_len: int
    target_len: int  # including the end id

    @property
    def src_vocab_size(self) -> int:
        return 2 + len(SOURCE_CHARS)

    @property
    def tgt_vocab_size(self) -> int:
        return 3 + len(self.target_chars)

    def encode_sources(self, sources: list[str]) -> np.ndarray:
        """(N, source_len) int32, padded at the end with 0, truncated at source_len."""
        table = {c: i + 2 for i, c in enumerate(SOURCE_CHARS)}
        out = np.zeros((len(sources), self.source_len), dtype=np.int32)
        for row, text in enumerate(sources):
            ids = [table.get(c, UNKNOWN) for c in text[: self.source_len]]
            out[row, : len(ids)] = ids
        return out

    def encode_targets(self, targets: list[str], prefix: list[int] | None = None, suffix: list[int] | None = None) -> np.ndarray:
        """(N, target_len) int32: ``prefix`` + the characters' ids + ``suffix``, then padding.

        Characters outside the vocabulary are dropped (they cannot be predicted).
        """
        table = {c: i + 3 for i, c in enumerate(self.target_chars)}
        out = np.zeros((len(targets), self.target_len), dtype=np.int32)
        for row, text in enumerate(targets):
            ids = (prefix or []) + [table[c] for c in text if c in table] + (suffix or [])
            ids = ids[: self.target_len]
            out[row, : len(ids)] = ids
        return out

    def decode_target(self, ids: list[int]) -> str:
        return "".join(self.target_chars[i - 3] for i in ids if 3 <= i < self.tgt_vocab_size)


def vocab_for(pairs: list[tuple[str, str]]) -> Vocab:
    """The vocabulary and padded lengths of a training set."""
    chars = sorted({c for _, target in pairs for c in target})
    return Vocab(
        target_chars=tuple(chars),
        source_len=max(len(source) for source, _ in pairs),
        target_len=max(len(target) for _, target in pairs) + 1,
    )


def training_pairs(profile: dict, seed: int, data_dir: Path | None) -> list[tuple[str, str]]:
    """The pairs a submission is trained on: generated (ci) or ``data_dir/train.tsv`` (class)."""
    if profile.get("data") == "tsv":
        if data_dir is None:
            raise ValueError("the class profile needs --data DIR holding train.tsv")
        return read_pairs(Path(data_dir) / TRAIN_FILE)
    return generate_pairs(rng_for(seed, "train_pairs"), int(profile["train_pairs"]))


@dataclass(frozen=True)
class Encoded:
    """A data set in the grader's pipeline: encoder ids, decoder input and decoder target."""

    encoder_ids: np.ndarray  # (N, source_len)
    decoder_input: np.ndarray  # (N, target_len): start, then the target without its last id
    decoder_target: np.ndarray  # (N, target_len): the target ids, end id, padding


def encode_pairs(pairs: list[tuple[str, str]], vocab: Vocab) -> Encoded:
    sources = [s for s, _ in pairs]
    targets = [t for _, t in pairs]
    return Encoded(
        encoder_ids=vocab.encode_sources(sources),
        decoder_input=vocab.encode_targets(targets, prefix=[START]),
        decoder_target=vocab.encode_targets(targets, suffix=[END]),
    )
