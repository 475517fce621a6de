"""fine_tune unfreezes the whole base instead of the last block."""

EXPECT_FAILED = ["fine_tune_trainable_blocks", "fine_tune_updates_block5"]


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    model.get_layer("vgg16").trainable = True
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
