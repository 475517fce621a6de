"""preprocess applies VGG16's preprocessing twice."""

EXPECT_FAILED = ["preprocess_matches_vgg16"]


def preprocess(images):
    once = keras.applications.vgg16.preprocess_input(np.array(images, dtype="float32"))
    return keras.applications.vgg16.preprocess_input(once)
