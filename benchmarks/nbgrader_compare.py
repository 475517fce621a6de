"""Against the tool instructors use today: char_rnn as an nbgrader assignment, one class, both graders.

    nice -n 5 .venv/bin/python benchmarks/nbgrader_compare.py --submissions 6 --repeats 2

What it builds, in a temporary directory:

- an nbgrader course: ``source/char_rnn/char_rnn.ipynb`` is the reference notebook with its
  solution cells (``### BEGIN SOLUTION``) and, after each function, autograded hidden-test cells
  (one per check of ``assignments/char_rnn/lab.toml``, same id and points) that express the
  lab's checks as kernel-side asserts: the probes, the grader's training windows (the ``ci``
  corpus, embedded in the test cells), the two trainings (the student's compile settings for
  ``own_epochs``; recompiled with the grader's regimen for ``epochs``) and the held-out text.
  ``nbgrader generate_assignment`` releases it for real;
- N students: the released notebook filled in with the reference's functions, or with one known
  mistake (``assignments/char_rnn/mistakes``) in the solution cell it redefines, plus the
  experiment cells students write at top level: load the notebook's text, ``model.fit`` for E
  epochs (E spread evenly over ``--epochs``, 10-30, in a seeded order), a loss plot with
  matplotlib, samples. They go in ``submitted/<student>/char_rnn/char_rnn.ipynb`` for nbgrader
  and ``flat/<student>.ipynb`` for us.

Then, in one invocation and interleaved (repeat 1: ours, then nbgrader; repeat 2 the reverse),
``nbgrader autograde char_rnn --force`` in the course directory against ``autograder grade flat
--lab char_rnn --out OUT --workers W`` for each W of ``--workers`` (``0`` = the grader's default).
Prints wall seconds per class, the ratio, core-seconds (nbgrader: ``os.wait4`` on the command,
user + system of it and every descendant it waited for, the kernels included; ours: the same for
the grader's process plus the CPU its sandboxed stages report for themselves, as ``scaling.py``
counts them: bwrap's stage processes are not accounted to the grader), and per student what each
tool caught (nbgrader: the test cells that lost points, from its gradebook; ours: the
failed checks of ``results.json``).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell  # noqa: E402

from assignments.char_rnn.checks.conftest import HELDOUT_SEED  # noqa: E402
from assignments.char_rnn.harvest import corpus  # noqa: E402
from autograder.labspec import load_lab  # noqa: E402
from autograder.notebooks import SOLUTION_BEGIN, solution_notebook  # noqa: E402
from autograder.pool import default_workers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LAB = "char_rnn"
BIN = Path(sys.executable).parent
NBGRADER = [sys.executable, "-m", "nbgrader"]
AUTOGRADER = [str(BIN / "autograder")] if (BIN / "autograder").exists() else [sys.executable, "-m", "autograder.cli"]
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n?", re.M)
#: The known mistakes given to the last students by default: one in build_model (three checks),
#: one in make_sequences (one check).
DEFAULT_MISTAKES = ("softmax_output", "windows_overlap")

NBGRADER_CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "unit4"
# nbgrader's default is 30 s per cell: the students' training cells and the trainings of the
# hidden tests take longer, so an instructor raises it (nbgrader has no budget for the whole notebook).
c.Execute.timeout = 1800
"""

# --- the hidden tests ------------------------------------------------------------------------

PREAMBLE = """\
import math as _t_math
import warnings as _t_warnings
import numpy as _t_np
"""

#: The grader's data, kernel-side: the ci corpus generator (run in a private namespace so the
#: student's globals and the generator's names cannot collide), the reference pipeline, the loss.
DATA_HELPERS = '''\
_t_ns = {{}}
exec({corpus_source!r}, _t_ns)


def _t_windows(ids, seq_len):
    n = len(ids) // (seq_len + 1)
    w = _t_np.asarray(ids[: n * (seq_len + 1)]).reshape(n, seq_len + 1)
    return w[:, :-1], w[:, 1:]


def _t_training():
    text = _t_ns["make_corpus"]({corpus_seed}, {corpus_chars})
    i2c = sorted(set(text))
    c2i = {{c: i for i, c in enumerate(i2c)}}
    x, y = _t_windows(_t_np.array([c2i[c] for c in text], dtype=_t_np.int32), {seq_len})
    return x, y, c2i, i2c


def _t_xent(logits, targets):
    logits = _t_np.asarray(logits, dtype=_t_np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    logp = shifted - _t_np.log(_t_np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-_t_np.take_along_axis(logp, targets[..., None].astype(_t_np.int64), axis=-1).mean())


def _t_student_model(i2c):
    import keras as _t_keras

    _t_keras.utils.set_random_seed(0)
    model = build_model(len(i2c), embedding_dim={embedding_dim}, rnn_units={rnn_units}, cell={cell!r})
    assert isinstance(model, _t_keras.Model), f"build_model should return a keras.Model, not {{type(model).__name__}}"
    return model
'''

