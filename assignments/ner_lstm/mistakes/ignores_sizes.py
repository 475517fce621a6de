"""build_model ignores embedding_dim and lstm_units and uses its own constants (100 and 100)."""

EXPECT_FAILED = ["model_uses_sizes"]

EMBEDDING_DIM = 100
LSTM_UNITS = 100


def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, EMBEDDING_DIM, mask_zero=True)(inputs)
    x = keras.layers.Bidirectional(keras.layers.LSTM(LSTM_UNITS, return_sequences=True))(x)
    outputs = keras.layers.Dense(num_tags, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
