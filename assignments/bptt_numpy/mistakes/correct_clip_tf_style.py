"""clip_by_global_norm as tf.clip_by_global_norm: scale = max_norm * min(1 / norm, 1 / max_norm), a tuple back."""

EXPECT_FAILED = []


def clip_by_global_norm(grads, max_norm):
    global_norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
    scale = max_norm * min(1.0 / global_norm, 1.0 / max_norm)
    return tuple(g * scale for g in grads), global_norm
