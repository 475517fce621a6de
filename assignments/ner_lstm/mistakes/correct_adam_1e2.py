"""Correct: the functional model compiled with Adam at learning rate 1e-2."""

EXPECT_FAILED = []


def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    word_ids = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    embedded = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="embedding")(word_ids)
    context = keras.layers.Bidirectional(keras.layers.LSTM(lstm_units, return_sequences=True), name="bilstm")(embedded)
    tag_probabilities = keras.layers.Dense(num_tags, activation="softmax", name="tags")(context)
    model = keras.Model(inputs=word_ids, outputs=tag_probabilities, name="ner_tagger")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-2),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
        metrics=["accuracy"],
    )
    return model
