"""transition_layer pools with MaxPooling2D instead of average pooling."""

EXPECT_FAILED = ["transition_pooling"]


def transition_layer(x, compression=0.5):
    channels = max(1, int(compression * x.shape[-1]))
    y = layers.BatchNormalization()(x)
    y = layers.ReLU()(y)
    y = layers.Conv2D(channels, 1, padding="same", use_bias=False)(y)
    return layers.MaxPooling2D(pool_size=2, strides=2)(y)
