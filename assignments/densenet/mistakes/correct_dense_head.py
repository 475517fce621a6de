"""Correct: DenseNet121 nested with training=False under a Dense(256)+Dropout(0.5) head, frozen layer by layer; RMSprop 1e-4."""

EXPECT_FAILED = []


def densenet121_features(num_classes, weights, input_shape=(224, 224, 3)):
    base = keras.applications.DenseNet121(weights=weights, include_top=False, input_shape=input_shape)
    for layer in base.layers:
        layer.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model
