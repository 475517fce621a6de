"""clip_by_global_norm clips each element to [-max_norm, max_norm], which changes the direction."""

EXPECT_FAILED = ["clip_scales_when_over"]


def clip_by_global_norm(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [np.clip(g, -max_norm, max_norm) for g in grads], global_norm
