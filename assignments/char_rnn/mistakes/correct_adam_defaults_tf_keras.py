"""Correct: the TensorFlow text-generation tutorial's style: `tf.keras` spelling, Adam() at its default learning rate (1e-3) with clipnorm."""

import tensorflow as tf

EXPECT_FAILED = []


def build_model(vocab_size, embedding_dim=64, rnn_units=128, cell="gru"):
    if cell == "simple":
        rnn = tf.keras.layers.SimpleRNN(rnn_units, return_sequences=True)
    elif cell == "lstm":
        rnn = tf.keras.layers.LSTM(rnn_units, return_sequences=True)
    else:
        rnn = tf.keras.layers.GRU(rnn_units, return_sequences=True)
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=(None,)),
        tf.keras.layers.Embedding(vocab_size, embedding_dim),
        rnn,
        tf.keras.layers.Dense(vocab_size),
    ])
    loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=tf.keras.optimizers.Adam(clipnorm=1.0), loss=loss)
    return model
