"""One fit per starting state: validate's gradings share the trainings that would repeat bit for bit.

``autograder validate`` grades many of a lab's own notebooks whose model, once the
grader has recompiled it with its own regimen, starts training from exactly the state
the reference's starts from at the same seed: a mistake in another function, an
optimizer the grader replaces anyway, a size the profile happens to choose. Stage 1
runs with op determinism on, so ``model.fit`` is a function of that state and the
second fit would reproduce the first one bit for bit.

``memo_fit`` keys a fit by everything it reads (:func:`fit_key`): the model's
architecture (layer names canonicalised), every variable's value (weights, optimizer
and seed-generator state), the compile configuration, the source of any class that is
not Keras's own, the data, the fit arguments, the random generators' states and the
versions and thread counts of the framework. A key seen before is answered from the
store: the model's and its optimizer's variables are set to the values the first fit
ended with, and its history is returned, instead of fitting again. Anything that
cannot be keyed (a subclassed model without a config, data that is not numpy arrays,
an unknown variable layout) simply fits.

Only validate uses it (``GradeOptions.train_memo``): the store is shared between
gradings, which a student's submission must never see, so grading refuses it unless
the notebooks are trusted and run unisolated.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import random
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

#: What a fit did with the store: answered from it, fitted and stored, or fitted without a key.
HIT, STORED, UNKEYED = "hit", "stored", "unkeyed"
STATUSES = (HIT, STORED, UNKEYED)
#: Modules whose classes are the framework's own (their code is pinned by the versions in the key).
FRAMEWORK_MODULES = ("keras", "tensorflow", "tf_keras", "numpy", "builtins")


class Unkeyable(Exception):
    """The fit reads something the key cannot capture: it must really run."""


def memo_fit(
    model: Any, x: Any, y: Any, store: Path | None, student: ModuleType | None = None, **fit_kwargs: Any
) -> tuple[dict[str, list[float]], str]:
    """``model.fit(x, y, **fit_kwargs)``'s history, from ``store`` when this very fit ran before.

    ``student``: the notebook's module, whose functions the model's config may name (a custom
    activation): their source is part of the key. Returns (history: metric name -> one float
    per epoch, status: HIT, STORED or UNKEYED). Without a store this is exactly ``model.fit``.
    """
    if store is None:
        return _history(model.fit(x, y, **fit_kwargs)), UNKEYED
    try:
        key = fit_key(model, x, y, fit_kwargs, student)
    except Exception:  # noqa: BLE001  (Unkeyable, or a model the key's reading trips on: it simply fits)
        return _history(model.fit(x, y, **fit_kwargs)), UNKEYED
    entry = store / f"{key}.npz"
    if entry.is_file() and _restore(model, entry):
        return json.loads(entry.with_suffix(".json").read_text()), HIT
    before = [np.array(np.asarray(v)) for v in model.variables]
    history = _history(model.fit(x, y, **fit_kwargs))
    try:
        _store(model, before, history, entry)
    except Exception:  # noqa: BLE001  (storing is best effort: the fit itself is done and stands)
        return history, UNKEYED
    return history, STORED


def fit_key(model: Any, x: Any, y: Any, fit_kwargs: dict[str, Any], student: ModuleType | None = None) -> str:
    """sha256 of everything ``model.fit(x, y, **fit_kwargs)`` reads; Unkeyable if something escapes it."""
    import keras
    import tensorflow as tf

    try:
        config = json.loads(model.to_json())
        compile_config = model.get_compile_config()
        optimizer = model.optimizer.get_config() if model.optimizer is not None else None
        arguments = json.dumps(fit_kwargs, sort_keys=True)
    except Exception as err:  # a model without a config, callbacks or other objects among the arguments
        raise Unkeyable(str(err)) from None
    if compile_config is None:
        raise Unkeyable("the compile configuration is not serialisable")
    configs = canonical_names({"model": config, "compile": compile_config, "optimizer": optimizer})
    digest = hashlib.sha256()
    for part in (
        keras.__version__, tf.__version__, _thread_counts(), configs, arguments,
        _class_sources(model), _named_sources(config, compile_config, student), _rng_states(),
    ):
        digest.update(json.dumps(part, sort_keys=True, default=str).encode())
    for variable in _variables(model):
        _hash_array(digest, np.asarray(variable))
    for array in _arrays(x) + _arrays(y):
        _hash_array(digest, array)
    return digest.hexdigest()


def canonical_names(config: Any) -> Any:
    """``config`` with every name (of a layer, a model, an optimizer) replaced by its order of first appearance.

    Keras numbers default names per process (``gru``, ``gru_1``, ``adam_2``, ...), so the same
    architecture built after other models gets other names; names do not change training.
    """
    names: dict[str, str] = {}

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            name = value.get("name")
            if isinstance(name, str) and name not in names:
                names[name] = f"L{len(names)}"
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: rename(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rename(item) for item in value]
        return names.get(value, value) if isinstance(value, str) else value

    collect(config)
    return rename(config)


def _variables(model: Any) -> list[Any]:
    """The model's variables (weights and seed-generator states), then its optimizer's."""
    optimizer = getattr(model, "optimizer", None)
    return list(model.variables) + (list(optimizer.variables) if optimizer is not None else [])


def _class_sources(model: Any) -> list[str]:
    """The source of every class in the model (itself, its layers, their cells) that is not the framework's."""
    sources = []
    seen: set[type] = set()
    stack = [model]
    while stack:
        item = stack.pop()
        cls = type(item)
        if cls not in seen:
            seen.add(cls)
            if cls.__module__.split(".")[0] not in FRAMEWORK_MODULES:
                try:
                    sources.append(inspect.getsource(cls))
                except (OSError, TypeError) as err:
                    raise Unkeyable(f"the source of {cls.__qualname__} is not available: {err}") from None
        stack.extend(getattr(item, "layers", None) or [])
        cell = getattr(item, "cell", None)
        if cell is not None:
            stack.append(cell)
    return sources


