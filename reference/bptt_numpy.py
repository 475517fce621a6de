# %% [markdown]
# # Lab `bptt_numpy`: a recurrent network from scratch
#
# You will implement a vanilla RNN in numpy: one time step forward and
# backward, the whole sequence forward, backpropagation through time (BPTT),
# and gradient clipping by global norm.
#
# Shapes: N batch, T time steps, D input size, H hidden size.
#
# Rules of the grader:
# - Graded functions may use imports and other functions of this notebook, but
#   not variables computed at top level: the grader imports your definitions,
#   it does not re-run your experiment cells.
# - Check your work with `autograder check bptt_numpy.ipynb --lab bptt_numpy`.

# %%
import numpy as np

# %% [markdown]
# ## One time step
#
# `h_next = tanh(x @ Wx + h_prev @ Wh + b)`. Return what the backward pass
# needs as `cache`.

# %%
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """One RNN step.

    x: (N, D), h_prev: (N, H), Wx: (D, H), Wh: (H, H), b: (H,).
    Returns h_next (N, H) and a cache for rnn_step_backward.
    """
    ### BEGIN SOLUTION
    h_next = np.tanh(x @ Wx + h_prev @ Wh + b)
    cache = (x, h_prev, Wx, Wh, h_next)
    return h_next, cache
    ### END SOLUTION


# %%
def rnn_step_backward(dh_next, cache):
    """Gradients of one RNN step.

    dh_next: (N, H), the upstream gradient of h_next.
    Returns dx (N, D), dh_prev (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    ### BEGIN SOLUTION
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1.0 - h_next**2)  # tanh'(a) = 1 - tanh(a)^2
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db
    ### END SOLUTION


# %% [markdown]
# ## A whole sequence

# %%
def rnn_forward(x, h0, Wx, Wh, b):
    """Run the RNN over a sequence.

    x: (N, T, D), h0: (N, H). Returns h (N, T, H), every hidden state, and a cache.
    """
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    caches = []
    h_prev = h0
    for t in range(T):
        h_prev, cache = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h[:, t] = h_prev
        caches.append(cache)
    return h, caches
    ### END SOLUTION


# %%
def rnn_backward(dh, cache):
    """Backpropagation through time.

    dh: (N, T, H), the upstream gradient of every hidden state.
    Returns dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    ### BEGIN SOLUTION
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = 0.0, 0.0, 0.0
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        # The state at t feeds both the loss at t and the state at t + 1.
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_prev, cache[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh_prev, dWx, dWh, db
    ### END SOLUTION


# %% [markdown]
# ## Exploding gradients: clipping by global norm

# %%
def clip_by_global_norm(grads, max_norm):
    """Scale a list of gradient arrays so that their joint L2 norm is at most max_norm.

    Returns (clipped, global_norm): new arrays (the inputs are not modified) and
    the norm before clipping.
    """
    ### BEGIN SOLUTION
    global_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    scale = max_norm / global_norm if global_norm > max_norm else 1.0
    clipped = [g * scale for g in grads]
    return clipped, global_norm
    ### END SOLUTION
