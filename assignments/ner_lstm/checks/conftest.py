"""Fixtures of the ner_lstm checks: the held-out split, the grader's vocabulary, model helpers.

The held-out sentences exist only here: the ci profile draws them from the
public generator with a seed that stage 1 never uses; the class profile
reads the instructor's held-out CoNLL file, which no harvest step opens.
"""

from __future__ import annotations

import pytest

from assignments.ner_lstm.checks.helpers import heldout_seed
from assignments.ner_lstm.harvest import corpus, data

Sentence = list[str]


@pytest.fixture(scope="session")
def heldout(profile, seed, data_dir) -> tuple[list[Sentence], list[Sentence]]:
    if profile.get("data") == "conll":
        if data_dir is None:
            pytest.fail("the class profile needs --data DIR with a held-out CoNLL test.txt")
        return data.read_conll(data.find_file(data_dir, data.HELDOUT_FILES))
    return corpus.generate(heldout_seed(seed), int(profile["heldout_sentences"]), "heldout")


@pytest.fixture(scope="session")
def grader_vocab(profile, seed, data_dir) -> data.GraderVocab:
    """The vocabulary the train step used (rebuilt from the training sentences, not read back)."""
    sentences, tags = data.training_corpus(profile, seed, data_dir)
    return data.GraderVocab(sentences, tags, int(profile["min_count"]))


@pytest.fixture(scope="session")
def untrained(artifacts):
    return artifacts.model("model")
