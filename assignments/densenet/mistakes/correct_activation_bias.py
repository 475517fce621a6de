"""Correct: Activation("relu") and convolutions with biases, a bn_relu_conv helper, Adam's defaults ("adam"), no final BN-ReLU."""

EXPECT_FAILED = []


def bn_relu_conv(x, filters, kernel_size):
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    return layers.Conv2D(filters, kernel_size, padding="same")(x)


def dense_layer(x, growth_rate, bottleneck=True):
    y = x
    if bottleneck:
        y = bn_relu_conv(y, 4 * growth_rate, 1)
    y = bn_relu_conv(y, growth_rate, 3)
    return layers.concatenate([x, y])


def dense_block(x, num_layers, growth_rate):
    for _ in range(num_layers):
        x = dense_layer(x, growth_rate=growth_rate, bottleneck=True)
    return x


def transition_layer(x, compression=0.5):
    n_filters = int(x.shape[-1] * compression)
    x = bn_relu_conv(x, max(n_filters, 1), 1)
    return layers.AveragePooling2D(pool_size=(2, 2))(x)


def build_densenet(input_shape, num_classes, growth_rate=12, block_layers=(4, 4, 4), compression=0.5):
    img = keras.Input(input_shape)
    x = layers.Conv2D(2 * growth_rate, (3, 3), padding="same")(img)
    for i in range(len(block_layers)):
        x = dense_block(x, block_layers[i], growth_rate)
        if i != len(block_layers) - 1:
            x = transition_layer(x, compression=compression)
    x = layers.GlobalAveragePooling2D()(x)
    out = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs=img, outputs=out)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
