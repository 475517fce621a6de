"""rnn_step_backward uses 1 - h instead of 1 - h**2 as the tanh derivative."""

EXPECT_FAILED = ["step_backward_values"]


def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1.0 - h_next)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)
