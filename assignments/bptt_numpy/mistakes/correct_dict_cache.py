"""Caches are dicts (the step cache keeps the pre-activation, the backward takes tanh of it again); states stacked with np.stack."""

EXPECT_FAILED = []


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    a = x.dot(Wx) + h_prev.dot(Wh) + b
    cache = {"x": x, "h_prev": h_prev, "Wx": Wx, "Wh": Wh, "a": a}
    return np.tanh(a), cache


def rnn_step_backward(dh_next, cache):
    da = dh_next * (1 - np.tanh(cache["a"]) ** 2)
    dx = da.dot(cache["Wx"].T)
    dh_prev = da.dot(cache["Wh"].T)
    dWx = cache["x"].T.dot(da)
    dWh = cache["h_prev"].T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dh_prev, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    states, steps = [], []
    h = h0
    for t in range(x.shape[1]):
        h, step_cache = rnn_step_forward(x[:, t, :], h, Wx, Wh, b)
        states.append(h)
        steps.append(step_cache)
    return np.stack(states, axis=1), {"steps": steps, "D": x.shape[2]}


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache["D"]))
    totals = None
    dh_prev = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dh_prev, *step_grads = rnn_step_backward(dh[:, t, :] + dh_prev, cache["steps"][t])
        dx[:, t, :] = dx_t
        totals = step_grads if totals is None else [total + g for total, g in zip(totals, step_grads, strict=True)]
    dWx, dWh, db = totals
    return dx, dh_prev, dWx, dWh, db
