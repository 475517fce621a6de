"""make_sequences swaps inputs and targets: x is each window without its first id, y without its last."""

EXPECT_FAILED = ["targets_shifted"]


def make_sequences(ids, seq_len):
    n = len(ids) // (seq_len + 1)
    windows = np.asarray(ids[: n * (seq_len + 1)]).reshape(n, seq_len + 1)
    return windows[:, 1:], windows[:, :-1]
