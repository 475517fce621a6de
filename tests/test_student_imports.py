"""The imports students really put at the top of a notebook never cost points.

Only an import written in a student's own cell may become a placeholder (seaborn and
google.colab are not installed here); the libraries' own optional imports behave exactly as
without the grader (a placeholder answering `subprocess`'s probe of `msvcrt` once zeroed every
numpy-only notebook that imported matplotlib.pyplot).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell

from autograder.batch import discover, grade_all
from autograder.grading import GradeOptions
from autograder.labspec import available_labs, load_lab
from autograder.notebooks import solution_notebook, write_notebook

COLAB_IMPORTS = """\
%matplotlib inline
import os, sys, time, random
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
import seaborn as sns
from sklearn.model_selection import train_test_split
from sklearn.metrics import classification_report
from tqdm.notebook import tqdm
from IPython.display import display, Markdown
from google.colab import drive
drive.mount("/content/drive")
sns.set_theme()
plt.rcParams["figure.figsize"] = (8, 4)
"""

KERAS_IMPORTS = """\
import tensorflow as tf
import keras
from keras import layers
from tensorflow.keras import layers as tf_layers
print(tf.__version__, keras.__version__)
"""


def colab_style_notebook(lab_id: str, path: Path) -> Path:
    """The lab's reference with a first code cell of Colab-style imports."""
    lab = load_lab(lab_id)
    notebook = solution_notebook(lab)
    imports = COLAB_IMPORTS + (KERAS_IMPORTS if lab.framework == "keras" else "")
    notebook.cells.insert(0, new_code_cell(imports))
    return write_notebook(notebook, path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every lab's Colab-style reference, graded two labs at a time."""

    def grade(lab_id: str) -> dict:
        subs = tmp_path_factory.mktemp(f"subs-{lab_id}")
        colab_style_notebook(lab_id, subs / "colab_student.ipynb")
        out = tmp_path_factory.mktemp(f"out-{lab_id}")
        [result] = grade_all(discover(subs, lab_id), load_lab(lab_id), out, GradeOptions(), progress=False)
        return result | {"feedback": (out / "colab_student" / "feedback.md").read_text()}

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(available_labs(), pool.map(grade, available_labs()), strict=True))


@pytest.mark.parametrize("lab_id", available_labs())
def test_reference_with_student_imports_scores_full_marks(graded: dict[str, dict], lab_id: str) -> None:
    result = graded[lab_id]
    failed = {c["id"]: c["message"] for c in result["checks"] if c["outcome"] != "passed"}
    assert result["status"] == "graded" and not failed, failed
    assert result["score"] == result["max_score"]
    assert "`seaborn`" in result["feedback"] and "`google.colab`" in result["feedback"]
