"""tfcourse.gradcheck: the course's difference, hand-written backprop, Keras models, refusals."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfcourse.gradcheck import (GradientCheckError, difference, gradient_check,
                                numerical_gradient)
from tfcourse.regularizers import L2


def test_difference_is_the_course_formula():
    g, h = np.array([1.0, 2.0, 2.0]), np.array([1.0, 2.0, 1.0])
    assert difference(g, h) == pytest.approx(1.0 / (3.0 + np.sqrt(6.0)))
    assert difference(g, g) == 0.0
    assert difference(g, -g) == 1.0
    assert difference([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert difference(np.zeros(3), np.zeros(3)) == 0.0
    assert difference({"a": [1.0], "b": [[2.0, 2.0]]}, [1.0, 2.0, 1.0]) == difference(g, h)
    with pytest.raises(ValueError, match="3 and 2 entries"):
        difference(g, [1.0, 2.0])


def test_numerical_gradient_is_two_sided():
    # J = Σ θ³: the two-sided quotient's error is ε² (one-sided would be 3θε)
    theta = np.array([0.5, -1.0, 2.0])
    (approx,) = numerical_gradient(lambda p: np.sum(p[0] ** 3), [theta], epsilon=1e-3)
    np.testing.assert_allclose(approx, 3 * theta ** 2 + 1e-6, rtol=0, atol=1e-9)


def _two_layer(params, x, y):
    """Cost and hand-written backprop of a [3, 4, 1] tanh/sigmoid network (course layout)."""
    z1 = params["W1"] @ x + params["b1"]
    a1 = np.tanh(z1)
    a2 = 1 / (1 + np.exp(-(params["W2"] @ a1 + params["b2"])))
    m = x.shape[1]
    cost = -np.mean(y * np.log(a2) + (1 - y) * np.log(1 - a2))
    dz2 = a2 - y
    grads = {"dW2": dz2 @ a1.T / m, "db2": dz2.sum(axis=1, keepdims=True) / m}
    dz1 = (params["W2"].T @ dz2) * (1 - a1 ** 2)
    grads.update({"dW1": dz1 @ x.T / m, "db1": dz1.sum(axis=1, keepdims=True) / m})
    return cost, grads


@pytest.fixture
def problem():
    rng = np.random.RandomState(1)
    x, y = rng.randn(3, 7), (rng.rand(1, 7) > 0.5).astype(float)
    params = {"W1": rng.randn(4, 3), "b1": rng.randn(4, 1), "W2": rng.randn(1, 4),
              "b2": rng.randn(1, 1)}
    return params, x, y


def test_hand_written_backprop_passes_and_a_planted_bug_is_caught(problem):
    params, x, y = problem
    cost = lambda p: _two_layer(p, x, y)[0]  # noqa: E731
    good = gradient_check(cost, params, gradient=lambda p: _two_layer(p, x, y)[1])
    assert good.passed and good.difference < 2e-7, good

    def buggy(p):
        grads = _two_layer(p, x, y)[1]
        grads["db1"] = 2 * grads["db1"]  # a planted bug, as in the course's exercise
        return grads

    bad = gradient_check(cost, params, gradient=buggy)
    assert not bad.passed and bad.difference > 1e-3
    blocks = bad.by_block()
    assert max(blocks, key=blocks.get) == "b1"  # the bug is located
    assert blocks["W1"] < 2e-7 and blocks["W2"] < 2e-7
    assert bad.worst(1)[0][0] == "b1"


def test_autodiff_of_a_keras_ops_cost():
    cost = lambda p: keras.ops.sum(keras.ops.sin(p[0]) * p[1])  # noqa: E731
    result = gradient_check(cost, [np.arange(4.0), np.ones(4)])
    assert result.passed and result.names == ("[0]", "[1]")
    np.testing.assert_allclose(result.gradient[:4], np.cos(np.arange(4.0)), atol=1e-12)


def _model(*layers, inputs=4):
    model = keras.Sequential([keras.Input((inputs,)), *layers, keras.layers.Dense(1, "sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    return model


def test_keras_model_with_regularization_passes_and_is_left_untouched():
    rng = np.random.RandomState(0)
    x, y = rng.randn(10, 4).astype("float32"), (rng.rand(10) > 0.5).astype("float32")
    model = _model(keras.layers.Dense(5, "relu", kernel_regularizer=L2(0.7, m=10)),
                   keras.layers.BatchNormalization())
    before = [w.copy() for w in model.get_weights()]
    result = gradient_check(model, x, y, wrt="all")
    assert result.passed, result
    assert result.difference < 1e-7  # float64 copy: far below what float32 could resolve
    assert result.names[0].endswith("kernel") and result.names[-1] == "inputs"
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # BN's moving statistics included
    # the penalty is part of the cost: its gradient (λ/m)·W is in dW
    no_reg = _model(keras.layers.Dense(5, "relu"), keras.layers.BatchNormalization())
    no_reg.set_weights(before)
    k = before[0].size
    diff = gradient_check(model, x, y).gradient[:k] - gradient_check(no_reg, x, y).gradient[:k]
    np.testing.assert_allclose(diff, 0.7 / 10 * before[0].ravel(), atol=1e-9)


@keras.saving.register_keras_serializable(package="test_gradcheck")
class WrongBackprop(keras.layers.Layer):
    """y = x², with a planted bug in the backward pass (dy/dx = x instead of 2x)."""

    def call(self, x):
        @tf.custom_gradient
        def square(v):
            return v * v, lambda dy: dy * v
        return square(x)


def test_a_layer_with_a_wrong_gradient_is_caught():
    x = np.random.RandomState(0).randn(6, 3)
    result = gradient_check(WrongBackprop(), x, wrt="inputs")
    assert not result.passed and result.difference == pytest.approx(1 / 3, rel=1e-6)


@pytest.mark.parametrize("layer", [keras.layers.Dropout(0.1), keras.layers.GaussianNoise(0.1)])
def test_random_layers_are_refused_in_training_mode(layer):
    x, y = np.ones((4, 4)), np.ones(4)
    model = _model(keras.layers.Dense(3), layer)
    with pytest.raises(GradientCheckError, match=f"not valid with dropout active: '{layer.name}'"):
        gradient_check(model, x, y)
    assert gradient_check(model, x, y, training=False).passed
    assert gradient_check(_model(keras.layers.Dense(3), keras.layers.Dropout(0.0)), x, y).passed


def test_bad_arguments():
    model = _model(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="epsilon=0"):
        gradient_check(model, np.ones((2, 4)), np.ones(2), epsilon=0)
    with pytest.raises(ValueError, match="wrt='bias'"):
        gradient_check(model, np.ones((2, 4)), np.ones(2), wrt="bias")
    uncompiled = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="not compiled"):
        gradient_check(uncompiled, np.ones((2, 4)), np.ones(2))
