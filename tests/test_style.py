"""tfcourse.style: the course's costs on its own test inputs, twins (einsum, Keras's MSE,
GradientTape), the train step, and the VGG-19 path on a weights file the test makes."""
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfcourse import style
from tfcourse.errors import DataError


# -- the course's expected outputs ------------------------------------------------------------------
def test_compute_content_cost_course_expected_output():
    tf.random.set_seed(1)
    a_C = tf.random.normal([1, 1, 4, 4, 3], mean=1, stddev=4)
    a_G = tf.random.normal([1, 1, 4, 4, 3], mean=1, stddev=4)
    J_content = style.compute_content_cost(a_C, a_G)
    assert np.isclose(style.compute_content_cost(a_C, a_C), 0.0)
    assert np.isclose(J_content, 7.0568767)
    # the notebook's layout: lists whose last entry is the content activation
    assert np.isclose(style.compute_content_cost([a_C[0]], [a_G[0]]), 7.0568767)


def test_gram_matrix_course_expected_output():
    """The assignment notebook's printed values. (Another published version of its tests has
    [63.193256, -26.729713, -7.732155]; TensorFlow 2.21 draws the notebook's numbers.)"""
    tf.random.set_seed(1)
    A = tf.random.normal([3, 2 * 1], mean=1, stddev=4)
    GA = style.gram_matrix(A)
    assert GA.shape == (3, 3)
    np.testing.assert_allclose(GA[0, :], [63.1888, -26.721275, -7.7320204], rtol=1e-5)
    np.testing.assert_allclose(GA, tf.linalg.einsum("cp,dp->cd", A, A), rtol=1e-6)


def test_compute_layer_style_cost_course_expected_output():
    """The notebook's 14.017805 (the other published test version: 14.01649, see above)."""
    tf.random.set_seed(1)
    a_S = tf.random.normal([1, 4, 4, 3], mean=1, stddev=4)
    a_G = tf.random.normal([1, 4, 4, 3], mean=1, stddev=4)
    assert np.isclose(style.compute_layer_style_cost(a_G, a_G), 0.0)
    J = style.compute_layer_style_cost(a_S, a_G)
    assert J > 0 and np.isclose(J, 14.017805)


def test_total_cost_course_expected_output():
    J = style.total_cost(0.2, 0.8)
    assert J == 34, "10 * 0.2 + 40 * 0.8"
    assert np.isclose(style.total_cost(0.3, 0.5, 3, 8), 4.9)


# -- twins -------------------------------------------------------------------------------------
def test_content_cost_is_a_quarter_of_keras_mse():
    rng = np.random.default_rng(0)
    a_C, a_G = (rng.normal(size=(1, 5, 6, 7)).astype("float32") for _ in range(2))
    mse = keras.losses.MeanSquaredError()(a_C.reshape(1, -1), a_G.reshape(1, -1))
    assert float(style.compute_content_cost([a_C], [a_G])) == pytest.approx(float(mse) / 4,
                                                                             rel=1e-5)


def test_layer_style_cost_matches_einsum_and_its_gradient_the_formula():
    rng = np.random.default_rng(1)
    n_H, n_W, n_C = 3, 4, 5
    a_S = tf.constant(rng.normal(size=(1, n_H, n_W, n_C)), tf.float32)
    a_G = tf.Variable(rng.normal(size=(1, n_H, n_W, n_C)), dtype=tf.float32)
    with tf.GradientTape() as tape:
        J = style.compute_layer_style_cost(a_S, a_G)
    grad = tape.gradient(J, a_G).numpy()
    GS = tf.linalg.einsum("bhwc,bhwd->cd", a_S, a_S)
    GG = tf.linalg.einsum("bhwc,bhwd->cd", a_G, a_G)
    P = n_H * n_W
    expected = tf.reduce_sum((GS - GG) ** 2) / (4 * n_C ** 2 * P ** 2)
    assert float(J) == pytest.approx(float(expected), rel=1e-5)
    # dJ/dA = -(GS - GG)·A / (n_C²·P²) for A = a_G unrolled to (n_C, P)
    A = tf.transpose(tf.reshape(a_G, [P, n_C]))
    dA = -tf.matmul(GS - GG, A) / (n_C ** 2 * P ** 2)
    np.testing.assert_allclose(grad, tf.reshape(tf.transpose(dA), a_G.shape), rtol=1e-4,
                               atol=1e-6)


def test_compute_style_cost_weights_the_layers_and_skips_the_content_layer():
    rng = np.random.default_rng(2)
    shapes = [(1, 4, 4, 2), (1, 2, 2, 3), (1, 2, 2, 6)]  # two style layers, then content
    S = [tf.constant(rng.normal(size=s), tf.float32) for s in shapes]
    G = [tf.constant(rng.normal(size=s), tf.float32) for s in shapes]
    layers = [("a", 0.3), ("b", 0.7)]
    expected = (0.3 * style.compute_layer_style_cost(S[0], G[0])
                + 0.7 * style.compute_layer_style_cost(S[1], G[1]))
    assert float(style.compute_style_cost(S, G, STYLE_LAYERS=layers)) == pytest.approx(
        float(expected), rel=1e-6)
    with pytest.raises(ValueError, match="compute_style_cost"):
        style.compute_style_cost(S, G)  # five layers expected


def test_course_layers_and_weights():
    assert [n for n, _ in style.STYLE_LAYERS] == [f"block{b}_conv1" for b in range(1, 6)]
    assert all(w == 0.2 for _, w in style.STYLE_LAYERS)
    assert style.CONTENT_LAYER == [("block5_conv4", 1)]
    assert (style.ALPHA, style.BETA, style.LEARNING_RATE) == (10, 40, 0.01)


