"""dense_layer adds its new features to the input (a ResNet block) instead of concatenating them."""

EXPECT_FAILED = ["dense_layer_channels", "dense_layer_keeps_input", "dense_layer_bottleneck", "dense_layer_params"]


def dense_layer(x, growth_rate, bottleneck=True):
    y = layers.BatchNormalization()(x)
    y = layers.ReLU()(y)
    if bottleneck:
        y = layers.Conv2D(4 * growth_rate, 1, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        y = layers.ReLU()(y)
    y = layers.Conv2D(x.shape[-1], 3, padding="same", use_bias=False)(y)
    return layers.Add()([x, y])
