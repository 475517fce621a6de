"""Correct: the tf.keras spelling, AvgPool2D, RMSprop 1e-3, DenseNet121 flattened (Model(base.input, ...)) under a Dense+Dropout head."""

import tensorflow as tf

EXPECT_FAILED = []


def dense_layer(x, growth_rate, bottleneck=True):
    h = tf.keras.layers.BatchNormalization()(x)
    h = tf.keras.layers.ReLU()(h)
    if bottleneck:
        h = tf.keras.layers.Conv2D(filters=4 * growth_rate, kernel_size=1, padding="same", use_bias=False)(h)
        h = tf.keras.layers.BatchNormalization()(h)
        h = tf.keras.layers.ReLU()(h)
    h = tf.keras.layers.Conv2D(filters=growth_rate, kernel_size=3, padding="same", use_bias=False)(h)
    return tf.keras.layers.Concatenate(axis=-1)([x, h])


def dense_block(x, num_layers, growth_rate):
    for _ in range(num_layers):
        x = dense_layer(x, growth_rate)
    return x


def transition_layer(x, compression=0.5):
    h = tf.keras.layers.BatchNormalization()(x)
    h = tf.keras.layers.ReLU()(h)
    h = tf.keras.layers.Conv2D(max(1, int(compression * x.shape[-1])), 1, padding="same", use_bias=False)(h)
    return tf.keras.layers.AvgPool2D(2, 2)(h)


def build_densenet(input_shape, num_classes, growth_rate=12, block_layers=(4, 4, 4), compression=0.5):
    inputs = tf.keras.Input(shape=input_shape)
    x = tf.keras.layers.Conv2D(2 * growth_rate, 3, padding="same", use_bias=False)(inputs)
    for index, n in enumerate(block_layers):
        x = dense_block(x, n, growth_rate)
        if index < len(block_layers) - 1:
            x = transition_layer(x, compression)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.ReLU()(x)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(num_classes, activation="softmax")(x)
    model = tf.keras.Model(inputs, outputs)
    model.compile(optimizer=tf.keras.optimizers.RMSprop(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model


def densenet121_features(num_classes, weights, input_shape=(224, 224, 3)):
    base_model = tf.keras.applications.DenseNet121(include_top=False, weights=weights, input_shape=input_shape)
    base_model.trainable = False
    x = tf.keras.layers.GlobalAveragePooling2D()(base_model.output)
    x = tf.keras.layers.Dense(128, activation="relu")(x)
    x = tf.keras.layers.Dropout(0.2)(x)
    predictions = tf.keras.layers.Dense(num_classes, activation="softmax")(x)
    model = tf.keras.Model(inputs=base_model.input, outputs=predictions)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-4),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
