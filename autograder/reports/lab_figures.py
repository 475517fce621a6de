"""A lab's pictures for its feedback pages: the ``assignments/<lab>/report.py`` hook.

The hook is a small trusted-side module. It declares::

    PANELS: tuple[Callable[[ReportContext], Panel | None], ...]

Each function draws one panel from one student's artifacts, read through
``context.artifacts`` (``json(step)``, ``arrays(step)``: JSON and npz without
pickle, symlinks and oversized files refused), and what stage 2's checks measured:
``context.metrics`` (floats) and ``context.figures`` (small JSON tables such as a
held-out confusion matrix: counts only, never the held-out data). It may use the lab's own
trusted code (its probes, the reference solution) to draw what the answer
should look like beside the student's. It must never load a saved model or
import anything the student wrote. A function returns None when it has
nothing to show; a step that did not run (``StepUnavailable``) or an artifact
that is missing or malformed (``ArtifactError``) just leaves its panel out.
A lab without ``report.py`` has no pictures.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from autograder import paths
from autograder.checking.artifacts import ArtifactError, Artifacts, StepUnavailable
from autograder.labspec import LabSpec
from autograder.reports import plots

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Panel:
    """One picture (PNG) and/or a few labelled texts, with a caption saying how to read it.

    ``texts``: (label, text) pairs shown verbatim (escaped) under the picture,
    e.g. samples at two temperatures. ``marked``: rows of (label, [(char, ok)])
    shown as characters, those with ``ok`` False highlighted (a decoded date's
    wrong characters).
    """

    title: str
    caption: str
    png: bytes | None = None
    texts: tuple[tuple[str, str], ...] = ()
    marked: tuple[tuple[str, tuple[tuple[str, bool], ...]], ...] = ()

    @property
    def image_uri(self) -> str | None:
        return plots.data_uri(self.png) if self.png else None


@dataclass
class ReportContext:
    """What a panel function may read about one student's grading of one lab."""

    lab: LabSpec
    result: dict[str, Any]
    artifacts: Artifacts
    profile_name: str
    seed: int
    metrics: dict[str, float] = field(default_factory=dict)
    #: Tables stage 2's checks kept for these pages (``figures["heldout_confusion"]``: labels, counts).
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def profile(self) -> dict[str, Any]:
        return self.lab.profile(self.profile_name)

    def outcome(self, check_id: str) -> str | None:
        for row in self.result.get("checks", []):
            if row.get("id") == check_id:
                return row.get("outcome")
        return None


PanelFunction = Callable[[ReportContext], "Panel | None"]


def hook_module(lab_id: str) -> ModuleType | None:
    """``assignments.<lab>.report``, or None when the lab has no report.py."""
    if not (paths.assignments_dir() / lab_id / "report.py").is_file():
        return None
    root = str(paths.project_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(f"assignments.{lab_id}.report")


def panels_for(context: ReportContext) -> tuple[list[Panel], list[str]]:
    """The lab's panels for this student, and a note for each one that could not be drawn."""
    module = hook_module(context.lab.id)
    if module is None:
        return [], []
    drawn: list[Panel] = []
    notes: list[str] = []
    for function in getattr(module, "PANELS", ()):
        try:
            panel = function(context)
        except (StepUnavailable, ArtifactError):
            continue  # the check table already says why that step's output is missing
        except Exception as err:  # a picture must never cost the page
            log.warning("%s: panel %s failed: %s", context.lab.id, getattr(function, "__name__", function), err)
            notes.append(f"a picture ({getattr(function, '__name__', 'panel')}) could not be drawn from what your code saved")
            continue
        if panel is not None:
            drawn.append(panel)
    return drawn, notes


def context_for(
    lab: LabSpec,
    record: dict[str, Any],
    manifest: dict[str, Any] | None,
    metrics: dict[str, float],
    figures: dict[str, dict[str, Any]] | None = None,
) -> ReportContext | None:
    """A context when the record kept its artifacts and trusted manifest; else None."""
    directory = record.get("result_dir")
    if not directory or manifest is None:
        return None
    artifacts_dir = Path(directory) / "stage1" / "artifacts"
    if not artifacts_dir.is_dir():
        return None
    return ReportContext(
        lab=lab, result=record, artifacts=Artifacts(artifacts_dir, manifest),
        profile_name=str(manifest.get("profile") or "ci"), seed=int(manifest.get("seed") or lab.default_seed),
        metrics=metrics, figures=dict(figures or {}),
    )
