"""Hidden checks of the seq2seq_gru lab."""

from __future__ import annotations

import numpy as np

from assignments.seq2seq_gru.checks.conftest import (
    call,
    causality_violation,
    compiled_loss,
    cut_at_end,
    encoder_side_layers,
    grader_greedy,
    prefix_greedy,
)
from assignments.seq2seq_gru.harvest import dates, probes
from autograder.checking import check
from autograder.checking.compare import assert_shape


@check("returns_documented_types")
def test_returns_documented_types(artifacts):
    found = artifacts.json("contract")
    problems = []
    if found.get("teacher_forcing") != ["ndarray", "ndarray"]:
        problems.append(f"teacher_forcing should return a tuple of two numpy arrays, but returned {found.get('teacher_forcing')}")
    elif 0 in found.get("teacher_forcing_rows_with_ids", [0]):
        problems.append("teacher_forcing returned an array of zeros: decoder_input and decoder_target should hold the ids "
                        "(start id, characters, end id), not only padding")
    if found.get("build_models") != ["Model", "Model", "Model"]:
        problems.append(f"build_models should return three keras models, but returned {found.get('build_models')}")
    if found.get("greedy_decode") != "list of lists of int":
        problems.append(f"greedy_decode: {found.get('greedy_decode')}")
    elif not any(found.get("greedy_decode_output", [])) or any(0 in row for row in found["greedy_decode_output"]):
        problems.append("greedy_decode returned only empty rows or padding ids (0) for a decoder that emits other ids: "
                        f"it should return the ids the decoder produces, found {found.get('greedy_decode_output')!r:.120}")
    assert not problems, "; ".join(problems)


@check("teacher_forcing_shapes")
def test_teacher_forcing_shapes(artifacts, seed):
    target = probes.teacher_forcing(seed)["target_ids"]
    found = artifacts.arrays("teacher_forcing")
    for key in ("default_input", "default_target"):
        what = f"teacher_forcing's decoder_{key.split('_')[1]}"
        assert_shape(what, found[key], target.shape)
        assert found[key].dtype.kind in "iu", f"{what} should hold integer ids, found dtype {found[key].dtype}"
        empty = int(np.sum(~np.any(found[key] != 0, axis=-1)))
        assert not empty, (
            f"{what} has {empty} row(s) of zeros only: every row should hold ids (the start id or the target's "
            "characters and end id), not only padding"
        )


@check("teacher_forcing_values")
def test_teacher_forcing_values(artifacts, seed):
    p = probes.teacher_forcing(seed)
    target, start = p["target_ids"], int(p["start_id"])
    found = artifacts.arrays("teacher_forcing")
    for tag, start_id in (("default", 1), ("custom", start)):
        expected = np.concatenate([np.full((len(target), 1), start_id), target[:, :-1]], axis=1)
        got = found[f"{tag}_input"]
        assert got.shape == target.shape, f"decoder_input should have shape {target.shape}, found {got.shape}"
        if not np.array_equal(got, expected):
            hint = ""
            if np.array_equal(got, target):
                hint = " (it equals the target: the decoder would be shown the answer it must predict)"
            elif np.array_equal(got[:, :-1], target[:, 1:]):
                hint = " (it is shifted left instead of right)"
            elif np.array_equal(got[:, 1:], expected[:, 1:]):
                hint = f" (the first column should be start_id={start_id})"
            raise AssertionError(
                f"with start_id={start_id}, decoder_input row 0 should be {expected[0].tolist()}, found {got[0].tolist()}{hint}"
            )
        assert np.array_equal(found[f"{tag}_target"], target), (
            f"decoder_target should equal target_ids; row 0 expected {target[0].tolist()}, found {found[f'{tag}_target'][0].tolist()}"
        )
    assert np.array_equal(found["target_after"], target), "teacher_forcing modified target_ids in place"


