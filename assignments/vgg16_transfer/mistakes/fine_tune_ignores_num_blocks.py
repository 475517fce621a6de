"""fine_tune always unfreezes from block5_conv1 on (the textbook's loop), whatever num_blocks says."""

EXPECT_FAILED = ["fine_tune_trainable_blocks"]


def fine_tune(model, num_blocks=1, learning_rate=1e-5):
    base = model.get_layer("vgg16")
    base.trainable = True
    set_trainable = False
    for layer in base.layers:
        if layer.name == "block5_conv1":
            set_trainable = True
        layer.trainable = set_trainable
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
