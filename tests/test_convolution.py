"""The hand-written convolution and pooling forward passes against Keras's layers and against the
course's published expected outputs.

Padding: the course pads p zeros on every side. Keras's "valid" is p = 0, and any symmetric p is
``ZeroPadding2D(p)`` followed by a "valid" convolution, which is how arbitrary p is tested here.
Keras's "same" pads ``total = max((⌈n/s⌉ − 1)·s + f − n, 0)`` zeros, ``⌊total/2⌋`` before and
the rest after: it equals a symmetric p only when ``total`` is even (e.g. stride 1 with an odd f),
so "same" is compared only in such cases; ``test_keras_same_is_asymmetric_for_even_kernels``
pins down the case where it is not.
"""
import numpy as np
import keras
import pytest

from tfcourse.convolution import (conv_forward, conv_output_size, conv_single_step,
                                  pool_forward, zero_pad)

TOL = 1e-5


def _keras_conv(x, W, b, stride, padding="valid", pad=0):
    """Keras's Conv2D (after ZeroPadding2D(pad) if pad) with the weights W, b copied in."""
    f, _, _, n_c = W.shape
    layers = [keras.layers.ZeroPadding2D(pad)] if pad else []
    conv = keras.layers.Conv2D(n_c, f, strides=stride, padding=padding)
    model = keras.Sequential([keras.Input(x.shape[1:]), *layers, conv])
    conv.set_weights([W, b.reshape(-1)])
    return np.asarray(model(x))


def _random(rng, *shape):
    return rng.standard_normal(shape).astype("float32")


# (n_H, n_W, n_C_prev, f, n_C, stride): odd and even f, strides that do and do not divide evenly
VALID_CASES = [(5, 7, 4, 3, 8, 1), (5, 7, 4, 3, 8, 2), (8, 8, 3, 2, 5, 2), (9, 6, 2, 4, 3, 3),
               (6, 6, 1, 1, 4, 1), (7, 5, 3, 5, 2, 1)]


@pytest.mark.parametrize("n_h, n_w, c_prev, f, n_c, stride", VALID_CASES)
def test_conv_valid_matches_keras(n_h, n_w, c_prev, f, n_c, stride):
    rng = np.random.default_rng(f * 10 + stride)
    x, W, b = _random(rng, 3, n_h, n_w, c_prev), _random(rng, f, f, c_prev, n_c), _random(rng, n_c)
    ours = np.asarray(conv_forward(x, W, b.reshape(1, 1, 1, n_c), stride=stride, pad=0))
    theirs = _keras_conv(x, W, b, stride)
    assert ours.shape == theirs.shape == (3, conv_output_size(n_h, f, 0, stride),
                                          conv_output_size(n_w, f, 0, stride), n_c)
    assert np.max(np.abs(ours - theirs)) < TOL


@pytest.mark.parametrize("f, stride, pad", [(3, 1, 1), (3, 2, 1), (5, 2, 2), (2, 3, 1), (3, 1, 3),
                                            (4, 2, 1)])
def test_conv_symmetric_padding_matches_zeropadding_then_keras(f, stride, pad):
    rng = np.random.default_rng(100 + f + stride + pad)
    x, W, b = _random(rng, 2, 7, 6, 3), _random(rng, f, f, 3, 4), _random(rng, 4)
    ours = np.asarray(conv_forward(x, W, b, stride=stride, pad=pad))
    theirs = _keras_conv(x, W, b, stride, pad=pad)
    assert ours.shape == theirs.shape
    assert ours.shape[1:3] == (conv_output_size(7, f, pad, stride),
                               conv_output_size(6, f, pad, stride))
    assert np.max(np.abs(ours - theirs)) < TOL