@check("model_shapes")
def test_model_shapes(artifacts, sizes, batch):
    import keras  # here, not at the top: checks that read no model run without TensorFlow
    train = artifacts.model("build", "train", compile=False)
    encoder = artifacts.model("build", "encoder", compile=False)
    decoder = artifacts.model("build", "decoder", compile=False)
    b, v, latent = sizes["batch"], sizes["tgt_vocab"], sizes["latent_dim"]
    for cut in (0, 2):  # two source and target lengths
        src, dec = batch["encoder_ids"][:, : batch["encoder_ids"].shape[1] - cut], batch["decoder_ids"][:, : batch["decoder_ids"].shape[1] - cut]
        assert_shape("train_model's output", call(train, [src, dec]), (b, dec.shape[1], v))
        assert_shape("encoder_model's state", call(encoder, src), (b, latent))
    out = call(decoder, [batch["decoder_ids"][:, :1], np.zeros((b, latent), np.float32)])
    assert isinstance(out, list) and len(out) == 2, "decoder_model should return [probabilities, new_state]"
    assert_shape("decoder_model's probabilities", out[0], (b, 1, v))
    assert_shape("decoder_model's new state", out[1], (b, latent))
    widths = {layer.name: int(layer.output_dim) for layer in train.layers if isinstance(layer, keras.layers.Embedding)}
    assert widths, "train_model has no Embedding layer: embed the source and target ids (width embedding_dim)"
    wrong = {name: w for name, w in widths.items() if w != sizes["embedding_dim"]}
    assert not wrong, (
        f"build_models was called with embedding_dim={sizes['embedding_dim']}, but these Embedding layers have "
        f"other widths: {wrong}. Use the embedding_dim argument"
    )


def _assert_probabilities(name: str, p: np.ndarray) -> None:
    assert np.all(np.isfinite(p)), f"{name} contains NaN or infinite values"
    sums = p.sum(axis=-1)
    assert p.min() >= 0 and np.allclose(sums, 1.0, atol=1e-4), (
        f"{name} should be probabilities (a softmax: non-negative, summing to 1 over the vocabulary), "
        f"found values from {p.min():.3g} to {p.max():.3g} summing to {sums.min():.3g}..{sums.max():.3g}"
    )


@check("outputs_are_probabilities")
def test_outputs_are_probabilities(artifacts, sizes, batch):
    train = artifacts.model("build", "train", compile=False)
    decoder = artifacts.model("build", "decoder", compile=False)
    encoder = artifacts.model("build", "encoder", compile=False)
    _assert_probabilities("train_model's output", call(train, [batch["encoder_ids"], batch["decoder_ids"]]))
    state = call(encoder, batch["encoder_ids"])
    _assert_probabilities("decoder_model's probabilities", call(decoder, [batch["decoder_ids"][:, :1], state])[0])


@check("decoder_uses_encoder_state")
def test_decoder_uses_encoder_state(artifacts, batch):
    import tensorflow as tf  # here, not at the top: checks that read no model run without TensorFlow
    train = artifacts.model("build", "train", compile=False)
    dec = batch["decoder_ids"]
    a = call(train, [batch["encoder_ids"], dec])
    b = call(train, [batch["other_encoder_ids"], dec])
    change = float(np.max(np.abs(a - b)))
    assert change > 1e-6, (
        "train_model's outputs did not change when only the source changed (largest change "
        f"{change:.2g}): the decoder GRU must start from the encoder's final state (initial_state=...)"
    )
    layers = encoder_side_layers(train)
    assert layers, "no layer with weights in train_model reads encoder_ids: the encoder is not connected to the decoder"
    variables = [w for layer in layers for w in layer.trainable_weights]
    target = tf.constant(batch["decoder_target"])
    with tf.GradientTape() as tape:
        probabilities = train([batch["encoder_ids"], dec], training=False)
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(target, probabilities))
    grads = tape.gradient(loss, variables)
    norms = {w.path: (0.0 if g is None else float(tf.norm(tf.convert_to_tensor(g)))) for w, g in zip(variables, grads, strict=True)}
    dead = [name for name, n in norms.items() if not n > 0]
    assert not dead, f"the decoder's loss has no gradient with respect to the encoder's weights {dead[:4]}: the encoder state does not reach the decoder"


@check("decoder_is_causal")
def test_decoder_is_causal(artifacts, sizes, batch):
    train = artifacts.model("build", "train", compile=False)
    found = causality_violation(train, batch["encoder_ids"], batch["decoder_ids"], sizes["tgt_vocab"])
    if found is not None:
        t, diff = found
        raise AssertionError(
            f"changing the decoder inputs after step {t} changed train_model's outputs at steps 0..{t} "
            f"(by up to {diff:.2g}): the decoder must read its inputs left to right only (no Bidirectional / go_backwards)"
        )


