"""build_vocab keeps characters in order of first appearance instead of sorting them."""

EXPECT_FAILED = ["vocab_sorted_invertible"]


def build_vocab(text):
    id_to_char = list(dict.fromkeys(text))
    return {c: i for i, c in enumerate(id_to_char)}, id_to_char
