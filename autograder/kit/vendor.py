"""The engine modules a kit carries, renamed into the kit's own package.

The kit runs the same code ``autograder grade`` runs — intake, the stage-1 runner and
supervisor, the stage-2 plugin and runner, results — so a mistake gets the same message. It
carries copies of those modules (the import closure of :data:`ENTRY_MODULES` and of what the
lab's extracted code imports), with ``autograder`` renamed ``<kit>.engine`` and ``assignments``
``<kit>.assignments``: the kit never imports this project, and can sit beside it. Three modules
are the kit's own (``autograder/kit/templates/engine``): ``paths`` (everything is inside the
kit), ``sandbox`` and ``sandbox.registry`` (the local ``subprocess`` backend only: no root, no
bubblewrap).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from autograder import paths
from autograder.intake import AST_LOCK

#: What the kit runs: grading one notebook, and the processes it starts.
ENTRY_MODULES = (
    "grading",
    "harvest.runner",
    "checking.runner",
    "checking.plugin",
    "sandbox.launch",
    "sandbox.subprocess_backend",
)
#: Modules the kit brings its own version of.
KIT_OWN = ("paths", "sandbox", "sandbox.registry")


def module_file(name: str) -> Path | None:
    """``autograder/<name>.py`` or ``autograder/<name>/__init__.py`` (``name`` without the prefix)."""
    base = paths.PACKAGE_DIR.joinpath(*name.split(".")) if name else paths.PACKAGE_DIR
    if base.with_suffix(".py").is_file() and name:
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def engine_imports(source: str) -> set[str]:
    """The engine modules ``source`` imports (anywhere in it), without the ``autograder.`` prefix."""
    with AST_LOCK:
        tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "autograder" or node.module.startswith("autograder."):
                base = node.module[len("autograder"):].lstrip(".")
                names.append(base)
                names += [f"{base}.{a.name}".lstrip(".") for a in node.names]
        elif isinstance(node, ast.Import):
            names += [a.name[len("autograder"):].lstrip(".") for a in node.names if a.name.startswith("autograder.")]
        for name in names:
            parts = name.split(".") if name else []
            for depth in range(len(parts) + 1):  # the packages on the way are imported too
                prefix = ".".join(parts[:depth])
                if module_file(prefix) is not None:
                    found.add(prefix)
    return found


def engine_closure(extra_sources: list[str]) -> list[str]:
    """Every engine module the kit needs (dotted, without prefix; "" is the package itself)."""
    pending = {""} | set(ENTRY_MODULES) | set(KIT_OWN)
    for source in extra_sources:
        pending |= engine_imports(source)
    done: set[str] = set()
    while pending:
        name = pending.pop()
        if name in done:
            continue
        done.add(name)
        if name in KIT_OWN:
            continue
        path = module_file(name)
        if path is None:
            raise FileNotFoundError(f"the kit needs autograder.{name}, which has no file")
        pending |= engine_imports(path.read_text()) - done
    return sorted(done)


_IMPORT_LINE = re.compile(r"^(\s*)(from|import)(\s+)(autograder|assignments)(?=[\s.])", re.MULTILINE)
_MODULE_STRING = re.compile(r"""(?<=["'])(autograder|assignments)(?=\.)""")


def rename(source: str, package: str) -> str:
    """``source`` with the engine and the labs imported from inside the kit's ``package``."""
    if re.search(r"^\s*import\s+(autograder|assignments)\b", source, re.MULTILINE):
        raise ValueError("`import autograder...` (binding the top-level name) cannot be renamed; use `from ... import`")

    def target(word: str) -> str:
        return f"{package}.engine" if word == "autograder" else f"{package}.assignments"

    source = _IMPORT_LINE.sub(lambda m: f"{m[1]}{m[2]}{m[3]}{target(m[4])}", source)
    source = _MODULE_STRING.sub(lambda m: target(m[1]), source)
    leftover = outside_imports(source)
    if leftover:
        raise ValueError(f"imports left pointing outside the kit: {sorted(leftover)}")
    return source


def outside_imports(source: str) -> set[str]:
    """Modules of this project (not the kit) that ``source`` still imports or names in strings."""
    with AST_LOCK:
        tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and " " not in node.value:
            names = [node.value] if "." in node.value else []  # a module path in a string ("-m", "x.y")
        else:
            continue
        found |= {n for n in names if n.split(".")[0] in ("autograder", "assignments")}
    return found
