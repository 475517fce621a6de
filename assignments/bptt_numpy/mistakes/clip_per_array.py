"""clip_by_global_norm scales each array by its own norm, not the global one."""

EXPECT_FAILED = ["clip_scales_when_over"]


def clip_by_global_norm(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    if global_norm <= max_norm:
        return [g.copy() for g in grads], global_norm
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads], global_norm
