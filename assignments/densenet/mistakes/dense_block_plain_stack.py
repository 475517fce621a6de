"""dense_block keeps every layer's output, but each layer reads only the previous layer's output (a plain stack)."""

EXPECT_FAILED = ["dense_block_connectivity"]


def dense_block(x, num_layers, growth_rate):
    features = [x]
    h = x
    for _ in range(num_layers):
        h = layers.BatchNormalization()(h)
        h = layers.ReLU()(h)
        h = layers.Conv2D(4 * growth_rate, 1, padding="same", use_bias=False)(h)
        h = layers.BatchNormalization()(h)
        h = layers.ReLU()(h)
        h = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False)(h)
        features.append(h)
    return layers.Concatenate()(features)
