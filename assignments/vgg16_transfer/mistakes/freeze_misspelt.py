"""The freeze loop misspells the attribute (layer.trainabel = False), so it freezes nothing."""

EXPECT_FAILED = ["base_frozen_params", "base_no_gradient", "base_unchanged_by_training", "heldout_accuracy"]


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base = keras.applications.VGG16(include_top=False, weights=weights, input_shape=input_shape)
    for layer in base.layers:
        layer.trainabel = False
    inputs = keras.Input(shape=input_shape)
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
