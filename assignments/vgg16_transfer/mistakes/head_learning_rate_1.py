"""build_model compiles with Adam(learning_rate=1.0) (the exponent of 1e-3 lost): training diverges."""

# The grader's own regimen trains this architecture well (heldout_accuracy passes): only the
# student's optimizer settings are wrong, and own_optimizer_trains says so.
EXPECT_FAILED = ["own_optimizer_trains"]


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base = keras.applications.VGG16(include_top=False, weights=weights, input_shape=input_shape)
    base.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1.0), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
