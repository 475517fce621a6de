"""Correct: the tf.keras spelling, embeddings of width 128 by default, LSTM dropout=0.2, Adam 2e-3."""

import tensorflow as tf

EXPECT_FAILED = []


def build_model(vocab_size, num_tags, embedding_dim=128, lstm_units=64):
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=(None,), dtype="int32"),
        tf.keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True),
        tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(lstm_units, return_sequences=True, dropout=0.2)),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(num_tags, activation="softmax"),
    ])
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    return model


def predict_tags(model, sentences, word_to_id, id_to_tag, max_len):
    x, _ = encode(sentences, None, word_to_id, None, max_len)
    predictions = tf.argmax(model(x, training=False), axis=-1).numpy()
    return [[id_to_tag[int(t)] for t in row[: len(sentence)]] for row, sentence in zip(predictions, sentences, strict=True)]
