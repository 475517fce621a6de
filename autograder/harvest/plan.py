"""The API a lab's harvest plan (``assignments/<lab>/harvest/plan.py``) is written in.

A plan is a set of named steps. Each step calls student functions on probe
inputs, or builds and trains the student's model, and saves what came out::

    @step("step_forward")
    def step_forward(h: Harvest) -> None:
        x, h_prev, Wx, Wh, b = probes.step_forward(h.rng)
        h_next, _ = h.call("rnn_step_forward", x, h_prev, Wx, Wh, b)
        h.save_arrays(h_next=h_next)

Steps are independent of each other: a step that fails or times out costs
only the checks that need its artifacts.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

StepFunction = Callable[["Harvest"], None]
_REGISTRY: dict[str, StepFunction] = {}

#: Caps on what one step may write (the sandbox caps the whole directory too).
MAX_ARRAY_BYTES = 64 * 1024 * 1024
MAX_JSON_BYTES = 4 * 1024 * 1024


class MissingFunction(Exception):
    """The submission does not define a function the step needs."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the notebook does not define `{name}` at the top level")
        self.name = name


class BadOutput(Exception):
    """A student function returned something that cannot be saved as data."""


def step(name: str) -> Callable[[StepFunction], StepFunction]:
    """Register a harvest step under ``name`` (the name used in lab.toml)."""

    def register(function: StepFunction) -> StepFunction:
        _REGISTRY[name] = function
        return function

    return register


def registered_steps() -> dict[str, StepFunction]:
    return dict(_REGISTRY)


def rng_for(seed: int, name: str) -> np.random.Generator:
    """The random generator of probe inputs for one step, the same in both stages."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


class Harvest:
    """What a step sees: the student's module, probes, budgets, and where to save."""

    def __init__(
        self,
        step_name: str,
        student: ModuleType,
        out_dir: Path,
        seed: int,
        profile: dict[str, Any],
        data_dir: Path | None,
        prepared_dir: Path | None = None,
        train_memo: Path | None = None,
    ) -> None:
        self.step_name = step_name
        self.student = student
        self.out_dir = out_dir
        self.seed = seed
        self.profile = profile
        self.data_dir = data_dir
        #: Inputs the grader prepared on the trusted side (``checks/prepare.py``), read-only.
        self.prepared_dir = prepared_dir
        self.rng = rng_for(seed, step_name)
        self._arrays: dict[str, np.ndarray] = {}
        #: validate only: the store of fits shared by trusted gradings (``autograder.harvest.train_memo``).
        self.train_memo = train_memo
        #: what ``fit`` did with that store (``train_memo.STATUSES``), None when the step did not fit.
        self.memo_status: str | None = None

    def function(self, name: str) -> Callable[..., Any]:
        """The student's function ``name``; MissingFunction if it is not defined."""
        value = getattr(self.student, name, None)
        if value is None or not callable(value):
            raise MissingFunction(name)
        return value

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function ``name``."""
        return self.function(name)(*args, **kwargs)

    def fit(self, model: Any, x: Any, y: Any, **fit_kwargs: Any) -> dict[str, list[float]]:
        """``model.fit(x, y, **fit_kwargs)``; returns its history (metric -> one float per epoch).

        Under validate, a fit that starts from exactly the state of one already run is
        answered from the store instead (``autograder.harvest.train_memo``); otherwise
        this is plain ``model.fit``.
        """
        from autograder.harvest.train_memo import memo_fit

        history, self.memo_status = memo_fit(model, x, y, self.train_memo, self.student, **fit_kwargs)
        return history

    def save_arrays(self, **arrays: Any) -> None:
        """Add numeric arrays to ``<step>.npz`` (written at once)."""
        for key, value in arrays.items():
            self._arrays[key] = as_numeric_array(value, key)
        total = sum(a.nbytes for a in self._arrays.values())
        if total > MAX_ARRAY_BYTES:
            raise BadOutput(f"the arrays of step {self.step_name} are {total} bytes, over the cap")
        np.savez(self.out_dir / f"{self.step_name}.npz", allow_pickle=False, **self._arrays)

    def save_json(self, value: Any) -> None:
        """Write ``<step>.json``: plain JSON data only (no NaN)."""
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as err:
            raise BadOutput(f"the result could not be saved as JSON data: {err}") from None
        if len(text) > MAX_JSON_BYTES:
            raise BadOutput(f"the JSON result of step {self.step_name} is over {MAX_JSON_BYTES} bytes")
        (self.out_dir / f"{self.step_name}.json").write_text(text)

    def save_model(self, model: Any, name: str | None = None) -> None:
        """Save a Keras model as ``<step>.keras`` or ``<step>-<name>.keras``."""
        import keras

        if not isinstance(model, keras.Model):
            raise BadOutput(f"expected a keras.Model, got {type(model).__name__}")
        stem = self.step_name if name is None else f"{self.step_name}-{name}"
        model.save(self.out_dir / f"{stem}.keras")


def as_numeric_array(value: Any, what: str) -> np.ndarray:
    """``value`` as a plain numeric numpy array, or BadOutput saying why not."""
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()  # a tf.Tensor or a keras variable
    try:
        array = np.asarray(value)
    except Exception as err:
        raise BadOutput(f"{what} could not be turned into an array: {err}") from None
    if array.dtype.kind not in "biuf":
        raise BadOutput(
            f"{what} should be a numeric numpy array, but it is {type(value).__name__} "
            f"(dtype {array.dtype})"
        )
    if type(array) is not np.ndarray:
        array = np.array(array)
    return array

