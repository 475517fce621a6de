"""greedy_decode ignores its max_len argument and always decodes up to 12 ids."""

EXPECT_FAILED = ["greedy_respects_max_len"]


def greedy_decode(encoder_model, decoder_model, src_ids, start_id=1, end_id=2, max_len=12):
    outputs = []
    for row in np.asarray(src_ids):
        state = np.asarray(encoder_model(row[None], training=False))
        token, out = start_id, []
        for _ in range(12):
            probabilities, state = (np.asarray(o) for o in decoder_model([np.array([[token]]), state], training=False))
            token = int(np.argmax(probabilities[0, -1]))
            if token == end_id:
                break
            out.append(token)
        outputs.append(out)
    return outputs
