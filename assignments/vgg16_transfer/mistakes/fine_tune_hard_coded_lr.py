"""fine_tune recompiles with a fixed 1e-5 instead of the learning_rate it is given."""

EXPECT_FAILED = ["fine_tune_learning_rate"]


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    base = model.get_layer("vgg16")
    base.trainable = True
    unfrozen = tuple(f"block{b}_" for b in range(6 - num_blocks, 6))
    for layer in base.layers:
        layer.trainable = layer.name.startswith(unfrozen)
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
