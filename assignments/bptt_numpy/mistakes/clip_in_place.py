"""clip_by_global_norm scales the arrays it was given in place (g *= scale)."""

EXPECT_FAILED = ["clip_does_not_mutate"]


def clip_by_global_norm(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    if global_norm > max_norm:
        for g in grads:
            g *= max_norm / global_norm
    return grads, global_norm
