"""A plain (forward-only) LSTM instead of Bidirectional: no token sees the words after it."""

EXPECT_FAILED = ["bidirectional_context"]


def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    x = keras.layers.LSTM(lstm_units, return_sequences=True)(x)
    outputs = keras.layers.Dense(num_tags, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
