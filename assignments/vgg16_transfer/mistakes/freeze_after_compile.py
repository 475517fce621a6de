"""Not a mistake: the base is frozen after compile but before the first fit, which takes effect in Keras 3."""

EXPECT_FAILED = []


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base = keras.applications.VGG16(include_top=False, weights=weights, input_shape=input_shape)
    model = keras.Sequential([keras.Input(shape=input_shape), base, layers.Flatten(),
                              layers.Dense(128, activation="relu"), layers.Dropout(0.3),
                              layers.Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    base.trainable = False
    return model


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    base = model.layers[0]
    base.trainable = True
    for layer in base.layers[:-4 * num_blocks]:
        layer.trainable = False
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
