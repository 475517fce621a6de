"""Hidden checks of the ner_lstm lab."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assignments.ner_lstm.checks.helpers import is_distribution, outputs, per_token
from assignments.ner_lstm.harvest import corpus, probes
from autograder.checking import check

# -- build_vocab ---------------------------------------------------------------------


def _vocab(artifacts) -> tuple[dict[str, int], dict[str, int]]:  # noqa: ANN001
    found = artifacts.json("vocab")
    return dict(map(tuple, found["word_to_id"])), dict(map(tuple, found["tag_to_id"]))


@check("vocab_returns_dicts")
def test_vocab_returns_dicts(artifacts):
    word_to_id, tag_to_id = _vocab(artifacts)
    assert word_to_id, "build_vocab returned an empty word_to_id for sentences with words in them"
    assert tag_to_id, "build_vocab returned an empty tag_to_id for sentences with tags"
    ids = list(word_to_id.values())
    shared = len(ids) - len(set(ids))
    assert not shared, (
        f"word_to_id should give every word its own id, but {shared} of its {len(ids)} entries repeat an id "
        f"(found ids {sorted(set(ids))[:6]}{' ...' if len(set(ids)) > 6 else ''})"
    )


@check("vocab_word_ids")
def test_vocab_word_ids(artifacts, seed):
    sentences, _ = probes.vocab_probe(seed)
    words = {w for s in sentences for w in s}
    word_to_id, _ = _vocab(artifacts)
    # entries for the padding and unknown ids themselves ("<PAD>": 0, "<UNK>": 1) are allowed
    word_to_id = {w: i for w, i in word_to_id.items() if w in words or i not in (0, 1)}
    missing = sorted(words - set(word_to_id))
    extra = sorted(set(word_to_id) - words)
    assert not missing and not extra, (
        "word_to_id should hold every word of the sentences exactly as written (no lower-casing): "
        + (f"missing {missing[:5]}" if missing else "")
        + ("; " if missing and extra else "")
        + (f"words that are not in the sentences {extra[:5]}" if extra else "")
    )
    ids = sorted(word_to_id.values())
    assert min(ids) >= 2, (
        f"word ids should start at 2, but the smallest is {min(ids)}: "
        + ("id 0 is padding, so that word would be masked out" if min(ids) == 0 else "id 1 is the unknown word")
    )
    assert ids[-1] <= len(ids) + 1, (
        f"word ids should be 2..{len(ids) + 1} for {len(ids)} words (no gaps), found ids up to {ids[-1]}"
    )


@check("vocab_tag_ids")
def test_vocab_tag_ids(artifacts, seed):
    _, tags = probes.vocab_probe(seed)
    expected = {t: i for i, t in enumerate(sorted({t for row in tags for t in row}))}
    _, tag_to_id = _vocab(artifacts)
    assert tag_to_id == expected, (
        f"tag ids should be 0..K-1 in sorted order of the tag names: expected {expected}, found {tag_to_id}"
    )


# -- encode ------------------------------------------------------------------------------


def _encoded(artifacts, kind: str) -> dict[str, np.ndarray]:  # noqa: ANN001
    return artifacts.arrays(f"encode_{kind}")


def _same_shape(name: str, found: np.ndarray, expected: np.ndarray) -> None:
    assert found.shape == expected.shape, f"{name} should have shape {expected.shape} (N, max_len), found {found.shape}"


@check("encode_shapes")
def test_encode_shapes(artifacts, seed):
    p = probes.encode_probe(seed, "short")
    found = _encoded(artifacts, "short")
    expected = (len(p["sentences"]), p["max_len"])
    for name in ("x", "y", "x_without_tags"):
        assert found[name].shape == expected, (
            f"encode's {name.replace('_without_tags', ' (tags=None)')} should have shape {expected} "
            f"(N sentences, max_len={p['max_len']}), found {found[name].shape}"
        )
    empty = [i for i, row in enumerate(found["x"]) if not np.any(row)]
    assert not empty, f"encode's x has rows of padding only (rows {empty}) for sentences with words in them"
    dtypes = artifacts.json("encode_short")["dtypes"]
    assert all(np.dtype(d).kind in "iu" for d in dtypes), f"x and y should be integer arrays (int32), found dtypes {dtypes}"
    assert artifacts.json("encode_short")["y_without_tags_is_none"], "encode(sentences, None, ...) should return y = None"


@check("encode_pads_at_end")
def test_encode_pads_at_end(artifacts, reference, seed):
    p = probes.encode_probe(seed, "short")
    x, y = reference.encode(p["sentences"], p["tags"], p["word_to_id"], p["tag_to_id"], p["max_len"])
    found = _encoded(artifacts, "short")
    _same_shape("x", found["x"], x)
    if not np.array_equal(found["x"], x):
        i = next(i for i in range(len(x)) if not np.array_equal(found["x"][i], x[i]))
        n = len(p["sentences"][i])
        hint = " (the padding is at the front: pad at the end)" if np.array_equal(found["x"][i][-n:], x[i][:n]) else ""
        raise AssertionError(f"x[{i}] for a sentence of {n} words should be {x[i].tolist()}, found {found['x'][i].tolist()}{hint}")
    _same_shape("y", found["y"], y)
    assert np.array_equal(found["y"], y), (
        f"y should hold each token's tag id, then 0 for padding: expected y[0] = {y[0].tolist()}, found {found['y'][0].tolist()}"
    )
    assert np.array_equal(found["x_without_tags"], x), "encode(sentences, None, ...) should return the same x as with tags"


@check("encode_unknown_words")
def test_encode_unknown_words(artifacts, reference, seed):
    """Only the ids are judged: a row padded at the wrong end is encode_pads_at_end's to count."""
    p = probes.encode_probe(seed, "unknown")
    x, _ = reference.encode(p["sentences"], p["tags"], p["word_to_id"], p["tag_to_id"], p["max_len"])
    found = _encoded(artifacts, "unknown")["x"]
    _same_shape("x", found, x)
    for i, sentence in enumerate(p["sentences"]):
        n = min(len(sentence), p["max_len"])
        if np.array_equal(found[i, :n], x[i, :n]) or np.array_equal(found[i, p["max_len"] - n:], x[i, :n]):
            continue
        j = int(np.flatnonzero(found[i, :n] != x[i, :n])[0])
        raise AssertionError(
            f"word {sentence[j]!r} (sentence {i}, position {j}) should be encoded as {x[i, j]}"
            + (" (unknown words map to 1)" if x[i, j] == 1 else "")
            + f", found {found[i, j]}"
        )


