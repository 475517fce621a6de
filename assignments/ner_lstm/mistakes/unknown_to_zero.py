"""encode maps unknown words to 0 (the padding id) instead of 1."""

EXPECT_FAILED = ["encode_unknown_words"]


def encode(sentences, tags, word_to_id, tag_to_id, max_len):
    x = np.zeros((len(sentences), max_len), dtype=np.int32)
    for i, sentence in enumerate(sentences):
        ids = [word_to_id.get(word, 0) for word in sentence[:max_len]]
        x[i, : len(ids)] = ids
    if tags is None:
        return x, None
    y = np.zeros((len(tags), max_len), dtype=np.int32)
    for i, sentence_tags in enumerate(tags):
        ids = [tag_to_id[tag] for tag in sentence_tags[:max_len]]
        y[i, : len(ids)] = ids
    return x, y
