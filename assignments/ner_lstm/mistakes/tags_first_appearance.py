"""build_vocab numbers tags in order of first appearance, not in sorted order."""

EXPECT_FAILED = ["vocab_tag_ids"]


def build_vocab(sentences, tags):
    words = sorted({word for sentence in sentences for word in sentence})
    word_to_id = {word: i + 2 for i, word in enumerate(words)}
    tag_to_id = {}
    for row in tags:
        for tag in row:
            tag_to_id.setdefault(tag, len(tag_to_id))
    return word_to_id, tag_to_id
