# %% [markdown]
# # Lab `densenet`: dense connectivity, and DenseNet121 for transfer learning
#
# A plain convolutional network passes each layer's output to the next layer
# only. DenseNet (Huang et al., 2017) connects every layer of a *dense block*
# to every layer before it: a layer's input is the concatenation of the
# block's input and of the feature maps of all earlier layers, and it adds
# only `k` new channels of its own (the *growth rate*). Features are reused
# instead of relearned, gradients reach early layers through short paths, and
# the network stays narrow.
#
# Each layer is *pre-activated*: BatchNorm and ReLU come before each
# convolution. A *bottleneck* 1x1 convolution to `4k` channels keeps the 3x3
# convolution cheap; between blocks a *transition* (BN, ReLU, 1x1 convolution
# that keeps a fraction `θ` of the channels, 2x2 average pooling) halves the
# spatial size and compresses the width.
#
# In the second part you reuse a DenseNet trained on ImageNet: DenseNet121
# without its classifier, frozen, under a new head of your own.
#
# Shapes: N images, H x W pixels, C channels (channels last), k the growth rate.
#
# Rules of the grader:
# - Graded functions may use imports and other functions of this notebook, but
#   not variables computed at top level: the grader imports your definitions,
#   it does not re-run your experiment cells. Constants with literal values are fine.
# - Use the Keras functional API and Keras's built-in layers: `x` is a Keras
#   tensor `(batch, H, W, C)`. Convolutions use `padding="same"` and no
#   activation of their own; `use_bias` is your choice. ReLU may be
#   `layers.ReLU()` or `layers.Activation("relu")`. No `Lambda` layers: the
#   grader reloads your models in Keras safe mode.
# - The grader chooses every size (channels, growth rate, number of layers,
#   compression, image size), builds your layers on its own inputs, trains
#   the network `build_densenet` returns with its own optimizer for a fixed
#   budget, and measures accuracy on held-out images you never see.
# - On the CI machines there are no ImageNet weights: `densenet121_features`
#   gets `weights=None` and 32x32 images; in class it gets the path of a
#   weights file. Pass `weights` to `DenseNet121` unchanged.
# - Check your work with `autograder check densenet.ipynb --lab densenet`.

# %%
import os

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from keras import layers

# %% [markdown]
# ## The data
#
# `load_data()` returns `(x_train, y_train), (x_test, y_test), class_names`:
# uint8 RGB images (N, size, size, 3) and int labels (N,). Without a folder it
# draws a small toy set to try your network on: four patterns (horizontal
# waves, vertical waves, a checkerboard, noise) on random colours, 16x16
# pixels. Your instructor's images: `load_data("path/to/folder", size=32)` on a
# folder holding `train/<class>/` and `test/<class>/` image files (or set the
# environment variable `DENSENET_DATA` to it).

# %%
TOY_CLASSES = ["waves", "columns", "checks", "noise"]


def toy_images(count, size=16, seed=0):
    """uint8 images (count, size, size, 3) of 4 patterns on random colours, and their int labels (count,)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / size
    labels = rng.integers(0, 4, count)
    images = np.empty((count, size, size, 3), dtype=np.uint8)
    for i, label in enumerate(labels):
        cycles, phase = rng.uniform(2, 3.5), rng.uniform(0, 2 * np.pi)
        pattern = [np.sin(2 * np.pi * cycles * yy + phase), np.sin(2 * np.pi * cycles * xx + phase),
                   np.sign(np.sin(2 * np.pi * cycles * xx) * np.sin(2 * np.pi * cycles * yy)),
                   rng.uniform(-1, 1, (size, size))][label]
        colour = rng.uniform(60, 220, 3)
        images[i] = np.clip(colour * (0.75 + 0.25 * pattern[..., None]) + rng.normal(0, 10, (size, size, 3)), 0, 255)
    return images, labels


def load_data(data_dir=None, size=16, train_images=600, test_images=200):
    """(x_train, y_train), (x_test, y_test), class_names: a folder of images if given, else the toy set."""
    data_dir = data_dir or os.environ.get("DENSENET_DATA")
    if not data_dir:
        return toy_images(train_images, size), toy_images(test_images, size, seed=1), TOY_CLASSES
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
# ## A dense layer
#
# `dense_layer(x, growth_rate, bottleneck=True)`: BN → ReLU → (when
# `bottleneck`: 1x1 conv to `4 * growth_rate` channels → BN → ReLU) → 3x3 conv
# to `growth_rate` channels; return `concatenate([x, new])`, the input first.
# The output has C + k channels, and its first C channels are `x` itself.

# %%
def dense_layer(x, growth_rate, bottleneck=True):
    """One pre-activated DenseNet layer: (batch, H, W, C) -> (batch, H, W, C + growth_rate)."""
    ### BEGIN SOLUTION
    y = layers.BatchNormalization()(x)
    y = layers.ReLU()(y)
    if bottleneck:
        y = layers.Conv2D(4 * growth_rate, 1, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        y = layers.ReLU()(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False)(y)
    return layers.Concatenate()([x, y])
    ### END SOLUTION


# %% [markdown]
# ## A dense block
#
# `dense_block(x, num_layers, growth_rate)`: `num_layers` dense layers in
# sequence, each with the bottleneck. Because each layer concatenates, layer
# `i` sees the block's input and the new channels of every layer before it.
# Output channels: C + num_layers * k.

# %%
def dense_block(x, num_layers, growth_rate):
    """num_layers dense layers: (batch, H, W, C) -> (batch, H, W, C + num_layers * growth_rate)."""
    ### BEGIN SOLUTION
    for _ in range(num_layers):
        x = dense_layer(x, growth_rate)
    return x
    ### END SOLUTION


# %% [markdown]
# ## A transition layer
#
# `transition_layer(x, compression=0.5)`: BN → ReLU → 1x1 conv to
# `int(compression * C)` channels (at least 1) → 2x2 average pooling with
# stride 2.

# %%
def transition_layer(x, compression=0.5):
    """(batch, H, W, C) -> (batch, H // 2, W // 2, max(1, int(compression * C)))."""
    ### BEGIN SOLUTION
    channels = max(1, int(compression * x.shape[-1]))
    y = layers.BatchNormalization()(x)
    y = layers.ReLU()(y)
    y = layers.Conv2D(channels, 1, padding="same", use_bias=False)(y)
    return layers.AveragePooling2D(pool_size=2, strides=2)(y)
    ### END SOLUTION


# %% [markdown]
# ## A small DenseNet
#
# `build_densenet(input_shape, num_classes, growth_rate=12, block_layers=(4, 4, 4),
# compression=0.5)`: images already scaled to [0, 1]; a stem convolution (the
# CIFAR form: 3x3 to 2k channels, stride 1); one dense block per entry of
# `block_layers` with a transition between consecutive blocks (none after the
# last); optionally BN → ReLU; global average pooling;
# `Dense(num_classes, activation="softmax")`. Compile with sparse categorical
# cross-entropy and an accuracy metric.

# %%
def build_densenet(input_shape, num_classes, growth_rate=12, block_layers=(4, 4, 4), compression=0.5):
    """A DenseNet-BC for small images, compiled: (batch, *input_shape) -> (batch, num_classes) probabilities."""
    ### BEGIN SOLUTION
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(2 * growth_rate, 3, padding="same", use_bias=False)(inputs)
    for i, num_layers in enumerate(block_layers):
        x = dense_block(x, num_layers, growth_rate)
        if i < len(block_layers) - 1:
            x = transition_layer(x, compression)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="densenet")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% [markdown]
