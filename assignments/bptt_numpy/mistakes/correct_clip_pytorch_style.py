"""clip_by_global_norm as torch.nn.utils.clip_grad_norm_: max_norm / (norm + 1e-6), the same list back when under."""

EXPECT_FAILED = []


def clip_by_global_norm(grads, max_norm):
    total_norm = np.linalg.norm(np.concatenate([g.ravel() for g in grads]))
    clip_coef = max_norm / (total_norm + 1e-6)
    if clip_coef < 1:
        return [g * clip_coef for g in grads], total_norm
    return grads, total_norm
