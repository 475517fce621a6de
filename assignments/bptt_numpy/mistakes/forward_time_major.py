"""rnn_forward stacks its states time-major, (T, N, H), instead of (N, T, H)."""

EXPECT_FAILED = ["rnn_forward_shapes"]


def rnn_forward(x, h0, Wx, Wh, b):
    states, caches = [], []
    h = h0
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, Wx, Wh, b)
        states.append(h)
        caches.append(cache)
    return np.array(states), caches
