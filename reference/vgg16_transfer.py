# %% [markdown]
# # Lab `vgg16_transfer`: transfer learning with VGG16
#
# You will build an image classifier on top of VGG16's convolutional base:
# prepare images the way VGG16 was trained on them, put a new classification
# head on the frozen base, and then fine-tune the last convolutional block.
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
import keras
import numpy as np
from keras import layers

# %% [markdown]
# ## Preprocessing
#
# VGG16 was trained on BGR images with the ImageNet channel means subtracted
# and no scaling: that is what `keras.applications.vgg16.preprocess_input`
# does. Careful: it modifies a float32 numpy array in place, and your function
# must leave its input as it was.

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
