# %% [markdown]
# # Lab `ner_lstm`: named-entity recognition with a bidirectional LSTM
#
# You will build a tagger that reads a sentence and gives every token a BIO tag
# over four entity types: people (`PER`), places (`LOC`), organisations (`ORG`)
# and everything else with a name (`MISC`). `B-X` begins an entity of type X,
# `I-X` continues it, `O` is outside every entity:
#
# ```
# Maria   Lopez   works  for  Acme   Corp   in  New    York   .
# B-PER   I-PER   O      O    B-ORG  I-ORG  O   B-LOC  I-LOC  O
# ```
#
# What to build:
# 1. `build_vocab`: word and tag ids (word ids start at 2: 0 is padding, 1 an unknown word).
# 2. `encode`: sentences to padded, truncated integer arrays.
# 3. `build_model`: `Embedding(mask_zero=True)` → `Bidirectional(LSTM(return_sequences=True))`
#    → a softmax over the tags at every token.
# 4. `predict_tags`: one tag per token, never a tag for padding.
#
# Rules of the grader:
# - Graded functions may use imports and other functions of this notebook, but
#   not variables computed at top level (data, trained models): the grader
#   imports your definitions, it does not re-run your experiment cells.
# - Build models from Keras's built-in layers (the grader reloads them in safe
#   mode: no `Lambda` layers, no custom layer classes).
# - Integer id 0 is padding everywhere; the grader checks that padding changes
#   neither your predictions at real tokens nor your loss.
# - The grader trains your `build_model` on its own data pipeline for a fixed
#   budget and measures entity-level F1 (seqeval) on sentences you never see,
#   with words that never occur in training.
# - Check your work with `autograder check ner_lstm.ipynb --lab ner_lstm`.

# %%
import keras
import numpy as np

# %% [markdown]
# ## Vocabularies
#
# Words are taken as they are (no lower-casing: `Apple` and `apple` are
# different words, and the capital is a strong hint of a name). Word ids start
# at 2; tag ids are 0..K-1 in sorted order of the tag names.

# %%
PAD_ID = 0
UNKNOWN_ID = 1


def build_vocab(sentences, tags):
    """Word and tag vocabularies.

    sentences, tags: lists of token lists (one tag per token).
    Returns word_to_id (dict, ids 2..len+1) and tag_to_id (dict, ids 0..K-1, sorted tag names).
    """
    ### BEGIN SOLUTION
    words = sorted({word for sentence in sentences for word in sentence})
    word_to_id = {word: i + 2 for i, word in enumerate(words)}
    tag_names = sorted({tag for sentence_tags in tags for tag in sentence_tags})
    tag_to_id = {tag: i for i, tag in enumerate(tag_names)}
    return word_to_id, tag_to_id
    ### END SOLUTION


# %% [markdown]
# ## Encoding
#
# Every sentence becomes a row of `max_len` ids: its first `max_len` tokens,
# then zeros (padding at the end). Unknown words become 1. The tags become a
# row of tag ids the same way (padded with 0; the mask keeps padding out of the loss).

# %%
def encode(sentences, tags, word_to_id, tag_to_id, max_len):
    """Integer arrays for a batch of sentences.

    Returns x (N, max_len) int32 word ids and y (N, max_len) int32 tag ids,
    or y None when tags is None.
    """
    ### BEGIN SOLUTION
    x = np.zeros((len(sentences), max_len), dtype=np.int32)
    for i, sentence in enumerate(sentences):
        ids = [word_to_id.get(word, UNKNOWN_ID) for word in sentence[:max_len]]
        x[i, : len(ids)] = ids
    if tags is None:
        return x, None
    y = np.zeros((len(tags), max_len), dtype=np.int32)
    for i, sentence_tags in enumerate(tags):
        ids = [tag_to_id[tag] for tag in sentence_tags[:max_len]]
        y[i, : len(ids)] = ids
    return x, y
    ### END SOLUTION


# %% [markdown]
# ## The model
#
# `vocab_size` counts every id the embedding must hold: `len(word_to_id) + 2`.
# The output is a probability distribution over the tags at every token, so the
# loss is a sparse categorical cross-entropy on probabilities (not logits).

# %%
def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    """A bidirectional LSTM tagger.

    Input (batch, T) int word ids, 0 = padding → output (batch, T, num_tags) probabilities.
    Compiled so that padded positions count in neither the loss nor the metrics.
    """
    ### BEGIN SOLUTION
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    x = keras.layers.Bidirectional(keras.layers.LSTM(lstm_units, return_sequences=True))(x)
    outputs = keras.layers.Dense(num_tags, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=5e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model
    ### END SOLUTION


# %% [markdown]
# ## Predicting tags
#
# Call the model on the encoded batch (`model(x, training=False)` works for any
# length), take the most probable tag at each position, and keep only the
# positions of real tokens.

# %%
def predict_tags(model, sentences, word_to_id, id_to_tag, max_len):
    """Tags of each sentence's first max_len tokens.

    id_to_tag: list, tag id → tag name. Returns a list of tag lists, one tag per kept token.
    """
    ### BEGIN SOLUTION
    x, _ = encode(sentences, None, word_to_id, None, max_len)
    probabilities = np.asarray(model(x, training=False))
    best = probabilities.argmax(axis=-1)
    return [[id_to_tag[t] for t in best[i, : min(len(s), max_len)]] for i, s in enumerate(sentences)]
    ### END SOLUTION
