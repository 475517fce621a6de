"""Probe inputs of the char_rnn lab, drawn from the grader's seed (the same in both stages)."""

from __future__ import annotations

import numpy as np

from autograder.harvest import rng_for

PROBE_ALPHABET = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'-\néüß")


def vocab_text(seed: int) -> str:
    """Text for build_vocab: random characters, in no particular order."""
    rng = rng_for(seed, "vocab_text")
    chars = rng.choice(PROBE_ALPHABET, size=400)
    return "".join(chars)


def encode_case(seed: int) -> tuple[str, dict[str, int]]:
    """A text and a char_to_id whose ids are shuffled (so encode must use the mapping given)."""
    rng = rng_for(seed, "encode")
    alphabet = PROBE_ALPHABET[:30]
    ids = rng.permutation(len(alphabet))
    mapping = {c: int(i) for c, i in zip(alphabet, ids, strict=True)}
    text = "".join(rng.choice(alphabet, size=257))
    return text, mapping


def sequence_case(seed: int, case: int = 0) -> tuple[np.ndarray, int]:
    """ids (with an incomplete trailing window) and seq_len; the cases' seq_len differ."""
    rng = rng_for(seed, "sequences" if case == 0 else f"sequences_{case}")
    seq_len = int(rng.integers(5, 12)) + 8 * case
    n_windows = int(rng.integers(6, 12))
    extra = int(rng.integers(1, seq_len))  # an incomplete window to drop
    ids = rng.integers(1, 40, size=n_windows * (seq_len + 1) + extra).astype(np.int32)
    return ids, seq_len


#: make_sequences is called on each case (two seq_len, so one that ignores its argument shows).
SEQUENCE_CASES = (0, 1)


#: Sizes of the models built from the student's build_model in the ci profile probes.
PROBE_VOCAB = 23
PROBE_LENGTHS = (7, 13)
#: (embedding_dim, rnn_units) of the untrained probe models: the GRU, LSTM and SimpleRNN take the
#: first; a second GRU takes the other sizes, so a build_model that ignores them shows.
PROBE_SIZES = (8, 16)
OTHER_SIZES = (12, 20)


def token_batch(seed: int, length: int, vocab_size: int = PROBE_VOCAB, batch: int = 4) -> np.ndarray:
    return rng_for(seed, f"tokens_{length}").integers(0, vocab_size, size=(batch, length)).astype(np.int32)


# The sampler model: a grader-made language model whose weights come from the seed, so
# stage 2 rebuilds exactly the model that stage 1 handed to the student's sample(). It is
# causal convolutional (each prediction depends on the last 16 characters), which is fast
# to call once per generated character, yet still tells whole-text conditioning apart
# from last-character-only conditioning.
SAMPLER_CHARS = list("abcdefghij .!")
SAMPLER_WIDTH = 16


def sampler_vocab() -> tuple[dict[str, int], list[str]]:
    return {c: i for i, c in enumerate(SAMPLER_CHARS)}, list(SAMPLER_CHARS)


def sampler_model(seed: int):  # noqa: ANN201
    """(batch, T) ids -> (batch, T, V) logits; seeded weights."""
    import keras

    vocab = len(SAMPLER_CHARS)
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(vocab, 8),
            keras.layers.Conv1D(SAMPLER_WIDTH, 4, padding="causal", activation="tanh"),
            keras.layers.Conv1D(SAMPLER_WIDTH, 4, dilation_rate=4, padding="causal", activation="tanh"),
            keras.layers.Dense(vocab),
        ]
    )
    rng = rng_for(seed, "sampler_weights")
    model.set_weights([rng.normal(0.0, 1.0, w.shape).astype("float32") for w in model.get_weights()])
    return model


#: Each sample step starts from its own prefix, so a sample that ignores ``prefix`` shows.
GREEDY_PREFIX = "abc ja.higf"
REPEAT_PREFIX = "jihg! fed"
STAT_PREFIX = "a.bbc hij ega"
GREEDY_LENGTH = 25
GREEDY_TEMPERATURE = 1e-3
REPEAT_LENGTH = 20
#: Warm enough that another seed gives other text even where the model is very sure.
REPEAT_TEMPERATURE = 2.0
STAT_LENGTH = 50
LOW_TEMPERATURE = 0.3
HIGH_TEMPERATURE = 3.0
