"""Correct: Adam at 4e-3 with dropout 0.1 in both GRUs, the decoder's layers kept in a dict and called twice."""

EXPECT_FAILED = []


def build_models(src_vocab_size, tgt_vocab_size, latent_dim=128, embedding_dim=32):
    src = keras.Input(shape=(None,), dtype="int32", name="source")
    h = layers.Embedding(src_vocab_size, embedding_dim, mask_zero=True)(src)
    h = layers.GRU(latent_dim, dropout=0.1)(h)  # the last output of a GRU is its final state

    dec = {
        "embed": layers.Embedding(tgt_vocab_size, embedding_dim),
        "gru": layers.GRU(latent_dim, return_sequences=True, return_state=True, dropout=0.1),
        "out": layers.Dense(tgt_vocab_size, activation="softmax"),
    }

    def decode(ids, state):
        seq, new_state = dec["gru"](dec["embed"](ids), initial_state=state)
        return dec["out"](seq), new_state

    tgt_in = keras.Input(shape=(None,), dtype="int32", name="target_in")
    probs, _ = decode(tgt_in, h)
    train_model = keras.Model([src, tgt_in], probs)
    train_model.compile(optimizer=keras.optimizers.Adam(learning_rate=4e-3),
                        loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])

    encoder_model = keras.Model(src, h)
    token = keras.Input(shape=(1,), dtype="int32")
    state_in = keras.Input(shape=(latent_dim,))
    step_probs, state_out = decode(token, state_in)
    decoder_model = keras.Model([token, state_in], [step_probs, state_out])
    return train_model, encoder_model, decoder_model
