"""Correct: dropout 0.2 on the recurrent layer's inputs and a Dropout(0.1) before the output, Adam 2e-3 with clipnorm."""

EXPECT_FAILED = []


def build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru"):
    recurrent = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(vocab_size, embedding_dim),
            recurrent(rnn_units, return_sequences=True, dropout=0.2),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(vocab_size),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=2e-3, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
