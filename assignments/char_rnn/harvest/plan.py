"""Harvest plan of the char_rnn lab.

Each student function is called on the grader's probes; the student's model is
built with grader-chosen sizes and saved untrained; it is trained twice on
windows the grader prepared (``train.npz``): for a short run under the
student's own compile settings (``train_own``: does it learn with the
student's optimizer and loss?) and for the profile's fixed budget under the
grader's training regimen (``train``: the quality of the architecture the
student built, whatever learning rate they chose). ``sample`` is run on a
grader-made model so that its checks do not depend on the student's build_model.
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
    arrays = {}
    for case in probes.SEQUENCE_CASES:
        ids, seq_len = probes.sequence_case(h.seed, case)
        x, y = _pair(h.call("make_sequences", ids.copy(), seq_len), "make_sequences")
        arrays[f"x{case}"], arrays[f"y{case}"] = x, y
    h.save_arrays(**arrays)


@step("model_init")
def model_init(h: Harvest) -> None:
    """The untrained, compiled model for each cell type, small sizes chosen by the grader."""
    embedding_dim, rnn_units = probes.PROBE_SIZES
    for cell in CELLS:
        model = h.call("build_model", probes.PROBE_VOCAB, embedding_dim=embedding_dim, rnn_units=rnn_units, cell=cell)
        h.save_model(model, cell)
    embedding_dim, rnn_units = probes.OTHER_SIZES
    model = h.call("build_model", probes.PROBE_VOCAB, embedding_dim=embedding_dim, rnn_units=rnn_units, cell="gru")
    h.save_model(model, "other_sizes")


def _student_model(h: Harvest):  # noqa: ANN202
    """The student's model at the profile's sizes, and the grader's training windows."""
    p = h.profile
    data = np.load(h.prepared_dir / "train.npz")
    vocab_size = len(json.loads((h.prepared_dir / "vocab.json").read_text()))
    model = h.call("build_model", vocab_size, embedding_dim=int(p["embedding_dim"]), rnn_units=int(p["rnn_units"]), cell=p["cell"])
    import keras

    if not isinstance(model, keras.Model):
        raise BadOutput(f"build_model should return a keras.Model, but it returned {type(model).__name__}")
    return model, data["x"], data["y"]


def _fit(h: Harvest, model, x: np.ndarray, y: np.ndarray, epochs: int) -> list[float]:  # noqa: ANN001
    if model.optimizer is None:
        raise BadOutput("the model is not compiled: call model.compile(...) in build_model")
    history = h.fit(model, x, y, epochs=epochs, batch_size=int(h.profile["batch_size"]), verbose=0, shuffle=True)
    return history.get("loss", [])


@step("train_own")
def train_own(h: Harvest) -> None:
    """A short run under the student's own compile settings (optimizer, learning rate, loss)."""
    model, x, y = _student_model(h)
    losses = _fit(h, model, x, y, int(h.profile["own_epochs"]))
    h.save_model(model)
    h.save_json({"loss": losses})


def grader_regimen(profile: dict) -> dict:
    """The grader's optimizer and the loss the contract names, for ``model.compile``."""
    import keras

    return {
        "optimizer": keras.optimizers.Adam(
            learning_rate=float(profile["grader_learning_rate"]), clipnorm=float(profile["grader_clipnorm"])
        ),
        "loss": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    }


@step("train")
def train(h: Harvest) -> None:
    """The student's architecture, recompiled with the grader's regimen and trained for the fixed budget.

    Recompiling keeps the student's layers, weights' initialisation and ``trainable``
    flags; it replaces only the optimizer and the loss (the contract's), so the
    quality check measures what the student built, not their learning rate.
    """
    model, x, y = _student_model(h)
    model.compile(**grader_regimen(h.profile))
    losses = _fit(h, model, x, y, int(h.profile["epochs"]))
    h.save_model(model)
    h.save_json({"loss": losses})


def _sample(h: Harvest, prefix: str, length: int, temperature: float, seed: int) -> str:
    char_to_id, id_to_char = probes.sampler_vocab()
    text = h.call("sample", probes.sampler_model(h.seed), char_to_id, id_to_char, prefix, length, temperature=temperature, seed=seed)
    if not isinstance(text, str):
        raise BadOutput(f"sample should return a str, but it returned {type(text).__name__}")
    return text


@step("sample_greedy")
def sample_greedy(h: Harvest) -> None:
    h.save_json({"text": _sample(h, probes.GREEDY_PREFIX, probes.GREEDY_LENGTH, probes.GREEDY_TEMPERATURE, seed=1)})


@step("sample_repeat")
def sample_repeat(h: Harvest) -> None:
    """The same call twice, then with two other seeds."""
    texts = [
        _sample(h, probes.REPEAT_PREFIX, probes.REPEAT_LENGTH, probes.REPEAT_TEMPERATURE, seed=seed) for seed in (7, 7, 8, 9)
    ]
    h.save_json({"first": texts[0], "again": texts[1], "other_seeds": texts[2:]})


@step("sample_temperature")
def sample_temperature(h: Harvest) -> None:
    h.save_json(
        {
            "low": _sample(h, probes.STAT_PREFIX, probes.STAT_LENGTH, probes.LOW_TEMPERATURE, seed=3),
            "high": _sample(h, probes.STAT_PREFIX, probes.STAT_LENGTH, probes.HIGH_TEMPERATURE, seed=3),
        }
    )
