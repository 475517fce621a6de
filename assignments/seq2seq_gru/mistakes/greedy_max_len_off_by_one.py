"""greedy_decode loops max_len + 1 times, so a row without an end id gets one id too many."""

EXPECT_FAILED = ["greedy_respects_max_len"]


def greedy_decode(encoder_model, decoder_model, src_ids, start_id=1, end_id=2, max_len=12):
    outputs = []
    for row in np.asarray(src_ids):
        state = np.asarray(encoder_model(row[None], training=False))
        token, out = start_id, []
        for _ in range(max_len + 1):
            probabilities, state = (np.asarray(o) for o in decoder_model([np.array([[token]]), state], training=False))
            token = int(np.argmax(np.asarray(probabilities)[0, -1]))
            if token == end_id:
                break
            out.append(token)
        outputs.append(out)
    return outputs
