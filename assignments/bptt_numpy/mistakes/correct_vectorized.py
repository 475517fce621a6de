"""rnn_forward computes tanh inline and caches a tuple of arrays; rnn_backward keeps da for every step and sums with einsum."""

EXPECT_FAILED = []


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.empty((N, T, h0.shape[1]))
    prev = h0
    for t in range(T):
        prev = np.tanh(x[:, t] @ Wx + prev @ Wh + b)
        h[:, t] = prev
    return h, (x, h0, h, Wx, Wh)


def rnn_backward(dh, cache):
    x, h0, h, Wx, Wh = cache
    T = x.shape[1]
    h_prevs = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    da = np.zeros_like(h)
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        da[:, t] = (dh[:, t] + carry) * (1 - h[:, t] ** 2)
        carry = da[:, t] @ Wh.T
    dx = np.einsum("nth,dh->ntd", da, Wx)
    dWx = np.einsum("ntd,nth->dh", x, da)
    dWh = np.einsum("ntk,nth->kh", h_prevs, da)
    db = da.sum(axis=(0, 1))
    return dx, carry, dWx, dWh, db
