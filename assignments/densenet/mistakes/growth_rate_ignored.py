"""dense_layer always adds 12 channels (DenseNet-BC's usual k), whatever growth_rate it is given."""

EXPECT_FAILED = ["dense_layer_channels", "dense_layer_bottleneck", "dense_layer_params"]


def dense_layer(x, growth_rate, bottleneck=True):
    y = layers.BatchNormalization()(x)
    y = layers.ReLU()(y)
    if bottleneck:
        y = layers.Conv2D(4 * 12, 1, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        y = layers.ReLU()(y)
    y = layers.Conv2D(12, 3, padding="same", use_bias=False)(y)
    return layers.Concatenate()([x, y])
