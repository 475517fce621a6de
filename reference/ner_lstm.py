# %% [markdown]
# # Lab `ner_lstm`: named-entity recognition with a bidirectional LSTM
#
# Named-entity recognition finds the names in a text and says what they name.
# It is a *tagging* task: the model gives one label to every token, so its
# output has the length of its input, and a recurrent network that returns its
# state at every position is a natural fit. Whether `Jordan` is a person or a
# country depends on the words around it, on both sides ("Jordan said" /
# "in Jordan ."): a **bidirectional** LSTM reads the sentence left to right
# and right to left and joins the two states at every token, so each tag sees
# the whole sentence.
#
# Sentences have different lengths; a batch pads them with id 0 to a common
# length. Padding is not text: `mask_zero=True` in the embedding makes every
# later layer, and the loss, skip those positions, so the length of the
# padding changes nothing. Scores are measured on whole entities (an entity
# counts as found only when all its tokens and its type are right), not on
# tokens, where a tagger answering `O` everywhere would already look good.
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
# `load_data()` returns `(train_sentences, train_tags), (test_sentences,
# test_tags)`: lists of token lists and of their BIO tags. Without a folder it
# generates tagged sentences from templates and name lists, like the grader
# does on its CPU machines (the test sentences also use names that never occur
# in training). Your instructor's data: `load_data("path/to/folder")` on a
# folder holding CoNLL files `train.txt` and `test.txt` (one token a line, its
# tag in the last column, a blank line between sentences), or set the
# environment variable `NER_DATA` to it.

# %%
PEOPLE = ["Maria Lopez", "John Smith", "Ahmed Khan", "Wei Chen", "Olga Ivanova", "Carlos Garcia",
          "Kenji Tanaka", "Anna Novak", "Pierre Dubois", "Sofia Rossi", "Amara Okafor", "Priya Sharma",
          "Lucas Silva", "Elena Petrov", "Omar Haddad", "Hana Park", "Jordan", "Ravi", "Lars Berg", "Mei"]
PLACES = ["Berlin", "Lagos", "Lima", "Oslo", "Cairo", "Toronto", "Madrid", "Nairobi", "Seoul", "Vienna",
          "Dublin", "New York", "Buenos Aires", "Hong Kong", "Cape Town", "Jordan", "Georgia", "Porto"]
ORGANISATIONS = ["Acme Corp", "Globex Bank", "Initech", "Stark Motors", "Hooli", "Nimbus Airlines",
                 "Bank of Lima", "Reuters", "Interpol", "Zenith Group", "Falcon Holdings", "Apex"]
MISC = ["German", "Kenyan", "Brazilian", "Japanese", "World Cup", "Nobel Prize", "Olympic Games",
        "Irish", "Tour de France", "Korean", "Grand Prix", "Chilean"]
SENTENCES = [
    "{PER} visited {LOC} last week .",
    "{PER} works for {ORG} in {LOC} .",
    "{ORG} opened a new office in {LOC} on Monday .",
    "{PER} , a {MISC} citizen , won the {MISC} .",
    "Shares of {ORG} rose after {PER} resigned .",
    "{PER} said {ORG} would move to {LOC} next year .",
    "In {LOC} , {PER} met officials from {ORG} .",
    "Officials in {LOC} denied the report on Tuesday .",
    "The weather was cold and the roads were closed .",
    "{PER} and {PER} arrived in {LOC} for the {MISC} .",
    "{MISC} police arrested two people near {LOC} .",
    "{ORG} and {ORG} agreed to merge .",
]


def tagged_sentence(rng, held_out=False):
    """One generated sentence: (tokens, BIO tags). Training sentences never use the last name of each list."""
    tokens, tags = [], []
    for piece in rng.choice(SENTENCES).split():
        if piece.startswith("{"):
            kind = piece[1:-1]
            names = {"PER": PEOPLE, "LOC": PLACES, "ORG": ORGANISATIONS, "MISC": MISC}[kind]
            words = rng.choice(names if held_out else names[:-1]).split()
            tokens += words
            tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(words) - 1)
        else:
            tokens.append(piece)
            tags.append("O")
    return tokens, tags


def read_conll(path):
    """Sentences and tags of a CoNLL file: the token first on each line, its tag last."""
    sentences, tags, words, labels = [], [], [], []
    with open(path, encoding="utf-8") as conll:
        for line in list(conll) + [""]:
            columns = line.split()
            if not columns or columns[0] == "-DOCSTART-":
                if words:
                    sentences.append(words)
                    tags.append(labels)
                words, labels = [], []
            else:
                words.append(columns[0])
                labels.append(columns[-1])
    return sentences, tags


