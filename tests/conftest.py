"""How ``make test`` shares the two cores (pytest-xdist, ``-n 2 --dist loadgroup``).

Each test module is one xdist group, so its module-scoped fixtures (a class graded once and
read by many tests) are built once, on one worker. ``test_labs.py``'s ``validate`` runs are the
long ones: each lab is a group of its own, so two labs' validations can run side by side, and the
short modules fill the other core while one lab validates. Without xdist the marks do nothing.
"""

from __future__ import annotations

import pytest


def xdist_group_of(item: pytest.Item) -> str:
    """The group a test runs in: its module, or its lab for a lab's ``validate`` run."""
    if item.path.name == "test_labs.py" and getattr(item, "originalname", "") == "test_lab_validates":
        return str(item.callspec.params["lab_id"])
    return item.nodeid.split("::", 1)[0].split("@", 1)[0]


#: The labs' validate runs, longest first (wall seconds on 2 cores, CI of 2026-12-02): started
#: first, they leave the short modules to fill the other core at the end instead of one lab alone.
LONGEST_VALIDATES = ("seq2seq_gru", "vgg16_transfer", "densenet", "char_rnn", "ner_lstm", "bptt_numpy")


def run_order(item: pytest.Item) -> int:
    group = xdist_group_of(item)
    return LONGEST_VALIDATES.index(group) if group in LONGEST_VALIDATES else len(LONGEST_VALIDATES)


def pytest_itemcollected(item: pytest.Item) -> None:
    # Marked as it is collected: xdist turns the mark into the test's group in its own
    # ``pytest_collection_modifyitems``, which runs before this file's (a mark added there is
    # too late, and every test becomes a group of its own: module fixtures built on both workers).
    item.add_marker(pytest.mark.xdist_group(xdist_group_of(item)))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=run_order)  # stable: every other test keeps its place
