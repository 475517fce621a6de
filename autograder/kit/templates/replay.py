"""The reference's answers to the public checks' calls, recorded when the kit was built.

The kit holds no solution code: ``recorded/<lab>.py`` fills its namespace with functions that
look each call up (by a hash of its arguments, :mod:`.codec`) among the calls the public checks
made on the kit's practice probes. A call that was never recorded is one the kit cannot judge
here; grading judges it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .codec import call_key, decode


class KitCannotJudge(Exception):
    """The check asked the reference something the kit has no recorded answer for."""


def fill_namespace(namespace: dict[str, Any], module_file: str) -> None:
    """Define the recorded functions and constants in ``namespace`` (a module's globals)."""
    base = Path(module_file).with_suffix("")
    data = json.loads(base.with_suffix(".json").read_text())
    with np.load(base.with_suffix(".npz"), allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    for name, value in data["constants"].items():
        namespace[name] = decode(value, arrays)
    for name, answers in data["calls"].items():
        namespace[name] = _replayer(name, answers, arrays)


def _replayer(name: str, answers: dict[str, Any], arrays: dict[str, np.ndarray]) -> Callable[..., Any]:
    def replay(*args: Any, **kwargs: Any) -> Any:
        key = call_key(name, args, kwargs)
        if key not in answers:
            raise KitCannotJudge(
                f"the kit has no recorded answer of the reference's {name} for these inputs, so it cannot "
                "judge this here; grading will"
            )
        return decode(answers[key], arrays)

    replay.__name__ = name
    return replay