# "same" where Keras's padding is symmetric: total = (⌈n/s⌉ − 1)·s + f − n is even
@pytest.mark.parametrize("n, f, stride", [(6, 3, 1), (7, 5, 1), (7, 3, 2), (9, 3, 2), (8, 1, 1)])
def test_conv_same_matches_keras_when_symmetric(n, f, stride):
    total = max((-(-n // stride) - 1) * stride + f - n, 0)
    assert total % 2 == 0  # the case is one where the course's p = total/2 is Keras's padding
    rng = np.random.default_rng(n * f * stride)
    x, W, b = _random(rng, 2, n, n, 2), _random(rng, f, f, 2, 3), _random(rng, 3)
    ours = np.asarray(conv_forward(x, W, b, stride=stride, pad=total // 2))
    theirs = _keras_conv(x, W, b, stride, padding="same")
    assert ours.shape == theirs.shape == (2, -(-n // stride), -(-n // stride), 3)
    assert np.max(np.abs(ours - theirs)) < TOL


def test_keras_same_is_asymmetric_for_even_kernels():
    # f = 2, stride 1: Keras pads 0 rows above and 1 below — no symmetric p gives its output.
    rng = np.random.default_rng(7)
    x, W, b = _random(rng, 1, 5, 5, 1), _random(rng, 2, 2, 1, 1), np.zeros(1, "float32")
    theirs = _keras_conv(x, W, b, 1, padding="same")
    assert theirs.shape[1] == 5
    assert conv_output_size(5, 2, 0, 1) == 4 and conv_output_size(5, 2, 1, 1) == 6
    # what Keras does: one zero row/column after, none before
    padded = np.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0)))
    assert np.max(np.abs(np.asarray(conv_forward(padded, W, b)) - theirs)) < TOL


@pytest.mark.parametrize("mode, layer", [("max", keras.layers.MaxPooling2D),
                                         ("average", keras.layers.AveragePooling2D)])
@pytest.mark.parametrize("f, stride", [(2, 2), (3, 1), (3, 2), (2, 1), (4, 3)])
def test_pool_matches_keras(mode, layer, f, stride):
    rng = np.random.default_rng(f * 7 + stride)
    x = _random(rng, 3, 9, 8, 4)
    ours = np.asarray(pool_forward(x, f=f, stride=stride, mode=mode))
    theirs = np.asarray(layer(pool_size=f, strides=stride, padding="valid")(x))
    assert ours.shape == theirs.shape == (3, conv_output_size(9, f, 0, stride),
                                          conv_output_size(8, f, 0, stride), 4)
    assert np.max(np.abs(ours - theirs)) < TOL


# --- the course's own expected outputs (NumPy seeds, float64) ---------------------------------

def test_zero_pad_course_example():
    np.random.seed(1)
    x = np.random.randn(4, 3, 3, 2)
    x_pad = np.asarray(zero_pad(x, 3))
    assert x_pad.shape == (4, 9, 9, 2)
    assert np.all(x_pad[:, :3] == 0) and np.all(x_pad[:, :, -3:] == 0)
    np.testing.assert_array_equal(x_pad[:, 3:6, 3:6, :], x)


def test_conv_single_step_course_example():
    np.random.seed(3)
    a_slice_prev = np.random.randn(5, 5, 3)
    W = np.random.randn(5, 5, 3)
    b = np.random.randn(1, 1, 1)
    assert np.isclose(float(conv_single_step(a_slice_prev, W, b)), -3.5443670581382474)


def test_conv_forward_course_example():
    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 7, 4)
    W = np.random.randn(3, 3, 4, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z = np.asarray(conv_forward(A_prev, W, b, stride=2, pad=1))
    assert Z.shape == (2, 3, 4, 8)
    assert np.isclose(Z.mean(), 0.5511276474566768)
    np.testing.assert_allclose(Z[0, 2, 1], [-2.17796037, 8.07171329, -0.5772704, 3.36286738,
                                            4.48113645, -2.89198428, 10.99288867, 3.03171932],
                               rtol=1e-7)
    # and one output is conv_single_step on its window
    A_pad = np.asarray(zero_pad(A_prev, 1))
    window = A_pad[0, 2 * 2:2 * 2 + 3, 1 * 2:1 * 2 + 3, :]
    assert np.isclose(float(conv_single_step(window, W[..., 5], b[..., 5])), Z[0, 2, 1, 5])


def test_pool_forward_course_example():
    np.random.seed(1)
    A_prev = np.random.randn(2, 5, 5, 3)
    A = np.asarray(pool_forward(A_prev, f=3, stride=1, mode="max"))
    assert A.shape == (2, 3, 3, 3)
    np.testing.assert_allclose(A[1, 1], [[1.96710175, 0.84616065, 1.27375593],
                                         [1.96710175, 0.84616065, 1.23616403],
                                         [1.62765075, 1.12141771, 1.2245077]], rtol=1e-7)
    A = np.asarray(pool_forward(A_prev, f=3, stride=1, mode="average"))
    np.testing.assert_allclose(A[1, 1], [[0.44497696, -0.00261695, -0.31040307],
                                         [0.50811474, -0.23493734, -0.23961183],
                                         [0.11872677, 0.17255229, -0.22112197]], atol=1e-7)
    assert np.asarray(pool_forward(A_prev, f=3, stride=2)).shape == (2, 2, 2, 3)


def test_output_size_formula_matches_keras():
    for n in (5, 6, 7, 8):
        for f in (1, 2, 3):
            for s in (1, 2, 3):
                layer = keras.layers.Conv2D(1, f, strides=s)
                assert layer.compute_output_shape((None, n, n, 1))[1] == conv_output_size(n, f, 0, s)
    assert conv_output_size(64, 7, pad=3, stride=2) == 32  # ResNet-50's stem on 64×64


# --- argument validation --------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: conv_forward(np.ones((1, 4, 4, 2)), np.ones((3, 3, 2, 1)), np.zeros(1), pad=-1), "pad"),
    (lambda: conv_forward(np.ones((1, 4, 4, 2)), np.ones((3, 3, 2, 1)), np.zeros(1), stride=0), "stride"),
    (lambda: conv_forward(np.ones((1, 4, 4, 2)), np.ones((3, 3, 3, 1)), np.zeros(1)), "n_C_prev"),
    (lambda: conv_forward(np.ones((1, 4, 4, 2)), np.ones((3, 3, 2, 2)), np.zeros(3)), "`b` must"),
    (lambda: conv_forward(np.ones((1, 4, 4, 2)), np.ones((3, 2, 2, 1)), np.zeros(1)), "square"),
    (lambda: conv_forward(np.ones((4, 4, 2)), np.ones((3, 3, 2, 1)), np.zeros(1)), "A_prev"),
    (lambda: conv_forward(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)), np.zeros(1)), "`f` must"),
    (lambda: pool_forward(np.ones((1, 4, 4, 1)), f=2, stride=2, mode="min"), "mode"),
    (lambda: pool_forward(np.ones((1, 4, 4, 1)), f=0, stride=2), "`f` must"),
    (lambda: pool_forward(np.ones((1, 4, 4, 1)), f=2, stride=1.5), "stride"),
    (lambda: zero_pad(np.ones((1, 4, 4, 1)), True), "pad"),
    (lambda: conv_single_step(np.ones((2, 2, 1)), np.ones((3, 3, 1)), 0.0), "`W` must"),
])
def test_bad_arguments_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- depthwise-separable cost arithmetic (Course 4, week 2 lecture) ------------------------------
def test_multiplications_lecture_example():
    from tfcourse.convolution import multiplications

    cost = multiplications(6, 6, 3, f=3, n_C=5)
    assert cost["normal"] == 2160
    assert (cost["depthwise"], cost["pointwise"], cost["separable"]) == (432, 240, 672)
    assert cost["ratio"] == pytest.approx(1 / 5 + 1 / 9)


@pytest.mark.parametrize("n, c_prev, f, n_c, stride, pad", [(6, 3, 3, 5, 1, 0),
                                                            (9, 4, 3, 7, 2, 1),
                                                            (8, 2, 5, 3, 1, 2)])
def test_multiplications_match_keras_kernels_times_positions(n, c_prev, f, n_c, stride, pad):
    """Each kernel weight is used once per output position: the Keras layers' kernel sizes
    times the output's n_H·n_W give the same counts."""
    import keras

    from tfcourse.convolution import multiplications

    x = keras.Input((n + 2 * pad, n + 2 * pad, c_prev))
    normal = keras.layers.Conv2D(n_c, f, strides=stride)
    separable = keras.layers.SeparableConv2D(n_c, f, strides=stride)
    out = normal(x)
    separable(x)
    positions = out.shape[1] * out.shape[2]
    cost = multiplications(n, n, c_prev, f, n_c, stride=stride, pad=pad)
    assert cost["normal"] == int(np.prod(normal.kernel.shape)) * positions
    assert cost["depthwise"] == int(np.prod(separable.depthwise_kernel.shape)) * positions
    assert cost["pointwise"] == int(np.prod(separable.pointwise_kernel.shape)) * positions
