"""Correct: Sequential([base, Flatten, Dense, Dropout 0.5, Dense]) at RMSprop 1e-4, the base frozen layer by layer."""

EXPECT_FAILED = []


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    conv_base = keras.applications.VGG16(weights=weights, include_top=False, input_shape=input_shape)
    for layer in conv_base.layers:
        layer.trainable = False
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        conv_base,
        layers.Flatten(),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    conv_base = model.layers[0]
    unfreeze = [f"block{i}" for i in range(6 - num_blocks, 6)]
    for layer in conv_base.layers:
        layer.trainable = layer.name.split("_")[0] in unfreeze
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
