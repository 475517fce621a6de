# %% [markdown]
# # Lab `char_rnn`: a character-level language model
#
# You will turn text into training windows, build a recurrent language model
# in Keras that predicts the next character at every position, and sample new
# text from it with a temperature.
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
import keras
import numpy as np

# %% [markdown]
# ## From text to training windows

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


# %%
def encode(text, char_to_id):
    """The int32 ids of ``text``, one per character: shape (len(text),)."""
    ### BEGIN SOLUTION
    return np.array([char_to_id[char] for char in text], dtype=np.int32)
    ### END SOLUTION


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
# Input (batch, T) ids, output (batch, T, vocab_size) **logits**: no softmax at
# the end, the loss applies it (`from_logits=True`). Clip gradients in the
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