@check("encode_truncates")
def test_encode_truncates(artifacts, reference, seed):
    p = probes.encode_probe(seed, "long")
    x, y = reference.encode(p["sentences"], p["tags"], p["word_to_id"], p["tag_to_id"], p["max_len"])
    found = _encoded(artifacts, "long")
    _same_shape("x", found["x"], x)
    for i in range(len(x)):
        if not np.array_equal(found["x"][i], x[i]):
            last = [p["word_to_id"][w] for w in p["sentences"][i][-p["max_len"]:]]
            hint = " (those are the last max_len words: keep the first ones)" if found["x"][i].tolist() == last else ""
            raise AssertionError(
                f"a sentence of {len(p['sentences'][i])} words with max_len={p['max_len']} should be cut to its first "
                f"{p['max_len']} ids {x[i].tolist()}, found {found['x'][i].tolist()}{hint}"
            )
    assert np.array_equal(found["y"], y), "y of a long sentence should be cut to its first max_len tags, like x"


# -- build_model (untrained) ------------------------------------------------------------------


def _batch(seed: int, name: str, lengths: list[int], width: int) -> np.ndarray:
    return probes.model_batch(seed, name, probes.model_sizes(seed)["vocab_size"], lengths, width)


@check("model_output_shape")
def test_model_output_shape(untrained, seed):
    K = probes.model_sizes(seed)["num_tags"]
    for T in (5, 11):
        x = _batch(seed, f"shape_{T}", [T, T - 2, 3], T)
        out = per_token(untrained, x)
        assert out.shape == (3, T, K), f"on input of shape {x.shape} the output should have shape {(3, T, K)}, found {out.shape}"


def _sizes_found(model) -> tuple[list[int], list[int]]:  # noqa: ANN001
    import keras

    layers = list(model._flatten_layers())
    widths = [int(layer.output_dim) for layer in layers if isinstance(layer, keras.layers.Embedding)]
    units = [int(layer.units) for layer in layers if isinstance(layer, keras.layers.LSTM)]
    return widths, units


@check("model_uses_sizes")
def test_model_uses_sizes(untrained, seed):
    s = probes.model_sizes(seed)
    widths, units = _sizes_found(untrained)
    assert widths == [s["embedding_dim"]], (
        f"build_model(..., embedding_dim={s['embedding_dim']}) should make an Embedding of that width, "
        f"found Embedding widths {widths}"
    )
    assert units and all(u == s["lstm_units"] for u in units), (
        f"build_model(..., lstm_units={s['lstm_units']}) should give each LSTM (each direction) {s['lstm_units']} units, "
        f"found LSTM units {units}"
    )