def load_data(data_dir=None, train_sentences=2000, test_sentences=300, seed=0):
    """(train_sentences, train_tags), (test_sentences, test_tags): CoNLL files if given, else generated."""
    data_dir = data_dir or os.environ.get("NER_DATA")
    if data_dir:
        return read_conll(os.path.join(data_dir, "train.txt")), read_conll(os.path.join(data_dir, "test.txt"))
    rng = random.Random(seed)
    train = [tagged_sentence(rng) for _ in range(train_sentences)]
    test = [tagged_sentence(rng, held_out=True) for _ in range(test_sentences)]
    return tuple([list(column) for column in zip(*split, strict=True)] for split in (train, test))


# %% [markdown]
# ## Vocabularies
#
# Words are taken as they are (no lower-casing: `Apple` and `apple` are
# different words, and the capital is a strong hint of a name). Word ids start
# at 2; tag ids are 0..K-1 in sorted order of the tag names.
#
# `build_vocab(sentences, tags)` takes lists of token lists and of their tag
# lists and returns `(word_to_id, tag_to_id)`: every distinct word mapped to an
# id from 2 up (0 and 1 stay free for padding and unknown words), every
# distinct tag to an id from 0 to K-1 in sorted order of the tag names.

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
#
# `encode(sentences, tags, word_to_id, tag_to_id, max_len)` returns `x` and `y`,
# int32 arrays (N, max_len); `y` is `None` when `tags` is `None` (sentences to
# tag, not to train on).

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
#
# `build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64)` returns
# the compiled tagger: input (batch, T) int word ids of any length T, 0 for
# padding; output (batch, T, num_tags) tag probabilities. Padded positions
# count in neither the loss nor the metrics (the mask does that).

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
#
# `predict_tags(model, sentences, word_to_id, id_to_tag, max_len)` returns one
# list of tag names per sentence, as long as the sentence (at most `max_len`).

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


# %% [markdown]
# ## Experiments
#
# The cells below are not graded (the grader skips any top-level code, so they
# are wrapped in `if __name__ == "__main__":`, which is true in a notebook).
# Train the tagger for a few epochs and plot its loss.

# %%
if __name__ == "__main__":
    keras.utils.set_random_seed(0)
    (train_sentences, train_tags), (test_sentences, test_tags) = load_data()
    word_to_id, tag_to_id = build_vocab(train_sentences, train_tags)
    id_to_tag = sorted(tag_to_id, key=tag_to_id.get)
    x_train, y_train = encode(train_sentences, train_tags, word_to_id, tag_to_id, max_len=24)
    x_test, y_test = encode(test_sentences, test_tags, word_to_id, tag_to_id, max_len=24)
    model = build_model(len(word_to_id) + 2, len(tag_to_id), embedding_dim=32, lstm_units=32)
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=3, batch_size=32, verbose=0)
    plt.plot(history.history["loss"], marker="o", label="training")
    plt.plot(history.history["val_loss"], marker="o", label="held-out (unseen names)")
    plt.xlabel("epoch")
    plt.ylabel("masked cross-entropy")
    plt.legend()
    plt.show()

# %% [markdown]
# ### A tagged sentence
#
# Each entity the model finds, coloured by its type. Try your own sentences
# (tokens separated by spaces, punctuation as its own token).

# %%
if __name__ == "__main__":
    colours = {"PER": "#f4a582", "LOC": "#92c5de", "ORG": "#b8e186", "MISC": "#fddb6d"}
    tokens = "Maria Lopez said Acme Corp would move to New York before the World Cup .".split()
    [predicted] = predict_tags(model, [tokens], word_to_id, id_to_tag, max_len=24)
    plt.figure(figsize=(12, 1.2))
    plt.axis("off")
    position = 0.0
    for token, tag in zip(tokens, predicted, strict=True):
        kind = tag[2:] if tag != "O" else None
        box = {"facecolor": colours[kind], "edgecolor": "none"} if kind else None
        plt.text(position, 0.5, token, fontsize=13, va="center", bbox=box)
        if kind and tag.startswith("B-"):
            plt.text(position, 0.0, kind, fontsize=8, color="dimgray")
        position += 0.012 * len(token) + 0.015
    plt.xlim(0, position)
    plt.show()
    print(" ".join(f"{token}/{tag}" for token, tag in zip(tokens, predicted, strict=True)))
