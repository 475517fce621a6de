"""rnn_backward only uses dh at the last step: dh[:, t] is not added at earlier steps."""

EXPECT_FAILED = ["rnn_backward_dx", "rnn_backward_dh0", "rnn_backward_dWx", "rnn_backward_dWh", "rnn_backward_db"]


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = 0.0, 0.0, 0.0
    dh_prev = dh[:, -1]
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh_prev, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh_prev, dWx, dWh, db
