"""Pictures for a vgg16_transfer feedback page (trusted side; see autograder/reports/lab_figures.py).

- preprocess: the mean of each output channel on the grader's random images, beside what VGG16's
  preprocessing gives (RGB to BGR, the ImageNet channel means subtracted, no scaling), as Keras
  documents it;
- the short run under the student's own compile settings: the loss before and after;
- the held-out confusion matrix stage 2's heldout_accuracy kept (true class against the class the
  model predicted, after the grader's own training regimen): counts only, never the held-out images.

Reads npz (without pickle) and JSON artifacts and stage 2's recorded tables only; never loads the saved models.
"""

from __future__ import annotations

import math

import numpy as np

from assignments.vgg16_transfer.harvest import probes
from autograder.reports.confusion import heldout_confusion_panel
from autograder.reports.lab_figures import Panel, ReportContext
from autograder.reports.plots import new_figure, png_bytes

#: keras.applications.vgg16.preprocess_input ("caffe" mode): BGR channel means of ImageNet.
IMAGENET_BGR_MEANS = np.array([103.939, 116.779, 123.68])


def preprocess_channels(context: ReportContext) -> Panel | None:
    arrays = context.artifacts.arrays("preprocess")
    images = probes.preprocess_inputs(context.seed)["uint8"].astype(np.float64)
    found = arrays.get("out_uint8")
    if found is None or found.shape != images.shape or found.dtype.kind not in "fiu":
        return None
    expected = images[..., ::-1] - IMAGENET_BGR_MEANS
    means_expected = expected.reshape(-1, 3).mean(axis=0)
    means_found = np.nan_to_num(found.astype(np.float64)).reshape(-1, 3).mean(axis=0)
    figure = new_figure(5.6, 2.8)
    axes = figure.add_subplot()
    x = np.arange(3)
    axes.bar(x - 0.2, means_expected, 0.4, color="#2ca02c", label="VGG16's preprocessing")
    axes.bar(x + 0.2, means_found, 0.4, color="#1f77b4", label="your preprocess")
    axes.axhline(0, color="#555", lw=0.8)
    axes.set_xticks(x, ["channel 0 (B)", "channel 1 (G)", "channel 2 (R)"])
    axes.set_ylabel("mean value over the images")
    axes.legend(fontsize=7)
    return Panel(
        title="Your preprocess, channel by channel",
        caption=(
            "The mean of each output channel on the grader's random uint8 images. VGG16 expects BGR order with "
            "ImageNet's mean of each channel subtracted and no scaling to [0, 1]: a bar far from the green one "
            "shows a channel in the wrong order, a missing mean, or a scaling."
        ),
        png=png_bytes(figure),
    )


def own_short_run(context: ReportContext) -> Panel | None:
    run = context.artifacts.json("own_compile")
    before, after = run.get("loss_before"), run.get("loss_after")
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (before, after)):
        return None
    figure = new_figure(4.0, 2.6)
    axes = figure.add_subplot()
    axes.bar(["before", "after"], [before, after], color=["#bbbbbb", "#1f77b4"])
    axes.set_ylabel("training loss")
    rate = run.get("learning_rate")
    return Panel(
        title="A short run with your own optimizer",
        caption=(
            f"The loss of your model before and after {run.get('steps', 'a few')} updates with the optimizer your "
            f"build_model compiled ({run.get('optimizer', '?')}"
            + (f", learning rate {rate:g}" if isinstance(rate, (int, float)) else "") + "). It should go down."
        ),
        png=png_bytes(figure),
    )


heldout_confusion = heldout_confusion_panel(
    title="Your model on the held-out images: confusion matrix",
    regimen="Adam at {grader_learning_rate:g}, sparse categorical cross-entropy, {epochs} epochs on VGG16-preprocessed images",
)

PANELS = (preprocess_channels, own_short_run, heldout_confusion)