SAMPLER_HELPERS = """\
def _t_sampler():
    import keras as _t_keras

    chars = list("abcdefghij .!")
    model = _t_keras.Sequential([
        _t_keras.Input(shape=(None,), dtype="int32"),
        _t_keras.layers.Embedding(len(chars), 8),
        _t_keras.layers.Conv1D(16, 4, padding="causal", activation="tanh"),
        _t_keras.layers.Conv1D(16, 4, dilation_rate=4, padding="causal", activation="tanh"),
        _t_keras.layers.Dense(len(chars)),
    ])
    rng = _t_np.random.default_rng(2024)
    model.set_weights([rng.normal(0.0, 1.0, w.shape).astype("float32") for w in model.get_weights()])
    return model, {c: i for i, c in enumerate(chars)}, chars


def _t_sample(prefix, length, temperature, seed):
    model, c2i, i2c = _t_sampler()
    text = sample(model, c2i, i2c, prefix, length, temperature=temperature, seed=seed)
    assert isinstance(text, str) and len(text) == length, f"sample(length={length}) should return {length} characters"
    assert set(text) <= set(i2c), "sample returned characters that are not in id_to_char"
    return text
"""

SEQUENCE_HELPERS = """\
def _t_sequence_cases():
    rng = _t_np.random.default_rng(13)
    for case in (0, 1):
        seq_len = int(rng.integers(5, 12)) + 8 * case
        n = int(rng.integers(6, 12))
        ids = rng.integers(1, 40, size=n * (seq_len + 1) + int(rng.integers(1, seq_len))).astype(_t_np.int32)
        x, y = make_sequences(ids.copy(), seq_len)
        yield ids, seq_len, _t_np.asarray(x), _t_np.asarray(y)


def _t_offset(ids, row):
    if row.ndim != 1 or not 0 < len(row) <= len(ids):
        return None
    hits = _t_np.flatnonzero((_t_np.lib.stride_tricks.sliding_window_view(ids, len(row)) == row).all(axis=1))
    return int(hits[0]) if len(hits) else None
"""

MODEL_HELPERS = """\
import keras as _t_keras

_t_rng = _t_np.random.default_rng(17)
_t_tokens = {length: _t_rng.integers(0, 23, size=(4, length)).astype(_t_np.int32) for length in (7, 12, 13, 20)}
"""

ALPHABET = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'-\néüß")

