"""Fast tests of the ner_lstm lab's data: the corpus generator, the CoNLL reader, the grader's ids."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assignments.ner_lstm.checks.helpers import heldout_seed
from assignments.ner_lstm.harvest import corpus, data, probes


def test_generator_is_deterministic_and_tagged():
    first = corpus.generate(3, 50)
    assert first == corpus.generate(3, 50)
    assert first != corpus.generate(4, 50)
    for words, tags in zip(*first, strict=True):
        assert len(words) == len(tags) > 0
        assert set(tags) <= set(corpus.TAG_NAMES)
        for previous, tag in zip(["O", *tags], tags, strict=False):
            if tag.startswith("I-"):
                assert previous[2:] == tag[2:], f"{tag} after {previous} in {words}"


def test_heldout_has_unseen_and_ambiguous_words():
    train_words = {w for s in corpus.generate(0, 2000)[0] for w in s}
    sentences, tags = corpus.generate(heldout_seed(0), 600, "heldout")
    unseen = {w for s in sentences for w in s} - train_words
    assert len(unseen) >= 20
    kinds: dict[str, set[str]] = {}
    for words, row in zip(sentences, tags, strict=True):
        for word, tag in zip(words, row, strict=True):
            kinds.setdefault(word, set()).add(tag[2:] if tag != "O" else "O")
    assert kinds["Jordan"] >= {"PER", "LOC"}
    assert {"O", "PER"} <= kinds["May"]


def test_conll_reader(tmp_path: Path):
    text = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n"
    path = tmp_path / "train.txt"
    path.write_text(text)
    sentences, tags = data.read_conll(data.find_file(tmp_path, data.TRAIN_FILES))
    assert sentences == [["EU", "rejects"], ["Peter", "Blackburn"]]
    assert tags == [["B-ORG", "O"], ["B-PER", "I-PER"]]
    (tmp_path / "bad.txt").write_text("word_without_tag\n")
    with pytest.raises(data.ConllError):
        data.read_conll(tmp_path / "bad.txt")
    with pytest.raises(data.ConllError):
        data.find_file(tmp_path, data.HELDOUT_FILES)


def test_grader_pipeline_ids():
    profile = {"train_sentences": 200, "min_count": 2, "max_len": 12, "unknown_rate": 0.1}
    vocab, x, y = data.grader_pipeline(profile, 0, None)
    assert x.shape == y.shape == (200, 12) and x.dtype == np.int32
    assert min(vocab.word_ids.values()) == 2 and x.max() < vocab.vocab_size
    assert vocab.tag_names == sorted(vocab.tag_names) and vocab.num_tags == 9
    assert (x == 1).any() and np.all((x == 0) == (np.cumsum(x == 0, axis=1) > 0))  # padding only at the end


def test_probes_are_well_formed():
    for kind in ("short", "unknown", "long"):
        p = probes.encode_probe(0, kind)
        lengths = [len(s) for s in p["sentences"]]
        assert all(n > p["max_len"] for n in lengths) if kind == "long" else all(n < p["max_len"] for n in lengths)
    for seed in range(5):
        p = probes.predict_probe(seed)
        assert max(len(s) for s in p["sentences"]) > p["max_len"] > min(len(s) for s in p["sentences"])
        # id_to_tag is a sorted BIO subset, never the lab's full tag set (so predict_tags must use it)
        assert p["id_to_tag"] == sorted(p["id_to_tag"]) and len(p["id_to_tag"]) in (5, 7)
        assert set(p["id_to_tag"]) < set(corpus.TAG_NAMES) and "O" in p["id_to_tag"]
