"""Matplotlib on the Agg canvas, without pyplot's global state: figures → PNG bytes → data URIs."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib
import numpy as np

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

DPI = 96


def new_figure(width_in: float = 6.0, height_in: float = 3.2) -> Figure:
    """A figure drawn by the Agg renderer only (safe in threads, never opens a window)."""
    figure = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    return figure


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` address: the picture travels inside the HTML page."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def confusion_figure(
    counts: Sequence[Sequence[int]] | np.ndarray,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    xlabel: str,
    ylabel: str,
    size_in: tuple[float, float] = (5.6, 4.0),
) -> Figure:
    """A confusion matrix: ``counts`` (R, C) as shades of blue, each non-zero count written in its cell.

    Rows are labelled ``row_labels`` (R names, down the left), columns ``column_labels`` (C names,
    along the bottom); ``xlabel``/``ylabel`` say what a column and a row are. Counts are written in
    white on the darker half of the scale, and left out past 30 rows or columns (unreadable there).
    """
    table = np.asarray(counts, dtype=np.int64).reshape(len(row_labels), len(column_labels))
    figure = new_figure(*size_in)
    axes = figure.add_subplot()
    image = axes.imshow(table, cmap="Blues", vmin=0)
    axes.set_xticks(range(len(column_labels)), list(column_labels), rotation=45, ha="right", fontsize=7)
    axes.set_yticks(range(len(row_labels)), list(row_labels), fontsize=7)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    if max(table.shape) <= 30:
        top = table.max(initial=0)
        for i, j in zip(*np.nonzero(table), strict=True):
            colour = "white" if table[i, j] > top / 2 else "black"
            axes.text(j, i, str(table[i, j]), ha="center", va="center", fontsize=7, color=colour)
    figure.colorbar(image, ax=axes, shrink=0.7)
    return figure
