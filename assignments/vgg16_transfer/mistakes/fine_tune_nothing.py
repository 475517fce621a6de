"""fine_tune matches no layer name ("block_5_", not "block5_"), so it unfreezes nothing."""

EXPECT_FAILED = ["fine_tune_trainable_blocks", "fine_tune_updates_block5"]


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    base = model.get_layer("vgg16")
    base.trainable = True
    unfrozen = tuple(f"block_{b}_" for b in range(6 - num_blocks, 6))
    for layer in base.layers:
        layer.trainable = layer.name.startswith(unfrozen)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