TESTS: dict[str, tuple[str, str]] = {
    # check id: (helpers, body)
    "vocab_sorted_invertible": ("", f"""\
_t_text = "".join(_t_np.random.default_rng(11).choice({ALPHABET!r}, size=400))
_t_c2i, _t_i2c = build_vocab(_t_text)
assert isinstance(_t_c2i, dict) and isinstance(_t_i2c, (list, tuple)), "build_vocab returns (dict, list)"
assert sorted(_t_c2i) == sorted(set(_t_text)), "char_to_id should have one entry per distinct character"
assert list(_t_i2c) == sorted(set(_t_text)), "id_to_char should list the distinct characters, sorted"
assert all(_t_i2c[_t_c2i[c]] == c for c in _t_c2i), "char_to_id and id_to_char should be inverses"
"""),
    "encode_ids": ("", f"""\
_t_rng = _t_np.random.default_rng(12)
_t_alphabet = {ALPHABET[:30]!r}
_t_map = {{c: int(i) for c, i in zip(_t_alphabet, _t_rng.permutation(len(_t_alphabet)))}}
_t_text = "".join(_t_rng.choice(_t_alphabet, size=257))
_t_ids = encode(_t_text, dict(_t_map))
assert isinstance(_t_ids, _t_np.ndarray) and _t_ids.dtype == _t_np.int32, "encode should return int32 ids"
assert _t_np.array_equal(_t_ids, [_t_map[c] for c in _t_text]), "encode should use the char_to_id it is given"
"""),
    "windows_shapes": (SEQUENCE_HELPERS, """\
for _t_ids, _t_len, _t_x, _t_y in _t_sequence_cases():
    _t_n = len(_t_ids) // (_t_len + 1)
    assert _t_x.shape == _t_y.shape == (_t_n, _t_len), f"x and y should be ({_t_n}, {_t_len}), found {_t_x.shape}, {_t_y.shape}"
    for _t_i in range(_t_n):
        _t_window = _t_ids[_t_i * (_t_len + 1) : (_t_i + 1) * (_t_len + 1)]
        assert _t_offset(_t_window, _t_x[_t_i]) is not None and _t_offset(_t_window, _t_y[_t_i]) is not None, (
            f"x[{_t_i}] and y[{_t_i}] should come from window {_t_i} (non-overlapping windows of seq_len + 1)")
"""),
    "targets_shifted": (SEQUENCE_HELPERS, """\
_t_count = 0
for _t_ids, _t_len, _t_x, _t_y in _t_sequence_cases():
    assert _t_x.ndim == 2 and _t_x.shape == _t_y.shape and _t_x.shape[1] >= 2, "x and y should have the same shape"
    for _t_i in range(len(_t_x)):
        _t_start = _t_offset(_t_ids, _t_x[_t_i])
        assert _t_start is not None, f"x[{_t_i}] is not a run of consecutive ids of the text"
        _t_next = _t_ids[_t_start + 1 : _t_start + 1 + _t_x.shape[1]]
        assert len(_t_next) == _t_x.shape[1] and _t_np.array_equal(_t_y[_t_i], _t_next), f"y[{_t_i}] should be x[{_t_i}] shifted by one"
    _t_count += len(_t_x)
assert _t_count, "make_sequences returned no windows"
"""),
    "model_output_shape": (MODEL_HELPERS, """\
_t_model = build_model(23, embedding_dim=8, rnn_units=16, cell="gru")
for _t_len in (7, 13):
    _t_out = _t_np.asarray(_t_model(_t_tokens[_t_len], training=False))
    assert _t_out.shape == (4, _t_len, 23), f"output for input (4, {_t_len}) should be (4, {_t_len}, 23), found {_t_out.shape}"
"""),
    "outputs_are_logits": (MODEL_HELPERS, """\
_t_out = _t_np.asarray(build_model(23, embedding_dim=8, rnn_units=16, cell="gru")(_t_tokens[7], training=False), dtype=_t_np.float64)
assert not (_t_out.min() >= 0 and _t_np.allclose(_t_out.sum(axis=-1), 1.0, atol=1e-3)), "the model should output logits, not probabilities"
"""),
    "cell_types": (MODEL_HELPERS, """\
for _t_cell, _t_layer in {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}.items():
    _t_model = build_model(23, embedding_dim=8, rnn_units=16, cell=_t_cell)
    _t_names = {type(l).__name__ for l in _t_model.layers} | {type(l.forward_layer).__name__ for l in _t_model.layers if hasattr(l, "forward_layer")}
    assert _t_layer in _t_names, f"build_model(cell={_t_cell!r}) should use a {_t_layer} layer, found {sorted(_t_names)}"
"""),
    "model_sizes": (MODEL_HELPERS, """\
for _t_emb, _t_units in ((8, 16), (12, 20)):
    _t_model = build_model(23, embedding_dim=_t_emb, rnn_units=_t_units, cell="gru")
    _t_inner = [getattr(l, "forward_layer", l) for l in _t_model.layers]
    assert _t_emb in [l.output_dim for l in _t_inner if type(l).__name__ == "Embedding"], f"an Embedding of output_dim {_t_emb}"
    assert _t_units in [l.units for l in _t_inner if type(l).__name__ in ("SimpleRNN", "LSTM", "GRU")], f"a recurrent layer of {_t_units} units"
"""),
    "optimizer_clips_gradients": (MODEL_HELPERS, """\
_t_opt = build_model(23, embedding_dim=8, rnn_units=16, cell="gru").optimizer
assert _t_opt is not None, "the model is not compiled"
assert _t_opt.clipnorm is not None or _t_opt.global_clipnorm is not None, "the optimizer should clip gradients (clipnorm or global_clipnorm)"
"""),
    "initial_loss_ln_v": (MODEL_HELPERS, """\
_t_keras.utils.set_random_seed(0)
_t_model = build_model(23, embedding_dim=8, rnn_units=16, cell="gru")
_t_x, _t_y = _t_tokens[20][:, :20], _t_np.random.default_rng(18).integers(0, 23, size=(4, 20))
_t_loss = float(_t_model.compute_loss(x=_t_x, y=_t_y, y_pred=_t_model(_t_x, training=False)))
print(f"untrained loss {_t_loss:.3f}, ln 23 = {_t_math.log(23):.3f}")
assert _t_math.isfinite(_t_loss) and abs(_t_loss - _t_math.log(23)) <= 0.25, "an untrained model's loss should be close to ln(V)"
"""),
    "gradients_flow": (MODEL_HELPERS, """\
import tensorflow as _t_tf

_t_model = build_model(23, embedding_dim=8, rnn_units=16, cell="gru")
with _t_tf.GradientTape() as _t_tape:
    _t_logits = _t_model(_t_tokens[12], training=True)
    _t_loss = _t_tf.reduce_mean(_t_tf.keras.losses.sparse_categorical_crossentropy(
        _t_np.random.default_rng(19).integers(0, 23, size=(4, 12)), _t_logits, from_logits=True))
_t_grads = _t_tape.gradient(_t_loss, _t_model.trainable_variables)
assert _t_model.trainable_variables, "the model has no trainable weights"
for _t_var, _t_grad in zip(_t_model.trainable_variables, _t_grads):
    assert _t_grad is not None, f"no gradient reaches {_t_var.path}"
    _t_values = _t_np.asarray(_t_tf.convert_to_tensor(_t_grad))
    assert _t_np.all(_t_np.isfinite(_t_values)) and _t_np.abs(_t_values).max() > 0, f"the gradient of {_t_var.path} is zero or not finite"
"""),
    "loss_decreases": (DATA_HELPERS, """\
_t_x, _t_y, _t_c2i, _t_i2c = _t_training()
_t_model = _t_student_model(_t_i2c)
assert _t_model.optimizer is not None, "the model is not compiled"
_t_model.fit(_t_x, _t_y, epochs={own_epochs}, batch_size={batch_size}, verbose=0, shuffle=True)
_t_nats = _t_xent(_t_model(_t_x[:128], training=False), _t_y[:128])
_t_limit = _t_math.log(len(_t_i2c)) - {min_own_loss_drop}
print(f"training loss after {own_epochs} epochs of your own settings: {{_t_nats:.2f}} nats (limit {{_t_limit:.2f}})")
assert _t_nats < _t_limit, "the model does not learn with its own optimizer and loss"
"""),
    "heldout_bpc": (DATA_HELPERS, """\
import keras as _t_keras

_t_x, _t_y, _t_c2i, _t_i2c = _t_training()
_t_model = _t_student_model(_t_i2c)
_t_model.compile(optimizer=_t_keras.optimizers.Adam(learning_rate={grader_learning_rate}, clipnorm={grader_clipnorm}),
                 loss=_t_keras.losses.SparseCategoricalCrossentropy(from_logits=True))
_t_model.fit(_t_x, _t_y, epochs={epochs}, batch_size={batch_size}, verbose=0, shuffle=True)
_t_held = "".join(c for c in _t_ns["make_corpus"]({heldout_seed}, {heldout_chars}) if c in _t_c2i)
_t_hx, _t_hy = _t_windows(_t_np.array([_t_c2i[c] for c in _t_held], dtype=_t_np.int32), {heldout_seq_len})
_t_nats = [_t_xent(_t_model(_t_hx[i : i + 64], training=False), _t_hy[i : i + 64]) * _t_hy[i : i + 64].size for i in range(0, len(_t_hx), 64)]
_t_bpc = sum(_t_nats) / _t_hy.size / _t_math.log(2)
print(f"held-out bits per character after the grader's budget: {{_t_bpc:.3f}} (at most {max_heldout_bpc})")
assert _t_bpc <= {max_heldout_bpc}, "held-out bits per character above the threshold"
"""),
    "sample_greedy_low_temperature": (SAMPLER_HELPERS, """\
_t_text = _t_sample("abc ja.higf", 25, 1e-3, seed=1)
_t_model, _t_c2i, _t_i2c = _t_sampler()
_t_ids = [_t_c2i[c] for c in "abc ja.higf"]
for _ in range(25):
    _t_ids.append(int(_t_np.argmax(_t_np.asarray(_t_model(_t_np.array([_t_ids], dtype=_t_np.int32), training=False))[0, -1])))
assert _t_text == "".join(_t_i2c[i] for i in _t_ids[-25:]), "at temperature 1e-3 sampling should be greedy on the whole text so far"
"""),
    "sample_deterministic": (SAMPLER_HELPERS, """\
_t_texts = [_t_sample("jihg! fed", 20, 2.0, seed=s) for s in (7, 7, 8, 9)]
assert _t_texts[0] == _t_texts[1], "the same seed should give the same text"
assert any(t != _t_texts[0] for t in _t_texts[2:]), "another seed should give other text"
"""),
    "sample_uses_temperature": (SAMPLER_HELPERS, """\
_t_model, _t_c2i, _t_i2c = _t_sampler()


def _t_logprob(text, prefix="a.bbc hij ega"):
    ids = _t_np.array([[_t_c2i[c] for c in prefix + text]], dtype=_t_np.int32)
    logits = _t_np.asarray(_t_model(ids[:, :-1], training=False), dtype=_t_np.float64)[0, len(prefix) - 1 :]
    logp = logits - logits.max(axis=-1, keepdims=True)
    logp = logp - _t_np.log(_t_np.exp(logp).sum(axis=-1, keepdims=True))
    return float(logp[_t_np.arange(len(text)), ids[0, len(prefix):]].mean())


_t_gap = _t_logprob(_t_sample("a.bbc hij ega", 50, 0.3, seed=3)) - _t_logprob(_t_sample("a.bbc hij ega", 50, 3.0, seed=3))
print(f"temperature gap {_t_gap:.2f} nats per character (at least 0.6)")
assert _t_gap >= 0.6, "low temperature should give much likelier text than high temperature"
"""),
}

