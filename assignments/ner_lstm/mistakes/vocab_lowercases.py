"""build_vocab lower-cases the words, so "Apple" (a company) and "apple" share an id."""

EXPECT_FAILED = ["vocab_word_ids"]


def build_vocab(sentences, tags):
    words = sorted({word.lower() for sentence in sentences for word in sentence})
    word_to_id = {word: i + 2 for i, word in enumerate(words)}
    tag_to_id = {tag: i for i, tag in enumerate(sorted({t for row in tags for t in row}))}
    return word_to_id, tag_to_id
