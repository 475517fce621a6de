"""rnn_step_backward uses 1 - h as the tanh derivative, in a notebook whose rnn_backward rebuilds its step caches."""

EXPECT_FAILED = ["step_backward_values"]


def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1.0 - h_next)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_prev = h0
    for t in range(T):
        h_prev, _ = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h[:, t] = h_prev
    return h, (x, h0, Wx, Wh, h)


def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    N, T, H = dh.shape
    dx = np.zeros_like(x)
    dWx, dWh, db = 0.0, 0.0, 0.0
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        grads = rnn_step_backward(dh[:, t] + dh_prev, (x[:, t], h_prev, Wx, Wh, h[:, t]))
        dx[:, t], dh_prev = grads[0], grads[1]
        dWx, dWh, db = dWx + grads[2], dWh + grads[3], db + grads[4]
    return dx, dh_prev, dWx, dWh, db