@check("initial_loss")
def test_initial_loss(artifacts, sizes, batch):
    import tensorflow as tf  # here, not at the top: checks that read no model run without TensorFlow
    train = artifacts.model("build", "train", compile=True)
    x = [tf.constant(batch["encoder_ids"]), tf.constant(batch["decoder_ids"])]
    y = tf.constant(batch["decoder_target"])
    with tf.GradientTape() as tape:
        y_pred = train(x, training=False)
        loss = compiled_loss(train, x, y, y_pred)
    expected = float(np.log(sizes["tgt_vocab"]))
    value = float(loss)
    assert np.isfinite(value) and abs(value - expected) <= 0.15 * expected, (
        f"the untrained model's loss should be close to ln(V) = {expected:.3f} (V = {sizes['tgt_vocab']} target ids), "
        f"found {value:.4g}: the compiled loss does not match what the model outputs (softmax probabilities "
        "with sparse categorical cross-entropy, from_logits=False)"
    )
    grads = tape.gradient(loss, train.trainable_weights)
    bad = [w.path for w, g in zip(train.trainable_weights, grads, strict=True) if g is not None and not np.all(np.isfinite(np.asarray(tf.convert_to_tensor(g))))]
    assert not bad, f"the loss's gradients are not finite for {bad[:4]}"


@check("inference_shares_layers")
def test_inference_shares_layers(artifacts, heldout, vocab, profile, metrics):
    _, data = heldout
    src = data.encoder_ids[:200]
    train = artifacts.model("train", "train", compile=False)
    encoder = artifacts.model("train", "encoder", compile=False)
    decoder = artifacts.model("train", "decoder", compile=False)
    minimum = float(profile["agreement_min"])
    causal = causality_violation(train, src[:32], data.decoder_input[:32], vocab.tgt_vocab_size) is None
    if causal:
        greedy = grader_greedy(encoder, decoder, src, vocab.target_len)
        decoder_ids = np.concatenate([np.full((len(src), 1), dates.START, np.int32), greedy[:, :-1]], axis=1)
        forced = np.argmax(call(train, [src, decoder_ids]), axis=-1)
        what = "greedy decoding with encoder_model/decoder_model agreed with train_model's teacher-forced argmax on"
    else:  # a decoder that reads ahead (decoder_is_causal's concept) is judged on the first step only
        greedy = grader_greedy(encoder, decoder, src, 1)
        forced = np.argmax(call(train, [src, np.full((len(src), 1), dates.START, np.int32)]), axis=-1)
        what = "the first id decoded with encoder_model/decoder_model agreed with train_model's (fed the start id alone) on"
    agreement = float(np.mean(forced == greedy))
    metrics["inference_agreement"] = agreement
    assert agreement >= minimum, (
        f"after training, {what} {agreement:.1%} of tokens (at least {minimum:.0%} expected): the inference "
        "models must reuse the trained layers of train_model (the same layer objects), not new ones"
    )


def _greedy_case(artifacts, seed, call_name: str):
    params = probes.SCRIPT_CALLS[call_name]
    rows = probes.scripts(seed, call_name)
    found = artifacts.json("greedy")[call_name]
    return params, rows, found


@check("greedy_stops_at_end")
def test_greedy_stops_at_end(artifacts, seed):
    for name in probes.SCRIPT_CALLS:
        params, rows, found = _greedy_case(artifacts, seed, name)
        end, m = params["end_id"], params["max_len"]
        for script, got in zip(rows, found, strict=True):
            if end not in script[:m]:
                continue
            k = script.index(end)
            ok = got[:k] == script[:k] and got[k:] in ([], [end])
            assert ok, (
                f"with end_id={end}, max_len={m}: the decoder produced {script[: k + 1]} then more; greedy_decode "
                f"should return {script[:k]}, found {got}"
            )


