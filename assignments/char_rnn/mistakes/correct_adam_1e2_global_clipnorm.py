"""Correct: Sequential built with model.add, Adam at learning_rate=1e-2 with global_clipnorm=5.0."""

EXPECT_FAILED = []


def build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru"):
    model = keras.Sequential()
    model.add(keras.Input(shape=(None,), dtype="int32"))
    model.add(keras.layers.Embedding(input_dim=vocab_size, output_dim=embedding_dim))
    if cell == "lstm":
        model.add(keras.layers.LSTM(units=rnn_units, return_sequences=True))
    elif cell == "gru":
        model.add(keras.layers.GRU(units=rnn_units, return_sequences=True))
    else:
        model.add(keras.layers.SimpleRNN(units=rnn_units, return_sequences=True))
    model.add(keras.layers.Dense(vocab_size))
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-2, global_clipnorm=5.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model
