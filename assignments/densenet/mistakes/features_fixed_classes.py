"""densenet121_features hard-codes 10 classes and compiles with one-hot cross-entropy."""

EXPECT_FAILED = ["features_output", "features_compiled"]


def densenet121_features(num_classes, weights, input_shape=(224, 224, 3)):
    base = keras.applications.DenseNet121(include_top=False, weights=weights, input_shape=input_shape)
    base.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
