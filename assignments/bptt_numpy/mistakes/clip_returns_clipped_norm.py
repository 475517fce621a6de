"""clip_by_global_norm returns the norm after clipping (max_norm) instead of the norm before."""

EXPECT_FAILED = ["clip_scales_when_over"]


def clip_by_global_norm(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    scale = min(1.0, max_norm / global_norm)
    clipped = [g * scale for g in grads]
    return clipped, float(np.sqrt(sum(np.sum(c**2) for c in clipped)))
