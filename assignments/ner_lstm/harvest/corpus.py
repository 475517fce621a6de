"""The ci profile's corpus: BIO-tagged sentences made from templates and name lists.

Deterministic for a seed. Every name list is split in two by position: the
training split draws only from the "seen" part, the held-out split (drawn in
stage 2 with a seed of its own) from all of it, so held-out sentences contain
words that never occur in training. Some words are names of two kinds
(``Jordan``: a person or a place; ``Chelsea``: a person or a club) or also
plain words (``May``, ``Bill``), and several templates only tell which one
from the words that come after them.
"""

from __future__ import annotations

import numpy as np

Sentence = list[str]

AMBIGUOUS_PLACE_PEOPLE = ["Jordan", "Paris", "Georgia", "Florence", "Sydney", "Chelsea"]
AMBIGUOUS_PLACE_SURNAMES = ["Washington", "Lincoln", "London", "Holland", "Kent", "Chester"]

FIRST_NAMES = [
    "Maria", "John", "Ahmed", "Wei", "Olga", "Carlos", "Fatima", "Kenji", "Anna", "Pierre",
    "Sofia", "David", "Amara", "Lars", "Priya", "Tomas", "Elena", "Omar", "Hana", "Lucas",
    "Ines", "Viktor", "Mei", "Samuel", "Nadia", "Jonas", "Leila", "Mateo", "Yuki", "Ravi",
    "Chloe", "Ivan", "May", "Bill",
] + AMBIGUOUS_PLACE_PEOPLE
SURNAMES = [
    "Lopez", "Smith", "Khan", "Chen", "Ivanova", "Garcia", "Haddad", "Tanaka", "Novak", "Dubois",
    "Rossi", "Cohen", "Okafor", "Berg", "Sharma", "Silva", "Petrov", "Kowalski", "Nguyen", "Murphy",
    "Schmidt", "Moreau", "Jensen", "Ali", "Park", "Costa", "Weber", "Fischer", "Brennan", "Yilmaz",
] + AMBIGUOUS_PLACE_SURNAMES
PLACES = [
    "Berlin", "Lagos", "Lima", "Oslo", "Cairo", "Toronto", "Madrid", "Nairobi", "Mumbai", "Seoul",
    "Vienna", "Dublin", "Lisbon", "Hanoi", "Quito", "Dakar", "Prague", "Helsinki", "Denver", "Perth",
    "Osaka", "Porto", "Tunis", "Kyiv", "New York", "Buenos Aires", "Hong Kong", "San Diego",
    "Tel Aviv", "Cape Town", "Kuala Lumpur", "Abu Dhabi", "Los Angeles", "Rio de Janeiro",
] + AMBIGUOUS_PLACE_PEOPLE + AMBIGUOUS_PLACE_SURNAMES
ORG_STEMS = [
    "Acme", "Globex", "Initech", "Vandelay", "Stark", "Wayne", "Umbrella", "Hooli", "Zenith", "Apex",
    "Nimbus", "Orbit", "Summit", "Vertex", "Harbor", "Polar", "Crescent", "Falcon", "Granite", "Meridian",
]
ORG_SUFFIXES = ["Corp", "Bank", "Group", "Airlines", "Motors", "Holdings"]
ORG_SINGLE = ["Reuters", "Siemens", "Toyota", "Unilever", "Nokia", "Apple", "Amazon", "Oracle", "Chelsea", "Interpol"]
NATIONALITIES = [
    "German", "French", "Kenyan", "Brazilian", "Japanese", "Indian", "Canadian", "Nigerian",
    "Polish", "Chilean", "Thai", "Egyptian", "Swedish", "Irish", "Peruvian", "Korean",
]
EVENTS = [
    "World Cup", "Olympic Games", "Nobel Prize", "Champions League", "Tour de France", "Grand Prix",
    "Davis Cup", "Golden Globe", "Booker Prize", "Africa Cup",
]

