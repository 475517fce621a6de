"""Not a mistake: TimeDistributed(Dense(softmax)) and a string loss, as most tutorials write; it must score full marks."""

EXPECT_FAILED = []


def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True),
        keras.layers.Bidirectional(keras.layers.LSTM(lstm_units, return_sequences=True)),
        keras.layers.TimeDistributed(keras.layers.Dense(num_tags, activation="softmax")),
    ])
    model.compile(optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def predict_tags(model, sentences, word_to_id, id_to_tag, max_len):
    x, _ = encode(sentences, None, word_to_id, None, max_len)
    best = model.predict(x, verbose=0).argmax(axis=-1)
    return [[id_to_tag[t] for t in best[i, : min(len(s), max_len)]] for i, s in enumerate(sentences)]