#: Where each test cell goes: after the solution cell of the function it tests (nbgrader's way).
TESTS_AFTER = {
    "build_vocab": ["vocab_sorted_invertible"],
    "encode": ["encode_ids"],
    "make_sequences": ["windows_shapes", "targets_shifted"],
    "build_model": ["model_output_shape", "outputs_are_logits", "cell_types", "model_sizes",
                    "optimizer_clips_gradients", "initial_loss_ln_v", "gradients_flow",
                    "loss_decreases", "heldout_bpc"],
    "sample": ["sample_greedy_low_temperature", "sample_deterministic", "sample_uses_temperature"],
}


#: The test cells whose helpers and body take the profile's figures (``str.format``).
FORMATTED = {"loss_decreases", "heldout_bpc"}


def test_cell(check_id: str, points: float, values: dict) -> nbformat.NotebookNode:
    helpers, body = TESTS[check_id]
    if check_id in FORMATTED:
        helpers, body = helpers.format(**values), body.format(**values)
    # nbgrader scores a test cell 0 when it writes anything to stderr: Keras's warnings (e.g. a
    # softmax output under from_logits=True) would fail cells whose assert passes.
    quiet = "with _t_warnings.catch_warnings():\n    _t_warnings.simplefilter('ignore')\n"
    source = PREAMBLE + "\n" + helpers + "\n" + quiet + textwrap.indent(body, "    ")
    cell = new_code_cell(
        f"# Hidden tests: {check_id} ({points:g} point{'s' if points != 1 else ''})\n"
        f"### BEGIN HIDDEN TESTS\n{source.strip()}\n### END HIDDEN TESTS"
    )
    cell.metadata["nbgrader"] = {
        "grade": True, "grade_id": check_id, "points": points, "locked": True, "solution": False,
        "schema_version": 3,
    }
    return cell


