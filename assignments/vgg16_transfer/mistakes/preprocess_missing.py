"""preprocess only converts to float32: no BGR order, no mean subtraction."""

EXPECT_FAILED = ["preprocess_matches_vgg16"]


def preprocess(images):
    return np.asarray(images, dtype="float32")
