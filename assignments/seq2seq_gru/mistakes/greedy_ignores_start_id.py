"""greedy_decode always starts from id 1, whatever start_id it is given."""

EXPECT_FAILED = ["greedy_feeds_back"]


def greedy_decode(encoder_model, decoder_model, src_ids, start_id=1, end_id=2, max_len=12):
    outputs = []
    for row in np.asarray(src_ids):
        state = np.asarray(encoder_model(row[None], training=False))
        token, out = 1, []
        for _ in range(max_len):
            probabilities, state = (np.asarray(o) for o in decoder_model([np.array([[token]]), state], training=False))
            token = int(np.argmax(probabilities[0, -1]))
            if token == end_id:
                break
            out.append(token)
        outputs.append(out)
    return outputs