def _named_sources(config: Any, compile_config: Any, student: ModuleType | None) -> list[tuple[str, str]]:
    """The source of every function or class of the notebook that the configs name (``activation=my_tanh``).

    A config keeps only the name of such an object, so two notebooks could name different code alike.
    """
    if student is None:
        return []
    found = []
    for text in sorted(_strings(config) | _strings(compile_config)):
        name = text.split(">")[-1]  # register_keras_serializable's "package>name"
        value = getattr(student, name, None) if name.isidentifier() else None
        if callable(value) and getattr(value, "__module__", None) == student.__name__:
            try:
                found.append((name, inspect.getsource(value)))
            except (OSError, TypeError) as err:
                raise Unkeyable(f"the source of {name} is not available: {err}") from None
    return found


def _strings(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()


def _rng_states() -> list[str]:
    """Digests of the random generators a fit could draw from.

    Python's and numpy's, TensorFlow's eager op-seed counter, and Keras's global
    ``SeedGenerator`` (what ``keras.random`` draws from when no seed is given).
    """
    from keras.src.backend.common import global_state
    from tensorflow.python.eager import context

    states = [repr(random.getstate()), repr(np.random.get_state(legacy=False))]
    try:
        eager = context.context()
        states.append(repr((eager._seed, eager._rng.getstate() if eager._rng is not None else None)))
    except AttributeError as err:  # another TensorFlow: its counter cannot be read, so the fit must run
        raise Unkeyable(f"TensorFlow's eager random state is not readable: {err}") from None
    generator = global_state.get_global_attribute("global_seed_generator")
    states.append("none" if generator is None else repr(np.asarray(generator.state).tolist()))
    return [hashlib.sha256(s.encode()).hexdigest() for s in states]


def _thread_counts() -> list[Any]:
    import tensorflow as tf

    return [
        tf.config.threading.get_intra_op_parallelism_threads(),
        tf.config.threading.get_inter_op_parallelism_threads(),
        os.environ.get("TF_NUM_INTRAOP_THREADS"), os.environ.get("TF_NUM_INTEROP_THREADS"),
    ]


def _arrays(value: Any) -> list[np.ndarray]:
    """The numpy arrays of fit's ``x`` or ``y`` (an array, or a list, tuple or dict of them)."""
    if value is None:
        return []
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _arrays(item)]
    if isinstance(value, dict):
        return [a for key in sorted(value) for a in _arrays(value[key])]
    raise Unkeyable(f"fit's data is a {type(value).__name__}, not numpy arrays")


def _hash_array(digest: Any, array: np.ndarray) -> None:
    array = np.ascontiguousarray(array)
    digest.update(f"{array.dtype.str}{array.shape}".encode())
    digest.update(array.tobytes())


def _history(history: Any) -> dict[str, list[float]]:
    return {key: [float(v) for v in values] for key, values in history.history.items()}


def _store(model: Any, before: list[np.ndarray], history: dict[str, list[float]], entry: Path) -> None:
    """Write the entry so that a reader sees all of it or nothing: the history, and the variables the fit changed.

    The model's other variables (a frozen base: most of a transfer model) are part of the
    key, so a fit answered from this entry already holds them.
    """
    arrays = {"model_count": np.array(len(before))}
    for i, (variable, start) in enumerate(zip(model.variables, before, strict=True)):
        value = np.asarray(variable)
        if value.shape != start.shape or not np.array_equal(value, start):
            arrays[f"model_{i}"] = value
    arrays.update({f"optimizer_{i}": np.asarray(v) for i, v in enumerate(model.optimizer.variables)})
    entry.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=entry.parent, suffix=".json", delete=False, mode="w") as handle:
        json.dump(history, handle)
    os.replace(handle.name, entry.with_suffix(".json"))
    with tempfile.NamedTemporaryFile(dir=entry.parent, suffix=".npz", delete=False) as handle:
        np.savez(handle, allow_pickle=False, **arrays)
    os.replace(handle.name, entry)  # last: an entry whose .npz exists is complete


def _restore(model: Any, entry: Path) -> bool:
    """Set the variables the stored fit changed, and the optimizer's, to the entry's values.

    False when the entry does not fit the model (then no model variable was changed; the
    optimizer may have been built, with the zeros a fit would start from).
    """
    with np.load(entry, allow_pickle=False) as stored:
        count = int(stored["model_count"])
        model_values = {int(k.split("_")[1]): stored[k] for k in stored.files if k.startswith("model_") and k != "model_count"}
        optimizer_values = [stored[f"optimizer_{i}"] for i in range(sum(k.startswith("optimizer_") for k in stored.files))]
    variables = list(model.variables)
    optimizer = model.optimizer
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    if count != len(variables) or len(optimizer_values) != len(optimizer.variables):
        return False
    pairs = [(variables[i], value) for i, value in sorted(model_values.items())]
    pairs += list(zip(optimizer.variables, optimizer_values, strict=True))
    if any(tuple(v.shape) != a.shape for v, a in pairs):
        return False
    for variable, value in pairs:
        variable.assign(value)
    return True
