"""densenet121_features leaves the DenseNet121 base trainable (it trains with the head)."""

EXPECT_FAILED = ["features_base_frozen", "features_unchanged_by_training"]


def densenet121_features(num_classes, weights, input_shape=(224, 224, 3)):
    base = keras.applications.DenseNet121(include_top=False, weights=weights, input_shape=input_shape)
    inputs = keras.Input(shape=input_shape)
    x = base(inputs)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