@check("model_outputs_probabilities")
def test_model_outputs_probabilities(untrained, seed):
    x = _batch(seed, "probabilities", [9, 6, 3], 9)
    out = per_token(untrained, x)
    real = out[x > 0]
    assert is_distribution(out, x > 0), (
        "the output at every token should be a softmax over the tags (values in [0, 1] summing to 1), "
        f"found values from {real.min():.3g} to {real.max():.3g}, sums from {real.sum(-1).min():.3g} to {real.sum(-1).max():.3g}"
    )


@check("masking_ignores_padding")
def test_masking_ignores_padding(untrained, seed, metrics):
    lengths = [4, 7, 9]
    x = _batch(seed, "masking", lengths, 9)
    longer = np.pad(x, ((0, 0), (0, 8)))
    short_out = per_token(untrained, x)
    long_out = per_token(untrained, longer)[:, :9]
    mask = x > 0
    change = float(np.max(np.abs(short_out - long_out)[mask]))
    metrics["padding_change"] = change
    assert change <= 1e-5, (
        f"appending 8 padding ids (0) changed the outputs at real tokens by up to {change:.2e} (expected 0): "
        "padding must be masked (Embedding(..., mask_zero=True)) so the LSTMs skip it"
    )


def _embedding_variable(model):  # noqa: ANN001, ANN202
    import keras

    layers = [layer for layer in model._flatten_layers() if isinstance(layer, keras.layers.Embedding)]
    assert layers, "the model should start with an Embedding layer (none was found)"
    return layers[0].embeddings.value  # the backend (tf.Variable) behind the Keras variable


@check("bidirectional_context")
def test_bidirectional_context(untrained, seed, metrics):
    import tensorflow as tf

    sizes = probes.model_sizes(seed)
    rng = np.random.default_rng([seed, 31])
    L, t = 8, 3
    x = (rng.permutation(sizes["vocab_size"] - 2)[:L] + 2).astype(np.int32)[None, :]  # distinct words
    per_token(untrained, x)
    embeddings = _embedding_variable(untrained)
    projection = tf.constant(rng.normal(size=sizes["num_tags"]), dtype=tf.float32)

    def influence(position: int) -> np.ndarray:
        with tf.GradientTape() as tape:
            tape.watch(embeddings)
            out = untrained(x, training=False)
            target = tf.reduce_sum(tf.cast(out[0, position], tf.float32) * projection)
        grad = tf.convert_to_tensor(tape.gradient(target, embeddings))
        return np.linalg.norm(np.asarray(grad)[x[0]], axis=-1)  # one norm per input position

    at_t = influence(t)
    assert at_t[t] > 0, "the output at a token does not depend on the token's own word"
    future = float(at_t[t + 1:].max()) / float(at_t[t])
    metrics["future_gradient_ratio"] = future
    assert future > 1e-4, (
        f"the output at position {t} does not depend on the words after it (gradient ratio {future:.1e}): "
        "wrap the LSTM in Bidirectional(...) so each token sees its right context too"
    )
    at_end = influence(L - 1)
    past = float(at_end[:-1].max()) / float(at_end[-1])
    assert past > 1e-4, f"the output at the last position does not depend on the words before it (gradient ratio {past:.1e})"


def _loss_config(model) -> dict:  # noqa: ANN001
    loss = model.loss
    if isinstance(loss, str):
        return {"name": loss, "from_logits": False}
    get = getattr(loss, "get_config", None)
    return get() if callable(get) else {"name": getattr(loss, "__name__", type(loss).__name__)}


def _compiled_loss(model, x: np.ndarray, y: np.ndarray) -> float:  # noqa: ANN001
    assert model.loss is not None, "build_model should compile the model with a loss"
    y_pred = model(x, training=False)
    try:
        value = model.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
    except Exception as err:  # noqa: BLE001
        raise AssertionError(
            f"the compiled loss cannot be computed on integer tag ids of shape {y.shape} ({type(err).__name__}): "
            "use a sparse categorical cross-entropy"
        ) from None
    return float(np.asarray(value))


def _mean_cross_entropy(probabilities: np.ndarray, y: np.ndarray, mask: np.ndarray) -> float:
    picked = np.take_along_axis(probabilities, y[..., None], axis=-1)[..., 0]
    return float(-np.log(np.clip(picked[mask], 1e-7, 1.0)).mean())


