"""Harvest plan of the ner_lstm lab: call the student's functions on the grader's probes.

The untrained model is saved in its own step (``model``) before any training,
so the structural checks (output shape, masking, both directions, the loss)
do not depend on training finishing. ``train`` builds a fresh model and fits
it on the grader's own ids (``data.grader_pipeline``), so a bug in the
notebook's ``build_vocab``/``encode`` does not cost the F1 check as well.
``predict`` hands ``predict_tags`` a stand-in tagger (a fixed lookup table),
so a bug in ``build_model`` does not cost the predict_tags checks.
``train`` recompiles the student's model with the grader's regimen;
``own_optimizer`` runs the student's own optimizer settings briefly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assignments.ner_lstm.harvest import data, probes
from autograder.harvest import Harvest, step
from autograder.harvest.plan import BadOutput


def _pair(value: object, function: str) -> tuple[Any, Any]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        found = f"a {type(value).__name__} of {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
        raise BadOutput(f"{function} should return a tuple of 2 values, but it returned {found}")
    return value[0], value[1]


def _id_items(mapping: object, what: str) -> list[list]:
    """A str → int dict as JSON-able [key, id] pairs; BadOutput for anything else."""
    if not isinstance(mapping, dict):
        raise BadOutput(f"build_vocab should return {what} as a dict, but it is a {type(mapping).__name__}")
    items = []
    for key, value in mapping.items():
        if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise BadOutput(f"{what} should map strings to integer ids, but it maps {key!r} to {value!r}")
        items.append([key, int(value)])
    return items


@step("vocab")
def vocab(h: Harvest) -> None:
    sentences, tags = probes.vocab_probe(h.seed)
    word_to_id, tag_to_id = _pair(h.call("build_vocab", sentences, tags), "build_vocab")
    h.save_json({"word_to_id": _id_items(word_to_id, "word_to_id"), "tag_to_id": _id_items(tag_to_id, "tag_to_id")})


def _encode(h: Harvest, kind: str) -> None:
    p = probes.encode_probe(h.seed, kind)
    x, y = _pair(h.call("encode", p["sentences"], p["tags"], p["word_to_id"], p["tag_to_id"], p["max_len"]), "encode")
    if y is None:
        raise BadOutput("encode returned y = None although it was given tags")
    x_only, y_only = _pair(h.call("encode", p["sentences"], None, p["word_to_id"], p["tag_to_id"], p["max_len"]), "encode")
    h.save_arrays(x=x, y=y, x_without_tags=x_only)
    h.save_json({"dtypes": [str(np.asarray(x).dtype), str(np.asarray(y).dtype)], "y_without_tags_is_none": y_only is None})


@step("encode_short")
def encode_short(h: Harvest) -> None:
    _encode(h, "short")


@step("encode_unknown")
def encode_unknown(h: Harvest) -> None:
    _encode(h, "unknown")


@step("encode_long")
def encode_long(h: Harvest) -> None:
    _encode(h, "long")


@step("model")
def model(h: Harvest) -> None:
    """The untrained, compiled model at the grader's sizes."""
    s = probes.model_sizes(h.seed)
    built = h.call("build_model", s["vocab_size"], s["num_tags"], embedding_dim=s["embedding_dim"], lstm_units=s["lstm_units"])
    h.save_model(built)


def stand_in_tagger(vocab_size: int, num_tags: int):  # noqa: ANN201
    """A Keras model (batch, T) → (batch, T, num_tags) that looks each word's tag up in a table."""
    import keras

    table = probes.lookup_table(vocab_size, num_tags)
    inputs = keras.Input(shape=(None,), dtype="int32")
    outputs = keras.layers.Embedding(vocab_size, num_tags, embeddings_initializer=keras.initializers.Constant(table))(inputs)
    return keras.Model(inputs, keras.layers.Softmax()(outputs))


