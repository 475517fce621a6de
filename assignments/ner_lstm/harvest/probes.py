"""Probe inputs of the ner_lstm lab, drawn from the grader's seed.

Stage 1 feeds them to the student's functions; stage 2 draws the same ones
again (it never trusts inputs read back from artifacts). The word
vocabularies handed to ``encode`` and ``predict_tags`` are random id
assignments, so those checks do not depend on the student's ``build_vocab``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assignments.ner_lstm.harvest import corpus
from autograder.harvest import rng_for

Sentence = list[str]

#: Words of the encode and predict probes; "apple"/"Apple" must stay two words.
PROBE_WORDS = [
    "Apple", "apple", "Maria", "visited", "Paris", "in", "May", "the", "bank", "Bank", "of",
    "Lima", "said", ".", ",", "Jordan", "works", "for", "Acme", "Corp", "New", "York",
]
#: Words that are never in a probe vocabulary.
UNKNOWN_WORDS = ["Zorblax", "quenthor", "Vlimmer", "gruntwick", "Oxplat"]


def vocab_probe(seed: int) -> tuple[list[Sentence], list[Sentence]]:
    """Tagged sentences whose words repeat and differ only in case, tags in no sorted order."""
    rng = rng_for(seed, "vocab_probe")
    sentences, tags = corpus.generate(int(rng.integers(1 << 30)), 6, "train")
    sentences.append(["Apple", "bought", "an", "apple", "in", "Apple", "Valley", "."])
    tags.append(["B-ORG", "O", "O", "O", "O", "B-LOC", "I-LOC", "O"])
    order = rng.permutation(len(sentences))
    return [sentences[i] for i in order], [tags[i] for i in order]


def random_word_ids(rng: np.random.Generator, words: list[str]) -> dict[str, int]:
    """A word_to_id of the lab's form (ids 2..len+1) in a random order."""
    ids = rng.permutation(len(words)) + 2
    return {word: int(i) for word, i in zip(words, ids, strict=True)}


def tag_ids() -> dict[str, int]:
    return {tag: i for i, tag in enumerate(corpus.TAG_NAMES)}


def encode_probe(seed: int, kind: str) -> dict[str, Any]:
    """Sentences, tags, vocabularies and max_len for one encode probe.

    kind "short": every sentence shorter than max_len, known words only;
    "unknown": short sentences with words missing from word_to_id;
    "long": every sentence longer than max_len, known words only.
    """
    rng = rng_for(seed, f"encode_{kind}")
    word_to_id = random_word_ids(rng, PROBE_WORDS)
    max_len = int(rng.integers(6, 10))
    if kind == "long":
        lengths = rng.integers(max_len + 1, max_len + 6, size=4)
    else:
        lengths = rng.integers(2, max_len, size=4)
    sentences = []
    for n in lengths:
        words = [str(w) for w in rng.choice(PROBE_WORDS, size=int(n))]
        if kind == "unknown":
            for position in rng.choice(int(n), size=max(1, int(n) // 3), replace=False):
                words[position] = str(rng.choice(UNKNOWN_WORDS))
        sentences.append(words)
    tags = [[str(t) for t in rng.choice(corpus.TAG_NAMES, size=len(s))] for s in sentences]
    return {"sentences": sentences, "tags": tags, "word_to_id": word_to_id, "tag_to_id": tag_ids(), "max_len": max_len}


def model_sizes(seed: int) -> dict[str, int]:
    """Grader-chosen sizes for build_model (never the notebook's defaults)."""
    rng = rng_for(seed, "model_sizes")
    return {
        "vocab_size": int(rng.integers(30, 60)),
        "num_tags": int(rng.integers(5, 10)),
        "embedding_dim": int(rng.integers(8, 17)),
        "lstm_units": int(rng.integers(8, 17)),
    }


def model_batch(seed: int, name: str, vocab_size: int, lengths: list[int], width: int) -> np.ndarray:
    """(len(lengths), width) word ids in 2..vocab_size-1, each row padded with 0 after its length."""
    rng = rng_for(seed, f"batch_{name}")
    x = rng.integers(2, vocab_size, size=(len(lengths), width)).astype(np.int32)
    for i, n in enumerate(lengths):
        x[i, n:] = 0
    return x


def predict_probe(seed: int) -> dict[str, Any]:
    """Sentences (some longer than max_len), a random word_to_id, id_to_tag (a subset of the lab's tags) and max_len.

    Known words only, so a wrong unknown-word id in ``encode`` does not change the tags.
    """
    rng = rng_for(seed, "predict")
    word_to_id = random_word_ids(rng, PROBE_WORDS)
    max_len = int(rng.integers(6, 10))
    lengths = [int(n) for n in rng.integers(1, max_len + 5, size=6)]
    lengths[0], lengths[1] = max_len + 3, 2  # one too long, one short, always
    sentences = [[str(w) for w in rng.choice(PROBE_WORDS, size=n)] for n in lengths]
    return {"sentences": sentences, "word_to_id": word_to_id, "id_to_tag": probe_tag_names(rng), "max_len": max_len}


def probe_tag_names(rng: np.random.Generator) -> list[str]:
    """A sorted tag set over 2 or 3 of the 4 entity types (5 or 7 tags), so it is never the lab's full set."""
    types = sorted(str(t) for t in rng.choice(["LOC", "MISC", "ORG", "PER"], size=int(rng.integers(2, 4)), replace=False))
    return sorted(["O"] + [f"{prefix}-{t}" for t in types for prefix in ("B", "I")])


def stand_in_tag(word_id: int, num_tags: int) -> int:
    """The tag id the grader's stand-in tagger gives a word id: (3w + 1) mod K, padding K - 1."""
    return (3 * word_id + 1) % num_tags if word_id else num_tags - 1


def lookup_table(vocab_size: int, num_tags: int) -> np.ndarray:
    """(vocab_size, num_tags) scores of the stand-in tagger, one Embedding row per word id."""
    table = np.zeros((vocab_size, num_tags), dtype=np.float32)
    for w in range(vocab_size):
        table[w, stand_in_tag(w, num_tags)] = 5.0
    return table


def stand_in_tags(x: np.ndarray, lengths: list[int], id_to_tag: list[str]) -> list[list[str]]:
    """The tags the stand-in tagger gives the first ``lengths[i]`` ids of each row of x."""
    return [[id_to_tag[stand_in_tag(int(w), len(id_to_tag))] for w in row[:n]] for row, n in zip(x, lengths, strict=True)]
