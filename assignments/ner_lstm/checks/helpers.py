"""Helpers of the ner_lstm checks (stage 2 only)."""

from __future__ import annotations

import numpy as np


def heldout_seed(seed: int) -> int:
    """The held-out split's own seed (stage 1 generates training sentences from ``seed``)."""
    return 1_000_003 + 7919 * seed


def outputs(model, x: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """The model's output on x, called eagerly (works for every length, TimeDistributed included)."""
    return np.asarray(model(np.asarray(x, dtype=np.int32), training=False), dtype=np.float64)


def per_token(model, x: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """outputs(model, x), asserted to be one vector per token: (N, T, K)."""
    out = outputs(model, x)
    assert out.ndim == 3 and out.shape[:2] == x.shape, (
        f"the model should return one vector of tag scores per token, shape {x.shape + ('num_tags',)}, "
        f"but on input of shape {x.shape} it returned shape {out.shape} (is return_sequences=True set?)"
    )
    return out


def is_distribution(out: np.ndarray, mask: np.ndarray, tol: float = 1e-4) -> bool:
    """Whether out[mask] are probability vectors (non-negative, summing to 1)."""
    real = out[mask]
    return bool(np.all(real >= -tol) and np.all(real <= 1 + tol) and np.allclose(real.sum(-1), 1.0, atol=tol))
