# %% [markdown]
# # Lab `vgg16_transfer`: transfer learning with VGG16
#
# Training a deep convolutional network from scratch needs a million labelled
# images and days of compute. Transfer learning reuses one that was already
# trained: VGG16's convolutional base, trained on ImageNet, turns an image into
# a map of features (edges, textures, parts of objects) that are useful far
# beyond ImageNet's classes. Only a new, small classification head has to be
# learned for your own classes, from a few hundred images.
#
# It goes in two phases. First the base is **frozen** (its weights are not
# updated) and only the head is trained: a randomly initialised head would
# otherwise send large, noisy gradients into the base and wreck what it knows.
# Then, once the head is trained, the last convolutional block is unfrozen and
# the whole is **fine-tuned** with a small learning rate, adapting the most
# specific features to the new task.
#
# A pretrained network expects its inputs exactly as it saw them in training:
# for VGG16, BGR channels with the ImageNet mean of each channel subtracted.
#
# You will prepare images the way VGG16 expects them, put a new head on the
# frozen base, and then fine-tune the last convolutional block.
#
# Shapes: N images, H x W pixels, 3 RGB channels, K classes.
#
# Rules of the grader:
# - Graded functions may use imports and other functions of this notebook, but
#   not variables computed at top level: the grader imports your definitions,
#   it does not re-run your experiment cells. Constants with literal values are fine.
# - The grader chooses `num_classes`, `input_shape` and `weights`: on the CI
#   machines there are no ImageNet weights, so it passes `weights=None` and
#   32x32 images; in class it passes the path of a weights file. Pass `weights`
#   to `keras.applications.VGG16` unchanged.
# - Build models from Keras's built-in layers. The grader reloads your saved
#   models in Keras safe mode: a `Lambda` layer (for example
#   `Lambda(preprocess_input)`) or a custom layer class cannot be graded.
#   Preprocess with `preprocess` *before* the model, not inside it.
# - The grader trains the model `build_model` returns for a fixed budget, on
#   images it prepares with VGG16's preprocessing, and measures accuracy on
#   held-out images you never see.
# - Check your work with `autograder check vgg16_transfer.ipynb --lab vgg16_transfer`.

# %%
import os, sys, time, random
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from tqdm.auto import tqdm
from IPython.display import display, Markdown
import tensorflow as tf
import keras
from keras import layers

plt.rcParams["figure.figsize"] = (8, 4)

# %% [markdown]
# ## The data
#
# `load_data()` returns `(x_train, y_train), (x_test, y_test), class_names`:
# uint8 RGB images (N, size, size, 3) and int labels (N,). Without a folder it
# draws a small synthetic set like the one the grader uses on its CPU
# machines: five classes of 32x32 textures (stripes, columns, checks, a disc,
# noise), each on its own base colour. Your instructor's images:
# `load_data("path/to/folder", size=224)` on a folder holding `train/<class>/`
# and `test/<class>/` image files (or set the environment variable
# `VGG16_DATA` to it); use `weights="imagenet"` with them.

# %%
CLASS_NAMES = ["red_stripes", "green_columns", "blue_checks", "yellow_disc", "violet_noise"]
BASE_COLOURS = [[200, 60, 50], [60, 180, 70], [50, 80, 200], [210, 200, 60], [150, 60, 190]]


