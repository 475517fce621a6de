"""The head has a fixed 5 outputs (the notebook's own class count) instead of num_classes."""

EXPECT_FAILED = ["output_shape"]

NUM_CLASSES = 5


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base = keras.applications.VGG16(include_top=False, weights=weights, input_shape=input_shape)
    base.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
