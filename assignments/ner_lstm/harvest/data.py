"""The grader's data pipeline: training sentences for a profile, and their ids.

The grader trains every student's model on these ids (not on the student's own
``build_vocab``/``encode``), so a bug there costs the checks aimed at it, not
the F1 check too. Its vocabulary is not the one the lab asks for: it keeps only
words seen ``min_count`` times or more (ranked by frequency) and maps rarer
ones to the unknown id 1, so the model learns what to do with unknown words.

The ``class`` profile reads CoNLL files from the instructor's folder (see
``assignments/ner_lstm/README.md``); stage 1 reads only the training file.
Training ids get a share of words replaced by the unknown id (``unknown_rate``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from assignments.ner_lstm.harvest import corpus

Sentence = list[str]

TRAIN_FILES = ("train.txt", "train.conll", "eng.train")
HELDOUT_FILES = ("test.txt", "test.conll", "eng.testb")


class ConllError(ValueError):
    """A CoNLL file the reader cannot use (the instructor's data, not the student's)."""


def read_conll(path: Path) -> tuple[list[Sentence], list[Sentence]]:
    """Sentences and tags of a CoNLL file.

    One token per line, columns separated by whitespace: the token first, its
    tag last (columns between, such as CoNLL-2003's part of speech and chunk,
    are ignored). A blank line ends a sentence; ``-DOCSTART-`` lines are skipped.
    """
    sentences: list[Sentence] = []
    tags: list[Sentence] = []
    words: Sentence = []
    labels: Sentence = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("-DOCSTART-"):
            if words:
                sentences.append(words)
                tags.append(labels)
            words, labels = [], []
            continue
        columns = line.split()
        if len(columns) < 2:
            raise ConllError(f"{path}:{number}: expected a token and a tag, found {line!r}")
        words.append(columns[0])
        labels.append(columns[-1])
    if words:
        sentences.append(words)
        tags.append(labels)
    if not sentences:
        raise ConllError(f"{path}: no sentences")
    return sentences, tags


def find_file(data_dir: Path, names: tuple[str, ...]) -> Path:
    """The first of ``names`` present in ``data_dir``."""
    for name in names:
        if (Path(data_dir) / name).is_file():
            return Path(data_dir) / name
    raise ConllError(f"none of {', '.join(names)} found in {data_dir}")


def training_corpus(profile: dict[str, Any], seed: int, data_dir: Path | None) -> tuple[list[Sentence], list[Sentence]]:
    """The training sentences and tags of a profile (ci: generated; class: the CoNLL train file)."""
    if profile.get("data") == "conll":
        if data_dir is None:
            raise ConllError("the class profile needs --data DIR with a CoNLL train.txt")
        return read_conll(find_file(data_dir, TRAIN_FILES))
    return corpus.generate(seed, int(profile["train_sentences"]), "train")


class GraderVocab:
    """Word ids ranked by frequency from 2 (rare words → 1), tag ids in sorted order."""

    def __init__(self, sentences: list[Sentence], tags: list[Sentence], min_count: int) -> None:
        counts = Counter(word for sentence in sentences for word in sentence)
        kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        self.word_ids = {word: rank + 2 for rank, word in enumerate(kept)}
        self.tag_names = sorted({tag for sentence_tags in tags for tag in sentence_tags} | set(corpus.TAG_NAMES))
        self.tag_ids = {tag: i for i, tag in enumerate(self.tag_names)}

    @property
    def vocab_size(self) -> int:
        return len(self.word_ids) + 2

    @property
    def num_tags(self) -> int:
        return len(self.tag_names)

    def words(self, sentences: list[Sentence], max_len: int) -> np.ndarray:
        """(N, max_len) int32 word ids, padded and truncated at the end."""
        return _pad([[self.word_ids.get(w, 1) for w in s] for s in sentences], max_len)

    def labels(self, tags: list[Sentence], max_len: int) -> np.ndarray:
        """(N, max_len) int32 tag ids, padded with 0 at the end (masked in the loss)."""
        return _pad([[self.tag_ids.get(t, self.tag_ids["O"]) for t in s] for s in tags], max_len)


def _pad(rows: list[list[int]], max_len: int) -> np.ndarray:
    import keras

    return keras.utils.pad_sequences(rows, maxlen=max_len, dtype="int32", padding="post", truncating="post", value=0)


def grader_pipeline(profile: dict[str, Any], seed: int, data_dir: Path | None) -> tuple[GraderVocab, np.ndarray, np.ndarray]:
    """The vocabulary and the (x, y) training arrays the grader trains every model on."""
    sentences, tags = training_corpus(profile, seed, data_dir)
    vocab = GraderVocab(sentences, tags, int(profile["min_count"]))
    max_len = int(profile["max_len"])
    x = vocab.words(sentences, max_len)
    return vocab, unknown_dropout(x, float(profile.get("unknown_rate", 0.0)), seed), vocab.labels(tags, max_len)


def unknown_dropout(x: np.ndarray, rate: float, seed: int) -> np.ndarray:
    """x (N, T) with a fraction ``rate`` of its real tokens replaced by the unknown id 1.

    Every name in the generated corpus occurs many times, so without this the
    model would never see an unknown word in a context it could learn from.
    """
    rng = np.random.default_rng([seed, 77])
    drop = (rng.random(x.shape) < rate) & (x > 0)
    return np.where(drop, 1, x).astype(np.int32)
