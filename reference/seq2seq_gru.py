# %% [markdown]
# # Lab `seq2seq_gru`: a GRU encoder–decoder for date normalisation
#
# You will build a character-level sequence-to-sequence model that reads a date
# as people write it ("25th of November 2026", "Nov 25, 2026", "25/11/26") and
# writes it in ISO form ("2026-11-25"):
#
# The model has two halves. The **encoder** reads the source one character at a
# time; its final state is a fixed-size summary of the whole input. The
# **decoder** is a second recurrent network that starts from that summary and
# writes the answer one character at a time, each step reading the character
# it wrote before, until it writes an end symbol. Source and answer may have
# different lengths: that is what makes it a sequence-to-sequence model.
#
# Training uses **teacher forcing**: instead of its own (at first random)
# previous character, the decoder reads the correct one, so every position of
# the target can be trained in one pass. At inference there is no correct
# answer to read, so decoding is a loop: encode once, then feed the decoder its
# own most probable character (greedy decoding) and its new state, step after
# step. The same trained layers serve in both settings, wired into two models.
#
# 1. `teacher_forcing`: the decoder's input and target during training;
# 2. `build_models`: the training model and the two inference models
#    (encoder and one-step decoder) that share its layers;
# 3. `greedy_decode`: decoding one character at a time, feeding back the argmax.
#
# Ids: source characters use 0 for padding; target ids reserve 0 = padding,
# 1 = start, 2 = end.
#
# Rules of the grader:
# - Graded functions may use imports and other functions of this notebook, but
#   not variables computed at top level (data, trained models): the grader
#   imports your definitions, it does not re-run your training cells. Module-level
#   constants with literal values are fine.
# - Build models from Keras's built-in layers (functional or Sequential API):
#   the grader reloads your saved models in safe mode, so `Lambda` layers and
#   custom layer classes cannot be graded.
# - The grader builds your models with its own vocabulary sizes (and may pass
#   other `latent_dim` / `embedding_dim` values), trains `train_model` for a fixed
#   budget on its own data, and measures greedy-decoding exact match on held-out
#   dates it never shows you.
# - Check your work with `autograder check seq2seq_gru.ipynb --lab seq2seq_gru`.

# %%
import os, sys, time, random
import datetime
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from tqdm.auto import tqdm
from IPython.display import display, Markdown
import tensorflow as tf
import keras
from keras import layers

plt.rcParams["figure.figsize"] = (8, 4)

# %% [markdown]
# ## The data
#
# `load_data()` returns `(train_pairs, test_pairs)`, lists of `(source,
# target)` strings such as `("Nov 25, 2026", "2026-11-25")`. Without a folder
# it generates them with `datetime` in many human formats and cases, like the
# grader does on its CPU machines (test dates never occur in training). Your
# instructor's pairs: `load_data("path/to/folder")` on a folder holding
# `train.tsv` and `heldout.tsv` (`source<TAB>target` a line), or set the
# environment variable `DATES_DATA` to it.
#
# `encode_sources` and `encode_targets` turn strings into padded id arrays with
# this lab's conventions; `decode_target` turns ids back into a string.

# %%
SOURCE_CHARS = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
TARGET_CHARS = "-0123456789"
SOURCE_LEN = 40
TARGET_LEN = 11


def human_date(day, rng):
    """``day`` (a datetime.date) written one of the ways people write dates, in a random case."""
    suffix = "th" if 10 <= day.day <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    formats = ["%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d/%m/%y", "%d/%m/%Y", "%d.%m.%Y",
               "%Y.%m.%d", "%d-%m-%Y", "%A, %B %d, %Y", f"{day.day}{suffix} of %B %Y", f"the {day.day}{suffix} of %B, %Y"]
    text = day.strftime(rng.choice(formats))
    return rng.choice([text, text, text.lower(), text.upper()])


def load_data(data_dir=None, train_pairs=4000, test_pairs=200, seed=0):
    """(train_pairs, test_pairs): lists of (source, ISO date) strings; the files of ``data_dir`` if given."""
    data_dir = data_dir or os.environ.get("DATES_DATA")
    if data_dir:
        splits = []
        for name in ("train.tsv", "heldout.tsv"):
            with open(os.path.join(data_dir, name), encoding="utf-8") as tsv:
                rows = [line.rstrip("\n").split("\t") for line in tsv if line.strip() and not line.startswith("#")]
            splits.append([(source, target) for source, target in rows])
        return tuple(splits)
    rng = random.Random(seed)
    days = rng.sample(range(36500), train_pairs + test_pairs)
    pairs = [(human_date(day, rng), day.isoformat()) for day in
             (datetime.date(1950, 1, 1) + datetime.timedelta(days=offset) for offset in days)]
    return pairs[:train_pairs], pairs[train_pairs:]


