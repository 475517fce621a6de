"""sample exponentiates logits / temperature without subtracting the maximum: it overflows at temperature 1e-3."""

EXPECT_FAILED = ["sample_greedy_low_temperature"]


def sample(model, char_to_id, id_to_char, prefix, length, temperature=1.0, seed=0):
    rng = np.random.default_rng(seed)
    ids = [char_to_id[c] for c in prefix]
    for _ in range(length):
        logits = np.asarray(model(np.array([ids], dtype=np.int32), training=False)[0, -1], dtype=np.float32)
        p = np.exp(logits / temperature)
        ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return "".join(id_to_char[i] for i in ids[len(prefix):])
