"""Correct: Keras defaults (optimizer="adam"), VGG16(pooling="avg") in a Sequential, Dense(128) + Dropout(0.3)."""

EXPECT_FAILED = []


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base = keras.applications.VGG16(include_top=False, weights=weights, input_shape=input_shape, pooling="avg")
    base.trainable = False
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        base,
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(num_classes, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    base = model.get_layer("vgg16")
    base.trainable = True
    first = 6 - num_blocks
    for layer in base.layers:
        if layer.name.startswith("block"):
            layer.trainable = int(layer.name[5]) >= first
        else:
            layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
