"""Correct: the text functions written with loops and numpy's global seed (np.random.seed + np.random.choice in sample)."""

EXPECT_FAILED = []


def build_vocab(text):
    chars = sorted(list(set(text)))
    char_to_id = {}
    for i, c in enumerate(chars):
        char_to_id[c] = i
    return char_to_id, chars


def encode(text, char_to_id):
    return np.array(list(map(char_to_id.get, text))).astype("int32")


def make_sequences(ids, seq_len):
    xs, ys = [], []
    for start in range(0, len(ids) - seq_len, seq_len + 1):
        chunk = ids[start : start + seq_len + 1]
        xs.append(chunk[:-1])
        ys.append(chunk[1:])
    return np.array(xs), np.array(ys)


def sample(model, char_to_id, id_to_char, prefix, length, temperature=1.0, seed=0):
    np.random.seed(seed)
    text = prefix
    for _ in range(length):
        x = np.array([[char_to_id[c] for c in text]])
        logits = model.predict(x, verbose=0)[0, -1] / temperature
        probs = np.exp(logits - np.max(logits))
        probs = probs / np.sum(probs)
        text += id_to_char[np.random.choice(len(probs), p=probs)]
    return text[len(prefix):]
