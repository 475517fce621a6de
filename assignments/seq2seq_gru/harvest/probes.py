"""Probe inputs and grader-made models of the seq2seq_gru lab, drawn from the grader's seed.

Stage 1 feeds them to the student's functions; stage 2 draws the same ones again
(it never trusts inputs read back from artifacts). The scripted models are not a
solution: they ignore the source's meaning and emit a fixed script per row, so
that greedy_decode can be checked on its own (stop at the end id, leave it out,
respect max_len, feed back its own tokens, start from start_id).
"""

from __future__ import annotations

import numpy as np

from autograder.harvest import rng_for

#: Logit of the scripted token: large enough that argmax is never in doubt.
SCRIPT_LOGIT = 20.0


def sizes(seed: int) -> dict[str, int]:
    """Grader-chosen model and batch sizes for the structural checks (never the defaults)."""
    rng = rng_for(seed, "sizes")
    return {
        "src_vocab": int(rng.integers(20, 30)),
        "tgt_vocab": int(rng.integers(12, 18)),
        "latent_dim": int(rng.integers(16, 33)),
        "embedding_dim": int(rng.integers(6, 13)),
        "batch": int(rng.integers(4, 7)),
        "src_len": int(rng.integers(7, 11)),
        "tgt_len": int(rng.integers(5, 9)),
    }


def target_rows(rng: np.random.Generator, n: int, length: int, vocab: int, end_id: int = 2) -> np.ndarray:
    """(n, length) target ids: characters (ids 3..vocab-1), the end id, then padding 0."""
    out = np.zeros((n, length), dtype=np.int32)
    for row in range(n):
        k = int(rng.integers(1, length))  # characters before the end id
        out[row, :k] = rng.integers(3, vocab, size=k)
        out[row, k] = end_id
    return out


def teacher_forcing(seed: int) -> dict[str, np.ndarray]:
    rng = rng_for(seed, "teacher_forcing")
    n, length = int(rng.integers(4, 8)), int(rng.integers(6, 12))
    return {"target_ids": target_rows(rng, n, length, 15), "start_id": np.int32(int(rng.integers(5, 9)))}


