"""Hidden checks of the char_rnn lab."""

from __future__ import annotations

import math

import numpy as np
from conftest import bits_per_char, cross_entropy_nats

from assignments.char_rnn.harvest import probes
from autograder.checking import check
from autograder.checking.compare import assert_shape

CELL_LAYERS = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


@check("vocab_sorted_invertible")
def test_vocab_sorted_invertible(artifacts, seed):
    found = artifacts.json("vocab")
    text = probes.vocab_text(seed)
    expected = sorted(set(text))
    id_to_char = found["id_to_char"]
    char_to_id = {c: i for c, i in found["char_to_id"]}
    assert sorted(char_to_id) == expected, (
        f"char_to_id should have one entry per distinct character ({len(expected)}), but it has {len(char_to_id)}"
    )
    assert id_to_char == expected, (
        "id_to_char should list the distinct characters in sorted order: expected it to start "
        f"{expected[:8]}, found {id_to_char[:8]}"
    )
    wrong = [c for c in expected if id_to_char[char_to_id[c]] != c]
    assert not wrong, f"char_to_id and id_to_char are not inverses: id_to_char[char_to_id[{wrong[0]!r}]] != {wrong[0]!r}"


@check("encode_ids")
def test_encode_ids(artifacts, seed):
    text, mapping = probes.encode_case(seed)
    ids = artifacts.array("encode", "ids")
    expected = np.array([mapping[c] for c in text])
    assert_shape("encode(text, char_to_id)", ids, expected.shape)
    assert ids.dtype == np.int32, f"encode should return int32 ids, found dtype {ids.dtype}"
    assert np.array_equal(ids, expected), (
        "encode should look every character up in the char_to_id it is given: expected "
        f"{expected[:6].tolist()}, found {ids[:6].tolist()}"
    )


def _sequence_cases(artifacts, seed):  # noqa: ANN001, ANN202
    """(ids, seq_len, x, y) for each probe of make_sequences."""
    found = artifacts.arrays("sequences")
    for case in probes.SEQUENCE_CASES:
        ids, seq_len = probes.sequence_case(seed, case)
        yield ids, seq_len, found[f"x{case}"], found[f"y{case}"]


def _offset_in(ids: np.ndarray, row: np.ndarray) -> int | None:
    """Where ``row`` occurs as a run of consecutive ids in ``ids`` (None if nowhere)."""
    if row.ndim != 1 or not 0 < len(row) <= len(ids):
        return None
    runs = np.lib.stride_tricks.sliding_window_view(ids, len(row))
    hits = np.flatnonzero((runs == row).all(axis=1))
    return int(hits[0]) if len(hits) else None


@check("windows_shapes")
def test_windows_shapes(artifacts, seed):
    for ids, seq_len, x, y in _sequence_cases(artifacts, seed):
        n = len(ids) // (seq_len + 1)
        for name, value in (("x", x), ("y", y)):
            assert_shape(f"{name} (len(ids)={len(ids)}, seq_len={seq_len}: {n} complete windows of seq_len + 1)", value, (n, seq_len))
        # Which windows: row i of x and of y both lie inside ids[i*(seq_len+1) : (i+1)*(seq_len+1)].
        # (Whether y is x shifted is targets_shifted's concern.)
        for i in range(n):
            window = ids[i * (seq_len + 1) : (i + 1) * (seq_len + 1)]
            for name, value in (("x", x), ("y", y)):
                assert _offset_in(window, np.asarray(value[i])) is not None, (
                    f"with seq_len={seq_len}, {name}[{i}] should come from window {i}, ids[{i * (seq_len + 1)}:"
                    f"{(i + 1) * (seq_len + 1)}] (consecutive windows of seq_len + 1 = {seq_len + 1} ids, not "
                    f"overlapping); found {np.asarray(value[i])[:5].tolist()}..., expected it within {window[:6].tolist()}..."
                )


