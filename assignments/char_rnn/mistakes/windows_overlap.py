"""make_sequences steps by seq_len instead of seq_len + 1, so windows overlap by one id (off by one)."""

EXPECT_FAILED = ["windows_shapes"]


def make_sequences(ids, seq_len):
    ids = np.asarray(ids)
    starts = range(0, len(ids) - seq_len, seq_len)
    x = np.stack([ids[s : s + seq_len] for s in starts])
    y = np.stack([ids[s + 1 : s + seq_len + 1] for s in starts])
    return x, y
