"""greedy_decode never checks for the end id: it always decodes max_len ids."""

EXPECT_FAILED = ["greedy_stops_at_end", "greedy_excludes_end"]


def greedy_decode(encoder_model, decoder_model, src_ids, start_id=1, end_id=2, max_len=12):
    state = np.asarray(encoder_model(np.asarray(src_ids), training=False))
    tokens = np.full((len(src_ids), 1), start_id, dtype="int32")
    steps = []
    for _ in range(max_len):
        probabilities, state = (np.asarray(o) for o in decoder_model([tokens, state], training=False))
        tokens = np.argmax(np.asarray(probabilities)[:, -1], axis=-1).astype("int32")[:, None]
        steps.append(tokens[:, 0])
    return [[int(t) for t in row] for row in np.stack(steps, axis=1)]
