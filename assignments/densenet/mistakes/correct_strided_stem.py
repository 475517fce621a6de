"""Correct: a 5x5 stride-2 stem with BN-ReLU, SGD with momentum at 0.1 (the paper's), a preprocess on np.float32 copies."""

EXPECT_FAILED = []


def build_densenet(input_shape, num_classes, growth_rate=12, block_layers=(4, 4, 4), compression=0.5):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(32, 5, strides=2, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for i, num_layers in enumerate(block_layers):
        x = dense_block(x, num_layers, growth_rate)
        if i + 1 < len(block_layers):
            x = transition_layer(x, compression)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model


def preprocess(images):
    x = images.astype(np.float32).copy()
    return keras.applications.densenet.preprocess_input(x)
