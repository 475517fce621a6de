"""Correct: embeddings of width 32 by default, 0.2 dropout between the layers, RMSprop at 5e-3."""

EXPECT_FAILED = []


def build_model(vocab_size, num_tags, embedding_dim=32, lstm_units=64):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    x = keras.layers.Dropout(0.2)(x)
    x = keras.layers.Bidirectional(keras.layers.LSTM(lstm_units, return_sequences=True))(x)
    x = keras.layers.Dropout(0.2)(x)
    outputs = keras.layers.Dense(num_tags, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=5e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