@check("targets_shifted")
def test_targets_shifted(artifacts, seed):
    """Only the shift: y[i] is the run of ids that follows x[i] by one, wherever the windows are."""
    windows = 0
    for ids, _, x, y in _sequence_cases(artifacts, seed):
        assert x.ndim == 2 and x.shape == y.shape and x.shape[1] >= 2, (
            f"x and y should be two arrays of the same shape (windows, seq_len); found {x.shape} and {y.shape}"
        )
        for i in range(len(x)):
            start = _offset_in(ids, x[i])
            assert start is not None, (
                f"x[{i}] = {x[i, :5].tolist()}... is not a run of consecutive ids of the text, so its targets cannot be "
                "the next characters"
            )
            expected = ids[start + 1 : start + 1 + x.shape[1]]
            assert len(expected) == x.shape[1] and np.array_equal(y[i], expected), (
                f"y[{i}] should be x[{i}] shifted by one character (the next character at every position): "
                f"x[{i}, :5] = {x[i, :5].tolist()}, so y[{i}, :5] should be {expected[:5].tolist()} and y[{i}, -1] "
                f"the id after x[{i}, -1] in the text ({expected[-1] if len(expected) else 'none'}); "
                f"found y[{i}, :5] = {y[i, :5].tolist()}, y[{i}, -1] = {y[i, -1]}"
            )
        windows += len(x)
    assert windows, "make_sequences returned no windows at all, so there are no targets to check"


_MODELS: dict[str, object] = {}


def _init_model(artifacts, cell: str = "gru"):
    """The untrained model of ``cell``, reloaded once per grading (checks only read it)."""
    if cell not in _MODELS:
        _MODELS[cell] = artifacts.model("model_init", cell)
    return _MODELS[cell]


@check("model_output_shape")
def test_model_output_shape(artifacts, seed):
    model = _init_model(artifacts)
    for length in probes.PROBE_LENGTHS:
        tokens = probes.token_batch(seed, length)
        out = np.asarray(model(tokens, training=False))
        assert_shape(f"the model's output for input {tokens.shape}", out, (tokens.shape[0], length, probes.PROBE_VOCAB))


@check("outputs_are_logits")
def test_outputs_are_logits(artifacts, seed):
    model = _init_model(artifacts)
    out = np.asarray(model(probes.token_batch(seed, probes.PROBE_LENGTHS[0]), training=False), dtype=np.float64)
    sums = out.sum(axis=-1)
    looks_like_probabilities = out.min() >= 0 and np.allclose(sums, 1.0, atol=1e-3)
    assert not looks_like_probabilities, (
        "the model should output logits (no softmax at the end; the loss applies it with from_logits=True), "
        f"but every output row is non-negative and sums to 1 (first sums: {np.round(sums.ravel()[:3], 4).tolist()})"
    )


@check("cell_types")
def test_cell_types(artifacts):
    for cell, layer in CELL_LAYERS.items():
        model = _init_model(artifacts, cell)
        names = {type(layer_).__name__ for layer_ in model.layers}
        for inner in model.layers:
            if hasattr(inner, "forward_layer"):
                names.add(type(inner.forward_layer).__name__)
        assert layer in names, f"build_model(cell={cell!r}) should use a {layer} layer, but its layers are {sorted(names)}"


def _recurrent_layers(model) -> list:  # noqa: ANN001
    """The recurrent layers of a model, looking inside Bidirectional wrappers."""
    found = []
    for layer in model.layers:
        inner = getattr(layer, "forward_layer", layer)
        if type(inner).__name__ in CELL_LAYERS.values():
            found.append(inner)
    return found


@check("model_sizes")
def test_model_sizes(artifacts):
    for key, (embedding_dim, rnn_units) in (("gru", probes.PROBE_SIZES), ("other_sizes", probes.OTHER_SIZES)):
        model = _init_model(artifacts, key)
        call = f"build_model({probes.PROBE_VOCAB}, embedding_dim={embedding_dim}, rnn_units={rnn_units})"
        embeddings = [layer.output_dim for layer in model.layers if type(layer).__name__ == "Embedding"]
        assert embedding_dim in embeddings, (
            f"{call} should have an Embedding layer of output_dim {embedding_dim}; found Embedding output_dim "
            f"{embeddings or 'none'}"
        )
        units = [layer.units for layer in _recurrent_layers(model)]
        assert rnn_units in units, f"{call} should have a recurrent layer of {rnn_units} units; found units {units or 'none'}"


