"""preprocess hands the caller's array to preprocess_input, which changes a float32 array in place."""

EXPECT_FAILED = ["preprocess_keeps_input"]


def preprocess(images):
    return keras.applications.densenet.preprocess_input(images)