@check("loss_matches_output")
def test_loss_matches_output(untrained, seed):
    K = probes.model_sizes(seed)["num_tags"]
    x = _batch(seed, "loss", [8, 8, 8, 8], 8)  # no padding: only the kind of loss is tested here
    y = np.random.default_rng([seed, 47]).integers(0, K, size=x.shape).astype(np.int32)
    out = per_token(untrained, x)
    probabilities = is_distribution(out, x > 0)
    config = _loss_config(untrained)
    if probabilities:
        assert not config.get("from_logits", False), (
            "the model outputs probabilities (softmax) but the loss is compiled with from_logits=True; "
            "Keras then quietly computes it from the values before the softmax: use from_logits=False"
        )
        expected = _mean_cross_entropy(out, y, x > 0)
    else:
        shifted = np.exp(out - out.max(-1, keepdims=True))
        expected = _mean_cross_entropy(shifted / shifted.sum(-1, keepdims=True), y, x > 0)
    found = _compiled_loss(untrained, x, y)
    assert math.isclose(found, expected, rel_tol=1e-3), (
        f"the compiled loss on a batch is {found:.4f}, but the cross-entropy of the model's outputs is {expected:.4f} "
        f"(loss {config.get('name')!r}): compile with a sparse categorical cross-entropy"
    )
    assert 0.5 * math.log(K) < found < 2.0 * math.log(K), (
        f"an untrained model's loss should be near ln({K}) = {math.log(K):.3f}, found {found:.4f}"
    )


@check("loss_ignores_padding")
def test_loss_ignores_padding(untrained, seed):
    K = probes.model_sizes(seed)["num_tags"]
    lengths = [3, 5, 8]
    x = _batch(seed, "loss_padding", lengths, 8)
    rng = np.random.default_rng([seed, 53])
    y = rng.integers(0, K, size=x.shape).astype(np.int32)
    y[x == 0] = 0
    noisy = np.where(x > 0, y, rng.integers(0, K, size=x.shape)).astype(np.int32)
    longer_x = np.pad(x, ((0, 0), (0, 12)))
    longer_y = np.pad(noisy, ((0, 0), (0, 12)), constant_values=K - 1)
    base = _compiled_loss(untrained, x, y)
    for what, value in (
        ("other labels at the padded positions", _compiled_loss(untrained, x, noisy)),
        ("12 more padding positions", _compiled_loss(untrained, longer_x, longer_y)),
    ):
        assert math.isclose(value, base, rel_tol=1e-4), (
            f"the loss changed from {base:.5f} to {value:.5f} with {what}: padded positions must count in neither "
            "the loss nor the metrics (Embedding(..., mask_zero=True) passes the mask on to the loss)"
        )


# -- predict_tags ---------------------------------------------------------------------------------


def _predicted(artifacts) -> list[list[str]]:  # noqa: ANN001
    return artifacts.json("predict")["tags"]


@check("predict_tags_lengths")
def test_predict_tags_lengths(artifacts, seed):
    p = probes.predict_probe(seed)
    found = _predicted(artifacts)
    assert len(found) == len(p["sentences"]), f"predict_tags should return {len(p['sentences'])} tag lists (one per sentence), found {len(found)}"
    for i, (sentence, tags) in enumerate(zip(p["sentences"], found, strict=True)):
        expected = min(len(sentence), p["max_len"])
        assert len(tags) == expected, (
            f"sentence {i} has {len(sentence)} tokens and max_len is {p['max_len']}: expected {expected} tags, found {len(tags)}"
            + (" (tags for padding positions are included)" if len(tags) == p["max_len"] > len(sentence) else "")
        )
        assert all(tags), f"predict_tags returned empty strings as tags for sentence {i}: {tags}"


