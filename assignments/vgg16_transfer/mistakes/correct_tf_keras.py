"""Correct: the tf.keras spelling, a functional model on base.output (no nested base), Dropout 0.2, Adam 1e-4."""

import tensorflow as tf

EXPECT_FAILED = []


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base_model = tf.keras.applications.VGG16(input_shape=input_shape, include_top=False, weights=weights)
    base_model.trainable = False
    x = tf.keras.layers.GlobalAveragePooling2D()(base_model.output)
    x = tf.keras.layers.Dense(256, activation="relu")(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    predictions = tf.keras.layers.Dense(num_classes, activation="softmax")(x)
    model = tf.keras.Model(inputs=base_model.input, outputs=predictions)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.0001),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    return model


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    trainable_blocks = tuple(f"block{5 - i}" for i in range(num_blocks))
    for layer in model.layers:
        if layer.name.startswith("block"):
            layer.trainable = layer.name.startswith(trainable_blocks)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    return model