@check("optimizer_clips_gradients")
def test_optimizer_clips_gradients(artifacts):
    model = _init_model(artifacts)
    optimizer = model.optimizer
    assert optimizer is not None, "the model is not compiled: call model.compile(...) in build_model"
    clips = [optimizer.clipnorm, optimizer.global_clipnorm, optimizer.clipvalue]
    assert optimizer.clipnorm is not None or optimizer.global_clipnorm is not None, (
        f"the optimizer should clip gradients (clipnorm or global_clipnorm), found clipnorm={clips[0]}, "
        f"global_clipnorm={clips[1]}"
    )


#: Calibrated (`autograder validate char_rnn`, figures in the README): the reference's untrained
#: loss is within 5.2e-4 of ln V (V = 23); from_logits=False on logits gives ln V + 4.84.
INITIAL_LOSS_TOLERANCE = 0.25


@check("initial_loss_ln_v")
def test_initial_loss_ln_v(artifacts, seed, metrics):
    model = _init_model(artifacts)
    tokens = probes.token_batch(seed, 20, batch=16)
    targets = probes.token_batch(seed + 1, 20, batch=16)
    loss = float(model.compute_loss(x=tokens, y=targets, y_pred=model(tokens, training=False)))
    expected = math.log(probes.PROBE_VOCAB)
    metrics["initial_loss_minus_ln_v"] = loss - expected
    assert math.isfinite(loss) and abs(loss - expected) <= INITIAL_LOSS_TOLERANCE, (
        f"an untrained model's loss should be close to ln(V) = ln {probes.PROBE_VOCAB} = {expected:.3f} "
        f"(every character equally likely), but the compiled loss is {loss:.3f}. "
        "Does the loss match the output? Logits need SparseCategoricalCrossentropy(from_logits=True)"
    )


@check("gradients_flow")
def test_gradients_flow(artifacts, seed):
    import tensorflow as tf

    model = _init_model(artifacts)
    tokens = probes.token_batch(seed, 12)
    targets = tf.constant(probes.token_batch(seed + 2, 12))
    with tf.GradientTape() as tape:
        logits = model(tokens, training=True)
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True))
    grads = tape.gradient(loss, model.trainable_variables)
    assert model.trainable_variables, "the model has no trainable weights"
    for variable, grad in zip(model.trainable_variables, grads, strict=True):
        assert grad is not None, f"no gradient reaches {variable.path}: is it connected to the output?"
        values = np.asarray(tf.convert_to_tensor(grad))
        assert np.all(np.isfinite(values)), f"the gradient of {variable.path} is not finite"
        assert np.abs(values).max() > 0, f"the gradient of {variable.path} is zero everywhere"


@check("loss_decreases")
def test_loss_decreases(artifacts, training, profile, metrics):
    model = artifacts.model("train_own")
    x, y = training["x"][:128], training["y"][:128]
    nats = cross_entropy_nats(np.asarray(model(x, training=False)), y)
    metrics["own_train_loss_nats"] = nats
    start = math.log(len(training["id_to_char"]))
    epochs = int(profile["own_epochs"])
    assert nats < start - float(profile["min_own_loss_drop"]), (
        f"after {epochs} epoch{'s' if epochs != 1 else ''} with your own compile settings (optimizer, learning rate, "
        f"loss), the training loss computed from the model's logits should be below ln V - "
        f"{float(profile['min_own_loss_drop']):g} = {start - float(profile['min_own_loss_drop']):.2f}; it is {nats:.2f} "
        f"(ln V = {start:.2f}: no better than guessing). Does the model learn with your optimizer (a learning rate "
        "around 1e-3 to 1e-2) and does the loss match the output (logits need from_logits=True)?"
    )


@check("heldout_bpc")
def test_heldout_bpc(artifacts, heldout, profile, metrics):
    model = artifacts.model("train")
    bpc = bits_per_char(model, heldout["x"], heldout["y"])
    metrics["heldout_bpc"] = bpc
    limit = float(profile["max_heldout_bpc"])
    assert bpc <= limit, (
        f"the grader trained your model (recompiled with its own optimizer and the contract's loss) for its fixed "
        f"budget; held-out text then costs {bpc:.2f} bits per character, computed from the model's outputs as "
        f"logits; it should be at most {limit:.2f} (the reference reaches {profile['reference_bpc']})"
    )


