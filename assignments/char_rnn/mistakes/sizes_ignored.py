"""build_model writes its sizes into the layers (Embedding 64, GRU 128) instead of using embedding_dim and rnn_units."""

EXPECT_FAILED = ["model_sizes"]


def build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru"):
    recurrent = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 64),
            recurrent(128, return_sequences=True),
            keras.layers.Dense(vocab_size),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=3e-3, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
