"""build_model always builds an LSTM, whatever `cell` says."""

EXPECT_FAILED = ["cell_types"]


def build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru"):
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, embedding_dim),
            keras.layers.LSTM(rnn_units, return_sequences=True),
            keras.layers.Dense(vocab_size),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=3e-3, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
