"""transition_layer pools 2x2 with stride 1: the spatial size is not halved."""

EXPECT_FAILED = ["transition_pooling"]


def transition_layer(x, compression=0.5):
    channels = max(1, int(compression * x.shape[-1]))
    y = layers.BatchNormalization()(x)
    y = layers.ReLU()(y)
    y = layers.Conv2D(channels, 1, padding="same", use_bias=False)(y)
    return layers.AveragePooling2D(pool_size=2, strides=1, padding="same")(y)
