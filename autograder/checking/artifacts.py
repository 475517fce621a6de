"""Loading stage-1 artifacts as data only.

Student code wrote these files, so they are untrusted: no symlinks, no
pickles, size caps, and Keras models reloaded in safe mode.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_JSON_BYTES = 8 * 1024 * 1024


class StepUnavailable(Exception):
    """The step a check needs did not succeed; the message is that step's reason."""


class ArtifactError(Exception):
    """An artifact is missing, malformed, or not allowed; the message is for the student."""


class Artifacts:
    """The artifacts directory of one submission plus its trusted manifest."""

    def __init__(self, directory: Path, manifest: dict[str, Any]) -> None:
        self.directory = directory
        self.manifest = manifest

    def step_status(self, step: str) -> dict[str, Any]:
        return self.manifest.get("steps", {}).get(step, {"status": "not run", "error": None})

    def require(self, step: str) -> None:
        """Raise StepUnavailable with the step's reason unless it succeeded."""
        record = self.step_status(step)
        if record.get("status") == "ok":
            return
        status = record.get("status", "not run")
        reason = record.get("error") or status
        if status == "not implemented":
            raise StepUnavailable(f"not implemented: {reason}")
        raise StepUnavailable(f"step `{step}` did not succeed ({status}): {reason}")

    def _file(self, name: str, max_bytes: int = MAX_FILE_BYTES) -> Path:
        path = self.directory / name
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            raise ArtifactError(f"the grader expected the file {name} but the harvest step did not save it") from None
        if stat.S_ISLNK(info.st_mode):
            raise ArtifactError(f"{name} is a symbolic link; artifacts must be plain files")
        if not stat.S_ISREG(info.st_mode):
            raise ArtifactError(f"{name} is not a plain file")
        if info.st_size > max_bytes:
            raise ArtifactError(f"{name} is {info.st_size} bytes, over the {max_bytes}-byte limit")
        return path

    def arrays(self, step: str) -> dict[str, np.ndarray]:
        """The arrays step ``step`` saved (``<step>.npz``), loaded without pickle."""
        self.require(step)
        path = self._file(f"{step}.npz")
        try:
            with np.load(path, allow_pickle=False) as archive:
                return {key: archive[key] for key in archive.files}
        except ValueError as err:
            raise ArtifactError(f"{path.name} holds pickled objects, which are not accepted ({err})") from None
        except Exception as err:
            raise ArtifactError(f"{path.name} is not a readable array file: {err}") from None

    def array(self, step: str, key: str) -> np.ndarray:
        arrays = self.arrays(step)
        if key not in arrays:
            raise ArtifactError(f"the output `{key}` of step `{step}` was not saved")
        return arrays[key]

    def json(self, step: str) -> Any:
        self.require(step)
        path = self._file(f"{step}.json", MAX_JSON_BYTES)
        try:
            return json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ArtifactError(f"{path.name} is not valid JSON: {err}") from None

    def model(self, step: str, name: str | None = None, compile: bool = True) -> Any:
        """Reload a saved Keras model in safe mode (no Lambda layers, no custom objects)."""
        self.require(step)
        stem = step if name is None else f"{step}-{name}"
        path = self._file(f"{stem}.keras")
        return load_model_safely(path, compile=compile)


def load_model_safely(path: Path, compile: bool = True) -> Any:
    import keras

    try:
        return keras.saving.load_model(path, safe_mode=True, compile=compile)
    except Exception as err:
        text = str(err)
        if "Lambda" in text or "safe_mode" in text:
            hint = "it contains a Lambda layer, which cannot be reloaded safely; use built-in layers"
        elif "Unknown" in text or "custom" in text.lower() or "registered" in text:
            hint = "it uses a custom layer or object; build the model from Keras's built-in layers"
        else:
            hint = text.splitlines()[0][:300] if text else type(err).__name__
        raise ArtifactError(f"the saved model {path.name} could not be reloaded for grading: {hint}") from None
