# %% [markdown]
# # Lab `seq2seq_gru`: a GRU encoder–decoder for date normalisation
#
# You will build a character-level sequence-to-sequence model that reads a date
# as people write it ("25th of November 2026", "Nov 25, 2026", "25/11/26") and
# writes it in ISO form ("2026-11-25"):
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
import keras
import numpy as np
from keras import layers

# %% [markdown]
# ## Teacher forcing
#
# During training the decoder reads the *previous* correct character at every
# step: its input is the target shifted right by one, with the start id first.

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
# ## Try it
#
# Train on a few thousand pairs of your own (for example generated with
# `datetime`), then decode a few sources. This cell is not graded.
