"""rnn_forward feeds h0 into every step instead of the previous hidden state."""

EXPECT_FAILED = ["rnn_forward_values"]


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    caches = []
    for t in range(T):
        h[:, t], cache = rnn_step_forward(x[:, t], h0, Wx, Wh, b)
        caches.append(cache)
    return h, caches
