"""sample seeds its generator with a fixed 42 instead of its `seed` argument: reproducible, but every seed gives the same text."""

EXPECT_FAILED = ["sample_deterministic"]


def sample(model, char_to_id, id_to_char, prefix, length, temperature=1.0, seed=0):
    rng = np.random.default_rng(42)
    ids = [char_to_id[c] for c in prefix]
    for _ in range(length):
        logits = np.asarray(model(np.array([ids], dtype=np.int32), training=False)[0, -1], dtype=np.float64)
        scaled = logits / temperature
        p = np.exp(scaled - scaled.max())
        ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return "".join(id_to_char[i] for i in ids[len(prefix):])
