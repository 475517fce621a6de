"""Placeholders for modules the grading environment does not have.

A notebook written on Colab often starts with ``from google.colab import drive``.
That import must not zero the submission: while the student module is being
imported, a missing module becomes a placeholder that raises a clear error
only when a graded function actually uses it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any


class UnavailableModuleError(ModuleNotFoundError):
    pass


class _Placeholder:
    """Stands in for anything taken from a missing module; using it raises."""

    def __init__(self, module: str, attribute: str = "") -> None:
        self._module = module
        self._path = f"{module}.{attribute}" if attribute else module

    def _fail(self) -> UnavailableModuleError:
        return UnavailableModuleError(
            f"`{self._path}` is not available in the grading environment: module "
            f"`{self._module}` is not installed there. Graded functions must not depend on it."
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Placeholder(self._module, f"{self._path.split('.', 1)[-1]}.{name}" if "." in self._path else name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise self._fail()

    def __iter__(self):
        raise self._fail()

    def __repr__(self) -> str:
        return f"<unavailable {self._path}>"


class _PlaceholderModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Placeholder(self.__name__, name)


class MissingModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Consulted last: turns any module no other finder found into a placeholder."""

    def __init__(self) -> None:
        self.missing: list[str] = []

    def find_spec(self, fullname: str, path: Any, target: Any = None):  # noqa: ANN201
        if fullname not in self.missing:
            self.missing.append(fullname)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _PlaceholderModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None

    def __enter__(self) -> MissingModuleFinder:
        sys.meta_path.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)

    def top_level_missing(self) -> list[str]:
        """The missing modules, without their sub-modules (google.colab, not google.colab.drive)."""
        names = sorted(set(self.missing))
        return [n for n in names if not any(n.startswith(other + ".") for other in names)]
