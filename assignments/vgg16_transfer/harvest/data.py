"""Images of the vgg16_transfer lab: a synthetic texture set (ci) and an image-folder reader (class).

The ci profile draws a deterministic synthetic data set from a seed: five
classes of 32x32 RGB images, each a jittered base colour with its own pattern
(stripes, columns, checks, a disc, noise) and random brightness and noise. Stage 1 draws the training split; stage 2 draws
the held-out split itself, from a seed it chooses (see checks/conftest.py).

The class profile reads an image folder the instructor points to with --data::

    DATA/train/<class name>/*.png|jpg|jpeg   training images (stage 1 reads only these)
    DATA/test/<class name>/*.png|jpg|jpeg    held-out images (stage 2 only)

Class ids are the sorted class-folder names of train/; test/ must use the same names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.harvest import rng_for

CLASS_NAMES = ("red_stripes", "green_columns", "blue_checks", "yellow_disc", "violet_noise")
#: The base colour (RGB) of each class; every image jitters it and overlays the class's pattern.
CLASS_COLOURS = np.array(
    [[200, 60, 50], [60, 180, 70], [50, 80, 200], [210, 200, 60], [150, 60, 190]], dtype=np.float32
)
#: How far each image departs from its class colour (RGB units), how strongly the
#: pattern shades it, and the per-pixel noise. Chosen so that a frozen random VGG16
#: base with a small head learns the task in the ci budget (README: calibration).
COLOUR_JITTER = 8.0
PATTERN_CONTRAST = 0.25
PIXEL_NOISE = 6.0
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")

#: ImageNet channel means in BGR order: what VGG16's preprocessing subtracts.
#: (The lab's contract names keras.applications.vgg16.preprocess_input; the grader
#: feeds every student model data prepared this way.)
IMAGENET_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)


def grader_preprocess(images: np.ndarray) -> np.ndarray:
    """uint8 RGB (N, H, W, 3) -> float32 BGR minus the ImageNet means; a new array."""
    return np.asarray(images, dtype=np.float32)[..., ::-1] - IMAGENET_MEAN_BGR


def _pattern(label: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """A (size, size) pattern in [0, 1] of class ``label``."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    cycles = rng.uniform(2.0, 5.0)
    phase = rng.uniform(0.0, 2 * np.pi)
    if label == 0:
        return 0.5 + 0.5 * np.sin(2 * np.pi * cycles * yy + phase)
    if label == 1:
        return 0.5 + 0.5 * np.sin(2 * np.pi * cycles * xx + phase)
    if label == 2:
        return ((np.floor(xx * cycles * 2) + np.floor(yy * cycles * 2)) % 2).astype(np.float32)
    if label == 3:
        cy, cx = rng.uniform(0.3, 0.7, 2)
        radius = rng.uniform(0.18, 0.35)
        return (((yy - cy) ** 2 + (xx - cx) ** 2) < radius**2).astype(np.float32)
    return rng.uniform(0.0, 1.0, (size, size)).astype(np.float32)


def synthetic_images(seed: int, name: str, count: int, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """``count`` images, balanced over the classes: uint8 (count, size, size, 3) and int32 labels (count,).

    ``name`` selects the split ("train", "heldout", ...): same seed and name, same images.
    """
    rng = rng_for(seed, f"images_{name}")
    labels = np.arange(count) % len(CLASS_NAMES)
    rng.shuffle(labels)
    images = np.empty((count, size, size, 3), dtype=np.uint8)
    for i, label in enumerate(labels):
        pattern = _pattern(int(label), size, rng)[..., None]
        colour = CLASS_COLOURS[label] + rng.normal(0.0, COLOUR_JITTER, 3)
        brightness = rng.uniform(0.8, 1.0)
        shade = 1.0 - PATTERN_CONTRAST + PATTERN_CONTRAST * pattern
        image = colour * shade * brightness + rng.normal(0.0, PIXEL_NOISE, (size, size, 3))
        images[i] = np.clip(image, 0, 255).astype(np.uint8)
    return images, labels.astype(np.int32)


def class_names(folder: Path) -> list[str]:
    """The sorted sub-folder names of ``folder`` (one per class)."""
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not names:
        raise FileNotFoundError(f"{folder} has no class sub-folders")
    return names


def read_image_folder(folder: Path, size: int, names: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every image under ``folder/<class>/``, resized to size x size RGB.

    Returns uint8 (N, size, size, 3) and int32 labels (N,), the label being the
    index of the class folder in ``names`` (default: the sorted folder names).
    """
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
    """What the grader passes as ``weights=``: None (ci) or the path of a weights file (class).

    A relative ``weights_file`` in the profile is looked up in the data folder.
    """
    name = profile.get("weights_file")
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute() and data_dir is not None:
        path = data_dir / path
    if not path.is_file():
        raise FileNotFoundError(f"the VGG16 weights file {path} does not exist")
    return str(path)
