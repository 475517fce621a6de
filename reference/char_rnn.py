# %% [markdown]
# # Lab `char_rnn`: a character-level language model
#
# A language model gives a probability to every possible next symbol given the
# text so far. Working on characters keeps the vocabulary tiny (letters, digits,
# punctuation) and lets the model invent words it has never seen. A recurrent
# network fits the task: it reads one character at a time, and its hidden state
# is a summary of everything read so far, from which a dense layer scores every
# character of the vocabulary for the next position.
#
# Training needs no labels: the text is its own target. Cut it into windows;
# the input is a window, the target the same window shifted by one character.
# The loss is the cross-entropy of the true next character, averaged over every
# position of every window (measured in bits per character, lower is better).
#
# Generating text turns the model around: feed a prefix, draw the next
# character from the predicted distribution, append it, repeat. A temperature
# divides the logits before the softmax and trades safety for variety: cold
# (below 1) repeats the most likely patterns, hot (above 1) makes mistakes and
# surprises. Recurrent networks trained on long windows are prone to exploding
# gradients, so the optimizer clips them.
#
# You will turn text into training windows, build the model in Keras, and
# sample from it with a temperature.
#
# Rules of the grader:
# - Graded functions may use imports and other functions of this notebook, but
#   not variables computed at top level: the grader imports your definitions,
#   it does not re-run your training cells. It trains your model itself, on its
#   own copy of the data pipeline: for a short run with your compile settings
#   (does it learn with your optimizer and loss?), and for a fixed budget with
#   its own optimizer (the held-out quality of the model you built).
# - Build models from Keras's built-in layers: `Lambda` layers and custom layer
#   classes cannot be reloaded safely and cannot be graded.
# - Check your work with `autograder check char_rnn.ipynb --lab char_rnn`.

# %%
import os, sys, time, random
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
# `load_data()` returns a training text and a held-out text. Without arguments
# it writes them itself: simple English sentences drawn from word lists, like
# the text the grader uses on its CPU machines (a fixed seed gives the same
# text every time). Your instructor's text: `load_data("path/to/folder")`, a
# folder holding `train.txt` and `heldout.txt` (on Colab, mount your Drive and
# pass its path, e.g. `/content/drive/MyDrive/char_rnn`), or set the
# environment variable `CHAR_RNN_DATA` to that folder.

# %%
WHO = ["the old sailor", "a young doctor", "my neighbour", "the tired student", "our teacher",
       "the little robot", "a quiet farmer", "the queen", "her brother", "the cat", "every child"]
DID = ["found", "painted", "carried", "remembered", "built", "watched", "followed", "opened",
       "repaired", "forgot", "described", "visited", "sold", "borrowed"]
WHAT = ["a red box", "the heavy door", "three green apples", "an empty letter", "the broken clock",
        "a small garden", "the long road", "two silver coins", "a wooden boat", "the last train"]
WHERE = ["near the harbour", "in the morning", "after the storm", "before dinner", "at the market",
         "under the bridge", "on a cold night", "in the village", "by the window"]


def make_text(n_chars, seed=0):
    """About ``n_chars`` characters of generated sentences, in paragraphs."""
    rng = random.Random(seed)
    paragraphs, size = [], 0
    while size < n_chars:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            text = f"{rng.choice(WHO)} {rng.choice(DID)} {rng.choice(WHAT)} {rng.choice(WHERE)}"
            if rng.random() < 0.3:
                text += f", and then {rng.choice(WHO)} {rng.choice(DID)} {rng.choice(WHAT)}"
            sentences.append(text[0].upper() + text[1:] + rng.choice(".....!?"))
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 1
    return "\n".join(paragraphs)[:n_chars]


def load_data(data_dir=None, train_chars=60000, heldout_chars=20000):
    """(train_text, heldout_text): the files of ``data_dir`` if given (or $CHAR_RNN_DATA), else generated."""
    data_dir = data_dir or os.environ.get("CHAR_RNN_DATA")
    if data_dir:
        with open(os.path.join(data_dir, "train.txt"), encoding="utf-8") as train_file:
            train_text = train_file.read()
        with open(os.path.join(data_dir, "heldout.txt"), encoding="utf-8") as heldout_file:
            return train_text, heldout_file.read()
    return make_text(train_chars, seed=1), make_text(heldout_chars, seed=2)


# %% [markdown]
# ## From text to training windows
#
# `build_vocab(text)` returns `(char_to_id, id_to_char)`: every distinct
# character of the text in sorted order, `id_to_char` a list (id -> character)
# and `char_to_id` the dict that inverts it (character -> id).

# %%
def build_vocab(text):
    """Every distinct character of ``text``, sorted.

    Returns (char_to_id, id_to_char): a dict and a list, inverse of each other.
    """
    ### BEGIN SOLUTION
    id_to_char = sorted(set(text))
    char_to_id = {char: i for i, char in enumerate(id_to_char)}
    return char_to_id, id_to_char
    ### END SOLUTION


# %% [markdown]
# `encode(text, char_to_id)` maps every character to its id with the mapping it
# is given: an int32 array of shape `(len(text),)`.

