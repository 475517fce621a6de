"""rnn_backward overwrites dWx, dWh and db at each step instead of adding them up."""

EXPECT_FAILED = ["rnn_backward_dWx", "rnn_backward_dWh", "rnn_backward_db"]


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx, dWh, db = rnn_step_backward(dh[:, t] + dh_prev, cache[t])
    return dx, dh_prev, dWx, dWh, db
