"""The last Dense has no softmax (logits out, from_logits=True loss): the contract asks for probabilities."""

EXPECT_FAILED = ["model_outputs_probabilities"]


def build_model(vocab_size, num_tags, embedding_dim=64, lstm_units=64):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(inputs)
    x = keras.layers.Bidirectional(keras.layers.LSTM(lstm_units, return_sequences=True))(x)
    outputs = keras.layers.Dense(num_tags)(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(5e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
