"""Placeholders for modules the grading environment does not have.

A notebook written on Colab often starts with ``from google.colab import drive``.
That import must not zero the submission: a top-level import statement of a
student cell that fails binds its names to placeholders that raise a clear
error only when a graded function actually uses them. Nothing is installed on
``sys.meta_path``: the libraries' own imports are never answered by a placeholder.
"""

from __future__ import annotations
import __future__

import ast
import types
from typing import Any


class UnavailableModuleError(ModuleNotFoundError):
    pass


class _Placeholder:
    """Stands in for anything taken from a missing module; using it raises."""

    def __init__(self, module: str, attribute: str = "") -> None:
        self._module = module
        self._attribute = attribute
        self._path = f"{module}.{attribute}" if attribute else module

    def _fail(self) -> UnavailableModuleError:
        return UnavailableModuleError(
            f"`{self._path}` is not available in the grading environment: module "
            f"`{self._module}` is not installed there. Graded functions must not depend on it."
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Placeholder(self._module, f"{self._attribute}.{name}" if self._attribute else name)

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


_UNBOUND = object()


def imports_in(node: ast.stmt) -> list[ast.Import | ast.ImportFrom]:
    """The import statement itself, or the imports directly in the body of a ``try`` block."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [node]
    if isinstance(node, ast.Try):
        return [n for n in node.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return []


def placeholder_bindings(nodes: list[ast.Import | ast.ImportFrom]) -> dict[str, Any]:
    """The names import statements bind, each bound to a placeholder for what it imports."""
    bindings: dict[str, Any] = {}
    for node in nodes:
        bindings.update(_bindings(node))
    return bindings


def _bindings(node: ast.Import | ast.ImportFrom) -> dict[str, Any]:
    bindings: dict[str, Any] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                bindings[alias.asname] = _PlaceholderModule(alias.name)
            else:  # `import a.b.c` binds `a`
                bindings[alias.name.split(".")[0]] = _PlaceholderModule(alias.name.split(".")[0])
        return bindings
    module = "." * node.level + (node.module or "")
    for alias in node.names:
        if alias.name != "*":
            bindings[alias.asname or alias.name] = _Placeholder(module, alias.name)
    return bindings


class StudentImports:
    """Runs the student's own import statements; one that fails binds placeholders instead.

    Only a statement written in a student cell is answered this way: an import made
    inside a library (``subprocess`` probing ``msvcrt``, pandas probing its extras)
    behaves exactly as it does without the grader.
    """

    def __init__(self) -> None:
        self.missing: list[str] = []

    def run(self, node: ast.stmt, code: types.CodeType, namespace: dict[str, Any]) -> None:
        """Execute one kept top-level statement of a student cell (its compiled ``code``).

        An import statement (or a ``try`` block of imports) that raises ImportError binds
        placeholders for the names it did not bind; any other error propagates.
        """
        imports = imports_in(node)
        if not imports:
            exec(code, namespace)
            return
        bindings = placeholder_bindings(imports)
        before = {name: namespace.get(name, _UNBOUND) for name in bindings}
        try:
            exec(code, namespace)
        except ImportError as err:  # ModuleNotFoundError included
            for name, placeholder in bindings.items():
                if namespace.get(name, _UNBOUND) is before[name]:  # not bound by this statement before it failed
                    namespace[name] = placeholder
            self.missing.append(missing_name(err, imports[0]))

    def top_level_missing(self) -> list[str]:
        """The missing modules, without their sub-modules (google.colab, not google.colab.drive)."""
        names = sorted(set(self.missing))
        return [n for n in names if not any(n.startswith(other + ".") for other in names)]


def missing_name(err: ImportError, node: ast.Import | ast.ImportFrom) -> str:
    """What was missing: the module (``seaborn``), or the name a module lacks (``keras.layers.CuDNNLSTM``)."""
    if isinstance(err, ModuleNotFoundError) and err.name:
        return err.name
    module = err.name or imported_module(node)
    if isinstance(node, ast.ImportFrom):
        return f"{module}.{node.names[-1].name}" if len(node.names) == 1 else module
    return module


def imported_module(node: ast.Import | ast.ImportFrom) -> str:
    if isinstance(node, ast.Import):
        return node.names[0].name
    return "." * node.level + (node.module or "")


def future_flags(tree: ast.Module) -> int:
    """The compiler flags of the ``from __future__ import ...`` statements at the top of a module or cell."""
    flags = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for alias in node.names:
                feature = getattr(__future__, alias.name, None)
                flags |= getattr(feature, "compiler_flag", 0)
    return flags


def run_statements(
    tree: ast.Module, indices: list[int], filename: str, namespace: dict[str, Any], imports: StudentImports
) -> None:
    """Execute ``tree.body[i]`` for each index, one statement at a time, into ``namespace``.

    Statements are compiled one by one (so an absent module's import binds placeholders and the
    rest still runs), each with the module's ``__future__`` flags.
    """
    flags = future_flags(tree)
    for index in indices:
        node = tree.body[index]
        code = compile(ast.Module(body=[node], type_ignores=[]), filename, "exec", flags=flags, dont_inherit=True)
        imports.run(node, code, namespace)
