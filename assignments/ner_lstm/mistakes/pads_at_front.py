"""encode uses pad_sequences' default padding="pre": the zeros come before the words."""

EXPECT_FAILED = ["encode_pads_at_end"]


def encode(sentences, tags, word_to_id, tag_to_id, max_len):
    rows = [[word_to_id.get(word, 1) for word in sentence] for sentence in sentences]
    x = keras.utils.pad_sequences(rows, maxlen=max_len, truncating="post", dtype="int32")
    if tags is None:
        return x, None
    tag_rows = [[tag_to_id[tag] for tag in row] for row in tags]
    return x, keras.utils.pad_sequences(tag_rows, maxlen=max_len, truncating="post", dtype="int32")
