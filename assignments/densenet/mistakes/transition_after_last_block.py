"""build_densenet puts a transition after every block, the last one included."""

EXPECT_FAILED = ["densenet_blocks"]


def build_densenet(input_shape, num_classes, growth_rate=12, block_layers=(4, 4, 4), compression=0.5):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(2 * growth_rate, 3, padding="same", use_bias=False)(inputs)
    for num_layers in block_layers:
        x = dense_block(x, num_layers, growth_rate)
        x = transition_layer(x, compression)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
