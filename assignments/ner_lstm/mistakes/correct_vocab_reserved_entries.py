"""Correct: build_vocab keeps "<PAD>" = 0 and "<UNK>" = 1 in word_to_id, then the words from 2 in order of appearance."""

EXPECT_FAILED = []


def build_vocab(sentences, tags):
    word_to_id = {"<PAD>": 0, "<UNK>": 1}
    for sentence in sentences:
        for word in sentence:
            if word not in word_to_id:
                word_to_id[word] = len(word_to_id)
    tag_list = sorted(set(t for row in tags for t in row))
    tag_to_id = {t: i for i, t in enumerate(tag_list)}
    return word_to_id, tag_to_id
