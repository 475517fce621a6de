"""Pictures for a bptt_numpy feedback page (trusted side; see autograder/reports/lab_figures.py).

- gradient norm |dx[:, t]| against time step t on the long-range probe (loss on the last state
  only), the student's rnn_backward beside the reference's, for a contracting and an expanding Wh;
- the global norm of what clip_by_global_norm returned against max_norm, on the three clipping probes.

Reads the student's artifacts as data only (npz without pickle); the reference's values are
recomputed here from the lab's probes.
"""

from __future__ import annotations

import numpy as np

from assignments.bptt_numpy.harvest import probes
from autograder.checking.plugin import load_reference
from autograder.reports.lab_figures import Panel, ReportContext
from autograder.reports.plots import new_figure, png_bytes

COLOURS = {"small": "#1f77b4", "large": "#d62728"}


def _own_or_isolated(arrays: dict[str, np.ndarray], name: str) -> np.ndarray | None:
    for way in ("own", "isolated"):
        value = arrays.get(f"{way}_{name}")
        if value is not None and value.ndim == 3 and value.dtype.kind in "fiu":
            return value.astype(np.float64)
    return None


def gradient_norm_through_time(context: ReportContext) -> Panel | None:
    """|dx[:, t]| against t, log scale: the student's rnn_backward (dots) and the reference (line)."""
    arrays = context.artifacts.arrays("long_range")
    reference = load_reference(context.lab)
    figure = new_figure(6.4, 3.4)
    axes = figure.add_subplot()
    low, high = np.inf, 0.0
    found_norms = []
    for setting, scale in probes.LONG_RANGE_SCALES.items():
        p = probes.long_range(context.seed, setting)
        _, cache = reference.rnn_forward(p["x"], p["h0"], p["Wx"], p["Wh"], p["b"])
        expected = np.linalg.norm(reference.rnn_backward(p["dh"], cache)[0], axis=(0, 2))
        steps = np.arange(len(expected))
        axes.plot(steps, expected, color=COLOURS[setting], lw=2, alpha=0.5, label=f"reference, Wh scale {scale:g}")
        found = _own_or_isolated(arrays, f"dx_{setting}")
        low, high = min(low, float(expected.min())), max(high, float(expected.max()))
        if found is not None and found.shape[1] == len(expected):
            norms = np.linalg.norm(np.nan_to_num(found, nan=0.0, posinf=1e300, neginf=-1e300), axis=(0, 2))
            found_norms.append((setting, scale, steps, norms))
    if not found_norms:
        return None
    floor, ceiling = max(low, 1e-300) / 1e3, high * 1e3
    for setting, scale, steps, norms in found_norms:
        inside = (norms > floor) & (norms < ceiling)
        axes.plot(steps[inside], norms[inside], "o", ms=3.5, color=COLOURS[setting], label=f"yours, Wh scale {scale:g}")
        if np.any(~inside):  # zeros (no flow at all) or blown-up values: drawn on the edge they passed
            edge = np.where(norms[~inside] <= floor, floor, ceiling)
            axes.plot(steps[~inside], edge, "x", ms=5, color=COLOURS[setting], label=f"yours, off the scale (0 or huge), Wh {scale:g}")
    axes.set_yscale("log")
    axes.set_ylim(floor / 2, ceiling * 2)
    axes.set_xlabel("time step t (the loss is on the last step only)")
    axes.set_ylabel("|dx[:, t]|")
    axes.legend(fontsize=7, loc="lower right")
    outcome = context.outcome("gradient_flow_through_time")
    return Panel(
        title="Gradient norm against time step",
        caption=(
            "Backpropagation through time on a 30-step sequence whose loss is on the last state only. "
            "With a small recurrent weight the gradient should shrink as it travels back (vanishing); with a "
            "large one it is held up. Your dots should sit on the reference's line"
            + (" — they do." if outcome == "passed" else "; where they leave it, look at how dh_prev flows from step t+1 into step t.")
        ),
        png=png_bytes(figure),
    )


def clipping_norms(context: ReportContext) -> Panel | None:
    """The global norm before clipping, max_norm, and the global norm of what the student returned."""
    arrays = context.artifacts.arrays("clipping")
    cases = list(probes.CLIP_CASES)
    before, limit, after = [], [], []
    for case in cases:
        grads, max_norm = probes.clipping(context.seed, case)
        returned = [arrays.get(f"{case}_clipped_{i}") for i in range(len(grads))]
        if any(r is None or r.dtype.kind not in "fiu" for r in returned):
            return None
        before.append(float(np.sqrt(sum(np.sum(g**2) for g in grads))))
        limit.append(max_norm)
        after.append(float(np.sqrt(sum(np.sum(np.nan_to_num(r.astype(np.float64)) ** 2) for r in returned))))
    figure = new_figure(6.0, 3.0)
    axes = figure.add_subplot()
    x = np.arange(len(cases))
    axes.bar(x - 0.27, before, 0.27, color="#bbbbbb", label="global norm given")
    axes.bar(x, limit, 0.27, color="#2ca02c", label="max_norm")
    axes.bar(x + 0.27, after, 0.27, color="#1f77b4", label="global norm you returned")
    axes.set_xticks(x, [c.replace("_", " ") for c in cases])
    axes.set_ylabel("L2 norm over all arrays")
    axes.legend(fontsize=7)
    return Panel(
        title="Gradient clipping by global norm",
        caption=(
            "For each probe: the global norm of the gradients passed in, max_norm, and the global norm of the "
            "arrays your clip_by_global_norm returned. Over the limit, the returned norm should equal max_norm "
            "(every array scaled by the same factor); under it, the arrays come back unchanged."
        ),
        png=png_bytes(figure),
    )


PANELS = (gradient_norm_through_time, clipping_norms)
