"""Correct: the functional API, Adam at learning_rate=1e-3 with global_clipnorm, and an accuracy metric."""

EXPECT_FAILED = []


def build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru"):
    layers = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
    inputs = keras.Input(shape=(None,), dtype="int32", name="char_ids")
    x = keras.layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs)
    x = layers[cell](rnn_units, return_sequences=True, name="rnn")(x)
    logits = keras.layers.Dense(vocab_size, name="logits")(x)
    model = keras.Model(inputs, logits, name="char_rnn")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3, global_clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
