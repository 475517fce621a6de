"""Pictures for a densenet feedback page (trusted side; see autograder/reports/lab_figures.py).

- the held-out confusion matrix stage 2's heldout_accuracy kept: the true class of each held-out image
  against the class the student's DenseNet predicted, after the grader trained it with its own regimen
  (counts only, never the held-out images).

Reads stage 2's recorded tables only; never loads the saved models.
"""

from __future__ import annotations

from autograder.reports.confusion import heldout_confusion_panel

heldout_confusion = heldout_confusion_panel(
    title="Your DenseNet on the held-out images: confusion matrix",
    regimen="Adam at {grader_learning_rate:g}, sparse categorical cross-entropy, {epochs} epochs on images scaled to [0, 1]",
)

PANELS = (heldout_confusion,)
