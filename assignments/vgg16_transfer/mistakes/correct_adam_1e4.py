"""Correct: the textbook transfer-learning head (functional, GAP, Dense+Dropout 0.5) at Adam 1e-4; slicing fine_tune."""

EXPECT_FAILED = []


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base_model = keras.applications.VGG16(weights=weights, include_top=False, input_shape=input_shape)
    base_model.trainable = False

    inputs = keras.Input(shape=input_shape)
    x = base_model(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(256, activation="relu")(x)
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-4),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    base_model = model.get_layer("vgg16")
    base_model.trainable = True
    # Every VGG16 block ends with 3 conv layers and a pooling layer, except blocks 1-2 (2 convs).
    for layer in base_model.layers[:-4 * num_blocks]:
        layer.trainable = False
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
