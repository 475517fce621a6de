"""build_vocab numbers the characters from 1, so id_to_char[char_to_id[c]] is the next character."""

EXPECT_FAILED = ["vocab_sorted_invertible"]


def build_vocab(text):
    id_to_char = sorted(set(text))
    return {c: i + 1 for i, c in enumerate(id_to_char)}, id_to_char
