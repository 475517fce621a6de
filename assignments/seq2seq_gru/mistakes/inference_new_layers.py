"""decoder_model is built from new GRU/Dense/Embedding layers instead of the trained ones."""

EXPECT_FAILED = ["inference_shares_layers"]


def build_models(src_vocab_size, tgt_vocab_size, latent_dim=128, embedding_dim=32):
    encoder_ids = keras.Input(shape=(None,), dtype="int32", name="encoder_ids")
    x = layers.Embedding(src_vocab_size, embedding_dim, mask_zero=True)(encoder_ids)
    _, encoder_state = layers.GRU(latent_dim, return_state=True)(x)
    decoder_ids = keras.Input(shape=(None,), dtype="int32", name="decoder_ids")
    embedded = layers.Embedding(tgt_vocab_size, embedding_dim)(decoder_ids)
    sequence, _ = layers.GRU(latent_dim, return_sequences=True, return_state=True)(embedded, initial_state=encoder_state)
    train_model = keras.Model([encoder_ids, decoder_ids], layers.Dense(tgt_vocab_size, activation="softmax")(sequence))
    train_model.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0), loss="sparse_categorical_crossentropy")
    encoder_model = keras.Model(encoder_ids, encoder_state)
    token_ids = keras.Input(shape=(1,), dtype="int32")
    state = keras.Input(shape=(latent_dim,))
    step, new_state = layers.GRU(latent_dim, return_sequences=True, return_state=True)(
        layers.Embedding(tgt_vocab_size, embedding_dim)(token_ids), initial_state=state
    )
    decoder_model = keras.Model([token_ids, state], [layers.Dense(tgt_vocab_size, activation="softmax")(step), new_state])
    return train_model, encoder_model, decoder_model
