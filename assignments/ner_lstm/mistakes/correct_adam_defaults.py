"""Correct: a Sequential model without an Input layer, compiled with Keras's defaults (optimizer="adam", lr 1e-3)."""

EXPECT_FAILED = []


def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    model = keras.Sequential([
        keras.layers.Embedding(input_dim=vocab_size, output_dim=embedding_dim, mask_zero=True),
        keras.layers.Bidirectional(keras.layers.LSTM(lstm_units, return_sequences=True)),
        keras.layers.Dense(num_tags, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
