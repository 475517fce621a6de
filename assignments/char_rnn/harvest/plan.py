"""Harvest plan of the char_rnn lab.

Each student function is called on the grader's probes; the student's model is
built with grader-chosen sizes, saved untrained, then trained for the
profile's fixed budget on windows the grader prepared (``train.npz``), and
``sample`` is run on a grader-made model so that its checks do not depend on
the student's build_model.
"""

from __future__ import annotations

import json

import numpy as np

from assignments.char_rnn.harvest import probes
from autograder.harvest import Harvest, step
from autograder.harvest.plan import BadOutput

CELLS = ("simple", "lstm", "gru")


def _pair(value: object, function: str) -> tuple:
    if not isinstance(value, tuple) or len(value) != 2:
        raise BadOutput(f"{function} should return a tuple of two values, but it returned {type(value).__name__}")
    return value


@step("vocab")
def vocab(h: Harvest) -> None:
    char_to_id, id_to_char = _pair(h.call("build_vocab", probes.vocab_text(h.seed)), "build_vocab")
    if not isinstance(char_to_id, dict):
        raise BadOutput(f"char_to_id should be a dict, but it is a {type(char_to_id).__name__}")
    if not isinstance(id_to_char, (list, tuple)):
        raise BadOutput(f"id_to_char should be a list, but it is a {type(id_to_char).__name__}")
    h.save_json(
        {
            "char_to_id": [[str(k), int(v)] for k, v in char_to_id.items()],
            "id_to_char": [str(c) for c in id_to_char],
        }
    )


@step("encode")
def encode(h: Harvest) -> None:
    text, mapping = probes.encode_case(h.seed)
    h.save_arrays(ids=h.call("encode", text, dict(mapping)))


@step("sequences")
def sequences(h: Harvest) -> None:
    ids, seq_len = probes.sequence_case(h.seed)
    x, y = _pair(h.call("make_sequences", ids.copy(), seq_len), "make_sequences")
    h.save_arrays(x=x, y=y)


@step("model_init")
def model_init(h: Harvest) -> None:
    """The untrained, compiled model for each cell type, small sizes chosen by the grader."""
    for cell in CELLS:
        model = h.call("build_model", probes.PROBE_VOCAB, embedding_dim=8, rnn_units=16, cell=cell)
        h.save_model(model, cell)


@step("train")
def train(h: Harvest) -> None:
    """Build the student's model at the profile's size and train it on the grader's windows."""
    p = h.profile
    data = np.load(h.prepared_dir / "train.npz")
    vocab_size = len(json.loads((h.prepared_dir / "vocab.json").read_text()))
    model = h.call("build_model", vocab_size, embedding_dim=int(p["embedding_dim"]), rnn_units=int(p["rnn_units"]), cell=p["cell"])
    history = model.fit(data["x"], data["y"], epochs=int(p["epochs"]), batch_size=int(p["batch_size"]), verbose=0, shuffle=True)
    h.save_model(model)
    h.save_json({"loss": [float(v) for v in history.history.get("loss", [])]})


def _sample(h: Harvest, prefix: str, length: int, temperature: float, seed: int) -> str:
    char_to_id, id_to_char = probes.sampler_vocab()
    text = h.call("sample", probes.sampler_model(h.seed), char_to_id, id_to_char, prefix, length, temperature=temperature, seed=seed)
    if not isinstance(text, str):
        raise BadOutput(f"sample should return a str, but it returned {type(text).__name__}")
    return text


@step("sample_greedy")
def sample_greedy(h: Harvest) -> None:
    h.save_json({"text": _sample(h, probes.SAMPLE_PREFIX, probes.GREEDY_LENGTH, probes.GREEDY_TEMPERATURE, seed=1)})


@step("sample_repeat")
def sample_repeat(h: Harvest) -> None:
    """The same call twice."""
    texts = [_sample(h, probes.SAMPLE_PREFIX, probes.REPEAT_LENGTH, 1.0, seed=7) for _ in range(2)]
    h.save_json({"first": texts[0], "again": texts[1]})


@step("sample_temperature")
def sample_temperature(h: Harvest) -> None:
    h.save_json(
        {
            "low": _sample(h, probes.SAMPLE_PREFIX, probes.STAT_LENGTH, probes.LOW_TEMPERATURE, seed=3),
            "high": _sample(h, probes.SAMPLE_PREFIX, probes.STAT_LENGTH, probes.HIGH_TEMPERATURE, seed=3),
        }
    )
