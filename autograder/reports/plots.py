"""Matplotlib on the Agg canvas, without pyplot's global state: figures → PNG bytes → data URIs."""

from __future__ import annotations

import base64
import io

import matplotlib

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
