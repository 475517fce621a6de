"""Correct: the keras.io lstm_seq2seq wiring with a GRU, Adam at 3e-3; the inference models fetch the trained layers with `get_layer`.

As in https://keras.io/examples/nlp/lstm_seq2seq/: the training model is built
first, then the inference models are rebuilt from `model.input` and the layers
looked up by name.
"""

EXPECT_FAILED = []


def build_models(src_vocab_size, tgt_vocab_size, latent_dim=128, embedding_dim=32):
    encoder_inputs = keras.Input(shape=(None,), dtype="int32", name="encoder_inputs")
    x = layers.Embedding(src_vocab_size, embedding_dim, mask_zero=True, name="enc_embedding")(encoder_inputs)
    encoder = layers.GRU(latent_dim, return_state=True, name="encoder")
    encoder_outputs, state_h = encoder(x)

    decoder_inputs = keras.Input(shape=(None,), dtype="int32", name="decoder_inputs")
    y = layers.Embedding(tgt_vocab_size, embedding_dim, name="dec_embedding")(decoder_inputs)
    decoder_gru = layers.GRU(latent_dim, return_sequences=True, return_state=True, name="decoder_gru")
    decoder_outputs, _ = decoder_gru(y, initial_state=state_h)
    decoder_dense = layers.Dense(tgt_vocab_size, activation="softmax", name="decoder_dense")
    decoder_outputs = decoder_dense(decoder_outputs)
    model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])

    # Define sampling models: restore the layers from the training model
    encoder_inputs = model.input[0]
    _, state_h_enc = model.get_layer("encoder").output
    encoder_model = keras.Model(encoder_inputs, state_h_enc)

    decoder_inputs = keras.Input(shape=(1,), dtype="int32")
    decoder_state_input_h = keras.Input(shape=(latent_dim,))
    y = model.get_layer("dec_embedding")(decoder_inputs)
    decoder_outputs, state_h_dec = model.get_layer("decoder_gru")(y, initial_state=decoder_state_input_h)
    decoder_outputs = model.get_layer("decoder_dense")(decoder_outputs)
    decoder_model = keras.Model([decoder_inputs, decoder_state_input_h], [decoder_outputs, state_h_dec])
    return model, encoder_model, decoder_model
