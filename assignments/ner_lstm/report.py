"""Pictures for a ner_lstm feedback page (trusted side; see autograder/reports/lab_figures.py).

- a confusion matrix of the tags the student's predict_tags returned for the grader's probe
  sentences against the tags it should return: the probe's tagger is the grader's stand-in, whose
  most probable tag for every word is known, so each off-diagonal cell is predict_tags's own mistake
  (a wrong id_to_tag, padding tagged, tokens shifted);
- the training loss of the student's tagger under the grader's regimen, with the held-out
  entity-level F1 the checks measured.

Reads JSON artifacts and stage 2's recorded figures only; never loads the saved models.
"""

from __future__ import annotations

import math

import numpy as np

from assignments.ner_lstm.harvest import probes
from autograder.checking.plugin import load_reference
from autograder.reports.lab_figures import Panel, ReportContext
from autograder.reports.plots import confusion_figure, new_figure, png_bytes

MISSING = "(none)"
OTHER = "(other)"


def predict_confusion(context: ReportContext) -> Panel | None:
    found = context.artifacts.json("predict").get("tags")
    if not isinstance(found, list):
        return None
    p = probes.predict_probe(context.seed)
    reference = load_reference(context.lab)
    lengths = [min(len(s), p["max_len"]) for s in p["sentences"]]
    x, _ = reference.encode(p["sentences"], None, p["word_to_id"], None, p["max_len"])
    expected = probes.stand_in_tags(x, lengths, p["id_to_tag"])
    labels = list(p["id_to_tag"]) + [OTHER, MISSING]
    index = {tag: i for i, tag in enumerate(labels)}
    counts = np.zeros((len(p["id_to_tag"]), len(labels)), dtype=int)
    for r, want in enumerate(expected):
        row = found[r] if r < len(found) and isinstance(found[r], list) else []
        for t, tag in enumerate(want):
            got = row[t] if t < len(row) else MISSING
            counts[index[tag], index.get(str(got), index[OTHER])] += 1
    figure = confusion_figure(counts, p["id_to_tag"], labels, "tag your predict_tags returned", "tag it should return")
    right = int(np.trace(counts[:, : len(p["id_to_tag"])]))
    return Panel(
        title="Your predict_tags: confusion matrix on the probe sentences",
        caption=(
            f"The grader's stand-in tagger knows the most probable tag of every word, so predict_tags should "
            f"return exactly those tags: {right} of {counts.sum()} tokens are right. Off the diagonal: a tag "
            f"given instead of another; {OTHER}: a value that is not one of id_to_tag's tags; {MISSING}: "
            "tokens your output left out."
        ),
        png=png_bytes(figure),
    )


def training_loss(context: ReportContext) -> Panel | None:
    values = context.artifacts.json("train").get("loss", [])
    losses = [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(float(v))][:1000]
    if not losses:
        return None
    figure = new_figure(6.0, 3.0)
    axes = figure.add_subplot()
    axes.plot(np.arange(1, len(losses) + 1), losses, "o-", color="#1f77b4", label="your tagger, grader's regimen")
    axes.set_xlabel("epoch")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel("training loss")
    axes.set_ylim(bottom=0)
    axes.legend(fontsize=7)
    f1 = context.metrics.get("heldout_f1")
    return Panel(
        title="Your tagger's training loss",
        caption="The loss of your model, recompiled and trained by the grader for its fixed budget."
        + (f" Its entity-level F1 on held-out sentences afterwards: {f1:.2f}." if f1 is not None else ""),
        png=png_bytes(figure),
    )


PANELS = (predict_confusion, training_loss)
