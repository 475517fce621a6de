"""Correct: Keras's default optimizer (`optimizer="adam"`, learning rate 1e-3), written with the `tf.keras` spelling.

The way the TensorFlow tutorials write it: `import tensorflow as tf`, layers from
`tf.keras.layers`, the optimizer and loss given by name.
"""

import tensorflow as tf

EXPECT_FAILED = []


def build_models(src_vocab_size, tgt_vocab_size, latent_dim=128, embedding_dim=32):
    # Encoder
    encoder_inputs = tf.keras.Input(shape=(None,), dtype="int32")
    enc_emb = tf.keras.layers.Embedding(src_vocab_size, embedding_dim, mask_zero=True)(encoder_inputs)
    encoder_outputs, state_h = tf.keras.layers.GRU(latent_dim, return_state=True)(enc_emb)

    # Decoder, started from the encoder's state
    decoder_inputs = tf.keras.Input(shape=(None,), dtype="int32")
    dec_emb_layer = tf.keras.layers.Embedding(tgt_vocab_size, embedding_dim)
    decoder_gru = tf.keras.layers.GRU(latent_dim, return_sequences=True, return_state=True)
    decoder_dense = tf.keras.layers.Dense(tgt_vocab_size, activation="softmax")
    decoder_outputs, _ = decoder_gru(dec_emb_layer(decoder_inputs), initial_state=state_h)
    decoder_outputs = decoder_dense(decoder_outputs)

    model = tf.keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    # Inference models
    encoder_model = tf.keras.Model(encoder_inputs, state_h)
    decoder_state_input = tf.keras.Input(shape=(latent_dim,))
    single_token = tf.keras.Input(shape=(1,), dtype="int32")
    dec_out, dec_state = decoder_gru(dec_emb_layer(single_token), initial_state=decoder_state_input)
    decoder_model = tf.keras.Model([single_token, decoder_state_input], [decoder_dense(dec_out), dec_state])
    return model, encoder_model, decoder_model