def synthetic_images(count, size=32, seed=0):
    """``count`` textured images, balanced over the five classes: uint8 (count, size, size, 3), labels (count,)."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(count) % len(CLASS_NAMES))
    yy, xx = np.mgrid[0:size, 0:size] / size
    images = np.empty((count, size, size, 3), dtype=np.uint8)
    for i, label in enumerate(labels):
        cycles, phase = rng.uniform(2, 5), rng.uniform(0, 2 * np.pi)
        pattern = [
            0.5 + 0.5 * np.sin(2 * np.pi * cycles * yy + phase),
            0.5 + 0.5 * np.sin(2 * np.pi * cycles * xx + phase),
            (np.floor(xx * cycles * 2) + np.floor(yy * cycles * 2)) % 2,
            ((yy - rng.uniform(0.3, 0.7)) ** 2 + (xx - rng.uniform(0.3, 0.7)) ** 2 < rng.uniform(0.18, 0.35) ** 2) * 1.0,
            rng.uniform(0, 1, (size, size)),
        ][label]
        colour = np.array(BASE_COLOURS[label]) + rng.normal(0, 8, 3)
        image = colour * (0.75 + 0.25 * pattern[..., None]) * rng.uniform(0.8, 1.0)
        images[i] = np.clip(image + rng.normal(0, 6, (size, size, 3)), 0, 255)
    return images, labels.astype("int32")


def load_data(data_dir=None, size=32, train_images=120, test_images=40):
    """(x_train, y_train), (x_test, y_test), class_names: a folder of images if given, else synthetic."""
    data_dir = data_dir or os.environ.get("VGG16_DATA")
    if not data_dir:
        return synthetic_images(train_images, size, seed=1), synthetic_images(test_images, size, seed=2), CLASS_NAMES
    splits = []
    for split in ("train", "test"):
        dataset = keras.utils.image_dataset_from_directory(
            os.path.join(data_dir, split), image_size=(size, size), batch_size=None, shuffle=False
        )
        names = dataset.class_names
        pairs = list(dataset.as_numpy_iterator())
        splits.append((np.stack([p[0] for p in pairs]).astype("uint8"), np.array([p[1] for p in pairs], dtype="int32")))
    return splits[0], splits[1], names


# %% [markdown]
# ## Preprocessing
#
# VGG16 was trained on BGR images with the ImageNet channel means subtracted
# and no scaling: that is what `keras.applications.vgg16.preprocess_input`
# does. Careful: it modifies a float32 numpy array in place, and your function
# must leave its input as it was.
#
# `preprocess(images)` takes uint8 (or float) RGB images (N, H, W, 3) with
# values 0..255 and returns a new float32 array of the same shape, ready for
# VGG16; the input array is not modified.

# %%
def preprocess(images):
    """Prepare images for VGG16.

    images: uint8 (or float) RGB array (N, H, W, 3) with values in 0..255.
    Returns a new float32 array (N, H, W, 3): BGR, ImageNet means subtracted.
    """
    ### BEGIN SOLUTION
    return keras.applications.vgg16.preprocess_input(np.array(images, dtype="float32"))
    ### END SOLUTION


# %% [markdown]
# ## A new head on a frozen base
#
# Take VGG16 without its classifier (`include_top=False`), freeze it, and add
# a small head ending in `Dense(num_classes, activation="softmax")`. Compile
# with a sparse categorical cross-entropy loss and an accuracy metric.
#
# `build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet")`
# returns that compiled model: input (batch, *input_shape) preprocessed images,
# output (batch, num_classes) class probabilities. The VGG16 base is one layer
# of the model (named `vgg16`, Keras's default), with `trainable = False`.

# %%
def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    """A frozen VGG16 base and a new softmax head, compiled.

    Input (batch, *input_shape) preprocessed images; output (batch, num_classes)
    class probabilities.
    """
    ### BEGIN SOLUTION
    base = keras.applications.VGG16(include_top=False, weights=weights, input_shape=input_shape)
    base.trainable = False

    inputs = keras.Input(shape=input_shape)
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="vgg16_transfer")
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
    ### END SOLUTION


# %% [markdown]
# ## Fine-tuning
#
# Once the head is trained, unfreeze the last `num_blocks` convolutional
# blocks of the base (block5 for 1, block4 and block5 for 2), keep everything
# before them frozen, and recompile with a small learning rate: a change of
# `trainable` takes effect only when the model is compiled again.
#
# `fine_tune(model, num_blocks=1, learning_rate=1e-5)` takes a model made by
# `build_model`, changes it in place and returns it: the layers of the last
# `num_blocks` blocks of the base trainable, every other layer of the base
# frozen, the head trainable, compiled again with the same loss and metric and
# an optimizer at `learning_rate`.

# %%
def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    """Make the last ``num_blocks`` blocks of the VGG16 base trainable; recompile; return the model."""
    ### BEGIN SOLUTION
    base = model.get_layer("vgg16")
    base.trainable = True
    unfrozen = tuple(f"block{b}_" for b in range(6 - num_blocks, 6))
    for layer in base.layers:
        layer.trainable = layer.name.startswith(unfrozen)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
    ### END SOLUTION


# %% [markdown]
# ## Experiments
#
# The cells below are not graded (the grader skips any top-level code, so they
# are wrapped in `if __name__ == "__main__":`, which is true in a notebook).
# Without ImageNet weights here the base is random (`weights=None`), yet its
# frozen features already separate the synthetic textures. Train the head for a
# few epochs, fine-tune the last block for one more, and plot the loss.

# %%
if __name__ == "__main__":
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test), class_names = load_data()
    model = build_model(len(class_names), input_shape=x_train.shape[1:], weights=None)
    head = model.fit(preprocess(x_train), y_train, validation_data=(preprocess(x_test), y_test),
                     epochs=6, batch_size=8, verbose=0)
    model = fine_tune(model, num_blocks=1)
    tuned = model.fit(preprocess(x_train), y_train, validation_data=(preprocess(x_test), y_test),
                      epochs=1, batch_size=8, verbose=0)
    for name, label in (("loss", "training"), ("val_loss", "held-out")):
        plt.plot(head.history[name] + tuned.history[name], marker="o", label=label)
    plt.axvline(len(head.history["loss"]) - 0.5, color="grey", linestyle=":")
    plt.xlabel("epoch (after the dotted line: fine-tuning)")
    plt.ylabel("cross-entropy")
    plt.legend()
    plt.show()

# %% [markdown]
# ### A grid of predictions
#
# Held-out images with the predicted class; a red title marks a mistake.

# %%
if __name__ == "__main__":
    predicted = model.predict(preprocess(x_test[:16]), verbose=0).argmax(axis=-1)
    _, axes = plt.subplots(4, 4, figsize=(8, 8))
    for image, truth, guess, axis in zip(x_test[:16], y_test[:16], predicted, axes.flat, strict=True):
        axis.imshow(image)
        axis.set_title(class_names[guess], color="green" if guess == truth else "red", fontsize=9)
        axis.axis("off")
    plt.tight_layout()
    plt.show()
    print(f"held-out accuracy: {np.mean(model.predict(preprocess(x_test), verbose=0).argmax(-1) == y_test):.2f}")