@step("predict")
def predict(h: Harvest) -> None:
    p = probes.predict_probe(h.seed)
    tagger = stand_in_tagger(len(p["word_to_id"]) + 2, len(p["id_to_tag"]))
    found = h.call("predict_tags", tagger, p["sentences"], p["word_to_id"], p["id_to_tag"], p["max_len"])
    if not isinstance(found, (list, tuple)) or not all(isinstance(row, (list, tuple)) for row in found):
        raise BadOutput(f"predict_tags should return a list of tag lists, but it returned a {type(found).__name__}")
    rows = [[t if isinstance(t, str) else repr(t) for t in row] for row in found]
    h.save_json({"tags": rows})
    try:  # the notebook's own encoding, so predict_tags is judged on it if encode has a bug of its own
        x_own, _ = h.call("encode", p["sentences"], None, p["word_to_id"], None, p["max_len"])
        h.save_arrays(x_own=x_own)
    except Exception:  # noqa: BLE001  (encode's own checks report its bugs)
        pass


def contract_loss(model, x: np.ndarray):  # noqa: ANN001, ANN201
    """The loss the contract names, on the outputs as the model gives them.

    Probabilities (a softmax output, as the contract asks) get
    ``SparseCategoricalCrossentropy()``; a model whose outputs are not
    probabilities is trained as giving logits, so the F1 check still measures
    its architecture (``model_outputs_probabilities`` costs the missing softmax).
    """
    import keras

    out = np.asarray(model(np.asarray(x[:4], dtype=np.int32), training=False), dtype=np.float64)
    probabilities = bool(np.all(out >= -1e-4) and np.all(out <= 1 + 1e-4) and np.allclose(out.sum(-1), 1.0, atol=1e-3))
    return keras.losses.SparseCategoricalCrossentropy(from_logits=not probabilities)


def _fresh_model(h: Harvest, vocab: data.GraderVocab):  # noqa: ANN202
    built = h.call("build_model", vocab.vocab_size, vocab.num_tags)
    import keras

    if not isinstance(built, keras.Model):
        raise BadOutput(f"build_model should return a keras.Model, but it returned a {type(built).__name__}")
    return built


@step("train")
def train(h: Harvest) -> None:
    """A fresh model trained with the GRADER's regimen on the grader's ids.

    The student's architecture is recompiled with the grader's optimizer and
    the contract's loss, so the F1 check measures what the student built, not
    whether their learning rate suits this budget (``own_optimizer`` judges
    the student's optimizer settings on their own).
    """
    import keras

    vocab, x, y = data.grader_pipeline(h.profile, h.seed, h.data_dir)
    built = _fresh_model(h, vocab)
    built.compile(optimizer=keras.optimizers.Adam(learning_rate=float(h.profile["learning_rate"])), loss=contract_loss(built, x))
    history = h.fit(built, x, y, epochs=int(h.profile["epochs"]), batch_size=int(h.profile["batch_size"]), verbose=0)
    h.save_model(built)
    losses = history.get("loss", [])
    h.save_json({"loss": [v if np.isfinite(v) else None for v in losses]})


@step("own_optimizer")
def own_optimizer(h: Harvest) -> None:
    """A short run of a fresh model under the student's OWN optimizer settings (a fresh copy), the contract's loss."""
    import keras

    vocab, x, y = data.grader_pipeline(h.profile, h.seed, h.data_dir)
    built = _fresh_model(h, vocab)
    optimizer = getattr(built, "optimizer", None)
    if optimizer is None:
        raise BadOutput("build_model should compile the model with an optimizer: model.compile(optimizer=..., loss=...)")
    fresh = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    built.compile(optimizer=fresh, loss=contract_loss(built, x))
    n = int(h.profile["short_run_sentences"])
    built.fit(x[:n], y[:n], epochs=1, batch_size=int(h.profile["batch_size"]), verbose=0)
    h.save_model(built)
    h.save_json({"optimizer": type(optimizer).__name__, "learning_rate": _learning_rate(optimizer)})


def _learning_rate(optimizer) -> float | None:  # noqa: ANN001
    try:
        return float(np.asarray(optimizer.learning_rate))
    except Exception:  # noqa: BLE001  (a schedule: reported as unknown)
        return None
