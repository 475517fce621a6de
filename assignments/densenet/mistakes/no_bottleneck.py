"""dense_layer ignores its bottleneck flag: never a 1x1 convolution."""

EXPECT_FAILED = ["dense_layer_bottleneck"]


def dense_layer(x, growth_rate, bottleneck=True):
    y = layers.BatchNormalization()(x)
    y = layers.ReLU()(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False)(y)
    return layers.Concatenate()([x, y])
