"""Tables a check measures for the feedback pages (trusted, stage 2): plain JSON values.

A check records one under the ``figures`` fixture (``figures["heldout_confusion"] = ...``);
stage 2 writes them to ``checks.json``'s ``"figures"`` and the report's panels read them back
(``autograder.reports.records.figures_of``). Only counts and class names travel: never the
held-out data itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def confusion_table(y_true: Any, y_pred: Any, class_names: Sequence[str]) -> dict[str, Any]:
    """Counts of (true class, predicted class) pairs: ``{"labels": [K names], "counts": K x K ints}``.

    ``y_true`` and ``y_pred``: integer class ids of shape (N,) (anything ``np.asarray`` makes
    one-dimensional). Rows are the true class, columns the predicted class, both in the order of
    ``class_names``. A pair with an id outside ``0..K-1`` (or a prediction that is not a finite
    number) is left out of the counts, so the table's total may be below N; it never raises for
    odd predictions.
    """
    labels = [str(name) for name in class_names]
    k = len(labels)
    counts = np.zeros((k, k), dtype=np.int64)
    true = np.asarray(y_true).reshape(-1)
    pred = np.asarray(y_pred).reshape(-1)
    n = min(true.size, pred.size)
    true, pred = _ids(true[:n]), _ids(pred[:n])
    keep = (true >= 0) & (true < k) & (pred >= 0) & (pred < k)
    np.add.at(counts, (true[keep], pred[keep]), 1)
    return {"labels": labels, "counts": counts.tolist()}


def _ids(values: np.ndarray) -> np.ndarray:
    """Integer ids (N,); -1 where a value is not a finite whole number."""
    try:
        floats = values.astype(np.float64)
    except (TypeError, ValueError):
        return np.full(values.shape, -1, dtype=np.int64)
    whole = np.isfinite(floats) & (floats == np.round(floats)) & (np.abs(floats) < 2.0**62)
    return np.where(whole, floats, -1.0).astype(np.int64)
