"""teacher_forcing always puts 1 first, whatever start_id it is given."""

EXPECT_FAILED = ["teacher_forcing_values"]


def teacher_forcing(target_ids, start_id=1):
    target_ids = np.asarray(target_ids)
    decoder_input = np.ones_like(target_ids)
    decoder_input[:, 1:] = target_ids[:, :-1]
    return decoder_input, target_ids.copy()
