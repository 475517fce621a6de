"""Comparisons a check uses, with numbers a student can read."""

from __future__ import annotations

import numpy as np


def rel_error(x: np.ndarray, y: np.ndarray) -> float:
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|), elementwise."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def describe_shape_mismatch(name: str, expected: tuple[int, ...], found: tuple[int, ...]) -> str:
    return f"{name} should have shape {expected}, but it has shape {found}"


def assert_shape(name: str, array: np.ndarray, expected: tuple[int, ...]) -> None:
    found = tuple(np.shape(array))
    assert found == tuple(expected), describe_shape_mismatch(name, tuple(expected), found)


def assert_close(name: str, found: np.ndarray, expected: np.ndarray, tolerance: float = 1e-6) -> None:
    """Shapes equal and relative error within ``tolerance``; the message names both."""
    assert_shape(name, found, np.shape(expected))
    if not np.all(np.isfinite(found)):
        raise AssertionError(f"{name} contains NaN or infinite values")
    error = rel_error(found, expected)
    assert error <= tolerance, (
        f"{name} differs from the expected values: relative error {error:.2e} "
        f"(allowed {tolerance:.0e}). First values expected {_preview(expected)}, found {_preview(found)}"
    )


def _preview(array: np.ndarray, count: int = 4) -> str:
    flat = np.asarray(array, dtype=np.float64).ravel()[:count]
    return "[" + ", ".join(f"{v:.4g}" for v in flat) + (", ...]" if np.size(array) > count else "]")
