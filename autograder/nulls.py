"""Null variants: a graded function that does nothing must earn nothing.

For every student function F of a lab, ``autograder validate`` grades versions
of the reference notebook whose last cell redefines F to do nothing useful:

- ``none``: F returns None;
- ``identity``: F returns its first argument unchanged (when the reference's F
  returns a tuple of n values: the first argument, then n - 1 Nones, e.g.
  ``clip_by_global_norm -> (grads, None)``);
- ``zeros``: F returns the reference's output with every array replaced by
  zeros of the same shape and dtype, every number by 0 and every string by ""
  (through tuples, lists and dicts). Not generated for a function that
  compiles a model (nothing in a model can be zeroed); at run time an output
  with nothing to zero raises, so the variant cannot pass as the reference.

Each must fail every check that grades F (``LabSpec.checks_of_function``): a
property that doing nothing satisfies ("does not modify its input", "the same
output twice") earns no points on its own.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from autograder.intake import ExtractedSubmission
from autograder.labspec import LabSpec

NULL_KINDS = ("none", "identity", "zeros")

_ZEROS_HELPER = '''
def _null_zeros(value):
    """Zeros shaped like ``value``: arrays, numbers and strings, through tuples, lists and dicts."""
    import numpy

    if isinstance(value, (bool, numpy.bool_)):
        return type(value)(False)
    if isinstance(value, numpy.ndarray):
        return numpy.zeros_like(value)
    if isinstance(value, (int, float, numpy.number)):
        return type(value)(0)
    if isinstance(value, str):
        return ""
    if isinstance(value, (tuple, list)):
        return type(value)(_null_zeros(item) for item in value)
    if isinstance(value, dict):
        return {key: _null_zeros(item) for key, item in value.items()}
    raise TypeError(f"null variant: nothing to zero in a {type(value).__name__}")
'''


@dataclass(frozen=True)
class NullVariant:
    """One do-nothing version of one student function."""

    function: str
    kind: str
    source: str  # the cell appended to the reference notebook
    must_fail: tuple[str, ...]  # every check that grades ``function``

    @property
    def name(self) -> str:
        return f"null-{self.function}-{self.kind}"

    @property
    def description(self) -> str:
        what = {
            "none": "returns None",
            "identity": "returns its first argument unchanged",
            "zeros": "returns zeros shaped like the reference's output",
        }[self.kind]
        return f"{self.function} {what}"


def reference_definitions(source: str) -> dict[str, ast.FunctionDef]:
    """The last top-level definition of each function in the reference source."""
    tree = ast.parse(source)
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def returned_tuple_length(function: ast.FunctionDef) -> int | None:
    """n when the function returns a literal tuple of n values, else None."""
    lengths = set()
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # returns of nested functions are not this function's
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            lengths.add(len(node.value.elts))
        stack.extend(ast.iter_child_nodes(node))
    return lengths.pop() if len(lengths) == 1 else None


def compiles_a_model(function: ast.FunctionDef) -> bool:
    """True for a model builder (its body calls ``.compile(...)``): nothing to zero in what it returns."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
        for node in ast.walk(function)
    )


def null_source(function: str, kind: str, tuple_length: int | None) -> str:
    """The cell that redefines ``function`` as the null variant ``kind``."""
    header = f"def {function}(*args, **kwargs):\n"
    if kind == "none":
        return f'{header}    """Null variant: does nothing, returns None."""\n    return None\n'
    if kind == "identity":
        returned = "first" if not tuple_length else "(first" + ", None" * (tuple_length - 1) + ")"
        return (
            f'{header}    """Null variant: returns its first argument unchanged."""\n'
            "    first = args[0] if args else next(iter(kwargs.values()), None)\n"
            f"    return {returned}\n"
        )
    if kind == "zeros":
        return (
            _ZEROS_HELPER.lstrip("\n")
            + f"\n\ndef {function}(*args, _reference={function}, **kwargs):\n"
            + '    """Null variant: zeros shaped like the reference\'s output."""\n'
            + "    return _null_zeros(_reference(*args, **kwargs))\n"
        )
    raise ValueError(f"unknown null kind {kind!r} (known: {', '.join(NULL_KINDS)})")


def null_variants(lab: LabSpec) -> list[NullVariant]:
    """Every null variant of every student function of ``lab`` that some check grades."""
    definitions = reference_definitions(lab.reference_path.read_text())
    variants = []
    for function in lab.student_functions():
        must_fail = tuple(check.id for check in lab.checks_of_function(function))
        definition = definitions.get(function)
        if not must_fail or definition is None:
            continue
        for kind in NULL_KINDS:
            if kind == "zeros" and compiles_a_model(definition):
                continue
            source = null_source(function, kind, returned_tuple_length(definition))
            variants.append(NullVariant(function, kind, source, must_fail))
    return variants


@dataclass(frozen=True)
class NullGroup:
    """Null variants of independent functions graded together in one notebook.

    Two variants are independent when neither function is reachable (through the
    reference's global names) from any step that a check of the other one needs:
    the "does nothing" of one cannot make a check of the other fail, so each
    variant's checks fail in the group exactly when they fail alone.
    """

    members: tuple[NullVariant, ...]

    @property
    def name(self) -> str:
        """Unique: each variant is in one group only (student ids are short: no list of every member)."""
        first = self.members[0].name
        return first if len(self.members) == 1 else f"{first}-and-{len(self.members) - 1}-more"

    @property
    def source(self) -> str:
        return "\n\n".join(m.source for m in self.members)

    @property
    def must_fail(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(check for m in self.members for check in m.must_fail))


def functions_reached(lab: LabSpec, variant: NullVariant, definitions: dict[str, tuple[str, set[str]]]) -> set[str]:
    """The student functions the steps of ``variant``'s checks reach in the reference."""
    from autograder.reuse import reachable

    steps = lab.steps_for([c for c in lab.checks if c.id in variant.must_fail])
    roots = [name for step in steps for name in step.uses]
    return reachable(definitions, roots) & set(lab.student_functions())


def group_null_variants(lab: LabSpec, variants: list[NullVariant], reference: ExtractedSubmission) -> list[NullGroup]:
    """Pack independent null variants into groups (first fit, in the plan's order); each grades as one notebook.

    ``reference`` is the extracted reference notebook: its definitions say what each step reaches.
    """
    from autograder.reuse import final_definitions

    definitions = final_definitions(reference)
    reached = {v.name: functions_reached(lab, v, definitions) for v in variants}
    groups: list[list[NullVariant]] = []
    for variant in variants:
        for group in groups:
            if all(
                member.function != variant.function
                and member.function not in reached[variant.name]
                and variant.function not in reached[member.name]
                for member in group
            ):
                group.append(variant)
                break
        else:
            groups.append([variant])
    return [NullGroup(tuple(group)) for group in groups]
