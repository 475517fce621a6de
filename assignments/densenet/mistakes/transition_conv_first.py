"""transition_layer convolves first and normalises after (conv -> BN -> ReLU -> pooling)."""

EXPECT_FAILED = ["transition_preactivation"]


def transition_layer(x, compression=0.5):
    channels = max(1, int(compression * x.shape[-1]))
    y = layers.Conv2D(channels, 1, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    return layers.AveragePooling2D(pool_size=2, strides=2)(y)