@check("greedy_excludes_end")
def test_greedy_excludes_end(artifacts, seed):
    # Judged at the default end id only: stopping at a non-default end_id is greedy_stops_at_end's check.
    params, rows, found = _greedy_case(artifacts, seed, "default")
    end = params["end_id"]
    for script, got in zip(rows, found, strict=True):
        assert end not in got, f"with end_id={end}, greedy_decode returned {got}: the end id should not be part of the output"
        emitted = set(script) | {3}  # the scripted decoder emits 3 once every script is used up
        assert got or script[0] == end, (
            f"the decoder produced {script[:3]}... before the end id, but greedy_decode returned nothing for that row"
        )
        assert set(got) <= emitted, (
            f"greedy_decode returned ids {sorted(set(got) - emitted)} that the decoder never produced for that row "
            f"(expected ids from {script[: params['max_len']]}), found {got}"
        )


@check("greedy_respects_max_len")
def test_greedy_respects_max_len(artifacts, seed):
    for name in probes.SCRIPT_CALLS:
        params, rows, found = _greedy_case(artifacts, seed, name)
        end, m = params["end_id"], params["max_len"]
        for script, got in zip(rows, found, strict=True):
            assert len(got) <= m, f"with max_len={m}, greedy_decode returned {len(got)} ids: {got}"
            if end not in script[:m]:
                assert got == script[:m], (
                    f"with max_len={m}, the decoder never produced the end id; greedy_decode should return its first "
                    f"{m} ids {script[:m]}, found {got}"
                )


@check("greedy_feeds_back")
def test_greedy_feeds_back(artifacts, seed):
    found = artifacts.json("greedy")["chain"]
    expected = probes.chain_expected(seed)
    params = probes.CHAIN_CALL
    for got in found:  # judged up to the end id only: stopping there is greedy_stops_at_end's check
        assert got[: len(expected)] == expected, (
            f"with a decoder whose next id depends only on the id fed in, start_id={params['start_id']}: greedy_decode "
            f"should return {expected}, found {got}. Feed start_id first, then each step's own argmax"
        )


@check("heldout_exact_match")
def test_heldout_exact_match(artifacts, heldout, vocab, profile, metrics):
    pairs, data = heldout
    train = artifacts.model("train", "train", compile=False)
    decoded = cut_at_end(prefix_greedy(train, data.encoder_ids, vocab.target_len))
    predictions = [vocab.decode_target(ids) for ids in decoded]
    exact = float(np.mean([p == t for p, (_, t) in zip(predictions, pairs, strict=True)]))
    metrics["heldout_exact_match"] = exact
    minimum = float(profile["exact_match_min"])
    examples = "; ".join(f"{s!r} -> {p!r} (expected {t!r})" for p, (s, t) in list(zip(predictions, pairs, strict=True))[:3])
    assert exact >= minimum, (
        f"greedy-decoding exact match on {len(pairs)} held-out dates after the grader's fixed training (its own "
        f"optimizer and budget; your compile settings are judged by another check) is {exact:.3f}, "
        f"below the threshold {minimum:.2f}. Examples: {examples}"
    )


@check("own_training_lowers_loss")
def test_own_training_lowers_loss(artifacts, heldout, profile, metrics):
    import keras  # here, not at the top: checks that read no model run without TensorFlow
    _, data = heldout
    x = [data.encoder_ids, data.decoder_input]
    losses = []
    for name in ("before", "after"):
        model = artifacts.model("own_training", name, compile=False)
        probabilities = call(model, x)
        losses.append(float(np.mean(keras.losses.sparse_categorical_crossentropy(data.decoder_target, probabilities))))
    before, after = losses
    ratio = after / before if np.isfinite(after) and before > 0 else float("inf")
    metrics["own_training_loss_ratio"] = ratio
    maximum = float(profile["own_loss_ratio_max"])
    updates, batch = int(profile["own_run_updates"]), int(profile["own_run_batch_size"])
    assert ratio <= maximum, (
        f"{updates} updates (batch {batch}) under your own compile settings took the held-out loss from {before:.3f} "
        f"to {after:.3f} (ratio {ratio:.2f}; at most {maximum:.2f} expected): the optimizer settings you compiled "
        "train_model with do not train it (a learning rate far too small or large, or an optimizer that does not suit it)"
    )
