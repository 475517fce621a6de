"""Correct: the classic sequence-tagging tutorial: Dropout(0.1), recurrent_dropout=0.1, TimeDistributed head, RMSprop defaults."""

EXPECT_FAILED = []


def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    inputs = keras.Input(shape=(None,))
    x = keras.layers.Embedding(input_dim=vocab_size, output_dim=embedding_dim, mask_zero=True)(inputs)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.Bidirectional(keras.layers.LSTM(units=lstm_units, return_sequences=True, recurrent_dropout=0.1))(x)
    outputs = keras.layers.TimeDistributed(keras.layers.Dense(num_tags, activation="softmax"))(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
