"""validate's store of fits (autograder/harvest/train_memo.py): a repeated fit is answered, bit for bit.

In process, on small Keras models (seconds); the grading path (a lab's notebooks through the fork
backend, and the refusal under a sandbox) is tested at the end on char_rnn.
"""

from __future__ import annotations

import json
import types
from pathlib import Path

import numpy as np
import pytest

from autograder.grading import GradeOptions, grade_submission
from autograder.harvest.train_memo import HIT, STORED, UNKEYED, canonical_names, memo_fit
from autograder.labspec import load_lab
from tests.helpers import reference_notebook, reference_plus

keras = pytest.importorskip("keras")

FIT = {"epochs": 2, "batch_size": 16, "shuffle": True, "verbose": 0}


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(size=(64, 6)).astype("float32"), rng.integers(0, 3, size=64)


def small_model(learning_rate: float = 1e-2, *, dropout: float = 0.0, activation: object = "tanh", frozen: bool = False):
    """A seeded Dense classifier, compiled as the grader compiles: the same call gives the same start."""
    keras.utils.set_random_seed(7)
    layers = [keras.Input((6,)), keras.layers.Dense(8, activation=activation, trainable=not frozen)]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    model = keras.Sequential(layers + [keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    keras.utils.set_random_seed(7)  # as the runner does at a step's start
    return model


def weights(model) -> list[np.ndarray]:
    return [np.asarray(v).copy() for v in model.variables] + [np.asarray(v).copy() for v in model.optimizer.variables]


@pytest.mark.parametrize("options", [{}, {"dropout": 0.3}, {"frozen": True}])
def test_a_repeated_fit_is_answered_with_the_very_result_of_fitting(tmp_path: Path, options: dict) -> None:
    x, y = data()
    _, first = memo_fit(small_model(**options), x, y, tmp_path, **FIT)
    answered = small_model(**options)
    history, second = memo_fit(answered, x, y, tmp_path, **FIT)
    fitted = small_model(**options)
    expected = fitted.fit(x, y, **FIT).history
    assert (first, second) == (STORED, HIT)
    assert history == {k: [float(v) for v in values] for k, values in expected.items()}
    for got, want in zip(weights(answered), weights(fitted), strict=True):
        np.testing.assert_array_equal(got, want)
    assert answered.predict(x, verbose=0).tobytes() == fitted.predict(x, verbose=0).tobytes()


def test_any_difference_in_what_the_fit_reads_is_another_fit(tmp_path: Path) -> None:
    x, y = data()
    assert memo_fit(small_model(), x, y, tmp_path, **FIT)[1] == STORED
    other_start = small_model()
    other_start.layers[0].kernel.assign(other_start.layers[0].kernel * 1.0001)
    for model, xx, kwargs in [
        (small_model(learning_rate=1e-3), x, FIT),  # another optimizer setting
        (small_model(activation="relu"), x, FIT),  # another architecture
        (other_start, x, FIT),  # other starting weights
        (small_model(), x + 1e-6, FIT),  # other data
        (small_model(), x, FIT | {"epochs": 3}),  # other arguments
    ]:
        assert memo_fit(model, xx, y, tmp_path, **kwargs)[1] == STORED
    moved = small_model()
    np.random.seed(123)  # the generators' state at the fit is part of what it reads
    assert memo_fit(moved, x, y, tmp_path, **FIT)[1] == STORED
    drawn = small_model()
    keras.random.normal((1,))  # Keras's global seed generator (keras.random without a seed) moved on
    assert memo_fit(drawn, x, y, tmp_path, **FIT)[1] == STORED
    assert memo_fit(small_model(), x, y, tmp_path, **FIT)[1] == HIT  # and the very same start still is one fit


def test_a_notebook_function_the_config_names_is_keyed_by_its_source(tmp_path: Path) -> None:
    """Two notebooks may name different code alike (activation=my_act): the key holds its source."""
    x, y = data()
    namespace: dict = {}
    for body in ("return keras.ops.tanh(z)", "return keras.ops.relu(z)"):
        student = types.ModuleType("student_notebook")
        student.keras = keras
        source = f"def my_act(z):\n    {body}\n"
        exec(compile(source, "student_notebook_src.py", "exec"), student.__dict__)
        namespace[body] = student
        student.my_act.__module__ = student.__name__
    import linecache

    statuses = []
    for body, student in namespace.items():
        linecache.cache["student_notebook_src.py"] = (0, None, f"def my_act(z):\n    {body}\n".splitlines(True), "student_notebook_src.py")
        statuses.append(memo_fit(small_model(activation=student.my_act), x, y, tmp_path, student, **FIT)[1])
    assert statuses == [STORED, STORED]


def test_what_cannot_be_keyed_simply_fits(tmp_path: Path) -> None:
    x, y = data()
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    history, status = memo_fit(small_model(), dataset, None, tmp_path, epochs=1, verbose=0)
    assert status == UNKEYED and len(history["loss"]) == 1
    assert memo_fit(small_model(), x, y, None, **FIT)[1] == UNKEYED  # no store: plain fit
    assert not list(tmp_path.iterdir())


def test_layer_names_do_not_count() -> None:
    config = {"name": "sequential_3", "layers": [{"config": {"name": "gru_7"}}, {"inbound": ["gru_7"], "name": "dense_2"}]}
    assert canonical_names(config) == {"name": "L0", "layers": [{"config": {"name": "L1"}}, {"inbound": ["L1"], "name": "L2"}]}


# -- the grading path ---------------------------------------------------------------------------------
def test_a_sandboxed_grading_refuses_the_store(tmp_path: Path) -> None:
    notebook = reference_notebook("bptt_numpy", tmp_path / "n.ipynb")
    result = grade_submission(notebook, "s", load_lab("bptt_numpy"), tmp_path / "out",
                              GradeOptions(sandbox="bwrap", train_memo=tmp_path / "memo"))
    assert result["status"] == "error" and "store of fits" in result["error"]


def test_char_rnn_variant_trained_from_the_store_grades_like_its_own_fit(tmp_path: Path) -> None:
    """The reference stores its fit; an alternative with another optimizer (the grader recompiles) starts
    from the same state: answered from the store, its measured figures equal those of its own fit."""
    lab = load_lab("char_rnn")
    reference = reference_notebook("char_rnn", tmp_path / "reference.ipynb")
    variant = reference_plus("char_rnn", tmp_path / "rmsprop.ipynb", (lab.mistakes_dir / "correct_rmsprop.py").read_text())
    memo = tmp_path / "memo"
    options = GradeOptions(sandbox="fork", unsafe_no_sandbox=True, check_ids=["heldout_bpc", "initial_loss_ln_v"])

    def grade(notebook: Path, student: str, store: Path | None) -> dict:
        options.train_memo = store
        result = grade_submission(notebook, student, lab, tmp_path / "graded", options)
        assert result["status"] == "graded", result
        manifest = json.loads((tmp_path / "graded" / student / "stage1" / "manifest.json").read_text())
        checks = json.loads((tmp_path / "graded" / student / "stage2" / "checks.json").read_text())
        return {"memo": manifest["steps"]["train"].get("train_memo"), "metrics": checks["metrics"],
                "outcomes": {c["id"]: c["outcome"] for c in result["checks"]}}

    stored = grade(reference, "reference", memo)
    answered = grade(variant, "answered", memo)
    fitted = grade(variant, "fitted", None)
    assert (stored["memo"], answered["memo"], fitted["memo"]) == (STORED, HIT, None)
    assert answered["metrics"] == fitted["metrics"] and answered["metrics"]["heldout_bpc"] > 0
    assert answered["outcomes"] == fitted["outcomes"]
