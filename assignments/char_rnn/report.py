"""Pictures for a char_rnn feedback page (trusted side; see autograder/reports/lab_figures.py).

- the training loss of the student's model, epoch by epoch: under the grader's regimen (the
  quality run) and under the student's own compile settings (the short run), beside ln V (a
  model that guesses) and the own-run threshold; next to it the held-out bits per character
  the checks measured, against the reference's calibrated band and the lab's limit;
- the text the student's ``sample`` produced at a low and a high temperature.

Reads JSON artifacts and stage 2's recorded figures only; never loads the saved models.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from autograder.reports.lab_figures import Panel, ReportContext
from autograder.reports.plots import new_figure, png_bytes


def _losses(context: ReportContext, step: str) -> list[float]:
    try:
        values = context.artifacts.json(step).get("loss", [])
    except Exception:  # a step that did not run draws no curve
        return []
    return [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(float(v))][:1000]


def _vocab_size(context: ReportContext) -> int | None:
    """V from the grader's own prepared vocabulary (trusted: written by the grader, not the student)."""
    directory = context.result.get("result_dir")
    path = Path(directory) / "prepared" / "vocab.json" if directory else None
    try:
        return len(json.loads(path.read_text())) if path and path.is_file() and not path.is_symlink() else None
    except (OSError, ValueError):
        return None


def _band(text: object) -> tuple[float, float] | None:
    try:
        low, high = (float(v) for v in str(text).split("-"))
    except ValueError:
        return None
    return low, high


def loss_curves(context: ReportContext) -> Panel | None:
    grader, own = _losses(context, "train"), _losses(context, "train_own")
    bpc = context.metrics.get("heldout_bpc")
    if not grader and not own and bpc is None:
        return None
    profile = context.profile
    vocab = _vocab_size(context)
    figure = new_figure(7.2, 3.2)
    left, right = figure.subplots(1, 2, width_ratios=[2.2, 1])
    if grader:
        left.plot(np.arange(1, len(grader) + 1), grader, "o-", color="#1f77b4", label="grader's regimen (quality run)")
    if own:
        left.plot(np.arange(1, len(own) + 1), own, "s--", color="#ff7f0e", label="your compile settings (short run)")
    if vocab:
        ln_v = math.log(vocab)
        left.axhline(ln_v, color="#777", lw=1, ls=":", label=f"ln V = {ln_v:.2f} (guessing)")
        drop = profile.get("min_own_loss_drop")
        if drop is not None:
            left.axhline(ln_v - float(drop), color="#d62728", lw=1, ls="--", label=f"short run must end below {ln_v - float(drop):.2f}")
    measured = context.metrics.get("own_train_loss_nats")
    if own and measured is not None and math.isfinite(measured):
        left.plot([len(own)], [measured], "x", color="#d62728", ms=9, mew=2,
                  label=f"short run, measured from your outputs: {measured:.2f}")
    left.set_xlabel("epoch")
    left.xaxis.get_major_locator().set_params(integer=True)
    left.set_ylabel("training loss (nats per character)")
    left.legend(fontsize=6.5)
    band = _band(profile.get("reference_bpc"))
    limit = profile.get("max_heldout_bpc")
    if band:
        right.axhspan(band[0], band[1], color="#2ca02c", alpha=0.35, label="reference (seeds 0-4)")
    if limit is not None:
        right.axhline(float(limit), color="#d62728", ls="--", lw=1, label=f"limit {float(limit):g}")
    if bpc is not None and math.isfinite(bpc):
        right.plot([0], [bpc], "D", color="#1f77b4", ms=8, label=f"yours: {bpc:.2f}")
    right.set_xticks([])
    right.set_xlim(-1, 1)
    right.set_ylabel("held-out bits per character")
    right.set_ylim(bottom=0)
    right.legend(fontsize=6.5, loc="lower center")
    return Panel(
        title="Your model's loss, and its held-out bits per character",
        caption=(
            "Left: the training loss of your model, trained by the grader (its optimizer and the contract's loss) "
            "and for a short run with your own compile settings. Right: bits per character on held-out text after "
            "the grader's budget, computed from your model's outputs as the contract defines them (logits), "
            "beside the reference's band; lower is better. A training loss that falls while the held-out figure "
            "stays high usually means the model's outputs are not logits (a softmax at the end)."
        ),
        png=png_bytes(figure),
    )


def samples(context: ReportContext) -> Panel | None:
    texts = context.artifacts.json("sample_temperature")
    if not isinstance(texts, dict):
        return None
    low, high = texts.get("low"), texts.get("high")
    if not isinstance(low, str) or not isinstance(high, str):
        return None
    from assignments.char_rnn.harvest import probes

    gap = context.metrics.get("temperature_gap_nats")
    return Panel(
        title="Your sample at two temperatures",
        caption=(
            f"The text your sample produced from the grader's small model, prefix {probes.STAT_PREFIX!r}, "
            f"{probes.STAT_LENGTH} characters, seed 3. At a low temperature the text should repeat the model's "
            "likeliest characters; at a high one it should look more random."
            + (f" The grader measured the low-temperature text to be {gap:.2f} nats per character likelier." if gap is not None else "")
        ),
        texts=(
            (f"temperature {probes.LOW_TEMPERATURE:g}", low[:2000]),
            (f"temperature {probes.HIGH_TEMPERATURE:g}", high[:2000]),
        ),
    )


PANELS = (loss_curves, samples)
