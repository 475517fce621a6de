"""rnn_forward keeps every state; rnn_backward rebuilds each step's cache tuple from them (a common, correct design)."""

EXPECT_FAILED = []


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_prev = h0
    for t in range(T):
        h_prev, _ = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h[:, t] = h_prev
    return h, (x, h0, Wx, Wh, b, h)


def rnn_backward(dh, cache):
    x, h0, Wx, Wh, b, h = cache
    N, T, H = dh.shape
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        step_cache = (x[:, t], h_prev, Wx, Wh, h[:, t])
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_prev, step_cache)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
