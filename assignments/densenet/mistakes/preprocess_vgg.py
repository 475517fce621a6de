"""preprocess uses VGG's preprocess_input (BGR, means subtracted, no scaling) instead of DenseNet's."""

EXPECT_FAILED = ["preprocess_matches_densenet"]


def preprocess(images):
    return keras.applications.vgg16.preprocess_input(np.array(images, dtype="float32"))