# -- the optimisation of the image ---------------------------------------------------------------
@pytest.fixture(scope="module")
def small_features():
    net = style.random_feature_network((16, 16, 3), filters=(4, 4, 4, 4, 4), content_filters=4)
    layers, content = style.random_style_layers(net)
    return style.get_layer_outputs(net, layers + content), layers


def test_train_step_is_one_adam_step_on_the_pixels_then_clip(small_features):
    model, layers = small_features
    rng = np.random.default_rng(3)
    C, S = (tf.constant(rng.random((1, 16, 16, 3)), tf.float32) for _ in range(2))
    a_C, a_S = model(C), model(S)
    G0 = style.initial_generated_image(C, seed=0)
    assert float(tf.reduce_max(tf.abs(G0 - C))) <= 0.25 + 1e-6
    with tf.GradientTape() as tape:
        a_G = model(G0)
        J0 = style.total_cost(style.compute_content_cost(a_C, a_G),
                              style.compute_style_cost(a_S, a_G, STYLE_LAYERS=layers))
    g = tape.gradient(J0, G0).numpy()
    start = G0.numpy()
    train_step = style.make_train_step(model, a_C, a_S, style_layers=layers)
    J, _, _ = train_step(G0)
    assert float(J) == pytest.approx(float(J0), rel=1e-5)
    # Keras's Adam, first step: m = (1 − β1)g, v = (1 − β2)g², and the rate carries the bias
    # corrections, lr·√(1 − β2)/(1 − β1): the update is lr·g/(|g| + ε/√(1 − β2))
    adam = keras.optimizers.Adam()
    expected = np.clip(start - 0.01 * g / (np.abs(g) + adam.epsilon / np.sqrt(1 - adam.beta_2)),
                       0, 1)
    np.testing.assert_allclose(G0.numpy(), expected, atol=1e-5)


def test_style_transfer_lowers_the_cost(small_features):
    model, layers = small_features
    rng = np.random.default_rng(4)
    C, S = (rng.random((1, 16, 16, 3)).astype("float32") for _ in range(2))
    G, history = style.style_transfer(model, C, S, steps=15, style_layers=layers)
    assert G.shape == (1, 16, 16, 3) and 0 <= G.min() and G.max() <= 1
    assert len(history["total"]) == 16
    assert history["total"][-1] < history["total"][0]
    assert history["style"][-1] < history["style"][0]
    with pytest.raises(ValueError, match="style_image"):
        style.style_transfer(model, C, S[:, :8], steps=1, style_layers=layers)


def test_random_feature_network_is_frozen_and_named_like_vgg():
    net = style.random_feature_network((32, 32, 3), filters=(2, 2, 2, 2, 2), content_filters=2)
    assert net.trainable_weights == []
    names = [layer.name for layer in net.layers]
    assert {"block1_conv1", "block5_conv1", "block5_conv4"} <= set(names)
    layers, content = style.random_style_layers(net)
    assert [w for _, w in layers] == [0.2] * 5 and content == [("block5_conv4", 1)]


# -- the user's VGG-19 weights ------------------------------------------------------------------
@pytest.fixture(scope="module")
def fake_vgg_weights(tmp_path_factory):
    """VGG-19 (random weights, no top) saved as a weights file: what --weights-path takes."""
    path = tmp_path_factory.mktemp("vgg") / "vgg19_notop.weights.h5"
    vgg = keras.applications.VGG19(weights=None, include_top=False, input_shape=(32, 32, 3))
    vgg.save_weights(str(path))
    return path, vgg


def test_load_vgg19_reads_the_weights_and_has_the_course_layers(fake_vgg_weights):
    path, original = fake_vgg_weights
    vgg = style.load_vgg19(path, (32, 32, 3))
    assert vgg.trainable_weights == []
    np.testing.assert_array_equal(vgg.get_layer("block5_conv4").kernel.numpy(),
                                  original.get_layer("block5_conv4").kernel.numpy())
    outputs = style.get_layer_outputs(vgg, style.STYLE_LAYERS + style.CONTENT_LAYER)
    shapes = [tuple(o.shape) for o in outputs(np.zeros((1, 32, 32, 3), "float32"))]
    assert shapes[0] == (1, 32, 32, 64) and shapes[-1] == (1, 2, 2, 512)


def test_load_vgg19_bad_files_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        style.load_vgg19(tmp_path / "missing.h5")
    bad = tmp_path / "bad.weights.h5"
    bad.write_text("not hdf5")
    with pytest.raises(DataError, match="cannot load"):
        style.load_vgg19(bad, (32, 32, 3))


def test_lesson_with_weights_path_uses_the_course_settings(fake_vgg_weights, tmp_path):
    from lessons.c4w4_neural_style_transfer import LESSON

    path, _ = fake_vgg_weights
    rc = LESSON.main(["--weights-path", str(path), "--size", "32", "--epochs", "2",
                      "--out", str(tmp_path), "--no-export", "--quiet"])
    assert rc == 0
    r = json.loads((tmp_path / "results.json").read_text())
    assert (r["alpha"], r["beta"]) == (10, 40)
    assert r["settings"]["weights_path"] == str(path)


def test_lesson_missing_weights_path_is_one_line_and_status_2(tmp_path, capsys):
    from lessons.c4w4_neural_style_transfer import LESSON

    rc = LESSON.main(["--weights-path", str(tmp_path / "nope.h5"), "--out", str(tmp_path),
                      "--no-export", "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "--weights-path" in err