@check("predict_tags_values")
def test_predict_tags_values(artifacts, reference, seed):
    """Judged on the grader's encoding, or on the notebook's own (an encode bug is encode's checks' to count)."""
    p = probes.predict_probe(seed)
    lengths = [min(len(s), p["max_len"]) for s in p["sentences"]]
    x, _ = reference.encode(p["sentences"], None, p["word_to_id"], None, p["max_len"])
    candidates = [probes.stand_in_tags(x, lengths, p["id_to_tag"])]
    own = artifacts.arrays("predict").get("x_own") if (artifacts.directory / "predict.npz").exists() else None
    if own is not None and own.ndim == 2 and own.shape[0] == len(lengths) and own.min() >= 0:
        candidates.append(probes.stand_in_tags(own, [min(n, own.shape[1]) for n in lengths], p["id_to_tag"]))
    found = _predicted(artifacts)
    assert len(found) == len(lengths), f"predict_tags should return {len(lengths)} tag lists, found {len(found)}"
    assert all(len(row) > 0 for row in found), "predict_tags returned an empty tag list for a sentence with words"

    def agrees(expected: list[list[str]]) -> bool:
        return all(row[: len(want)] == want[: len(row)] for row, want in zip(found, expected, strict=True))

    unknown = sorted({t for row in found for t in row} - set(p["id_to_tag"]))
    assert any(agrees(c) for c in candidates), (
        "given a model whose most probable tag for each word is known, predict_tags should return that tag at every "
        f"token: for sentence 1 expected {candidates[0][1]}, found {found[1][: len(candidates[0][1])]}"
        + (f" (tags that are not in id_to_tag {p['id_to_tag']}: {unknown[:3]}; use id_to_tag)" if unknown else "")
    )


# -- the student's own optimizer ---------------------------------------------------------------------------


@check("own_optimizer_trains")
def test_own_optimizer_trains(artifacts, profile, seed, data_dir, metrics):
    """Cross-entropy on the short run's sentences, from the saved model's outputs, relative to ln K (≈ 1 untrained)."""
    from assignments.ner_lstm.harvest import data

    vocab, x, y = data.grader_pipeline(profile, seed, data_dir)
    n = int(profile["short_run_sentences"])
    out = per_token(artifacts.model("own_optimizer"), x[:n])
    if not is_distribution(out, x[:n] > 0):  # logits (model_outputs_probabilities counts that): softmax them here
        shifted = np.exp(out - out.max(-1, keepdims=True))
        out = shifted / shifted.sum(-1, keepdims=True)
    ratio = _mean_cross_entropy(out, y[:n], x[:n] > 0) / math.log(vocab.num_tags)
    metrics["short_run_loss_ratio"] = ratio
    limit = float(profile["max_short_run_loss_ratio"])
    used = artifacts.json("own_optimizer")
    lr = used.get("learning_rate")
    assert ratio <= limit, (
        f"one pass over {n} training sentences with your compiled optimizer ({used.get('optimizer')}"
        + (f", learning rate {lr:.2g}" if isinstance(lr, (int, float)) else "")
        + f") left the loss at {ratio:.2f} x ln({vocab.num_tags}) (an untrained model is at about 1.0); expected at most "
        f"{limit:.2f} x ln({vocab.num_tags}): the optimizer's settings (learning rate) barely train the model"
    )


# -- quality ---------------------------------------------------------------------------------------------


def predict_heldout(model, vocab, sentences: list[list[str]], batch: int = 256) -> list[list[str]]:  # noqa: ANN001
    """Tags for every held-out sentence, padded per batch to its longest sentence."""
    tags = []
    for start in range(0, len(sentences), batch):
        chunk = sentences[start:start + batch]
        x = vocab.words(chunk, max(len(s) for s in chunk))
        best = per_token(model, x).argmax(-1)
        tags += [[vocab.tag_names[k] for k in best[i, : len(s)]] for i, s in enumerate(chunk)]
    return tags


@check("heldout_entity_f1")
def test_heldout_entity_f1(artifacts, grader_vocab, heldout, profile, metrics):
    from seqeval.metrics import f1_score

    model = artifacts.model("train")
    sentences, gold = heldout
    out = outputs(model, grader_vocab.words(sentences[:2], 4))
    if out.ndim != 3 or out.shape[-1] != grader_vocab.num_tags:
        pytest.fail(f"the trained model returns shape {out.shape} for 2 sentences of 4 tokens, expected (2, 4, {grader_vocab.num_tags})")
    predicted = predict_heldout(model, grader_vocab, sentences)
    f1 = float(f1_score(gold, predicted))
    metrics["heldout_f1"] = f1
    threshold = float(profile["min_f1"])
    assert f1 >= threshold, (
        f"entity-level F1 on {len(sentences)} held-out sentences is {f1:.3f}, below the threshold {threshold:.2f} "
        f"(your model trained by the grader: {profile['epochs']} epochs of Adam at {float(profile['learning_rate']):g} on the grader's data; types: {', '.join(sorted({t[2:] for t in corpus.TAG_NAMES if t != 'O'}))})"
    )
