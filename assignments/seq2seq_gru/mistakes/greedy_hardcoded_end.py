"""greedy_decode stops at id 2 whatever end_id it is given."""

EXPECT_FAILED = ["greedy_stops_at_end"]

END = 2


def greedy_decode(encoder_model, decoder_model, src_ids, start_id=1, end_id=2, max_len=12):
    outputs = []
    for row in np.asarray(src_ids):
        state = np.asarray(encoder_model(row[None], training=False))
        token, out = start_id, []
        for _ in range(max_len):
            probabilities, state = (np.asarray(o) for o in decoder_model([np.array([[token]]), state], training=False))
            token = int(np.argmax(probabilities[0, -1]))
            if token == END:
                break
            out.append(token)
        outputs.append(out)
    return outputs
