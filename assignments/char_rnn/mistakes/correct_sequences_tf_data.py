"""Correct: make_sequences the TensorFlow tutorial's way: tf.data batches of seq_len + 1 (drop_remainder) split into input and target."""

import tensorflow as tf

EXPECT_FAILED = []


def split_input_target(chunk):
    return chunk[:-1], chunk[1:]


def make_sequences(ids, seq_len):
    dataset = tf.data.Dataset.from_tensor_slices(ids).batch(seq_len + 1, drop_remainder=True).map(split_input_target)
    pairs = list(dataset.as_numpy_iterator())
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])