def _greedy(seed: int, prefix: str, length: int) -> str:
    model = probes.sampler_model(seed)
    char_to_id, id_to_char = probes.sampler_vocab()
    ids = [char_to_id[c] for c in prefix]
    out = []
    for _ in range(length):
        logits = np.asarray(model(np.array([ids], dtype=np.int32), training=False))[0, -1]
        ids.append(int(np.argmax(logits)))
        out.append(id_to_char[ids[-1]])
    return "".join(out)


@check("sample_greedy_low_temperature")
def test_sample_greedy_low_temperature(artifacts, seed):
    text = artifacts.json("sample_greedy")["text"]
    expected = _greedy(seed, probes.GREEDY_PREFIX, probes.GREEDY_LENGTH)
    assert len(text) == len(expected), f"sample(length={len(expected)}) should return {len(expected)} characters, found {len(text)}"
    assert text == expected, (
        f"at temperature {probes.GREEDY_TEMPERATURE:g}, sampling should be greedy: after the prefix "
        f"{probes.GREEDY_PREFIX!r}, expected {expected!r}, found {text!r}. Predict from the whole text so far "
        "(prefix + generated), divide the logits by the temperature, and subtract the maximum before exp() so it "
        "does not overflow"
    )


@check("sample_deterministic")
def test_sample_deterministic(artifacts):
    found = artifacts.json("sample_repeat")
    length = probes.REPEAT_LENGTH
    char_to_id, _ = probes.sampler_vocab()
    texts = [found["first"], found["again"], *found["other_seeds"]]
    for text in texts:
        assert isinstance(text, str) and len(text) == length, (
            f"sample(length={length}) should return {length} characters, found {len(text)}"
        )
        unknown = sorted(set(text) - set(char_to_id))
        assert not unknown, f"sample returned characters that are not in id_to_char: {unknown[:5]}"
    assert found["first"] == found["again"], (
        "two calls of sample with the same seed should return the same text: seed a generator from the "
        f"`seed` argument (np.random.default_rng(seed)). Found {found['first']!r} then {found['again']!r}"
    )
    assert any(text != found["first"] for text in found["other_seeds"]), (
        f"sample with seed=7, 8 and 9 returned the same text {found['first']!r} at temperature "
        f"{probes.REPEAT_TEMPERATURE:g}: the draws should come from a generator seeded with the `seed` argument, "
        "so another seed gives other text"
    )


def _mean_log_prob(seed: int, prefix: str, text: str) -> float:
    """Average log-probability of ``text`` after ``prefix`` under the sampler model at temperature 1."""
    model = probes.sampler_model(seed)
    char_to_id, _ = probes.sampler_vocab()
    ids = np.array([[char_to_id[c] for c in prefix + text]], dtype=np.int32)
    logits = np.asarray(model(ids[:, :-1], training=False), dtype=np.float64)[0, len(prefix) - 1 :]
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    targets = ids[0, len(prefix) :]
    return float(log_probs[np.arange(len(targets)), targets].mean())


#: Calibrated (`autograder validate char_rnn`, figures in the README): the low-temperature sample's
#: mean log-probability exceeds the high-temperature one's by 1.80 to 3.32 nats for the reference
#: (2.13 and 2.62 for the np.random.seed and tf.random.categorical alternatives); a sampler that
#: ignores the temperature gives 0.0 (the same text twice).
MIN_TEMPERATURE_GAP = 0.6


@check("sample_uses_temperature")
def test_sample_uses_temperature(artifacts, seed, metrics):
    found = artifacts.json("sample_temperature")
    char_to_id, _ = probes.sampler_vocab()
    for key in ("low", "high"):
        assert len(found[key]) == probes.STAT_LENGTH, f"sample should return {probes.STAT_LENGTH} characters, found {len(found[key])}"
        unknown = sorted(set(found[key]) - set(char_to_id))
        assert not unknown, f"sample returned characters that are not in id_to_char: {unknown[:5]}"
    low = _mean_log_prob(seed, probes.STAT_PREFIX, found["low"])
    high = _mean_log_prob(seed, probes.STAT_PREFIX, found["high"])
    metrics["temperature_gap_nats"] = low - high
    assert low - high >= MIN_TEMPERATURE_GAP, (
        f"text sampled at temperature {probes.LOW_TEMPERATURE} should be much more likely under the model than text "
        f"sampled at {probes.HIGH_TEMPERATURE} (mean log-probability {low:.2f} vs {high:.2f} nats per character). "
        "Divide the logits by the temperature before the softmax"
    )


