"""build_densenet compiles with categorical (one-hot) cross-entropy and no metric; the labels are class ids."""

EXPECT_FAILED = ["compiled_loss_metric"]


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
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    return model
