"""Correct: RMSprop at its default learning rate (1e-3) with clipnorm=1.0."""

EXPECT_FAILED = []


def build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru"):
    recurrent = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, embedding_dim),
            recurrent(rnn_units, return_sequences=True),
            keras.layers.Dense(vocab_size),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
