"""rnn_step_forward forgets the bias b."""

EXPECT_FAILED = ["step_forward_values"]


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    h_next = np.tanh(x @ Wx + h_prev @ Wh)
    return h_next, (x, h_prev, Wx, Wh, h_next)