def model_batch(seed: int, name: str = "batch") -> dict[str, np.ndarray]:
    """Encoder ids (with end padding), decoder ids (no 0) and decoder targets for the small models."""
    s = sizes(seed)
    rng = rng_for(seed, name)
    b, tx, ty = s["batch"], s["src_len"], s["tgt_len"]
    src = rng.integers(1, s["src_vocab"], size=(b, tx)).astype(np.int32)
    for row in range(b):
        src[row, int(rng.integers(tx // 2, tx + 1)):] = 0
    src[:, 0] = np.maximum(src[:, 0], 1)
    dec = rng.integers(1, s["tgt_vocab"], size=(b, ty)).astype(np.int32)
    dec[:, 0] = 1
    tgt = rng.integers(2, s["tgt_vocab"], size=(b, ty)).astype(np.int32)
    other_src = rng.integers(1, s["src_vocab"], size=(b, tx)).astype(np.int32)
    return {"encoder_ids": src, "decoder_ids": dec, "decoder_target": tgt, "other_encoder_ids": other_src}


# -- greedy decoding probes ----------------------------------------------------------

SCRIPT_VOCAB = 16
SCRIPT_CALLS = {"default": {"start_id": 1, "end_id": 2, "max_len": 12}, "custom": {"start_id": 1, "end_id": 4, "max_len": 7}}
CHAIN_CALL = {"start_id": 5, "end_id": 2, "max_len": 12}


def scripts(seed: int, call: str) -> list[list[int]]:
    """One script per source row: what the scripted decoder emits, step by step.

    Rows: end after 3 tokens, end at once, never an end, end right after max_len
    tokens, end after 1 token then more tokens, end after max_len - 1 tokens.
    Every script is max_len + 3 long, so a decoder that runs on finds more tokens.
    """
    params = SCRIPT_CALLS[call]
    end, m = params["end_id"], params["max_len"]
    rng = rng_for(seed, f"scripts_{call}")
    # Neither the end id nor 2 (the default end id) is an ordinary token: a greedy_decode that
    # hard-codes end id 2 then fails greedy_stops_at_end only (it runs on past end_id=4) and
    # does not also stop early on a 2 in the rows greedy_respects_max_len judges.
    tokens = [t for t in range(3, SCRIPT_VOCAB) if t != end]

    def draw(k: int) -> list[int]:
        return [int(t) for t in rng.choice(tokens, size=k)]

    before = [3, 0, m + 3, m, 1, m - 1]
    rows = []
    for k in before:
        script = draw(k)
        if k < m + 3:
            script = script + [end] + draw(m + 2 - k)
        rows.append(script)
    return rows


def expected_decode(script: list[int], end_id: int, max_len: int) -> list[int]:
    out = []
    for token in script[:max_len]:
        if token == end_id:
            break
        out.append(token)
    return out


def script_sources(rows: int) -> np.ndarray:
    """Row r of the source batch is [r + 3, r + 3, 0, 0]: the scripted encoder reads the row number."""
    src = np.zeros((rows, 4), dtype=np.int32)
    src[:, :2] = np.arange(rows)[:, None] + 3
    return src


def chain(seed: int) -> dict[int, int]:
    """Next-token table of the chain decoder: from CHAIN_CALL's start a few tokens, then the end id."""
    rng = rng_for(seed, "chain")
    path = [int(t) for t in rng.choice(np.arange(6, SCRIPT_VOCAB), size=4, replace=False)]
    table = {t: 3 for t in range(SCRIPT_VOCAB)}  # 3 -> 3 forever: never an end
    walk = [CHAIN_CALL["start_id"]] + path + [CHAIN_CALL["end_id"]]
    for a, b in zip(walk[:-1], walk[1:], strict=True):
        table[a] = b
    table[1] = 3  # a decoder that starts from 1 instead of start_id never reaches the end
    return table


def chain_expected(seed: int) -> list[int]:
    table, token, out = chain(seed), CHAIN_CALL["start_id"], []
    for _ in range(CHAIN_CALL["max_len"]):
        token = table[token]
        if token == CHAIN_CALL["end_id"]:
            break
        out.append(token)
    return out


def scripted_models(rows: list[list[int]]):  # noqa: ANN201
    """(encoder_model, decoder_model) that emit ``rows[r]`` for source row r, ignoring fed tokens.

    The state is a one-hot position in the concatenated scripts; each decoder step
    emits the token at that position and moves one position on.
    """
    import keras
    from keras import layers

    offsets = np.cumsum([0] + [len(r) for r in rows])
    positions = int(offsets[-1]) + 1
    flat = [t for r in rows for t in r] + [3]
    start = np.zeros((len(rows) + 3, positions), dtype=np.float32)
    for r in range(len(rows)):
        start[r + 3, offsets[r]] = 1.0
    emit = np.zeros((positions, SCRIPT_VOCAB), dtype=np.float32)
    emit[np.arange(positions), flat] = SCRIPT_LOGIT
    shift = np.eye(positions, k=1, dtype=np.float32)
    shift[-1, -1] = 1.0

    src = keras.Input((None,), dtype="int32")
    embedded = layers.Embedding(len(rows) + 3, positions, embeddings_initializer=keras.initializers.Constant(start))(src)
    encoder = keras.Model(src, layers.GlobalMaxPooling1D()(embedded))

    token = keras.Input((1,), dtype="int32")
    state = keras.Input((positions,))
    ignored = layers.Flatten()(layers.Embedding(SCRIPT_VOCAB, positions, embeddings_initializer="zeros")(token))
    here = layers.Add()([state, ignored])
    logits = layers.Dense(SCRIPT_VOCAB, use_bias=False, kernel_initializer=keras.initializers.Constant(emit))(here)
    probabilities = layers.Reshape((1, SCRIPT_VOCAB))(layers.Softmax()(logits))
    new_state = layers.Dense(positions, use_bias=False, kernel_initializer=keras.initializers.Constant(shift))(here)
    decoder = keras.Model([token, state], [probabilities, new_state])
    return encoder, decoder


def chain_models(seed: int, rows: int = 3):  # noqa: ANN201
    """(encoder_model, decoder_model) whose next token depends only on the token fed in."""
    import keras
    from keras import layers

    table = chain(seed)
    dim = 4
    logits = np.zeros((SCRIPT_VOCAB, SCRIPT_VOCAB), dtype=np.float32)
    for a, b in table.items():
        logits[a, b] = SCRIPT_LOGIT

    src = keras.Input((None,), dtype="int32")
    encoder = keras.Model(src, layers.GlobalAveragePooling1D()(layers.Embedding(rows + 3, dim)(src)))

    token = keras.Input((1,), dtype="int32")
    state = keras.Input((dim,))
    scores = layers.Embedding(SCRIPT_VOCAB, SCRIPT_VOCAB, embeddings_initializer=keras.initializers.Constant(logits))(token)
    probabilities = layers.Softmax()(scores)
    new_state = layers.Dense(dim, kernel_initializer="identity", use_bias=False)(state)
    decoder = keras.Model([token, state], [probabilities, new_state])
    return encoder, decoder