#: Sentence templates: ``{PER}`` ``{LOC}`` ``{ORG}`` ``{NAT}`` ``{EVENT}`` ``{NUM}`` are slots.
TEMPLATES = [
    "{PER} visited {LOC} last week .",
    "{PER} works for {ORG} in {LOC} .",
    "{ORG} opened a new office in {LOC} on Monday .",
    "{PER} , a {NAT} citizen , won the {EVENT} .",
    "The {NAT} team beat {LOC} in the {EVENT} final .",
    "Shares of {ORG} rose {NUM} percent after {PER} resigned .",
    "{PER} said {ORG} would move to {LOC} next year .",
    "{LOC} is a city with many old parks .",
    "{PER} said on Friday that the talks had failed .",
    "In {LOC} , {PER} met officials from {ORG} .",
    "{ORG} announced that {PER} will lead its {NAT} division .",
    "Officials in {LOC} denied the report on Tuesday .",
    "The weather was cold and the roads were closed .",
    "{PER} and {PER} arrived in {LOC} for the {EVENT} .",
    "{LOC} beat {LOC} {NUM} - {NUM} in {LOC} .",
    "According to {ORG} , exports from {LOC} fell {NUM} percent .",
    "{LOC} has a population of about {NUM} million people .",
    "{PER} has been the chief executive of {ORG} since {YEAR} .",
    "The talks ended in May without a deal .",
    "The bill was passed by {NUM} votes to {NUM} .",
    "{PER} will sign the bill in {LOC} in May .",
    "{NAT} police arrested {NUM} people near {LOC} .",
    "{ORG} and {ORG} agreed to merge in {YEAR} .",
    "{PER} scored twice as {ORG} won the {EVENT} .",
]

TAG_NAMES = ["B-LOC", "B-MISC", "B-ORG", "B-PER", "I-LOC", "I-MISC", "I-ORG", "I-PER", "O"]

#: Every name list is split by position: one in HELD_OUT_EVERY entries occurs in held-out sentences only.
HELD_OUT_EVERY = 4


def _pool(names: list[str], split: str) -> list[str]:
    if split == "heldout":
        return names
    return [name for i, name in enumerate(names) if i % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]


def _entity(kind: str, rng: np.random.Generator, split: str) -> tuple[Sentence, str]:
    """The tokens of one entity of a slot kind, and its entity type."""
    pick = lambda names: _pool(names, split)[int(rng.integers(len(_pool(names, split))))]  # noqa: E731
    if kind == "PER":
        form = rng.random()
        if form < 0.6:
            return [pick(FIRST_NAMES), pick(SURNAMES)], "PER"
        return [pick(SURNAMES if form < 0.8 else FIRST_NAMES)], "PER"
    if kind == "LOC":
        return pick(PLACES).split(), "LOC"
    if kind == "ORG":
        form = rng.random()
        if form < 0.5:
            return [pick(ORG_STEMS), pick(ORG_SUFFIXES)], "ORG"
        if form < 0.7:
            return ["Bank", "of", *pick(PLACES).split()], "ORG"
        return [pick(ORG_SINGLE)], "ORG"
    if kind == "NAT":
        return [pick(NATIONALITIES)], "MISC"
    return pick(EVENTS).split(), "MISC"


def sentence(rng: np.random.Generator, split: str) -> tuple[Sentence, Sentence]:
    """One tagged sentence: (tokens, BIO tags)."""
    template = TEMPLATES[int(rng.integers(len(TEMPLATES)))]
    tokens: Sentence = []
    tags: Sentence = []
    for piece in template.split():
        if piece in ("{NUM}", "{YEAR}"):
            tokens.append(str(int(rng.integers(2, 99))) if piece == "{NUM}" else str(int(rng.integers(1990, 2026))))
            tags.append("O")
        elif piece.startswith("{"):
            words, kind = _entity(piece[1:-1], rng, split)
            tokens += words
            tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(words) - 1)
        else:
            tokens.append(piece)
            tags.append("O")
    return tokens, tags


def generate(seed: int, count: int, split: str = "train") -> tuple[list[Sentence], list[Sentence]]:
    """``count`` tagged sentences of a split ("train" or "heldout"), deterministic for ``seed``."""
    if split not in ("train", "heldout"):
        raise ValueError(f"unknown split {split!r}")
    rng = np.random.default_rng([seed, 4242 if split == "train" else 9191])
    pairs = [sentence(rng, split) for _ in range(count)]
    return [p[0] for p in pairs], [p[1] for p in pairs]
