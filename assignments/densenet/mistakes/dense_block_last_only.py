"""dense_block chains its layers and concatenates only the last layer's output to the block input."""

EXPECT_FAILED = ["dense_block_channels", "dense_block_connectivity"]


def dense_block(x, num_layers, growth_rate):
    inputs = x
    for _ in range(num_layers):
        y = layers.BatchNormalization()(x)
        y = layers.ReLU()(y)
        y = layers.Conv2D(4 * growth_rate, 1, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        y = layers.ReLU()(y)
        x = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False)(y)
    return layers.Concatenate()([inputs, x])
