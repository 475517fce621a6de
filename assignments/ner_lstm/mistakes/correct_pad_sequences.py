"""Correct: encode with keras.utils.pad_sequences(padding="post", truncating="post"), predict_tags with model.predict."""

EXPECT_FAILED = []


def encode(sentences, tags, word_to_id, tag_to_id, max_len):
    word_rows = [[word_to_id.get(w, 1) for w in s] for s in sentences]
    x = keras.utils.pad_sequences(word_rows, maxlen=max_len, padding="post", truncating="post", value=0)
    if tags is None:
        return x, None
    tag_rows = [[tag_to_id[t] for t in row] for row in tags]
    y = keras.utils.pad_sequences(tag_rows, maxlen=max_len, padding="post", truncating="post", value=0)
    return x, y


def predict_tags(model, sentences, word_to_id, id_to_tag, max_len):
    x, _ = encode(sentences, None, word_to_id, None, max_len)
    y_pred = np.argmax(model.predict(x, verbose=0), axis=-1)
    result = []
    for i, sentence in enumerate(sentences):
        n = min(len(sentence), max_len)
        result.append([id_to_tag[k] for k in y_pred[i][:n]])
    return result
