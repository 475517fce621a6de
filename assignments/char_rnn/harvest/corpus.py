"""A deterministic English-like corpus for the char_rnn lab (the ``ci`` profile).

Sentences are drawn from templates and word lists with a seeded generator, so
the same seed always gives the same text on every Python version. The
training text and the held-out text come from different seeds.
"""

from __future__ import annotations

import random

SUBJECTS = [
    "the old sailor", "a young doctor", "my neighbour", "the tired student", "our teacher",
    "the little robot", "a quiet farmer", "the king", "her brother", "the cat", "every child",
    "the careful engineer", "a stranger", "the river", "the wind", "his grandmother",
]
VERBS = [
    "found", "painted", "carried", "remembered", "built", "watched", "followed", "opened",
    "repaired", "forgot", "counted", "described", "visited", "heard", "sold", "borrowed",
]
OBJECTS = [
    "a red box", "the heavy door", "three green apples", "an empty letter", "the broken clock",
    "a small garden", "the long road", "two silver coins", "the map of the island", "a wooden boat",
    "the last train", "an old song", "the yellow kite", "a bag of flour", "the frozen lake",
]
PLACES = [
    "near the harbour", "in the morning", "after the storm", "before dinner", "at the market",
    "under the bridge", "behind the school", "on a cold night", "in the village", "by the window",
]
CONNECTIVES = ["and then", "but later", "so", "because", "while", "although"]
FEELINGS = ["happy", "worried", "surprised", "calm", "curious", "angry", "proud"]


def sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}"
    elif kind < 0.75:
        text = (
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, "
            f"{rng.choice(CONNECTIVES)} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        )
    elif kind < 0.9:
        text = f"{rng.choice(SUBJECTS)} was {rng.choice(FEELINGS)} {rng.choice(PLACES)}"
    else:
        text = f"{rng.choice(SUBJECTS)} counted {rng.randint(2, 99)} {rng.choice(['birds', 'stones', 'boats', 'stars'])}"
    ending = rng.choices([".", "!", "?"], weights=[8, 1, 1])[0]
    return text[0].upper() + text[1:] + ending


def make_corpus(seed: int, n_chars: int) -> str:
    """About ``n_chars`` characters of text: paragraphs of 3 to 6 sentences."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < n_chars:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(paragraphs)[:n_chars]

