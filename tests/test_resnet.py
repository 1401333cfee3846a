"""IdentityBlock / ConvolutionalBlock against the course's expected outputs and against the
course's own functional code (Keras layers, weights copied in); shapes, save/load, validation,
and the small ResNet and its plain twin."""
import numpy as np
import keras
import pytest

from tfcourse.layers import ConvolutionalBlock, IdentityBlock
from tfcourse.resnet import small_resnet, weight_layer_depth

ONES = keras.initializers.Constant(1.0)


def _course_x():
    """The course's test input: three 4×4×3 images of −1, 1 and 3."""
    return np.concatenate([np.ones((1, 4, 4, 3)) * -1, np.ones((1, 4, 4, 3)),
                           np.ones((1, 4, 4, 3)) * 3]).astype("float32")


def _course_block(input_shape, f, filters, s=None):
    """The course's identity_block (s=None) / convolutional_block as a functional Keras model."""
    F1, F2, F3 = filters
    L = keras.layers
    x_in = keras.Input(input_shape)
    x = L.Conv2D(F1, 1, strides=s or 1, padding="valid", name="conv_a")(x_in)
    x = L.Activation("relu")(L.BatchNormalization(axis=3, name="bn_a")(x))
    x = L.Conv2D(F2, f, strides=1, padding="same", name="conv_b")(x)
    x = L.Activation("relu")(L.BatchNormalization(axis=3, name="bn_b")(x))
    x = L.BatchNormalization(axis=3, name="bn_c")(
        L.Conv2D(F3, 1, strides=1, padding="valid", name="conv_c")(x))
    shortcut = x_in
    if s is not None:
        shortcut = L.BatchNormalization(axis=3, name="bn_shortcut")(
            L.Conv2D(F3, 1, strides=s, padding="valid", name="conv_shortcut")(x_in))
    x = L.Activation("relu")(L.Add()([x, shortcut]))
    return keras.Model(x_in, x)


def _copy_into_block(course_model, block):
    """Copy the course model's conv/BN weights into the block's layer of the same name."""
    names = ["conv_a", "bn_a", "conv_b", "bn_b", "conv_c", "bn_c"]
    if isinstance(block, ConvolutionalBlock):
        names += ["conv_shortcut", "bn_shortcut"]
    for name in names:
        getattr(block, name).set_weights(course_model.get_layer(name).get_weights())


# --- the course's published expected outputs -----------------------------------------------

def test_identity_block_course_expected_output_inference():
    block = IdentityBlock((4, 4, 3), kernel_size=2, kernel_initializer=ONES)
    A = np.asarray(block(_course_x(), training=False))
    assert A.shape == (3, 4, 4, 3) and np.all(A >= 0)
    resume = A[:, (0, -1), :, :].mean(axis=3)
    np.testing.assert_allclose(resume, [[[0, 0, 0, 0], [0, 0, 0, 0]],
                                        [[192.71236, 192.71236, 192.71236, 96.85619],
                                         [96.85619, 96.85619, 96.85619, 48.9281]],
                                        [[578.1371, 578.1371, 578.1371, 290.56854],
                                         [290.56854, 290.56854, 290.56854, 146.78427]]],
                               atol=1e-3)


def test_identity_block_course_expected_output_training():
    block = IdentityBlock((3, 3, 3), kernel_size=3, kernel_initializer=ONES)
    A = np.asarray(block(_course_x(), training=True))
    resume = A[:, (0, -1), :, :].mean(axis=3)
    # the course's notebook versions print 0.37394285 / 0.37390518 / 0.373974 here (their
    # BatchNormalization variance computations differ in the fifth digit)
    np.testing.assert_allclose(resume, [[[0, 0, 0, 0], [0, 0, 0, 0]],
                                        [[0.37394285] * 4, [0.37394285] * 4],
                                        [[3.2379014, 4.1394243, 4.1394243, 3.2379014],
                                         [3.2379014, 4.1394243, 4.1394243, 3.2379014]]],
                               atol=2e-4)


def test_convolutional_block_course_shapes():
    x = _course_x()
    assert tuple(ConvolutionalBlock((2, 4, 6), kernel_size=2, strides=4)(x).shape) == (3, 1, 1, 6)
    assert tuple(ConvolutionalBlock((2, 4, 6), kernel_size=2)(x).shape) == (3, 2, 2, 6)
    block = ConvolutionalBlock((2, 4, 6), kernel_size=2)
    assert tuple(block.compute_output_shape((None, 4, 4, 3))) == (None, 2, 2, 6)


# --- the course's functional code, same weights ---------------------------------------------

