"""Harvest plan of the seq2seq_gru lab.

Each unit is run on the grader's inputs: teacher_forcing on probe targets,
build_models at grader-chosen sizes (saved untrained, before any training),
greedy_decode with grader-made scripted models, and the student's train_model
trained for the profile's budget on the grader's own data pipeline (so a bug in
teacher_forcing costs teacher_forcing's checks, not the quality check).

Training has two steps. ``train`` recompiles the student's train_model with the
grader's own regimen (optimizer, learning rate, clipping; the loss the contract
names) before the fixed budget, so the quality checks measure what the student
built, not whether their learning rate suits the budget; encoder_model and
decoder_model share the trained layers, so they see that training. ``own_training``
runs a short fit under the student's own compile settings, which its own check judges.
"""

from __future__ import annotations

import numpy as np

from assignments.seq2seq_gru.harvest import dates, probes
from autograder.harvest import Harvest, step
from autograder.harvest.plan import BadOutput

MODEL_NAMES = ("train", "encoder", "decoder")


def _models(value: object) -> tuple:
    import keras

    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise BadOutput("build_models should return a tuple (train_model, encoder_model, decoder_model)")
    for name, model in zip(MODEL_NAMES, value, strict=True):
        if not isinstance(model, keras.Model):
            raise BadOutput(f"build_models' {name} model should be a keras.Model, but it is {type(model).__name__}")
    return tuple(value)


def _pair(value: object) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise BadOutput("teacher_forcing should return a tuple (decoder_input, decoder_target)")
    return value[0], value[1]


def _decoded(value: object, rows: int) -> list[list[int]]:
    """greedy_decode's output as plain lists of ints, or BadOutput."""
    if not isinstance(value, (list, tuple)) or len(value) != rows:
        found = f"{type(value).__name__} of length {len(value)}" if hasattr(value, "__len__") else type(value).__name__
        raise BadOutput(f"greedy_decode should return a list of {rows} lists of ids (one per source row), found {found}")
    out = []
    for row in value:
        if isinstance(row, np.ndarray):
            row = row.tolist()
        if not isinstance(row, (list, tuple)) or not all(isinstance(t, (int, np.integer)) for t in row):
            raise BadOutput(f"each row of greedy_decode's output should be a list of int ids, found {row!r:.80}")
        out.append([int(t) for t in row])
    return out


def grader_compile(model, profile: dict) -> None:  # noqa: ANN001
    """Recompile ``model`` with the grader's training regimen (the profile's Adam settings) and the contract's loss.

    Recompiling keeps the layers, their weights and trainable flags; only the optimizer and loss are the grader's.
    """
    import keras

    optimizer = keras.optimizers.Adam(learning_rate=float(profile["grader_learning_rate"]), clipnorm=float(profile["grader_clipnorm"]))
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")


def _kinds(value: object) -> list[str] | str:
    if isinstance(value, (tuple, list)):
        return [type(v).__name__ if not isinstance(v, np.ndarray) else "ndarray" for v in value]
    return type(value).__name__


@step("contract")
def contract(h: Harvest) -> None:
    """Call each function once and record what kinds of values come back."""
    import keras

    p = probes.teacher_forcing(h.seed)
    pair = h.call("teacher_forcing", p["target_ids"].copy())
    kinds: dict[str, object] = {"teacher_forcing": _kinds(pair)}
    if kinds["teacher_forcing"] == ["ndarray", "ndarray"]:
        kinds["teacher_forcing_rows_with_ids"] = [int(np.sum(np.any(np.asarray(a) != 0, axis=-1))) for a in pair]
    s = probes.sizes(h.seed)
    models = h.call("build_models", s["src_vocab"], s["tgt_vocab"], latent_dim=s["latent_dim"], embedding_dim=s["embedding_dim"])
    kinds["build_models"] = ["Model" if isinstance(m, keras.Model) else type(m).__name__ for m in models] if isinstance(models, (tuple, list)) else type(models).__name__
    rows = probes.scripts(h.seed, "default")
    encoder, decoder = probes.scripted_models(rows)
    out = h.call("greedy_decode", encoder, decoder, probes.script_sources(len(rows)), **probes.SCRIPT_CALLS["default"])
    try:
        kinds["greedy_decode_output"] = _decoded(out, len(rows))
        kinds["greedy_decode"] = "list of lists of int"
    except BadOutput as err:
        kinds["greedy_decode"] = str(err)
    h.save_json(kinds)


