"""Correct: sample in the TensorFlow tutorial's style, tf.random.categorical on logits / temperature, seeded with tf.random.set_seed."""

import tensorflow as tf

EXPECT_FAILED = []


def sample(model, char_to_id, id_to_char, prefix, length, temperature=1.0, seed=0):
    tf.random.set_seed(seed)
    input_ids = [char_to_id[s] for s in prefix]
    text_generated = []
    for _ in range(length):
        predictions = model(tf.constant([input_ids]))
        predictions = predictions[:, -1, :] / temperature
        predicted_id = int(tf.random.categorical(predictions, num_samples=1)[0, 0])
        input_ids.append(predicted_id)
        text_generated.append(id_to_char[predicted_id])
    return "".join(text_generated)