@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("kind", ["identity", "convolutional"])
def test_block_matches_course_functional_code(kind, training):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 6, 6, 8)).astype("float32")
    if kind == "identity":
        course = _course_block((6, 6, 8), 3, (4, 5, 8))
        block = IdentityBlock((4, 5, 8), kernel_size=3)
    else:
        course = _course_block((6, 6, 8), 3, (4, 5, 12), s=2)
        block = ConvolutionalBlock((4, 5, 12), kernel_size=3, strides=2)
    block.build(x.shape)
    # non-trivial BN statistics, so that inference mode is a real check
    for layer in course.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            n = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, n), rng.normal(0, 0.2, n),
                               rng.normal(0, 0.2, n), rng.uniform(0.5, 2.0, n)])
    _copy_into_block(course, block)
    ours = np.asarray(block(x, training=training))
    theirs = np.asarray(course(x, training=training))
    assert ours.shape == theirs.shape
    assert np.max(np.abs(ours - theirs)) < 1e-5


def test_plain_blocks_drop_only_the_shortcut():
    x = np.random.default_rng(1).standard_normal((2, 6, 6, 8)).astype("float32")
    res = ConvolutionalBlock((4, 4, 8), strides=2)
    plain = ConvolutionalBlock((4, 4, 8), strides=2, residual=False)
    res.build(x.shape)
    plain.build(x.shape)
    for name in ("conv_a", "bn_a", "conv_b", "bn_b", "conv_c", "bn_c"):
        getattr(plain, name).set_weights(getattr(res, name).get_weights())
    assert len(res.weights) - len(plain.weights) == 2 + 4  # the shortcut's conv and BN
    main = res.bn_c(res.conv_c(keras.ops.relu(res.bn_b(res.conv_b(keras.ops.relu(
        res.bn_a(res.conv_a(x), training=False))), training=False))), training=False)
    np.testing.assert_allclose(np.asarray(plain(x, training=False)),
                               np.maximum(np.asarray(main), 0), atol=1e-6)
    # an identity block without the skip does not need matching channels
    assert tuple(IdentityBlock((4, 4, 5), residual=False)(x).shape) == (2, 6, 6, 5)


# --- serialization --------------------------------------------------------------------------

def test_blocks_save_and_load(tmp_path):
    model = small_resnet(input_shape=(8, 8, 1), num_classes=3, stages=((2, 2, 4), (4, 4, 8)),
                         blocks_per_stage=2)
    rng = np.random.default_rng(2)
    x = rng.random((16, 8, 8, 1)).astype("float32")
    for w in model.weights:  # every weight, moving statistics included, away from its initial value
        w.assign(rng.uniform(0.5, 1.5, w.shape).astype("float32"))
    path = tmp_path / "resnet.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.get_layer("stage2_block1"), ConvolutionalBlock)
    assert isinstance(loaded.get_layer("stage2_block2"), IdentityBlock)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


def test_get_config_round_trip():
    block = ConvolutionalBlock((2, 3, 4), kernel_size=5, strides=3, residual=False,
                               kernel_initializer=ONES, name="b")
    clone = ConvolutionalBlock.from_config(block.get_config())
    assert (clone.filters, clone.kernel_size, clone.strides, clone.residual, clone.name) == \
        ((2, 3, 4), 5, 3, False, "b")
    assert IdentityBlock.from_config(IdentityBlock((1, 1, 1), momentum=0.9).get_config()) \
        .bn_b.momentum == 0.9
    assert isinstance(clone.kernel_initializer, keras.initializers.Constant)
    ident = IdentityBlock.from_config(IdentityBlock((1, 2, 3), kernel_size=2).get_config())
    assert (ident.filters, ident.kernel_size, ident.residual) == ((1, 2, 3), 2, True)


# --- validation -----------------------------------------------------------------------------

@pytest.mark.parametrize("make, match", [
    (lambda: IdentityBlock((4, 4)), "filters"),
    (lambda: IdentityBlock((4, 0, 3)), "filters"),
    (lambda: IdentityBlock((4, 4, 3), kernel_size=0), "kernel_size"),
    (lambda: ConvolutionalBlock((4, 4, 3), strides=0), "strides"),
    (lambda: ConvolutionalBlock((4, 4, 3), residual="yes"), "residual"),
    (lambda: IdentityBlock((4, 4, 3), momentum=1.0), "momentum"),
    (lambda: IdentityBlock((4, 4, 3))(np.ones((1, 4, 4, 5), "float32")), "channels"),
    (lambda: small_resnet(blocks_per_stage=0), "blocks_per_stage"),
    (lambda: small_resnet(stages=()), "stages"),
])
def test_bad_arguments_name_the_argument(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# --- the small ResNet and its plain twin ----------------------------------------------------

def test_resnet_and_plain_twin_have_the_same_depth():
    resnet = small_resnet(blocks_per_stage=3)
    plain = small_resnet(blocks_per_stage=3, residual=False)
    assert weight_layer_depth(resnet) == weight_layer_depth(plain) == 2 + 2 * 3 * 3
    assert resnet.output_shape == plain.output_shape == (None, 10)
    assert resnet.get_layer("stage2_block1").compute_output_shape((None, 8, 8, 32)) == \
        (None, 4, 4, 64)
    # the plain twin only lacks the shortcut convolutions (one per stage)
    conv_params = 32 * 64 + 16 * 32  # 1×1 shortcut kernels of stage 2 and stage 1
    assert resnet.count_params() - plain.count_params() == conv_params + 64 + 32 + 4 * (64 + 32)
