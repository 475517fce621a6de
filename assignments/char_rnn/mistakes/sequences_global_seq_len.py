"""make_sequences reads the notebook's SEQ_LEN = 9 instead of its seq_len argument (right only when they agree, as on the first probe at seed 0)."""

EXPECT_FAILED = ["windows_shapes"]

SEQ_LEN = 9


def make_sequences(ids, seq_len):
    n = len(ids) // (SEQ_LEN + 1)
    windows = np.asarray(ids[: n * (SEQ_LEN + 1)]).reshape(n, SEQ_LEN + 1)
    return windows[:, :-1], windows[:, 1:]
