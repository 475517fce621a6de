"""Recording the reference's answers to the public checks' calls (trusted side, at release).

Some public checks compare a student's output with the reference's on the grader's probes
(``reference.rnn_step_forward(p["x"], ...)``). The kit must not hold the reference, so
``autograder release`` runs the public checks once on the reference's own harvest, at the kit's
practice seed, with the reference wrapped in a :class:`Recorder`; the kit then answers exactly
those calls from the recording (``replay.py`` in the kit) and no other.

``python -m autograder.kit.record OUT.json -- <autograder.checking.runner arguments>`` is that
stage-2 run: the engine's own check runner, with the reference fixture recording.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from autograder.kit.codec import Unrecordable, call_key, encode


class Recorder:
    """Stands for the reference module; records every call and constant the checks take from it."""

    def __init__(self, module: ModuleType, out: Path) -> None:
        self._module = module
        self._out = out
        self._calls: dict[str, dict[str, Any]] = {}
        self._constants: dict[str, Any] = {}
        self._arrays: dict[str, np.ndarray] = {}
        self._problems: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._module, name)
        if callable(value):
            return self._wrap(name, value)
        try:
            self._constants[name] = encode(value, self._arrays)
        except Unrecordable as err:
            self._problem(f"reference.{name} is {err}: a kit cannot carry it")
        self._save()
        return value

    def _wrap(self, name: str, function: Any) -> Any:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            try:
                key = call_key(name, args, kwargs)
            except Unrecordable as err:
                self._problem(f"reference.{name} is called with {err}: a kit cannot replay that call")
                return function(*args, **kwargs)
            result = function(*args, **kwargs)
            if call_key(name, args, kwargs) != key:
                self._problem(f"reference.{name} changes its arguments in place: a kit cannot replay it")
            if key in self._calls.get(name, {}):
                return result
            try:
                self._calls.setdefault(name, {})[key] = encode(result, self._arrays)
            except Unrecordable as err:
                self._problem(f"reference.{name} returns {err}: a kit cannot carry it")
            self._save()
            return result

        return recorded

    def _problem(self, text: str) -> None:
        if text not in self._problems:
            self._problems.append(text)
        self._save()

    def _save(self) -> None:
        payload = {"calls": self._calls, "constants": self._constants, "problems": self._problems}
        self._out.write_text(json.dumps(payload))
        np.savez(self._out.with_suffix(".npz"), allow_pickle=False, **self._arrays)


def main(argv: list[str]) -> None:
    out, separator, rest = Path(argv[0]), argv[1], argv[2:]
    if separator != "--":
        raise SystemExit("usage: python -m autograder.kit.record OUT.json -- RUNNER-ARGS...")
    Recorder(ModuleType("empty"), out)._save()
    from autograder.checking import plugin, runner

    real = plugin.load_reference
    recorders: dict[str, Recorder] = {}

    def recording_reference(lab):  # noqa: ANN001, ANN202
        if lab.id not in recorders:
            recorders[lab.id] = Recorder(real(lab), out)
        return recorders[lab.id]

    plugin.load_reference = recording_reference
    runner.main(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