def encode_sources(texts, max_len=SOURCE_LEN):
    """(N, max_len) int32: printable ASCII characters from id 2, 1 for any other character, 0 padding."""
    ids = np.zeros((len(texts), max_len), dtype="int32")
    for row, text in enumerate(texts):
        codes = [SOURCE_CHARS.index(c) + 2 if c in SOURCE_CHARS else 1 for c in text[:max_len]]
        ids[row, : len(codes)] = codes
    return ids


def encode_targets(texts, max_len=TARGET_LEN):
    """(N, max_len) int32: the target characters from id 3, then the end id 2, then padding 0."""
    ids = np.zeros((len(texts), max_len), dtype="int32")
    for row, text in enumerate(texts):
        codes = ([TARGET_CHARS.index(c) + 3 for c in text] + [2])[:max_len]
        ids[row, : len(codes)] = codes
    return ids


def decode_target(ids):
    """The string that target ids spell (start, end and padding ids skipped)."""
    return "".join(TARGET_CHARS[i - 3] for i in ids if 3 <= i < 3 + len(TARGET_CHARS))

# %% [markdown]
# ## Teacher forcing
#
# During training the decoder reads the *previous* correct character at every
# step: its input is the target shifted right by one, with the start id first.
#
# `teacher_forcing(target_ids, start_id=1)` takes target ids (N, Ty) (each row:
# the characters, the end id, padding) and returns `(decoder_input,
# decoder_target)`, both (N, Ty): the rows shifted right by one with `start_id`
# in front (the last id falls off), and a copy of the targets themselves.

# %%
def teacher_forcing(target_ids, start_id=1):
    """Decoder input and target for training.

    target_ids: (N, Ty) int ids, each row ending with the end id then padding.
    Returns decoder_input (N, Ty), the rows shifted right by one with start_id
    first, and decoder_target (N, Ty), target_ids itself.
    """
    ### BEGIN SOLUTION
    target_ids = np.asarray(target_ids)
    decoder_input = np.zeros_like(target_ids)
    decoder_input[:, 0] = start_id
    decoder_input[:, 1:] = target_ids[:, :-1]
    return decoder_input, target_ids.copy()
    ### END SOLUTION


# %% [markdown]
# ## The models
#
# The encoder embeds the source characters (padding masked) and runs a GRU; its
# final state is the initial state of the decoder GRU. The decoder embeds the
# previous target character and predicts the next one with a softmax. The two
# inference models reuse the *same layer objects*, so they carry the trained
# weights.
#
# `build_models(src_vocab_size, tgt_vocab_size, latent_dim=128, embedding_dim=32)`
# returns `(train_model, encoder_model, decoder_model)`:
# - `train_model`: `[encoder_ids (batch, Tx), decoder_ids (batch, Ty)]` →
#   probabilities (batch, Ty, tgt_vocab_size), compiled with a sparse
#   categorical cross-entropy;
# - `encoder_model`: encoder ids (batch, Tx) → state (batch, latent_dim);
# - `decoder_model`: `[token_ids (batch, 1), state (batch, latent_dim)]` →
#   `[probabilities (batch, 1, tgt_vocab_size), new_state (batch, latent_dim)]`.

