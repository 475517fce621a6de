"""teacher_forcing shifts the target left (drops its first id) instead of right."""

EXPECT_FAILED = ["teacher_forcing_values"]


def teacher_forcing(target_ids, start_id=1):
    target_ids = np.asarray(target_ids)
    decoder_input = np.zeros_like(target_ids)
    decoder_input[:, :-1] = target_ids[:, 1:]
    return decoder_input, target_ids.copy()
