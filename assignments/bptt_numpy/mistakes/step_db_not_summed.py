"""rnn_step_backward returns db = da, one row per example, instead of summing it over the batch."""

EXPECT_FAILED = ["step_backward_values"]


def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1.0 - h_next**2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da
