"""The quality check's figure after every epoch of the grader's `train` regimen: how far a `ci` budget could shrink.

    .venv/bin/python benchmarks/budget_curves.py vgg16_transfer --variants reference,correct_linear_head --seeds 0,1,2,3,4 --epochs 8
    .venv/bin/python benchmarks/budget_curves.py seq2seq_gru --variants reference,correct_rmsprop_dropout --seeds 0,1 --epochs 8

Prints one JSON line per (variant, seed): the held-out figure of the lab's quality check (vgg16_transfer:
accuracy on 200 held-out images; seq2seq_gru: greedy exact match on 500 held-out dates) after epoch 1, 2, ...
A variant is the reference notebook's code with a known mistake's (or a correct alternative's) functions
defined over it, as validate builds it. The training is the `train` step's (the grader's optimizer and loss,
the profile's batch size), in this process, one thread, seeded as a stage seeds itself; the figures are close
to the grading's, not equal to them (the order of float sums differs): calibrate a new budget with
`autograder validate` at that budget, as the lab READMEs do. Trusted code only (the lab's own files).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as the sandbox runs it
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def student_namespace(lab_id: str, variant: str) -> dict[str, Any]:
    """The reference's functions, with ``variant``'s (a file of the lab's mistakes/) defined over them."""
    namespace: dict[str, Any] = {"__name__": "student"}
    exec((ROOT / "reference" / f"{lab_id}.py").read_text(), namespace)  # noqa: S102 - the lab's own code
    if variant != "reference":
        exec((ROOT / "assignments" / lab_id / "mistakes" / f"{variant}.py").read_text(), namespace)  # noqa: S102
    return namespace


def vgg16_run(profile: dict, seed: int, student: dict[str, Any]) -> tuple[Any, tuple, dict, Callable[[Any], float]]:
    """(model compiled with the grader's regimen, (x, y), fit arguments, held-out accuracy of a model)."""
    import numpy as np

    from assignments.vgg16_transfer.checks.conftest import heldout_images
    from assignments.vgg16_transfer.harvest import data
    from assignments.vgg16_transfer.harvest.plan import grader_compile
    from autograder.checking.plugin import load_reference
    from autograder.labspec import load_lab

    images, labels, num_classes = data.training_data(profile, seed, None)
    size = int(profile["image_size"])
    model = student["build_model"](num_classes, input_shape=(size, size, 3), weights=None)
    grader_compile(model, profile)
    held_images, held_labels = heldout_images(seed, profile, None, data.CLASS_NAMES)
    held_x = load_reference(load_lab("vgg16_transfer")).preprocess(held_images)  # as the check: the reference's

    def accuracy(trained: Any) -> float:
        return float(np.mean(np.argmax(trained.predict(held_x, batch_size=100, verbose=0), axis=-1) == held_labels))

    return model, (data.grader_preprocess(images), labels), {"batch_size": int(profile["batch_size"])}, accuracy


def seq2seq_run(profile: dict, seed: int, student: dict[str, Any]) -> tuple[Any, tuple, dict, Callable[[Any], float]]:
    """(train_model compiled with the grader's regimen, (x, y), fit arguments, held-out greedy exact match)."""
    import numpy as np

    from assignments.seq2seq_gru.checks import conftest as checks
    from assignments.seq2seq_gru.harvest import dates
    from assignments.seq2seq_gru.harvest.plan import grader_compile

    pairs = dates.training_pairs(profile, seed, None)
    vocab = dates.vocab_for(pairs)
    encoded = dates.encode_pairs(pairs, vocab)
    held, held_encoded = checks.heldout_pairs(profile, seed, None, pairs, vocab)
    model = student["build_models"](vocab.src_vocab_size, vocab.tgt_vocab_size, latent_dim=int(profile["latent_dim"]),
                                    embedding_dim=int(profile["embedding_dim"]))[0]
    grader_compile(model, profile)

    def exact_match(trained: Any) -> float:
        decoded = checks.cut_at_end(checks.prefix_greedy(trained, held_encoded.encoder_ids, vocab.target_len))
        return float(np.mean([vocab.decode_target(ids) == target for ids, (_, target) in zip(decoded, held, strict=True)]))

    x = [encoded.encoder_ids, encoded.decoder_input]
    return model, (x, encoded.decoder_target), {"batch_size": int(profile["batch_size"])}, exact_match


RUNS = {"vgg16_transfer": vgg16_run, "seq2seq_gru": seq2seq_run}


def curve(lab_id: str, profile: dict, variant: str, seed: int, epochs: int) -> dict[str, Any]:
    """The quality figure after each of ``epochs`` epochs of the grader's regimen."""
    import keras

    from autograder.harvest.runner import set_seeds

    student = student_namespace(lab_id, variant)
    set_seeds(seed, "keras")  # as a stage seeds itself before a step
    model, (x, y), fit_arguments, figure = RUNS[lab_id](profile, seed, student)
    figures: list[float] = []

    class Measure(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            figures.append(round(figure(self.model), 3))

    started = time.monotonic()
    model.fit(x, y, epochs=epochs, shuffle=True, verbose=0, callbacks=[Measure()], **fit_arguments)
    return {"lab": lab_id, "variant": variant, "seed": seed, "by_epoch": figures, "seconds": round(time.monotonic() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lab", choices=sorted(RUNS))
    parser.add_argument("--variants", default="reference")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--epochs", type=int, default=None, help="default: the ci profile's")
    parser.add_argument("--threads", type=int, default=1, help="TensorFlow threads (make test grades with 1)")
    args = parser.parse_args()

    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    from autograder.labspec import load_lab

    profile = load_lab(args.lab).profile("ci")
    epochs = args.epochs or int(profile["epochs"])
    for variant in args.variants.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            print(json.dumps(curve(args.lab, profile, variant, seed, epochs)), flush=True)


if __name__ == "__main__":
    main()
