"""predict_tags returns max_len tags for every sentence, padding positions included."""

EXPECT_FAILED = ["predict_tags_lengths"]


def predict_tags(model, sentences, word_to_id, id_to_tag, max_len):
    x, _ = encode(sentences, None, word_to_id, None, max_len)
    best = np.asarray(model(x, training=False)).argmax(axis=-1)
    return [[id_to_tag[t] for t in row] for row in best]
