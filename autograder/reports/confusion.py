"""The held-out confusion matrix of an image classifier, as a feedback-page panel (vgg16_transfer, densenet).

Stage 2's ``heldout_accuracy`` check keeps ``figures["heldout_confusion"]`` =
``{"labels": [K class names], "counts": K x K}`` (rows: true class, columns: predicted class;
``autograder.checking.figures.confusion_table``). A lab's ``report.py`` lists
``heldout_confusion_panel(...)`` in its PANELS with its own words for the model and for the
regimen the grader trained it with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.reports.lab_figures import Panel, ReportContext
from autograder.reports.plots import confusion_figure, png_bytes

#: Past this many classes a matrix is not drawn (its cells would be unreadable on a page).
MAX_CLASSES = 60


def confusion_counts(table: Any) -> tuple[list[str], np.ndarray] | None:
    """(K labels, (K, K) int counts) of a kept table, or None when it is not a well-formed one."""
    if not isinstance(table, dict):
        return None
    labels, counts = table.get("labels"), table.get("counts")
    if not isinstance(labels, list) or not 0 < len(labels) <= MAX_CLASSES or not all(isinstance(x, str) for x in labels):
        return None
    if not isinstance(counts, list) or len(counts) != len(labels):
        return None
    if not all(isinstance(row, list) and len(row) == len(labels) for row in counts):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for row in counts for v in row):
        return None
    return labels, np.array(counts, dtype=np.int64).reshape(len(labels), len(labels))


def most_confused(counts: np.ndarray) -> tuple[int, int, int] | None:
    """(true class, predicted class, count) of the largest cell off the diagonal; None when all are 0.

    Ties go to the first in reading order (row by row).
    """
    off = np.array(counts, dtype=np.int64)
    np.fill_diagonal(off, 0)
    if off.size == 0 or off.max() == 0:
        return None
    i, j = np.unravel_index(int(np.argmax(off)), off.shape)
    return int(i), int(j), int(off[i, j])


def confusion_caption(labels: list[str], counts: np.ndarray, things: str, regimen: str) -> str:
    """The caption in plain words: what rows and columns are, how many were right, the most frequent confusion."""
    right, total = int(np.trace(counts)), int(counts.sum())
    worst = most_confused(counts)
    if worst is None:
        confusion = f"None of the {things} was taken for another class."
    else:
        true, predicted, n = worst
        off = counts - np.diag(np.diag(counts))
        ties = int((off == n).sum()) - 1
        confusion = (
            f"Most often: {labels[true]} taken for {labels[predicted]}, {n} time{'s' if n != 1 else ''}"
            + (f" ({ties} other confusion{'s' if ties != 1 else ''} as often)." if ties else ".")
        )
    columns = np.flatnonzero(counts.sum(axis=0))
    if len(labels) > 1 and len(columns) == 1:
        confusion += f" Your model gave all {total} {things} the same class, {labels[columns[0]]}."
    return (
        f"Each row is the true class of the grader's held-out {things}, each column the class your model "
        f"predicted for them, after the grader trained it with its own regimen ({regimen}). The diagonal holds "
        f"the right answers: {right} of {total} held-out {things} are right. {confusion}"
    )


def heldout_confusion_panel(
    title: str,
    regimen: str,
    things: str = "images",
    key: str = "heldout_confusion",
) -> Callable[[ReportContext], Panel | None]:
    """A panel function drawing ``context.figures[key]``; None (no panel) when the grading kept no table.

    ``regimen`` may name profile keys as ``str.format`` fields (``"Adam at {grader_learning_rate:g}"``);
    when the profile lacks one, the caption says "its own regimen (a fixed budget of epochs)".
    """

    def heldout_confusion(context: ReportContext) -> Panel | None:
        found = confusion_counts(context.figures.get(key))
        if found is None or not found[1].sum():
            return None
        labels, counts = found
        try:
            words = regimen.format(**context.profile)
        except (KeyError, IndexError, ValueError, TypeError):
            words = "a fixed budget of epochs"
        side = min(9.0, max(4.8, 2.4 + 0.42 * len(labels)))
        figure = confusion_figure(counts, labels, labels, "class your model predicted", "true class", (side + 0.8, side))
        return Panel(title=title, caption=confusion_caption(labels, counts, things, words), png=png_bytes(figure))

    return heldout_confusion
