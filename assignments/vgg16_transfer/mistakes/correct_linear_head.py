"""Correct: the keras.io guide's head (GAP, Dropout 0.2, one Dense softmax: no hidden layer), Adam() defaults."""

EXPECT_FAILED = []


def build_model(num_classes, input_shape=(224, 224, 3), weights="imagenet"):
    base_model = keras.applications.VGG16(weights=weights, input_shape=input_shape, include_top=False)
    base_model.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = base_model(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.2)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    base_model = model.layers[1]
    base_model.trainable = True
    for layer in base_model.layers:
        if not any(layer.name.startswith(f"block{6 - b}") for b in range(1, num_blocks + 1)):
            layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model