# %%
def build_models(src_vocab_size, tgt_vocab_size, latent_dim=128, embedding_dim=32):
    """Training model and inference models of a GRU encoder-decoder.

    train_model: [encoder_ids (batch, Tx), decoder_ids (batch, Ty)] ->
        probabilities (batch, Ty, tgt_vocab_size); compiled.
    encoder_model: encoder_ids (batch, Tx) -> state (batch, latent_dim).
    decoder_model: [token_ids (batch, 1), state (batch, latent_dim)] ->
        [probabilities (batch, 1, tgt_vocab_size), new_state (batch, latent_dim)].
    """
    ### BEGIN SOLUTION
    encoder_ids = keras.Input(shape=(None,), dtype="int32", name="encoder_ids")
    x = layers.Embedding(src_vocab_size, embedding_dim, mask_zero=True, name="encoder_embedding")(encoder_ids)
    _, encoder_state = layers.GRU(latent_dim, return_state=True, name="encoder_gru")(x)

    decoder_embedding = layers.Embedding(tgt_vocab_size, embedding_dim, name="decoder_embedding")
    decoder_gru = layers.GRU(latent_dim, return_sequences=True, return_state=True, name="decoder_gru")
    decoder_output = layers.Dense(tgt_vocab_size, activation="softmax", name="decoder_output")

    decoder_ids = keras.Input(shape=(None,), dtype="int32", name="decoder_ids")
    sequence, _ = decoder_gru(decoder_embedding(decoder_ids), initial_state=encoder_state)
    train_model = keras.Model([encoder_ids, decoder_ids], decoder_output(sequence), name="train_model")
    train_model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-2, clipnorm=1.0),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    encoder_model = keras.Model(encoder_ids, encoder_state, name="encoder_model")

    token_ids = keras.Input(shape=(1,), dtype="int32", name="token_ids")
    state = keras.Input(shape=(latent_dim,), name="state")
    step, new_state = decoder_gru(decoder_embedding(token_ids), initial_state=state)
    decoder_model = keras.Model([token_ids, state], [decoder_output(step), new_state], name="decoder_model")
    return train_model, encoder_model, decoder_model
    ### END SOLUTION


# %% [markdown]
# ## Greedy decoding
#
# Encode the source once, then start from the start id and repeatedly feed the
# decoder its own most probable character and the new state, until it produces
# the end id (which is not part of the answer) or `max_len` characters.
#
# `greedy_decode(encoder_model, decoder_model, src_ids, start_id=1, end_id=2,
# max_len=12)` takes source ids (N, Tx) and returns a list of N lists of ids,
# one per row: what the decoder produced before the end id, at most `max_len`.

# %%
def greedy_decode(encoder_model, decoder_model, src_ids, start_id=1, end_id=2, max_len=12):
    """Greedy decoding of a batch of sources.

    src_ids: (N, Tx) int ids. Returns a list of N lists of ids: for each row, the
    ids produced before the end id (not included), at most max_len of them.
    """
    ### BEGIN SOLUTION
    src_ids = np.asarray(src_ids)
    state = np.asarray(encoder_model(src_ids, training=False))
    tokens = np.full((len(src_ids), 1), start_id, dtype="int32")
    outputs = [[] for _ in range(len(src_ids))]
    done = np.zeros(len(src_ids), dtype=bool)
    for _ in range(max_len):
        probabilities, state = [np.asarray(out) for out in decoder_model([tokens, state], training=False)]
        tokens = np.argmax(probabilities[:, -1], axis=-1).astype("int32")[:, None]
        for row, token in enumerate(tokens[:, 0]):
            if done[row] or token == end_id:
                done[row] = True
            else:
                outputs[row].append(int(token))
        if done.all():
            break
    return outputs
    ### END SOLUTION


# %% [markdown]
# ## Experiments
#
# The cells below are not graded (the grader skips any top-level code, so they
# are wrapped in `if __name__ == "__main__":`, which is true in a notebook).
# Train on the generated pairs for a few epochs (seconds on a CPU; more pairs
# and epochs decode better) and plot the loss.

# %%
if __name__ == "__main__":
    keras.utils.set_random_seed(0)
    train_pairs, test_pairs = load_data()
    encoder_ids = encode_sources([source for source, _ in train_pairs])
    decoder_input, decoder_target = teacher_forcing(encode_targets([target for _, target in train_pairs]))
    train_model, encoder_model, decoder_model = build_models(len(SOURCE_CHARS) + 2, len(TARGET_CHARS) + 3)
    history = train_model.fit([encoder_ids, decoder_input], decoder_target, epochs=6, batch_size=64,
                              validation_split=0.1, verbose=0)
    plt.plot(history.history["loss"], marker="o", label="training")
    plt.plot(history.history["val_loss"], marker="o", label="validation")
    plt.xlabel("epoch")
    plt.ylabel("cross-entropy per character")
    plt.legend()
    plt.show()

# %% [markdown]
# ### Decoded dates
#
# Held-out sources, what greedy decoding writes, and the right answer.

# %%
if __name__ == "__main__":
    sources = [source for source, _ in test_pairs]
    decoded = [decode_target(ids) for ids in greedy_decode(encoder_model, decoder_model, encode_sources(sources))]
    table = pd.DataFrame({"source": sources, "decoded": decoded, "answer": [t for _, t in test_pairs]})
    table["right"] = table["decoded"] == table["answer"]
    display(table.head(10))
    print(f"exact match on {len(table)} held-out dates: {table['right'].mean():.2f}")
