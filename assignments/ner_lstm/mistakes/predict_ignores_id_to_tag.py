"""predict_tags looks tags up in its own list of the lab's 9 tags instead of the id_to_tag it is given."""

EXPECT_FAILED = ["predict_tags_values"]

TAGS = ["B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"]


def predict_tags(model, sentences, word_to_id, id_to_tag, max_len):
    x, _ = encode(sentences, None, word_to_id, None, max_len)
    best = np.asarray(model(x, training=False)).argmax(axis=-1)
    return [[TAGS[t] for t in best[i, : min(len(s), max_len)]] for i, s in enumerate(sentences)]
