"""Fast tests of the vgg16_transfer lab's data: the synthetic generator and the image-folder reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assignments.vgg16_transfer.harvest import data, models, probes


def test_synthetic_images_are_deterministic_and_balanced():
    a, la = data.synthetic_images(3, "train", 20)
    b, lb = data.synthetic_images(3, "train", 20)
    c, _ = data.synthetic_images(4, "train", 20)
    assert a.shape == (20, 32, 32, 3) and a.dtype == np.uint8 and la.dtype == np.int32
    assert np.array_equal(a, b) and np.array_equal(la, lb)
    assert not np.array_equal(a, c)
    assert np.bincount(la).tolist() == [4] * len(data.CLASS_NAMES)


def test_heldout_split_differs_from_training():
    train, _ = data.synthetic_images(0, "train", 10)
    heldout, _ = data.synthetic_images(0 + 7919, "heldout", 10)
    assert not np.array_equal(train, heldout)


def test_grader_preprocess_matches_keras_and_copies():
    keras = pytest.importorskip("keras")
    images = probes.preprocess_inputs(0)["float32"]
    kept = images.copy()
    ours = data.grader_preprocess(images)
    theirs = keras.applications.vgg16.preprocess_input(images.copy())
    assert np.allclose(ours, theirs, atol=1e-4)
    assert np.array_equal(images, kept)


def _write_folder(root: Path, names: list[str], per_class: int, size: int = 20) -> None:
    from PIL import Image

    rng = np.random.default_rng(0)
    for name in names:
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 256, (size, size + 3, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")


def test_read_image_folder_labels_by_sorted_class_names(tmp_path):
    _write_folder(tmp_path / "train", ["dog", "cat"], 2)
    (tmp_path / "train" / "cat" / "notes.txt").write_text("not an image")
    images, labels = data.read_image_folder(tmp_path / "train", 16)
    assert images.shape == (4, 16, 16, 3) and images.dtype == np.uint8
    assert labels.tolist() == [0, 0, 1, 1]  # cat, cat, dog, dog
    assert data.class_names(tmp_path / "train") == ["cat", "dog"]


def test_training_data_of_the_class_profile_reads_train_only(tmp_path):
    _write_folder(tmp_path / "train", ["a", "b", "c"], 1)
    profile = {"data": "folder", "image_size": 8}
    images, labels, classes = data.training_data(profile, 0, tmp_path)
    assert images.shape == (3, 8, 8, 3) and classes == 3 and labels.tolist() == [0, 1, 2]
    with pytest.raises(FileNotFoundError):
        data.training_data(profile, 0, None)


def test_weights_argument(tmp_path):
    assert data.weights_argument({}, None) is None
    (tmp_path / "w.weights.h5").write_bytes(b"x")
    assert data.weights_argument({"weights_file": "w.weights.h5"}, tmp_path) == str(tmp_path / "w.weights.h5")
    with pytest.raises(FileNotFoundError):
        data.weights_argument({"weights_file": "missing.h5"}, tmp_path)


def test_block_layer_names():
    assert models.block_of("block5_conv3") == 5 and models.block_of("block1_pool") == 1
    assert models.block_of("dense") == 0


def test_fine_tune_probes_vary_num_blocks_and_learning_rate():
    from autograder.labspec import load_lab

    profile = load_lab("vgg16_transfer").profile("ci")
    num_blocks, learning_rate = probes.SECOND_FINE_TUNE
    assert num_blocks != 1 and learning_rate != float(profile["fine_tune_learning_rate"]) and learning_rate != 1e-5


def test_own_compile_order_shuffles_whole_passes():
    order = probes.own_compile_order(0, 7, 17)
    assert len(order) == 17 and sorted(order[:7].tolist()) == list(range(7)) and sorted(order[7:14].tolist()) == list(range(7))
    assert np.array_equal(order, probes.own_compile_order(0, 7, 17))
