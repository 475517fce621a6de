"""Stage 2: the lab's hidden pytest checks, run on artifacts as data only."""

from autograder.checking.artifacts import ArtifactError, Artifacts, StepUnavailable
from autograder.checking.compare import rel_error
from autograder.checking.plugin import check

__all__ = ["ArtifactError", "Artifacts", "StepUnavailable", "check", "rel_error"]
