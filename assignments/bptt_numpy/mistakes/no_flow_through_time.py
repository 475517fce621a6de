"""rnn_backward drops dh_prev: each step only sees its own upstream gradient dh[:, t]."""

EXPECT_FAILED = [
    "rnn_backward_dx", "rnn_backward_dh0", "rnn_backward_dWx", "rnn_backward_dWh", "rnn_backward_db",
    "gradient_flow_through_time",
]


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = 0.0, 0.0, 0.0
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t], cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh_prev, dWx, dWh, db