# %%
def encode(text, char_to_id):
    """The int32 ids of ``text``, one per character: shape (len(text),)."""
    ### BEGIN SOLUTION
    return np.array([char_to_id[char] for char in text], dtype=np.int32)
    ### END SOLUTION


# %% [markdown]
# `make_sequences(ids, seq_len)` cuts the ids into consecutive, non-overlapping
# windows of `seq_len + 1` ids and returns `x` (each window without its last
# id) and `y` (without its first), both `(n, seq_len)` with
# `n = len(ids) // (seq_len + 1)`; an incomplete last window is dropped. So
# `y[i, t]` is the character that follows `x[i, t]`.

# %%
def make_sequences(ids, seq_len):
    """Non-overlapping windows of seq_len + 1 ids, split into inputs and next-character targets.

    ids: (L,). Returns x, y of shape (n, seq_len) with n = L // (seq_len + 1):
    x is each window without its last id, y without its first. An incomplete
    trailing window is dropped.
    """
    ### BEGIN SOLUTION
    n = len(ids) // (seq_len + 1)
    windows = np.asarray(ids[: n * (seq_len + 1)]).reshape(n, seq_len + 1)
    return windows[:, :-1], windows[:, 1:]
    ### END SOLUTION


# %% [markdown]
# ## The model
#
# `build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru")` returns
# a compiled Keras model: an embedding of `embedding_dim`, one recurrent layer
# of `rnn_units` of the kind `cell` names (`"simple"`, `"lstm"` or `"gru"`)
# returning its output at every position, and a dense layer. Input (batch, T)
# int ids of any length T, output (batch, T, vocab_size) **logits**: no softmax
# at the end, the loss applies it (`from_logits=True`). Clip gradients in the
# optimizer: recurrent networks are prone to exploding gradients.

# %%
def build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru"):
    """A recurrent language model: (batch, T) int ids -> (batch, T, vocab_size) logits."""
    ### BEGIN SOLUTION
    recurrent = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, embedding_dim),
            recurrent(rnn_units, return_sequences=True),
            keras.layers.Dense(vocab_size),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=3e-3, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
    ### END SOLUTION


# %% [markdown]
# ## Sampling with a temperature
#
# `sample(model, char_to_id, id_to_char, prefix, length, temperature=1.0, seed=0)`
# returns the `length` characters generated after `prefix` (the prefix itself
# not included), drawn with `numpy.random.default_rng(seed)` so the same seed
# gives the same text.
#
# Divide the logits by the temperature before the softmax: below 1 the model
# gets more confident (at 1e-3 it is greedy decoding), above 1 more random.
# Subtract the maximum logit before exponentiating so tiny temperatures do not overflow.

# %%
def sample(model, char_to_id, id_to_char, prefix, length, temperature=1.0, seed=0):
    """The ``length`` characters generated after ``prefix``, one at a time.

    Each character is drawn from softmax(logits / temperature) of the model's
    prediction for the last position, given the whole text so far.
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    ids = [char_to_id[char] for char in prefix]
    generated = []
    for _ in range(length):
        logits = model(np.array([ids], dtype=np.int32), training=False)[0, -1]
        scaled = np.asarray(logits, dtype=np.float64) / temperature
        probabilities = np.exp(scaled - scaled.max())
        probabilities /= probabilities.sum()
        next_id = int(rng.choice(len(probabilities), p=probabilities))
        ids.append(next_id)
        generated.append(id_to_char[next_id])
    return "".join(generated)
    ### END SOLUTION


# %% [markdown]
# ## Experiments
#
# The cells below are not graded (the grader skips any top-level code, so they
# are wrapped in `if __name__ == "__main__":`, which is true in a notebook).
# First train a small model for a few epochs (seconds on a CPU; train longer
# for better samples) and plot its loss.

# %%
if __name__ == "__main__":
    keras.utils.set_random_seed(0)
    train_text, heldout_text = load_data()
    char_to_id, id_to_char = build_vocab(train_text + heldout_text)
    x_train, y_train = make_sequences(encode(train_text, char_to_id), seq_len=64)
    x_val, y_val = make_sequences(encode(heldout_text[:5000], char_to_id), seq_len=64)
    model = build_model(len(id_to_char), embedding_dim=32, rnn_units=96)
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=5, batch_size=32, verbose=0)
    bits = {name: np.array(values) / np.log(2) for name, values in history.history.items()}
    plt.plot(bits["loss"], label="training")
    plt.plot(bits["val_loss"], label="held-out")
    plt.xlabel("epoch")
    plt.ylabel("bits per character")
    plt.legend()
    plt.show()

# %% [markdown]
# ### Samples at two temperatures
#
# Cold samples repeat the commonest words; hot ones invent more (and misspell
# more). Try other temperatures and prefixes.

# %%
if __name__ == "__main__":
    for temperature in (0.5, 1.5):
        text = sample(model, char_to_id, id_to_char, "The ", 40, temperature=temperature, seed=1)
        print(f"temperature {temperature}: The {text!r}")
