"""Extracting what the public checks need from a lab's files, and nothing else.

A lab keeps its public and hidden checks side by side (``checks/test_*.py``,
``checks/conftest.py``, ``checks/helpers.py``; ``harvest/plan.py`` holds every
step). The kit gets, of each module, only the top-level statements that the
public checks reach: their test functions, the fixtures they request (by
parameter name, through ``conftest.py``), the harvest steps they need, and,
transitively, every top-level name those use — in the same module, or in
another module of the lab imported by ``from assignments.<lab>.X import name``
or ``from assignments.<lab>.Y import X`` then ``X.name``. Everything else is
left out: hidden checks, their helpers, fixtures and constants (thresholds).

Statements are written back with :func:`ast.unparse`: comments are dropped (so
a comment naming a hidden check cannot leak), code and docstrings are kept.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from autograder.intake import AST_LOCK

#: Fixtures the engine's pytest plugin provides (``autograder/checking/plugin.py``).
PLUGIN_FIXTURES = frozenset({"lab", "profile", "seed", "data_dir", "artifacts", "metrics", "figures", "reference"})


class ExtractionError(ValueError):
    """The public checks reach something a kit cannot hold; the message says what."""


@dataclass
class LabModule:
    """One Python module of a lab: its top-level statements and the names each binds."""

    dotted: str  # "assignments.bptt_numpy.checks.helpers"
    path: Path
    tree: ast.Module
    binders: dict[str, list[int]] = field(default_factory=dict)  # name -> indexes of statements binding it

    @classmethod
    def read(cls, dotted: str, path: Path) -> LabModule:
        with AST_LOCK:
            tree = ast.parse(path.read_text(), filename=str(path))
        module = cls(dotted, path, tree)
        for index, node in enumerate(tree.body):
            for name in bound_names(node):
                module.binders.setdefault(name, []).append(index)
        return module


def bound_names(node: ast.stmt) -> list[str]:
    """The top-level names a statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    names: list[str] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.append(sub.id)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and sub is not node:
            names.append(sub.name)
    return names