def defined_function(cell: nbformat.NotebookNode) -> str | None:
    try:
        tree = ast.parse(MARKER.sub("", cell.source))
    except SyntaxError:
        return None
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    return names[0] if names else None


def source_notebook() -> tuple[nbformat.NotebookNode, float]:
    """The reference notebook with one hidden-test cell per check after the function it tests."""
    lab = load_lab(LAB)
    profile = lab.profile("ci")
    points = {check.id: check.points for check in lab.checks}
    corpus_source = inspect.getsource(corpus).replace("from __future__ import annotations\n", "")
    values = {**profile, "corpus_source": corpus_source, "heldout_seed": HELDOUT_SEED}
    notebook = solution_notebook(lab)
    cells, last_solution = [], 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.lstrip().startswith('if __name__ == "__main__":'):
            continue  # the reference's own experiments: each student writes theirs
        cells.append(cell)
        if cell.cell_type == "code" and SOLUTION_BEGIN in cell.source:
            for check_id in TESTS_AFTER.get(defined_function(cell) or "", []):
                cells.append(test_cell(check_id, points[check_id], values))
            last_solution = len(cells)
    # The reference's experiment text speaks of its own cells: the students' come after this header.
    notebook.cells = cells[:last_solution] + [new_markdown_cell("## Experiments\n\nTrain your model and sample from it here.")]
    graded = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert sorted(c.metadata["nbgrader"]["grade_id"] for c in graded) == sorted(points), "one test cell per check"
    return notebook, sum(points.values())


# --- the students --------------------------------------------------------------------------


def mistake_cells(name: str) -> dict[str, str]:
    """A known mistake as solution-cell sources: {function: its cell}, the file's imports and constants first."""
    path = load_lab(LAB).mistakes_dir / f"{name}.py"
    source = path.read_text()
    tree = ast.parse(source)
    extras, functions = [], {}
    for node in tree.body:
        segment = ast.get_source_segment(source, node)
        if isinstance(node, ast.FunctionDef):
            functions[node.name] = segment
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "EXPECT_FAILED" for t in node.targets):
            continue
        else:
            extras.append(segment)
    if len(functions) != 1:
        raise SystemExit(f"mistake {name} redefines {sorted(functions)}: choose one that redefines one function")
    (function, code), = functions.items()
    return {function: "\n".join([*extras, "", code]) if extras else code}


