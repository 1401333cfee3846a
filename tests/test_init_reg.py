"""The course's initializers and its λ/(2m) regularization, mapped onto Keras's."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfcourse import initializers, regularizers

N_PREV, N = 400, 500  # a (n_prev, n) Dense kernel: 200 000 draws


@pytest.mark.parametrize("init, std", [
    (initializers.He(seed=1), np.sqrt(2 / N_PREV)),
    (initializers.Xavier(seed=1), np.sqrt(1 / N_PREV)),
    (initializers.LargeRandom(seed=1), 10.0),
])
def test_course_initializers_are_plain_normals_with_the_course_std(init, std):
    w = np.asarray(init((N_PREV, N)))
    assert abs(w.mean()) < 4 * std / np.sqrt(w.size)
    assert w.std() == pytest.approx(std, rel=0.01)
    # untruncated: about 4.55 % of a normal lies beyond 2σ (a truncated normal has none)
    assert np.mean(np.abs(w) > 2 * std) == pytest.approx(0.0455, abs=0.004)


def test_he_and_xavier_equal_untruncated_variance_scaling_and_differ_from_keras_truncated():
    for ours, scale in ((initializers.He(seed=3), 2.0), (initializers.Xavier(seed=3), 1.0)):
        twin = keras.initializers.VarianceScaling(scale, "fan_in", "untruncated_normal", seed=3)
        np.testing.assert_array_equal(np.asarray(ours((N_PREV, N))), np.asarray(twin((N_PREV, N))))
    he_keras = np.asarray(keras.initializers.HeNormal(seed=3)((N_PREV, N)))
    std = np.sqrt(2 / N_PREV)
    assert he_keras.std() == pytest.approx(std, rel=0.01)  # same variance ...
    assert np.abs(he_keras).max() <= 2 * std / 0.87962566 + 1e-6  # ... but truncated
    np.testing.assert_array_equal(
        np.asarray(initializers.LargeRandom(seed=4)((30, 20))),
        np.asarray(keras.initializers.RandomNormal(stddev=10.0, seed=4)((30, 20))))


def test_zeros_and_get():
    assert initializers.Zeros is keras.initializers.Zeros
    assert not np.asarray(initializers.get("zeros")((3, 4))).any()
    assert isinstance(initializers.get("he", seed=1), initializers.He)
    assert initializers.get("random").scale == 10.0
    with pytest.raises(ValueError, match="name='glorot'"):
        initializers.get("glorot")
    with pytest.raises(ValueError, match=r"`scale`.*scale=-1"):
        initializers.LargeRandom(-1)


@pytest.mark.parametrize("init", [initializers.He(seed=2), initializers.Xavier(seed=2),
                                  initializers.LargeRandom(5.0, seed=2)])
def test_initializer_config_round_trip(init):
    config = keras.initializers.serialize(init)
    clone = keras.initializers.deserialize(config)
    assert type(clone) is type(init) and clone.get_config() == init.get_config()
    np.testing.assert_array_equal(np.asarray(clone((5, 6))), np.asarray(init((5, 6))))


# -- regularization ------------------------------------------------------------------------

def test_l2_is_the_course_penalty_and_keras_l2_with_lambda_over_2m():
    w = np.random.RandomState(0).randn(7, 3).astype("float32")
    lambd, m = 0.7, 211
    ours = float(regularizers.L2(lambd, m)(w))
    assert ours == pytest.approx(lambd / (2 * m) * np.sum(w ** 2), rel=1e-6)  # the course's term
    assert ours == pytest.approx(float(keras.regularizers.L2(lambd / (2 * m))(w)), rel=1e-7)
    assert regularizers.keras_factor(lambd, m) == pytest.approx(0.7 / 422)
    assert regularizers.course_lambda(regularizers.keras_factor(lambd, m), m) == pytest.approx(lambd)
    l1 = float(regularizers.L1(lambd, m)(w))
    assert l1 == pytest.approx(lambd / (2 * m) * np.sum(np.abs(w)), rel=1e-6)
    assert l1 == pytest.approx(float(keras.regularizers.L1(lambd / (2 * m))(w)), rel=1e-6)


def test_l2_gradient_is_lambda_over_m_times_w_inside_a_model():
    """The course's backprop: dW = dW_unregularized + (λ/m)·W. Checked on Keras's gradients of
    the training loss (mean over the batch + penalties) for the whole training set (m examples)."""
    rng = np.random.RandomState(0)
    m, lambd = 32, 0.7
    x, y = rng.randn(m, 3).astype("float32"), (rng.rand(m, 1) > 0.5).astype("float32")

    def grads(reg):
        glorot = keras.initializers.GlorotUniform
        model = keras.Sequential([
            keras.Input((3,)),
            keras.layers.Dense(4, "tanh", kernel_initializer=glorot(0), kernel_regularizer=reg),
            keras.layers.Dense(1, "sigmoid", kernel_initializer=glorot(1))])
        loss_fn = keras.losses.BinaryCrossentropy()
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x)) + tf.add_n(model.losses or [tf.constant(0.0)])
        return model, tape.gradient(loss, model.trainable_variables)

    model, with_reg = grads(regularizers.L2(lambd, m))
    _, without = grads(None)
    w = model.layers[0].kernel.numpy()
    np.testing.assert_allclose(with_reg[0] - without[0], lambd / m * w, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(with_reg[1], without[1], atol=1e-7)  # biases not regularized
    _, keras_twin = grads(keras.regularizers.L2(lambd / (2 * m)))
    for a, b in zip(with_reg, keras_twin):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cls", [regularizers.L2, regularizers.L1])
def test_regularizer_errors_and_config_round_trip(cls):
    with pytest.raises(ValueError, match=r"`lambd`.*lambd=-0\.1"):
        cls(-0.1, 10)
    with pytest.raises(ValueError, match=r"`m`.*m=0"):
        cls(0.1, 0)
    reg = cls(0.7, 211)
    clone = keras.regularizers.deserialize(keras.regularizers.serialize(reg))
    assert type(clone) is cls and (clone.lambd, clone.m) == (0.7, 211)
