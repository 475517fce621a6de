"""Fixtures of the seq2seq_gru checks: probes, held-out dates and the grader's own decoders."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from assignments.seq2seq_gru.harvest import dates, probes
from autograder.harvest import rng_for

#: Stream of the held-out dates: never used on the harvest side.
HELDOUT_STREAM = "heldout-dates-7f3a"


@pytest.fixture(scope="session")
def sizes(seed):
    return probes.sizes(seed)


@pytest.fixture(scope="session")
def batch(seed):
    return probes.model_batch(seed)


@pytest.fixture(scope="session")
def training_pairs(profile, seed, data_dir):
    return dates.training_pairs(profile, seed, data_dir)


@pytest.fixture(scope="session")
def vocab(training_pairs):
    return dates.vocab_for(training_pairs)


@pytest.fixture(scope="session")
def heldout(profile, seed, data_dir, training_pairs, vocab):
    return heldout_pairs(profile, seed, data_dir, training_pairs, vocab)


def heldout_pairs(profile: dict, seed: int, data_dir, training_pairs: list, vocab) -> tuple[list, object]:  # noqa: ANN001
    """(pairs, encoded) of held-out data: generated dates not in training (ci), or heldout.tsv (class).

    Encoded with the training vocabulary, its source length widened to the longest held-out source.
    """
    n = int(profile.get("heldout_pairs", 500))
    if profile.get("data") == "tsv":
        pairs = dates.read_pairs(Path(data_dir) / dates.HELDOUT_FILE)[:n]
    else:
        seen = {dates.dt.date.fromisoformat(t) for _, t in training_pairs}
        pairs = dates.generate_pairs(rng_for(seed, HELDOUT_STREAM), n, exclude=seen)
    wide = dataclasses.replace(vocab, source_len=max(vocab.source_len, max(len(s) for s, _ in pairs)))
    return pairs, dates.encode_pairs(pairs, wide)


def call(model, inputs):
    """The model called eagerly (lengths vary between calls), outputs as numpy arrays."""
    out = model(inputs, training=False)
    if isinstance(out, (list, tuple)):
        return [np.asarray(o) for o in out]
    return np.asarray(out)


def grader_greedy(encoder_model, decoder_model, src_ids: np.ndarray, max_len: int, start_id: int = dates.START) -> np.ndarray:
    """Greedy decoding with the student's inference models, written by the grader.

    Returns (N, max_len) ids of every step (nothing cut at the end id).
    """
    state = call(encoder_model, src_ids)
    tokens = np.full((len(src_ids), 1), start_id, dtype=np.int32)
    steps = []
    for _ in range(max_len):
        probabilities, state = call(decoder_model, [tokens, state])
        tokens = np.argmax(probabilities.reshape(len(src_ids), -1), axis=-1).astype(np.int32)[:, None]
        steps.append(tokens[:, 0])
    return np.stack(steps, axis=1)


def traced_forward(train_model):  # noqa: ANN001, ANN201
    """train_model([source, decoder_ids]) in inference mode, traced once for calls that keep their shapes."""
    import tensorflow as tf

    return tf.function(lambda source, decoder_ids: train_model([source, decoder_ids], training=False))


def prefix_greedy(train_model, src_ids: np.ndarray, max_len: int, start_id: int = dates.START) -> np.ndarray:
    """Greedy decoding with train_model alone: step t reads the ids decoded before t.

    The same answer as decoding with shared inference models, without depending on
    them (their own check is inference_shares_layers). The decoder input always has
    max_len columns (the ones not decoded yet are padding), so one traced function
    serves every step; a causal decoder does not look at them (decoder_is_causal
    checks that). Returns (N, max_len) ids.
    """
    import tensorflow as tf

    forward = traced_forward(train_model)
    decoder_ids = np.zeros((len(src_ids), max_len), dtype=np.int32)
    decoder_ids[:, 0] = start_id
    decoded = np.zeros((len(src_ids), max_len), dtype=np.int32)
    source = tf.constant(src_ids)
    for t in range(max_len):
        probabilities = np.asarray(forward(source, tf.constant(decoder_ids)))
        decoded[:, t] = np.argmax(probabilities[:, t], axis=-1)
        if t + 1 < max_len:
            decoder_ids[:, t + 1] = decoded[:, t]
    return decoded


def causality_violation(train_model, src_ids: np.ndarray, decoder_ids: np.ndarray, tgt_vocab: int) -> tuple[int, float] | None:
    """(t, change) when changing the decoder ids after step t changes train_model's outputs at steps <= t, else None.

    Every call has the same shapes, so one traced function serves them all (eager calls of a GRU
    model took four times as long), and the outputs compared all come from that one function.
    """
    import tensorflow as tf

    forward = traced_forward(train_model)
    source = tf.constant(src_ids)
    base = np.asarray(forward(source, tf.constant(decoder_ids)))
    for t in range(decoder_ids.shape[1] - 1):
        changed = decoder_ids.copy()
        changed[:, t + 1 :] = decoder_ids[:, t + 1 :] % (tgt_vocab - 1) + 1  # another non-padding id
        out = np.asarray(forward(source, tf.constant(changed)))
        diff = float(np.max(np.abs(out[:, : t + 1] - base[:, : t + 1])))
        if not diff < 1e-5:
            return t, diff
    return None


def cut_at_end(ids: np.ndarray, end_id: int = dates.END) -> list[list[int]]:
    out = []
    for row in ids:
        row = [int(t) for t in row]
        out.append(row[: row.index(end_id)] if end_id in row else row)
    return out


def encoder_side_layers(model) -> list:
    """Layers of a functional model fed (directly or not) by its first input only, that have weights."""
    config = model.get_config()
    inbound: dict[str, set[str]] = {}
    for layer in config.get("layers", []):
        names: set[str] = set()
        _collect_history(layer.get("inbound_nodes", []), names)
        inbound[layer["name"]] = names
    inputs = [entry[0] if isinstance(entry, list) else entry for entry in _input_names(config)]
    if len(inputs) < 2:
        return []

    def reached(source: str) -> set[str]:
        seen, changed = {source}, True
        while changed:
            changed = False
            for name, parents in inbound.items():
                if name not in seen and parents & seen:
                    seen.add(name)
                    changed = True
        return seen

    only_encoder = reached(inputs[0]) - reached(inputs[1])
    layers = {layer.name: layer for layer in model.layers}
    return [layers[name] for name in sorted(only_encoder) if name in layers and layers[name].trainable_weights]


def _input_names(config: dict) -> list:
    layers = config.get("input_layers", [])
    if layers and isinstance(layers[0], str):  # a single input written flat
        return [layers]
    return list(layers)


def _collect_history(value, names: set[str]) -> None:
    if isinstance(value, dict):
        history = value.get("config", {}).get("keras_history") if isinstance(value.get("config"), dict) else None
        if history:
            names.add(history[0])
        for item in value.values():
            _collect_history(item, names)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_history(item, names)


def compiled_loss(model, x, y, y_pred):
    """The loss the student compiled the model with, on these predictions."""
    return model.compute_loss(x=x, y=y, y_pred=y_pred)
