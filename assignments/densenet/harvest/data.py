"""Images of the densenet lab: a generated texture set (ci) and an image-folder reader (class).

The ci profile draws a deterministic data set from a seed: five classes of
small RGB images that differ by their *pattern* (horizontal stripes, vertical
stripes, checks, a disc, noise), each on a random colour with random
brightness and pixel noise, so a model has to look at spatial structure, not
at the mean colour. Stage 1 draws the training split; stage 2 draws the
held-out split itself, from a seed stage 1 never sees (checks/conftest.py).

The class profile reads the instructor's folder (``--data DIR``), the same
layout as ``vgg16_transfer``::

    DIR/train/<class name>/*.png|jpg|jpeg   training images (stage 1 reads only these)
    DIR/test/<class name>/*.png|jpg|jpeg    held-out images (stage 2 only)
    DIR/<weights file>                      DenseNet121 no-top weights (lab.toml weights_file)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.harvest import rng_for

CLASS_NAMES = ("h_stripes", "v_stripes", "checks", "disc", "noise")
#: Strength of the pattern against the background colour, and the pixel noise (0..255 units).
PATTERN_CONTRAST = 0.5
PIXEL_NOISE = 10.0
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")

#: ImageNet per-channel statistics (RGB) of ``keras.applications.densenet.preprocess_input`` ("torch" mode).
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def scale(images: np.ndarray) -> np.ndarray:
    """uint8 (N, H, W, 3) -> float32 in [0, 1]: what ``build_densenet``'s models are fed."""
    return np.asarray(images, dtype=np.float32) / 255.0


def grader_preprocess(images: np.ndarray) -> np.ndarray:
    """uint8 RGB (N, H, W, 3) -> float32 DenseNet preprocessing (scaled, mean and std per channel); a new array."""
    return (scale(images) - IMAGENET_MEAN) / IMAGENET_STD


def _pattern(label: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """A (size, size) pattern in [0, 1] of class ``label``."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    cycles = rng.uniform(2.0, 3.5)
    phase = rng.uniform(0.0, 2 * np.pi)
    if label == 0:
        return 0.5 + 0.5 * np.sin(2 * np.pi * cycles * yy + phase)
    if label == 1:
        return 0.5 + 0.5 * np.sin(2 * np.pi * cycles * xx + phase)
    if label == 2:
        return ((np.floor(xx * cycles + phase) + np.floor(yy * cycles + phase)) % 2).astype(np.float32)
    if label == 3:
        cy, cx = rng.uniform(0.35, 0.65, 2)
        radius = rng.uniform(0.2, 0.35)
        return (((yy - cy) ** 2 + (xx - cx) ** 2) < radius**2).astype(np.float32)
    return rng.uniform(0.0, 1.0, (size, size)).astype(np.float32)


def synthetic_images(seed: int, name: str, count: int, size: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """``count`` images balanced over the classes: uint8 (count, size, size, 3) and int32 labels (count,).

    ``name`` selects the split ("train", "heldout", ...): same seed and name, same images.
    """
    rng = rng_for(seed, f"images_{name}")
    labels = np.arange(count) % len(CLASS_NAMES)
    rng.shuffle(labels)
    images = np.empty((count, size, size, 3), dtype=np.uint8)
    for i, label in enumerate(labels):
        pattern = _pattern(int(label), size, rng)[..., None]
        colour = rng.uniform(60.0, 220.0, 3)
        shade = 1.0 - PATTERN_CONTRAST + PATTERN_CONTRAST * pattern
        image = colour * shade * rng.uniform(0.8, 1.0) + rng.normal(0.0, PIXEL_NOISE, (size, size, 3))
        images[i] = np.clip(image, 0, 255).astype(np.uint8)
    return images, labels.astype(np.int32)


def class_names(folder: Path) -> list[str]:
    """The sorted sub-folder names of ``folder`` (one per class)."""
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not names:
        raise FileNotFoundError(f"{folder} has no class sub-folders")
    return names


def read_image_folder(folder: Path, size: int, names: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every image under ``folder/<class>/`` resized to size x size RGB: uint8 (N, size, size, 3), int32 (N,)."""
    from PIL import Image

    names = class_names(folder) if names is None else names
    images, labels = [], []
    for label, name in enumerate(names):
        files = sorted(p for p in (folder / name).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        for path in files:
            with Image.open(path) as image:
                images.append(np.asarray(image.convert("RGB").resize((size, size), Image.BILINEAR), dtype=np.uint8))
            labels.append(label)
    if not images:
        raise FileNotFoundError(f"no images under {folder}")
    return np.stack(images), np.asarray(labels, dtype=np.int32)


def training_data(profile: dict, seed: int, data_dir: Path | None) -> tuple[np.ndarray, np.ndarray, int]:
    """The training split of a profile: uint8 images, int32 labels, number of classes."""
    size = int(profile["image_size"])
    if profile.get("data") == "folder":
        if data_dir is None:
            raise FileNotFoundError("the class profile needs --data DIR (an image folder with train/ and test/)")
        names = class_names(data_dir / "train")
        images, labels = read_image_folder(data_dir / "train", size, names)
        return images, labels, len(names)
    images, labels = synthetic_images(seed, "train", int(profile["train_images"]), size)
    return images, labels, len(CLASS_NAMES)


def weights_argument(profile: dict, data_dir: Path | None) -> str | None:
    """What the grader passes as ``weights=``: None (ci) or the path of the no-top weights file (class)."""
    name = profile.get("weights_file")
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute() and data_dir is not None:
        path = data_dir / path
    if not path.is_file():
        raise FileNotFoundError(f"the DenseNet121 weights file {path} does not exist")
    return str(path)
