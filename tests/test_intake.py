"""Notebook intake: only definitions survive, and bad files get a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import notebook_with_cells

from autograder.intake import SubmissionError, extract, is_definition


def kept_source(path: Path) -> str:
    return extract(path).module_source()


def test_definitions_kept_and_statements_dropped(tmp_path: Path) -> None:
    nb = notebook_with_cells(
        tmp_path / "s.ipynb",
        "import numpy as np\nfrom math import pi\nSEQ_LEN = 64\nNAMES = ('a', 'b')\n",
        "def f(x):\n    return x + 1\n\nclass Box:\n    size = 3\n",
        "data = np.load('train.npz')\nmodel.fit(data)\nprint('hello')\nfor i in range(10):\n    pass\n",
        "scaled = np.float32(2.0)\n",
    )
    source = kept_source(nb)
    for kept in ("import numpy as np", "from math import pi", "SEQ_LEN = 64", "def f(x)", "class Box"):
        assert kept in source
    for dropped in ("np.load", "model.fit", "print(", "for i in", "scaled ="):
        assert dropped not in source
    extracted = extract(nb)
    reasons = [(d.cell, d.reason) for d in extracted.dropped]
    assert reasons.count((3, "statement")) == 4 and (4, "statement") in reasons


def test_magics_and_shell_lines_dropped(tmp_path: Path) -> None:
    nb = notebook_with_cells(
        tmp_path / "m.ipynb",
        "%matplotlib inline\n!pip install seqeval\nfiles = !ls\nimport numpy as np\nnp.zeros?\n",
        "%%bash\necho hi\n",
        "%%time\ndef slow():\n    return 1\n",
    )
    source = kept_source(nb)
    assert "import numpy as np" in source and "def slow" in source
    assert "echo" not in source and "pip" not in source and "files" not in source
    assert {d.reason for d in extract(nb).dropped} >= {"magic", "shell"}


def test_line_numbers_are_the_cells_own(tmp_path: Path) -> None:
    nb = notebook_with_cells(tmp_path / "l.ipynb", "x = compute()\n\ndef f():\n    return 1\n")
    cell = extract(nb).cells[0]
    assert cell.cell == 1 and cell.keep == [1]


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"hello": "world"}), "not a Jupyter notebook"),
        (json.dumps({"nbformat": 2, "nbformat_minor": 0, "cells": []}), "notebook format version 2"),
        (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "bogus"}]}), "not a valid notebook"),
    ],
)
def test_unreadable_files_get_a_clear_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text(content)
    with pytest.raises(SubmissionError, match=expected):
        extract(path)


def test_syntax_error_names_the_cell(tmp_path: Path) -> None:
    nb = notebook_with_cells(tmp_path / "s.ipynb", "import numpy\n", "def f(:\n    pass\n", markdown="# Title")
    with pytest.raises(SubmissionError, match=r"cell 3 has a syntax error on line 1"):
        extract(nb)


def test_literal_constants_only() -> None:
    import ast

    def first(src: str) -> ast.stmt:
        return ast.parse(src).body[0]

    assert is_definition(first("A = [1, 2, {'x': (3.0, -1)}]"))
    assert is_definition(first("A, B = 1, 2"))
    assert not is_definition(first("A = f()"))
    assert not is_definition(first("A = 10 ** 100"))
    assert not is_definition(first("obj.attr = 1"))
    assert is_definition(first("try:\n    import tqdm\nexcept ImportError:\n    pass\n"))


def test_a_harvest_stage_does_not_import_nbformat() -> None:
    """The stage's runner needs intake's dataclass only; nbformat's import (jsonschema compiling its
    grammars) was 1.3-2.3 s of every stage 1 (benchmarks/README.md, item 6). Asked of a fresh interpreter."""
    import subprocess
    import sys

    probe = "import sys, autograder.harvest.runner; print(sorted(m for m in ('nbformat', 'jsonschema', 'lark') if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert found == "[]", f"importing the harvest runner also imported {found}"
