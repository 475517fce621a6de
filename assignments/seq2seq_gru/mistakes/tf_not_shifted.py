"""teacher_forcing returns the target itself as the decoder input (not shifted)."""

EXPECT_FAILED = ["teacher_forcing_values"]


def teacher_forcing(target_ids, start_id=1):
    target_ids = np.asarray(target_ids)
    return target_ids.copy(), target_ids.copy()