def experiment_cells(epochs: int, seed: int) -> list[nbformat.NotebookNode]:
    """What students run at top level: their data, E epochs of training, a plot, samples."""
    return [
        new_code_cell(
            "train_text, heldout_text = load_data()\n"
            "char_to_id, id_to_char = build_vocab(train_text + heldout_text)\n"
            "SEQ_LEN = 64\n"
            "x_train, y_train = make_sequences(encode(train_text, char_to_id), SEQ_LEN)\n"
            "x_val, y_val = make_sequences(encode(heldout_text[:5000], char_to_id), SEQ_LEN)\n"
            "print(x_train.shape, x_val.shape, len(id_to_char), 'characters')"
        ),
        new_code_cell(
            f"EPOCHS = {epochs}\n"
            f"keras.utils.set_random_seed({seed})\n"
            "model = build_model(len(id_to_char), embedding_dim=32, rnn_units=96)\n"
            "model.summary()\n"
            "start = time.time()\n"
            "history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=EPOCHS, batch_size=64, verbose=2)\n"
            "print(f'trained {EPOCHS} epochs in {time.time() - start:.1f} s')"
        ),
        new_code_cell(
            "bits = {name: np.array(values) / np.log(2) for name, values in history.history.items()}\n"
            "plt.plot(bits['loss'], label='training')\n"
            "plt.plot(bits['val_loss'], label='held-out')\n"
            "plt.xlabel('epoch')\n"
            "plt.ylabel('bits per character')\n"
            "plt.legend()\n"
            "plt.show()"
        ),
        new_code_cell(
            # As the released notebook's own experiment samples: a GRU called eagerly once per
            # character is slow on a CPU (≈0.2 s a call), so students keep samples short.
            "for temperature in (0.5, 1.5):\n"
            "    print(temperature, repr(sample(model, char_to_id, id_to_char, 'The ', 40, temperature=temperature, seed=1)))"
        ),
    ]


