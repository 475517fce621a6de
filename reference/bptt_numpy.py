# %% [markdown]
# # Lab `bptt_numpy`: a recurrent network from scratch
#
# A recurrent network reads a sequence one step at a time and carries a hidden
# state from each step to the next: `h_t = tanh(x_t Wx + h_{t-1} Wh + b)`. The
# same weights are used at every step. Drawn out over the T steps of a sequence
# ("unfolded"), the network is a deep feed-forward network of T layers that
# share their weights, and it is trained like one: backpropagation through
# time (BPTT) is ordinary backpropagation on that unfolded graph. The gradient
# of a shared weight is the sum of its gradients at every step.
#
# How far back can a signal travel? A change in `h_t` reaches `h_T` through
# every step in between, so by the chain rule
# `∂h_T/∂h_t = J_T J_{T-1} ... J_{t+1}`, a product of T - t Jacobians, each
# `J_k = diag(1 - h_k²) Wh^T`. A product of many matrices behaves like a
# power: when their norms are below one it shrinks geometrically (the
# gradient *vanishes*, and the first steps stop learning), when they are above
# one it can grow geometrically (the gradient *explodes*, and one update
# throws the weights far away). You will see both below.
#
# Exploding gradients have a simple cure: **clipping**. When the norm of all
# gradients together exceeds a threshold, scale them all down by the same
# factor. The update keeps its direction and loses only its excessive length.
# (Vanishing gradients need other architectures: the LSTM and the GRU of the
# next labs.)
#
# You will implement one time step forward and backward, the whole sequence
# forward, BPTT, and clipping by global norm, in numpy. Shapes: N batch,
# T time steps, D input size, H hidden size.
#
# Rules of the grader:
# - Graded functions may use imports and other functions of this notebook, but
#   not variables computed at top level: the grader imports your definitions,
#   it does not re-run your experiment cells.
# - Check your work with `autograder check bptt_numpy.ipynb --lab bptt_numpy`.

# %%
import os, sys, time, random
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from tqdm.auto import tqdm
from IPython.display import display, Markdown

plt.rcParams["figure.figsize"] = (8, 4)

# %% [markdown]
# ## One time step
#
# `rnn_step_forward(x, h_prev, Wx, Wh, b)` computes
# `h_next = tanh(x @ Wx + h_prev @ Wh + b)` for a batch: `x` (N, D), `h_prev`
# (N, H), `Wx` (D, H), `Wh` (H, H), `b` (H,). It returns `h_next` (N, H) and a
# `cache`: whatever your backward pass needs (any object you like; the grader
# only hands it back to your `rnn_step_backward`).

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


# %% [markdown]
# `rnn_step_backward(dh_next, cache)` takes the gradient of the loss with
# respect to `h_next` (N, H) and returns the gradients with respect to every
# input of the step: `dx` (N, D), `dh_prev` (N, H), `dWx` (D, H), `dWh` (H, H),
# `db` (H,), summed over the batch. Hint: `tanh'(a) = 1 - tanh(a)²`, and
# `h_next` is `tanh(a)`.

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
#
# `rnn_forward(x, h0, Wx, Wh, b)` runs the step over a batch of sequences,
# batch first: `x` (N, T, D), initial state `h0` (N, H). It returns every
# hidden state `h` (N, T, H) (`h[:, t]` is the state after reading `x[:, t]`;
# `h0` itself is not included) and a cache for `rnn_backward`.

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


# %% [markdown]
# ## Backpropagation through time
#
# `rnn_backward(dh, cache)` takes `dh` (N, T, H), the gradient of the loss with
# respect to every hidden state *coming from the loss alone* (from an output
# layer at each step, say). Walk the steps from the last to the first: the state
# at step t also feeds step t + 1, so its total gradient is `dh[:, t]` plus what
# flows back from step t + 1. Return `dx` (N, T, D), `dh0` (N, H) and the
# weight gradients `dWx` (D, H), `dWh` (H, H), `db` (H,), each summed over all
# steps (the weights are shared).

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
#
# `clip_by_global_norm(grads, max_norm)` takes a list of arrays of any shapes.
# Their global norm is `sqrt(sum of the squares of every entry of every
# array)`. When it is larger than `max_norm`, every array is multiplied by
# `max_norm / global_norm`; otherwise they are returned unchanged. Return
# `(clipped, global_norm)`: a list of new arrays (do not modify the inputs) and
# the norm *before* clipping.

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


# %% [markdown]
# ## Data: a memory task
#
# This lab needs no data set: `load_data` draws a toy task that needs memory.
# Each input step is a random vector; the target at step t is the first input
# component `delay` steps earlier (zero before that). An RNN solves it only if
# information flows through time, which is exactly what BPTT trains.

