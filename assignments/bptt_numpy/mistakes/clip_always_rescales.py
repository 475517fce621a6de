"""clip_by_global_norm rescales to max_norm even when the norm is already under it."""

EXPECT_FAILED = ["clip_keeps_when_under"]


def clip_by_global_norm(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [g * (max_norm / global_norm) for g in grads], global_norm