def fill(released: Path, mistake: str | None, epochs: int, seed: int) -> nbformat.NotebookNode:
    """The released notebook as a student submits it."""
    answers = {
        defined_function(c): MARKER.sub("", c.source)
        for c in solution_notebook(load_lab(LAB)).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    if mistake:
        answers.update(mistake_cells(mistake))
    notebook = nbformat.read(str(released), as_version=4)
    filled = set()
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            assert "raise NotImplementedError()" in cell.source  # nbgrader stripped it
            function = re.search(r"^def (\w+)\(", cell.source, re.M).group(1)
            cell.source = answers[function]
            filled.add(function)
    assert filled == set(answers), (filled, set(answers))
    notebook.cells.extend(experiment_cells(epochs, seed))
    return notebook


# --- running and timing -------------------------------------------------------------------


def env() -> dict[str, str]:
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs alembic


def run_checked(argv: list[str], cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, env=env(), capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def timed(argv: list[str], cwd: Path, log: Path) -> tuple[float, float]:
    """(wall seconds, core-seconds of the command's process tree) of one command, which must succeed."""
    with log.open("w") as out:
        started = time.monotonic()
        process = subprocess.Popen(argv, cwd=cwd, env=env(), stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv} exited {process.returncode}; log:\n{log.read_text()[-4000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def nbgrader_caught(course: Path, students: list[str]) -> dict[str, tuple[float, list[str]]]:
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "unit4") as gradebook:
        for student in students:
            notebook = gradebook.find_submission_notebook(LAB, LAB, student)
            lost = [g.name for g in notebook.grades if g.max_score and (g.auto_score or 0) < g.max_score]
            found[student] = (float(notebook.score), sorted(lost))
    return found


def ours_caught(out: Path, students: list[str]) -> dict[str, tuple[float, list[str]]]:
    found = {}
    for student in students:
        result = json.loads((out / student / "results.json").read_text())
        if result["status"] != "graded":
            found[student] = (0.0, [f"status {result['status']}: {result.get('error')}"])
            continue
        found[student] = (float(result["score"]), sorted(c["id"] for c in result["checks"] if c["outcome"] != "passed"))
    return found


def ours_stage_cpu(out: Path, students: list[str]) -> float:
    """CPU seconds the sandboxed stages report for themselves (bwrap's stage processes are not
    among the descendants ``wait4`` accounts to the grader), summed over the class."""
    total = 0.0
    for student in students:
        manifest = out / student / "stage1" / "manifest.json"
        checks = out / student / "stage2" / "checks.json"
        if manifest.is_file():
            total += float(json.loads(manifest.read_text()).get("runner_reported_cpu_s") or 0.0)
        if checks.is_file():
            total += float(json.loads(checks.read_text()).get("cpu_s") or 0.0)
    return total


def ours_seconds(out: Path, student: str) -> float | None:
    timing = json.loads((out / student / "results.json").read_text()).get("timing") or {}
    return timing.get("total_s")


def training_seconds(course: Path, student: str) -> tuple[float, float] | None:
    """(seconds of the student's own training cell under nbgrader, seconds per epoch) from its output."""
    path = course / "autograded" / student / LAB / f"{LAB}.ipynb"
    text = "".join(
        o.get("text", "") for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    match = re.search(r"trained (\d+) epochs in ([\d.]+) s", text)
    return (float(match.group(2)), float(match.group(2)) / int(match.group(1))) if match else None


def kernel_breakdown(course: Path, students: list[str]) -> dict[str, float]:
    """Seconds nbgrader's kernels spent per kind of cell, summed over the class (nbclient's timing)."""
    from datetime import datetime

    spent = {"imports and data cells": 0.0, "hidden tests": 0.0, "student's training cell": 0.0,
             "student's other experiment cells": 0.0}
    for student in students:
        notebook = nbformat.read(str(course / "autograded" / student / LAB / f"{LAB}.ipynb"), as_version=4)
        experiments = False
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and cell.source.startswith("## Experiments"):
                experiments = True
            timing = cell.metadata.get("execution") or {}
            if cell.cell_type != "code" or "iopub.execute_input" not in timing or "shell.execute_reply" not in timing:
                continue
            seconds = (datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
                       - datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))).total_seconds()
            if cell.metadata.get("nbgrader", {}).get("grade"):
                kind = "hidden tests"
            elif experiments:
                kind = "student's training cell" if "model.fit(" in cell.source else "student's other experiment cells"
            else:
                kind = "imports and data cells"
            spent[kind] += seconds
    return spent


def uptime() -> str:
    done = subprocess.run(["uptime"], capture_output=True, text=True)
    return done.stdout.strip() or f"load average {os.getloadavg()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--mistakes", default=",".join(DEFAULT_MISTAKES),
                        help="known mistakes given to the last students, comma-separated ('' for none)")
    parser.add_argument("--epochs", type=int, nargs=2, default=[10, 30], metavar=("LO", "HI"),
                        help="each student trains for E epochs, E spread evenly over [LO, HI]")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 0],
                        help="our --workers configurations (0: the grader's default)")
    parser.add_argument("--repeats", type=int, default=1, help="2: a second round in the reverse order")
    parser.add_argument("--seed", type=int, default=11, help="deals the students' epochs")
    parser.add_argument("--keep", type=Path, default=None, help="build in this folder and keep it")
    parser.add_argument("--build-only", action="store_true", help="write the course and the submissions, grade nothing")
    args = parser.parse_args()

    print(f"# {time.strftime('%Y-%m-%d %H:%M')}  uptime: {uptime()}")
    print(f"# {os.cpu_count()} cores; default --workers here: {default_workers()}")
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="nbgrader-compare-"))
    if args.keep and tmp.exists():
        shutil.rmtree(tmp)
    course, flat = tmp / "course", tmp / "flat"
    (course / "source" / LAB).mkdir(parents=True)
    flat.mkdir()
    (course / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(root=str(course)))
    notebook, max_score = source_notebook()
    nbformat.write(notebook, str(course / "source" / LAB / f"{LAB}.ipynb"))
    run_checked([*NBGRADER, "generate_assignment", LAB, "--force"], course)
    released = course / "release" / LAB / f"{LAB}.ipynb"
    assert "### BEGIN HIDDEN TESTS" not in released.read_text()

    mistakes = [m for m in args.mistakes.split(",") if m]
    # The epochs spread evenly over [LO, HI] (the class's mean is their midpoint), dealt in a seeded order.
    lo, hi, n = args.epochs[0], args.epochs[1], args.submissions
    epochs_dealt = [round(lo + (hi - lo) * i / max(1, n - 1)) for i in range(n)]
    random.Random(args.seed).shuffle(epochs_dealt)
    students: dict[str, tuple[str | None, int]] = {}
    for i in range(n):
        mistake = mistakes[i - (n - len(mistakes))] if i >= n - len(mistakes) else None
        students[f"s{i + 1:02d}"] = (mistake, epochs_dealt[i])
    for student, (mistake, epochs) in students.items():
        submission = fill(released, mistake, epochs, seed=int(student[1:]))
        target = course / "submitted" / student / LAB / f"{LAB}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(submission, str(target))
        nbformat.write(submission, str(flat / f"{student}.ipynb"))
    print(f"# char_rnn x {args.submissions}: known mistakes {mistakes or 'none'}; student epochs "
          f"{[e for _, e in students.values()]} (sum {sum(e for _, e in students.values())}); in {tmp}")
    if args.build_only:
        return

    def label_of(workers: int | None) -> str:
        if workers is None:
            return "nbgrader autograde --force"
        return f"autograder grade --workers {workers}" if workers else f"autograder grade (default {default_workers()})"

    def command(workers: int | None, round_: int) -> tuple[list[str], Path, Path]:
        """(argv, cwd, where its results are) of one configuration."""
        if workers is None:
            return [*NBGRADER, "autograde", LAB, "--force"], course, course
        out = tmp / f"ours-w{workers}-r{round_ + 1}"
        argv = [*AUTOGRADER, "grade", str(flat), "--lab", LAB, "--out", str(out), "--quiet"]
        return argv + (["--workers", str(workers)] if workers else []), ROOT, out

    configs: list[int | None] = [*args.workers, None]
    rows: dict[str, list[tuple[float, float]]] = {label_of(w): [] for w in configs}
    caught: dict[str, dict[str, tuple[float, list[str]]]] = {}
    names = list(students)
    last_out, last_label = tmp, "?"
    print(f"{'round':<6} {'configuration':<36} {'wall_s':>8} {'s/subm':>8} {'core_s':>8}  load (1, 5, 15 min) after")
    for round_ in range(args.repeats):
        for workers in configs if round_ % 2 == 0 else list(reversed(configs)):
            label = label_of(workers)
            argv, cwd, out = command(workers, round_)
            log = tmp / f"log-r{round_ + 1}-{'nbgrader' if workers is None else f'ours-w{workers}'}.txt"
            wall, cores = timed(argv, cwd, log)
            if workers is not None:
                cores += ours_stage_cpu(out, names)
                last_out, last_label = out, label
            rows[label].append((wall, cores))
            caught[label] = nbgrader_caught(course, names) if workers is None else ours_caught(out, names)
            load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
            print(f"{round_ + 1:<6} {label:<36} {wall:>8.1f} {wall / len(names):>8.1f} {cores:>8.1f}  {load}", flush=True)

    nb_label = label_of(None)
    ours_labels = [label_of(w) for w in args.workers]
    print("\nratio nbgrader wall / ours wall, per round (and core-seconds ratio):")
    for label in ours_labels:
        ratios = [nb[0] / us[0] for nb, us in zip(rows[nb_label], rows[label], strict=True)]
        core_ratios = [nb[1] / us[1] for nb, us in zip(rows[nb_label], rows[label], strict=True)]
        print(f"  vs {label:<36} {' '.join(f'{r:.2f}x' for r in ratios)}  (median {statistics.median(ratios):.2f}x; "
              f"core-s {' '.join(f'{r:.2f}x' for r in core_ratios)})")

    spent = kernel_breakdown(course, names)
    print(f"\nwhere nbgrader's time went (last run, {rows[nb_label][-1][0]:.1f} s): in the kernels "
          + ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in spent.items())
          + f"; the rest (nbgrader, kernel starts, writing) {rows[nb_label][-1][0] - sum(spent.values()):.1f} s")
    stages = [json.loads((last_out / s / "results.json").read_text()).get("timing") or {} for s in names]
    print(f"where ours went (last run of {last_label}): stage 1 "
          f"{sum(t.get('stage1_s', 0) for t in stages):.1f} s, stage 2 {sum(t.get('stage2_s', 0) for t in stages):.1f} s, "
          f"gradings in all {sum(t.get('total_s', 0) for t in stages):.1f} s (summed over students; they overlap at --workers > 1)")

    print(f"\nwhat each caught (score of {max_score:g}; checks or test cells that lost points):")
    ours_label = ours_labels[0]
    print(f"{'student':<8} {'submitted':<18} {'epochs':>6} {'train_s':>8} {'s/epoch':>8} {'ours_s':>7}  "
          f"{'nbgrader: score, test cells failed':<50} {'ours: score, checks failed':<50} expected (EXPECT_FAILED)")
    lab = load_lab(LAB)
    from autograder.notebooks import declared_failures

    for student, (mistake, epochs) in students.items():
        nb_score, nb_lost = caught[nb_label][student]
        our_score, our_lost = caught[ours_label][student]
        expected = declared_failures(lab.mistakes_dir / f"{mistake}.py") if mistake else []
        trained = training_seconds(course, student)
        train_s, per_epoch = (f"{trained[0]:.1f}", f"{trained[1]:.2f}") if trained else ("?", "?")
        graded_s = ours_seconds(last_out, student)
        print(f"{student:<8} {mistake or 'reference':<18} {epochs:>6} {train_s:>8} {per_epoch:>8} "
              f"{graded_s if graded_s is not None else '?':>7}  "
              f"{f'{nb_score:g} ' + (','.join(nb_lost) or '-'):<50} {f'{our_score:g} ' + (','.join(our_lost) or '-'):<50} "
              f"{','.join(sorted(expected)) or '-'}")
    same = all(caught[label] == caught[ours_label] for label in ours_labels)
    print(f"(ours: every configuration gave the same results: {'yes' if same else 'NO'}; train_s: the student's "
          "own training cell as nbgrader ran it, from its output; ours_s: our grading of that student in the last run of ours)")
    print(f"# end {time.strftime('%Y-%m-%d %H:%M')}  uptime: {uptime()}")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
