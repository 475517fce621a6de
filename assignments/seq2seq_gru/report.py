"""Pictures for a seq2seq_gru feedback page (trusted side; see autograder/reports/lab_figures.py).

- greedy_decode's output on the grader's scripted decoders, token by token, beside what greedy
  decoding should return (stop at the end id, leave it out, at most max_len tokens, feed back the
  previous token): the tokens that differ are marked;
- the training loss of the student's encoder–decoder under the grader's regimen, with the held-out
  exact match the checks measured.

Reads JSON artifacts and stage 2's recorded figures only; never loads the saved models.
"""

from __future__ import annotations

import math

import numpy as np

from assignments.seq2seq_gru.harvest import probes
from autograder.reports.lab_figures import Panel, ReportContext
from autograder.reports.plots import new_figure, png_bytes

MAX_ROWS = 4


def _marked(found: list, expected: list[int]) -> tuple[tuple[str, bool], ...]:
    """Each found token as text, ok where it matches the expected token at that place; missing ones as '_'."""
    cells = []
    for i in range(max(len(found), len(expected))):
        if i < len(found):
            ok = i < len(expected) and found[i] == expected[i]
            cells.append((f"{found[i]} ", ok))
        else:
            cells.append(("_ ", False))
    return tuple(cells)


def greedy_tokens(context: ReportContext) -> Panel | None:
    decoded = context.artifacts.json("greedy")
    if not isinstance(decoded, dict):
        return None
    rows = []
    for call, params in probes.SCRIPT_CALLS.items():
        found_rows = decoded.get(call)
        if not isinstance(found_rows, list):
            continue
        for r, script in enumerate(probes.scripts(context.seed, call)[:MAX_ROWS]):
            found = found_rows[r] if r < len(found_rows) and isinstance(found_rows[r], list) else []
            expected = probes.expected_decode(script, params["end_id"], params["max_len"])
            label = f"end id {params['end_id']}, max_len {params['max_len']}, row {r}"
            rows.append((f"{label}: expected", tuple((f"{t} ", True) for t in expected) or (("(nothing)", True),)))
            rows.append((f"{label}: yours", _marked(found[:40], expected) or (("(nothing)", True),)))
    chain = decoded.get("chain")
    if isinstance(chain, list) and chain and isinstance(chain[0], list):
        expected = probes.chain_expected(context.seed)
        rows.append(("chain decoder (feeds back): expected", tuple((f"{t} ", True) for t in expected)))
        rows.append(("chain decoder (feeds back): yours", _marked(chain[0][:40], expected) or (("(nothing)", True),)))
    if not rows:
        return None
    return Panel(
        title="Your greedy_decode, token by token",
        caption=(
            "The grader's scripted decoders emit a known sequence of token ids; greedy decoding should return "
            "them up to (not including) the end id, and at most max_len of them. The chain decoder's next token "
            "depends on the token fed back. Highlighted: your tokens that differ from the expected ones "
            "(_ where yours stopped short)."
        ),
        marked=tuple(rows),
    )


def training_loss(context: ReportContext) -> Panel | None:
    values = context.artifacts.json("train").get("loss", [])
    losses = [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(float(v))][:1000]
    if not losses:
        return None
    figure = new_figure(6.0, 3.0)
    axes = figure.add_subplot()
    axes.plot(np.arange(1, len(losses) + 1), losses, "o-", color="#1f77b4", label="your model, grader's regimen")
    axes.set_xlabel("epoch")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel("training loss (teacher forcing)")
    axes.set_ylim(bottom=0)
    exact = context.metrics.get("heldout_exact_match")
    limit = context.profile.get("exact_match_min")
    axes.legend(fontsize=7)
    tail = ""
    if exact is not None:
        tail = f" After this budget your model decoded {100 * exact:.0f}% of the held-out dates exactly"
        tail += f" (needed: {100 * float(limit):.0f}%)." if limit is not None else "."
    return Panel(
        title="Your encoder–decoder's training loss",
        caption="The loss of your train_model, recompiled and trained by the grader for its fixed budget." + tail,
        png=png_bytes(figure),
    )


PANELS = (greedy_tokens, training_loss)