def decorator_call(node: ast.stmt, attribute: str) -> str | None:
    """The string argument of a ``@<attribute>("...")`` decorator (``@check("id")``, ``@step("name")``)."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and decorator.args and isinstance(decorator.args[0], ast.Constant):
            func = decorator.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name == attribute and isinstance(decorator.args[0].value, str):
                return decorator.args[0].value
    return None


def is_fixture(node: ast.stmt) -> bool:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            return True
    return False


def is_autouse_fixture(node: ast.stmt) -> bool:
    if not is_fixture(node):
        return False
    for decorator in node.decorator_list:  # type: ignore[union-attr]
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "autouse" and isinstance(keyword.value, ast.Constant) and keyword.value.value:
                    return True
    return False


def parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    args = node.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]


class Extractor:
    """The closure of top-level statements reached from some roots, over a lab's modules.

    ``root_package`` is the lab's dotted package (``assignments.<lab>``): imports from it are
    followed; every other import is kept as it is (numpy, keras, the engine).
    """

    def __init__(self, root_package: str, lab_dir: Path, fixture_module: str | None = None) -> None:
        self.root_package = root_package
        #: Where fixtures requested by name are defined when not in the requesting module (conftest).
        self.fixture_module = fixture_module
        self.lab_dir = lab_dir
        self.modules: dict[str, LabModule] = {}
        self.kept: dict[str, set[int]] = {}  # dotted module -> kept statement indexes
        self.kept_aliases: dict[str, dict[int, set[str]]] = {}  # of kept imports, the names kept
        self.whole: set[str] = set()  # modules needed as a whole (used other than through attributes)
        self._pending: list[tuple[str, str]] = []

    # -- modules ------------------------------------------------------------------
    def module(self, dotted: str) -> LabModule | None:
        """The lab module ``dotted`` (None for a package ``__init__`` without code or an outside module)."""
        if dotted in self.modules:
            return self.modules[dotted]
        if not (dotted == self.root_package or dotted.startswith(self.root_package + ".")):
            return None
        relative = dotted[len(self.root_package):].lstrip(".").replace(".", "/")
        base = self.lab_dir / relative if relative else self.lab_dir
        path = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        if not path.is_file():
            raise ExtractionError(f"{dotted} is imported by the public checks but has no file under {self.lab_dir}")
        self.modules[dotted] = LabModule.read(dotted, path)
        self.kept.setdefault(dotted, set())
        return self.modules[dotted]

    def is_lab_module(self, dotted: str) -> bool:
        if not (dotted == self.root_package or dotted.startswith(self.root_package + ".")):
            return False
        relative = dotted[len(self.root_package):].lstrip(".").replace(".", "/")
        base = self.lab_dir / relative
        return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()

    # -- closure -------------------------------------------------------------------
    def need(self, dotted: str, name: str) -> None:
        self._pending.append((dotted, name))

    def need_statement(self, dotted: str, index: int, name: str | None = None) -> None:
        """Keep statement ``index`` of ``dotted``; of an import, only the alias binding ``name``."""
        module = self.module(dotted)
        assert module is not None
        node = module.tree.body[index]
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            aliases = [a for a in node.names if name is None or (a.asname or a.name).split(".")[0] == name]
            kept = self.kept_aliases.setdefault(dotted, {}).setdefault(index, set())
            new = [a for a in aliases if (a.asname or a.name) not in kept]
            kept.update(a.asname or a.name for a in new)
            self.kept[dotted].add(index)
            self._follow_import(node, new)
            return
        if index in self.kept[dotted]:
            return
        self.kept[dotted].add(index)
        self._follow(module, node)

    def need_whole(self, dotted: str) -> None:
        module = self.module(dotted)
        if module is None or dotted in self.whole:
            return
        self.whole.add(dotted)
        for index in range(len(module.tree.body)):
            self.need_statement(dotted, index)

    def run(self) -> None:
        while self._pending:
            dotted, name = self._pending.pop()
            module = self.module(dotted)
            if module is None:
                continue
            indexes = module.binders.get(name)
            if indexes is None:
                if self.is_lab_module(f"{dotted}.{name}"):  # a submodule: `from assignments.lab.harvest import probes`
                    self.module(f"{dotted}.{name}")
                    continue
                raise ExtractionError(f"{module.path.name} does not define {name!r}, which the public checks use")
            for index in indexes:
                self.need_statement(dotted, index, name)

    def _follow_import(self, node: ast.Import | ast.ImportFrom, aliases: list[ast.alias]) -> None:
        """Follow the lab imports among ``aliases`` of an import statement."""
        if isinstance(node, ast.ImportFrom):
            if node.module and node.level == 0 and node.module.startswith(self.root_package):
                for alias in aliases:
                    target = f"{node.module}.{alias.name}"
                    if self.is_lab_module(target):
                        self.module(target)  # a module: what is used of it comes through attributes
                    else:
                        self.need(node.module, alias.name)
            return
        for alias in aliases:
            if alias.name.startswith(self.root_package):
                self.need_whole(alias.name)

    def _follow(self, module: LabModule, node: ast.stmt) -> None:
        """Queue what ``node`` refers to: top-level names of its module, and lab imports."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (is_fixture(node) or decorator_call(node, "check")):
            for name in parameters(node):  # pytest fixtures, requested by name
                if name in PLUGIN_FIXTURES:
                    continue
                if name in module.binders:
                    self._need_binding(module, name)
                elif self.fixture_module is not None and self.fixture_module != module.dotted:
                    conftest = self.module(self.fixture_module)
                    if conftest is not None and name in conftest.binders:
                        self.need(self.fixture_module, name)
        aliases = self._module_aliases(module)
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id in aliases:
                self.need(aliases[sub.value.id], sub.attr)
        attribute_bases = {
            id(sub.value) for sub in ast.walk(node) if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name)
        }
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load):
                if sub.id in aliases:
                    self._need_binding(module, sub.id)
                    if id(sub) not in attribute_bases:
                        self.need_whole(aliases[sub.id])
                elif sub.id in module.binders:
                    self._need_binding(module, sub.id)

    def _need_binding(self, module: LabModule, name: str) -> None:
        for index in module.binders.get(name, []):
            self.need_statement(module.dotted, index, name)

    def _module_aliases(self, module: LabModule) -> dict[str, str]:
        """Names in ``module`` that stand for lab modules (``probes`` -> ``assignments.lab.harvest.probes``)."""
        aliases: dict[str, str] = {}
        for node in module.tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    if self.is_lab_module(target):
                        aliases[alias.asname or alias.name] = target
        return aliases

    # -- output --------------------------------------------------------------------
    def source_of(self, dotted: str, header: str) -> str:
        """The kept statements of ``dotted`` as module source (imports pruned to the names used)."""
        module = self.modules[dotted]
        parts = [f'"""{header}"""', "from __future__ import annotations"]
        for index in sorted(self.kept[dotted]):
            node = module.tree.body[index]
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and index == 0:
                continue  # the module docstring: replaced by the header
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                kept = self.kept_aliases.get(dotted, {}).get(index, set())
                names = [a for a in node.names if (a.asname or a.name) in kept or (a.asname or a.name).split(".")[0] in kept]
                if not names:
                    continue
                node = type(node)(**{**{f: getattr(node, f) for f in node._fields}, "names": names})
            with AST_LOCK:
                parts.append(ast.unparse(node))
        return "\n\n\n".join(parts) + "\n"