# %%
def load_data(n=64, steps=12, input_size=3, delay=2, seed=0):
    """A delayed-recall task: x (n, steps, input_size) and y (n, steps, 1), float64."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (n, steps, input_size))
    y = np.zeros((n, steps, 1))
    y[:, delay:, 0] = x[:, :-delay, 0]
    return x, y


# %% [markdown]
# ## Experiments
#
# The cells below are not graded (the grader skips any top-level code, so they
# are wrapped in `if __name__ == "__main__":`, which is true in a notebook).
# Run them once your functions pass the checks.
#
# First, train a small RNN with a linear read-out `y_hat = h @ Wy` on the
# memory task, with plain gradient descent on the mean squared error, clipping
# every update.

# %%
def init_params(input_size, hidden_size, recurrent_scale=1.0, seed=0):
    """Wx (D, H), Wh (H, H) with spectral norm ``recurrent_scale``, b (H,), Wy (H, 1)."""
    rng = np.random.default_rng(seed)
    Wx = rng.normal(0.0, 1.0 / np.sqrt(input_size), (input_size, hidden_size))
    q, _ = np.linalg.qr(rng.normal(size=(hidden_size, hidden_size)))  # an orthogonal matrix
    Wh = recurrent_scale * q
    b = np.zeros(hidden_size)
    Wy = rng.normal(0.0, 1.0 / np.sqrt(hidden_size), (hidden_size, 1))
    return [Wx, Wh, b, Wy]


def loss_and_grads(params, x, y):
    """Mean squared error of the read-out and its gradients [dWx, dWh, db, dWy]."""
    Wx, Wh, b, Wy = params
    h0 = np.zeros((x.shape[0], Wh.shape[0]))
    h, cache = rnn_forward(x, h0, Wx, Wh, b)
    error = h @ Wy - y
    loss = float(np.mean(error**2))
    d_out = 2.0 * error / error.size
    dWy = np.einsum("nth,nto->ho", h, d_out)
    _, _, dWx, dWh, db = rnn_backward(d_out @ Wy.T, cache)
    return loss, [dWx, dWh, db, dWy]


# %%
if __name__ == "__main__":
    x_train, y_train = load_data()
    params = init_params(input_size=3, hidden_size=16)
    losses = []
    for _ in range(300):
        loss, grads = loss_and_grads(params, x_train, y_train)
        grads, _ = clip_by_global_norm(grads, max_norm=1.0)
        params = [p - 0.5 * g for p, g in zip(params, grads, strict=True)]
        losses.append(loss)
    plt.plot(losses)
    plt.xlabel("update")
    plt.ylabel("mean squared error")
    plt.title("Training a numpy RNN with BPTT")
    plt.show()
    print(f"loss: {losses[0]:.3f} at the start, {losses[-1]:.3f} after {len(losses)} updates")

# %% [markdown]
# ### Vanishing and exploding gradients, seen
#
# Backpropagate a unit gradient from the last state `h_T` alone, one step at a
# time with your `rnn_step_backward`, and record the norm of `∂h_T/∂h_t` for
# every t. With the recurrent matrix scaled below one the norm falls
# geometrically as t moves away from T; scaled above one, it grows.

# %%
def gradient_norms_through_time(recurrent_scale, steps=30, hidden_size=16, seed=0):
    """||dL/dh_t|| for t = 0..steps-1 when the loss is h_T summed along a random unit direction."""
    rng = np.random.default_rng(seed)
    Wx, Wh, b, _ = init_params(2, hidden_size, recurrent_scale, seed)
    x = rng.normal(0.0, 0.1, (1, steps, 2))
    _, cache = rnn_forward(x, np.zeros((1, hidden_size)), Wx, Wh, b)
    direction = rng.normal(size=(1, hidden_size))
    dh = direction / np.linalg.norm(direction)
    norms = [1.0]
    for t in reversed(range(1, steps)):
        _, dh, _, _, _ = rnn_step_backward(dh, cache[t])
        norms.append(float(np.linalg.norm(dh)))
    return norms[::-1]


# %%
if __name__ == "__main__":
    for scale in (0.6, 1.0, 2.0):
        plt.semilogy(gradient_norms_through_time(scale), marker=".", label=f"Wh scaled to norm {scale}")
    plt.xlabel("time step t")
    plt.ylabel("norm of dh_T / dh_t")
    plt.title("The gradient from the last step, carried back through time")
    plt.legend()
    plt.show()

# %% [markdown]
# ### Clipping one update
#
# With a large recurrent matrix the gradient of the memory task is huge. Compare
# one gradient-descent update before and after clipping: clipping shortens
# every parameter's step by the same factor (the bars keep their proportions,
# the direction is unchanged), and a step that would have thrown the weights
# far from where they were becomes a small one.

# %%
if __name__ == "__main__":
    x_train, y_train = load_data(steps=30)
    params = init_params(input_size=3, hidden_size=16, recurrent_scale=4.0)
    _, grads = loss_and_grads(params, x_train, y_train)
    clipped, norm = clip_by_global_norm(grads, max_norm=1.0)
    names = ["Wx", "Wh", "b", "Wy"]
    positions = np.arange(len(names))
    plt.bar(positions - 0.2, [np.linalg.norm(g) for g in grads], width=0.4, label=f"raw (global norm {norm:.1f})")
    plt.bar(positions + 0.2, [np.linalg.norm(g) for g in clipped], width=0.4, label="clipped to global norm 1")
    plt.xticks(positions, names)
    plt.yscale("log")
    plt.ylabel("norm of the gradient of each parameter")
    plt.legend()
    plt.show()
    weights_norm = np.sqrt(sum(np.sum(p**2) for p in params))
    print(f"the weights have norm {weights_norm:.1f}; a step of learning rate 0.5 moves them by")
    print(f"{0.5 * norm:.1f} without clipping and by 0.5 with it")
