"""return_sequences=False: the LSTM gives one vector per sentence, not one per token."""

EXPECT_FAILED = [
    "model_output_shape", "model_outputs_probabilities", "masking_ignores_padding", "bidirectional_context",
    "loss_matches_output", "loss_ignores_padding", "own_optimizer_trains", "heldout_entity_f1",
]


def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    x = keras.layers.Bidirectional(keras.layers.LSTM(lstm_units))(x)
    outputs = keras.layers.Dense(num_tags, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
