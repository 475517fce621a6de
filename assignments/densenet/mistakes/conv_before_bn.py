"""dense_layer puts each convolution before BatchNorm and ReLU (post-activation, as in a plain CNN)."""

EXPECT_FAILED = ["dense_layer_preactivation"]


def dense_layer(x, growth_rate, bottleneck=True):
    y = x
    if bottleneck:
        y = layers.Conv2D(4 * growth_rate, 1, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        y = layers.ReLU()(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    return layers.Concatenate()([x, y])
