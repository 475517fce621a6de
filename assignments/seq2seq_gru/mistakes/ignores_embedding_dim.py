"""build_models ignores its embedding_dim argument and always embeds in 32 dimensions."""

EXPECT_FAILED = ["model_shapes"]


def build_models(src_vocab_size, tgt_vocab_size, latent_dim=128, embedding_dim=32):
    width = 32
    encoder_ids = keras.Input(shape=(None,), dtype="int32", name="encoder_ids")
    x = layers.Embedding(src_vocab_size, width, mask_zero=True)(encoder_ids)
    _, encoder_state = layers.GRU(latent_dim, return_state=True)(x)
    decoder_embedding = layers.Embedding(tgt_vocab_size, width)
    decoder_gru = layers.GRU(latent_dim, return_sequences=True, return_state=True)
    decoder_output = layers.Dense(tgt_vocab_size, activation="softmax")
    decoder_ids = keras.Input(shape=(None,), dtype="int32", name="decoder_ids")
    sequence, _ = decoder_gru(decoder_embedding(decoder_ids), initial_state=encoder_state)
    train_model = keras.Model([encoder_ids, decoder_ids], decoder_output(sequence))
    train_model.compile(optimizer=keras.optimizers.Adam(1e-2, clipnorm=1.0), loss="sparse_categorical_crossentropy")
    encoder_model = keras.Model(encoder_ids, encoder_state)
    token_ids = keras.Input(shape=(1,), dtype="int32")
    state = keras.Input(shape=(latent_dim,))
    step, new_state = decoder_gru(decoder_embedding(token_ids), initial_state=state)
    decoder_model = keras.Model([token_ids, state], [decoder_output(step), new_state])
    return train_model, encoder_model, decoder_model
