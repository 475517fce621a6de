"""Stage 1: run a lab's harvest plan against one submission and save its artifacts."""

from autograder.harvest.plan import Harvest, MissingFunction, rng_for, step

__all__ = ["Harvest", "MissingFunction", "rng_for", "step"]
