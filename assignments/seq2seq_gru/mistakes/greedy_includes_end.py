"""greedy_decode appends the end id before it stops."""

EXPECT_FAILED = ["greedy_excludes_end"]


def greedy_decode(encoder_model, decoder_model, src_ids, start_id=1, end_id=2, max_len=12):
    outputs = []
    for row in np.asarray(src_ids):
        state = np.asarray(encoder_model(row[None], training=False))
        token, out = start_id, []
        for _ in range(max_len):
            probabilities, state = (np.asarray(o) for o in decoder_model([np.array([[token]]), state], training=False))
            token = int(np.argmax(np.asarray(probabilities)[0, -1]))
            out.append(token)
            if token == end_id:
                break
        outputs.append(out)
    return outputs