# ## Preprocessing for DenseNet121
#
# DenseNet121 was trained on images scaled to [0, 1] and normalised with the
# ImageNet mean and standard deviation of each channel: that is
# `keras.applications.densenet.preprocess_input`. It modifies a float32 numpy
# array in place; your function must leave its input as it was.

# %%
def preprocess(images):
    """uint8 RGB (N, H, W, 3) -> a new float32 array (N, H, W, 3), DenseNet's preprocessing."""
    ### BEGIN SOLUTION
    return keras.applications.densenet.preprocess_input(np.array(images, dtype="float32"))
    ### END SOLUTION


# %% [markdown]
# ## Transfer learning with DenseNet121
#
# `densenet121_features(num_classes, weights, input_shape=(224, 224, 3))`:
# `keras.applications.DenseNet121(include_top=False, weights=weights,
# input_shape=input_shape)`, frozen (nothing of it trains, BatchNorm statistics
# included), under a new head: pooling, optional Dense/Dropout layers,
# `Dense(num_classes, activation="softmax")`. Compile like `build_densenet`.

# %%
def densenet121_features(num_classes, weights, input_shape=(224, 224, 3)):
    """A frozen DenseNet121 base and a new softmax head, compiled: (batch, *input_shape) -> (batch, num_classes)."""
    ### BEGIN SOLUTION
    base = keras.applications.DenseNet121(include_top=False, weights=weights, input_shape=input_shape)
    base.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="densenet121_features")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% [markdown]
# ## Experiments (not graded)
#
# The cells below are yours to change; the grader does not run them (it keeps
# only the definitions of your notebook). The `__name__` guard is always true
# in a notebook; it keeps importing this file as a module cheap.
#
# Expect the held-out accuracy to lag far behind the training accuracy over
# the first updates: at test time BatchNorm uses its moving averages
# (momentum 0.99), which take a few hundred updates to settle. Train for more
# epochs and watch the gap close.

# %%
if __name__ == "__main__":  # always true in the notebook; keeps `import densenet` cheap
    (train_x, train_y), (test_x, test_y), class_names = load_data()
    model = build_densenet(train_x.shape[1:], len(class_names), growth_rate=8, block_layers=(2, 2))
    model.summary()
    history = model.fit(train_x / 255.0, train_y, validation_data=(test_x / 255.0, test_y), epochs=10, batch_size=16, verbose=2)
    print(pd.DataFrame(history.history).round(3).tail(3))

# %%
if __name__ == "__main__":
    plt.plot(history.history["loss"], label="training")
    plt.plot(history.history["val_loss"], label="held-out")
    plt.xlabel("epoch")
    plt.ylabel("loss")
    plt.legend()
    plt.show()

# %%
if __name__ == "__main__":
    predicted = model.predict(test_x[:16] / 255.0).argmax(axis=-1)
    fig, axes = plt.subplots(2, 8, figsize=(12, 3.5))
    for ax, image, guess, truth in zip(axes.flat, test_x[:16], predicted, test_y[:16], strict=True):
        ax.imshow(image)
        ax.set_title(f"{class_names[guess]}\n({class_names[truth]})", color="green" if guess == truth else "red", fontsize=8)
        ax.axis("off")
    plt.show()
