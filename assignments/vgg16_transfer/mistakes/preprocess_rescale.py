"""preprocess scales pixels by 1/255 instead of VGG16's preprocessing."""

EXPECT_FAILED = ["preprocess_matches_vgg16"]


def preprocess(images):
    return np.asarray(images, dtype="float32") / 255.0