@step("teacher_forcing")
def teacher_forcing(h: Harvest) -> None:
    p = probes.teacher_forcing(h.seed)
    given = p["target_ids"].copy()
    default_in, default_out = _pair(h.call("teacher_forcing", given))
    custom_in, custom_out = _pair(h.call("teacher_forcing", p["target_ids"].copy(), start_id=int(p["start_id"])))
    h.save_arrays(default_input=default_in, default_target=default_out, custom_input=custom_in,
                  custom_target=custom_out, target_after=given)


@step("build")
def build(h: Harvest) -> None:
    """The three models at grader-chosen sizes, untrained."""
    s = probes.sizes(h.seed)
    models = _models(h.call("build_models", s["src_vocab"], s["tgt_vocab"], latent_dim=s["latent_dim"], embedding_dim=s["embedding_dim"]))
    for name, model in zip(MODEL_NAMES, models, strict=True):
        h.save_model(model, name)


@step("greedy")
def greedy(h: Harvest) -> None:
    """greedy_decode on the scripted models (two settings) and on the chain model."""
    saved = {}
    for call, params in probes.SCRIPT_CALLS.items():
        rows = probes.scripts(h.seed, call)
        encoder, decoder = probes.scripted_models(rows)
        saved[call] = _decoded(h.call("greedy_decode", encoder, decoder, probes.script_sources(len(rows)), **params), len(rows))
    encoder, decoder = probes.chain_models(h.seed)
    saved["chain"] = _decoded(h.call("greedy_decode", encoder, decoder, probes.script_sources(3), **probes.CHAIN_CALL), 3)
    h.save_json(saved)


@step("train")
def train(h: Harvest) -> None:
    """build_models at the profile's sizes, recompiled with the grader's regimen, trained for the fixed budget."""
    pairs = dates.training_pairs(h.profile, h.seed, h.data_dir)
    vocab = dates.vocab_for(pairs)
    data = dates.encode_pairs(pairs, vocab)
    models = _models(h.call("build_models", vocab.src_vocab_size, vocab.tgt_vocab_size,
                            latent_dim=int(h.profile["latent_dim"]), embedding_dim=int(h.profile["embedding_dim"])))
    grader_compile(models[0], h.profile)
    history = h.fit(
        models[0], [data.encoder_ids, data.decoder_input], data.decoder_target,
        epochs=int(h.profile["epochs"]), batch_size=int(h.profile["batch_size"]), shuffle=True, verbose=0,
    )
    for name, model in zip(MODEL_NAMES, models, strict=True):
        h.save_model(model, name)
    h.save_json({"loss": [float(v) for v in history.get("loss", []) if np.isfinite(v)]})


@step("own_training")
def own_training(h: Harvest) -> None:
    """A short fit of train_model under the student's own compile settings; saved before and after."""
    pairs = dates.training_pairs(h.profile, h.seed, h.data_dir)
    vocab = dates.vocab_for(pairs)
    data = dates.encode_pairs(pairs, vocab)
    models = _models(h.call("build_models", vocab.src_vocab_size, vocab.tgt_vocab_size,
                            latent_dim=int(h.profile["latent_dim"]), embedding_dim=int(h.profile["embedding_dim"])))
    train_model = models[0]
    h.save_model(train_model, "before")
    batch = int(h.profile["own_run_batch_size"])
    n = int(h.profile["own_run_updates"]) * batch
    train_model.fit([data.encoder_ids[:n], data.decoder_input[:n]], data.decoder_target[:n],
                    epochs=1, batch_size=batch, shuffle=False, verbose=0)
    h.save_model(train_model, "after")
