"""build_vocab numbers words from 1, so the first word collides with the unknown id."""

EXPECT_FAILED = ["vocab_word_ids"]


def build_vocab(sentences, tags):
    words = sorted({word for sentence in sentences for word in sentence})
    word_to_id = {word: i + 1 for i, word in enumerate(words)}
    tag_to_id = {tag: i for i, tag in enumerate(sorted({t for row in tags for t in row}))}
    return word_to_id, tag_to_id
