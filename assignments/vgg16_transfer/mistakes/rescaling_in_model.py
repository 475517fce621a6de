"""The model rescales its input by 1/255 (Rescaling layer) on top of VGG16's preprocessing."""

EXPECT_FAILED = ["heldout_accuracy"]


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base = keras.applications.VGG16(include_top=False, weights=weights, input_shape=input_shape)
    base.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
