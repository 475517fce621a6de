"""Correct: a dense block that keeps a list of feature maps and concatenates it before each layer; Adam 1e-2."""

EXPECT_FAILED = []


def dense_block(x, num_layers, growth_rate):
    features = [x]
    for _ in range(num_layers):
        inputs = features[0] if len(features) == 1 else layers.Concatenate()(features)
        y = layers.BatchNormalization()(inputs)
        y = layers.ReLU()(y)
        y = layers.Conv2D(4 * growth_rate, 1, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        y = layers.ReLU()(y)
        y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False)(y)
        features.append(y)
    return layers.Concatenate()(features)


def build_densenet(input_shape, num_classes, growth_rate=12, block_layers=(4, 4, 4), compression=0.5):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(2 * growth_rate, 3, padding="same", use_bias=False)(inputs)
    for i, num_layers in enumerate(block_layers):
        x = dense_block(x, num_layers, growth_rate)
        if i < len(block_layers) - 1:
            x = transition_layer(x, compression)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
