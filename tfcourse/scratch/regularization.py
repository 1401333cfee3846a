"""Course 2, week 1, "Regularization", in NumPy: L2 weight decay and inverted dropout.

The graded functions :func:`compute_cost_with_regularization`,
:func:`backward_propagation_with_regularization`, :func:`forward_propagation_with_dropout`,
:func:`backward_propagation_with_dropout`, and the assignment's :func:`model` for the
[n_x, 20, 3, 1] network (:mod:`tfcourse.scratch.three_layer`), with the course's
``initialize_parameters`` (seed 3, W[l] ~ N(0, 1)/√n[l−1]) and ``compute_cost``.

The formulas::

    J_L2 = J + (λ / 2m) Σ_l ‖W[l]‖²_F;      dW[l] += (λ/m) W[l]
    D[l] = (rand < keep_prob);  A[l] := A[l] ∗ D[l] / keep_prob   (forward, layers 1-2)
    dA[l] := dA[l] ∗ D[l] / keep_prob                           (backward, the same mask)

Keras mapping: ``keras.regularizers.L2(l2=λ/(2m))`` on each kernel adds the same penalty
(Keras's ``L2(l2)`` is ``l2·Σw²``); ``tfcourse.regularizers.L2(λ, m)`` takes the course's λ
directly. ``keras.layers.Dropout(rate=1 − keep_prob)`` is inverted dropout too, but draws its own
mask; the twin test feeds both the same mask (tests/test_scratch_course2.py).
"""
import numpy as np

from tfcourse.scratch.three_layer import (backward_propagation, forward_propagation, predict,
                                          relu, sigmoid, update_parameters)

__all__ = ["initialize_parameters", "compute_cost", "compute_cost_with_regularization",
           "backward_propagation_with_regularization", "forward_propagation_with_dropout",
           "backward_propagation_with_dropout", "model", "forward_propagation",
           "backward_propagation", "update_parameters", "predict"]


def initialize_parameters(layer_dims):
    """W[l] ~ N(0, 1)/√n[l−1], b[l] = 0, after ``np.random.seed(3)`` (the course's reg_utils).

    Course 2, week 1; lesson c2w1_regularization.
    """
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = (np.random.randn(layer_dims[l], layer_dims[l - 1])
                                    / np.sqrt(layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def compute_cost(a3, Y):
    """Mean cross-entropy −(1/m) Σ [Y log a3 + (1 − Y) log(1 − a3)] (NaN terms skipped).

    Course 2, week 1; lesson c2w1_regularization.
    """
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    return np.float64(1.0 / m * np.nansum(logprobs))


def compute_cost_with_regularization(A3, Y, parameters, lambd):
    """J = cross-entropy + (λ / 2m)(‖W1‖² + ‖W2‖² + ‖W3‖²), the squared Frobenius norms.

    Course 2, week 1; lesson c2w1_regularization.

    Keras: ``BinaryCrossentropy()`` plus ``keras.regularizers.L2(λ / (2m))`` on each kernel
    (Keras adds the regularization losses to the model's loss); the twin test checks the value.

    Returns:
        cost, np.float64.
    """
    m = Y.shape[1]
    W1, W2, W3 = parameters["W1"], parameters["W2"], parameters["W3"]
    cross_entropy_cost = compute_cost(A3, Y)
    L2_regularization_cost = lambd / (2 * m) * (np.sum(np.square(W1)) + np.sum(np.square(W2))
                                                + np.sum(np.square(W3)))
    return np.float64(cross_entropy_cost + L2_regularization_cost)


def backward_propagation_with_regularization(X, Y, cache, lambd):
    """Backpropagation with L2: the usual gradients plus (λ/m)·W[l] on each dW[l].

    Course 2, week 1; lesson c2w1_regularization.

    Returns:
        gradients ``{"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1",
        "db1"}``.
    """
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T) + lambd / m * W3
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) + lambd / m * W2
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T) + lambd / m * W1
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2,
            "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    """Forward pass with inverted dropout on the two hidden layers.

    Course 2, week 1; lesson c2w1_regularization.

    As the course: ``np.random.seed(1)`` at the start of every call (so a training loop reuses
    one pair of masks, a quirk of the assignment), D[l] = (U[0, 1) < keep_prob) as ints,
    A[l] := A[l] ∗ D[l] / keep_prob.

    Returns:
        A3, cache ``(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)``.
    """
    np.random.seed(1)
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    D1 = np.random.rand(A1.shape[0], A1.shape[1])
    D1 = (D1 < keep_prob).astype(int)
    A1 = A1 * D1 / keep_prob
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    D2 = np.random.rand(A2.shape[0], A2.shape[1])
    D2 = (D2 < keep_prob).astype(int)
    A2 = A2 * D2 / keep_prob
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    return A3, cache


def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    """Backpropagation through inverted dropout: dA[l] := dA[l] ∗ D[l] / keep_prob.

    Course 2, week 1; lesson c2w1_regularization.

    Returns:
        gradients, the same keys as :func:`backward_propagation_with_regularization`.
    """
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dA2 = dA2 * D2 / keep_prob
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dA1 = dA1 * D1 / keep_prob
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2,
            "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def model(X, Y, learning_rate=0.3, num_iterations=30000, print_cost=True, lambd=0, keep_prob=1):
    """Train [n_x, 20, 3, 1] with gradient descent: plain, with L2 (λ > 0) or dropout (keep_prob < 1).

    Course 2, week 1; lesson c2w1_regularization.

    As the course, L2 and dropout are not combined (asserted), the cost is printed every
    10 000 iterations and recorded every 1000 when ``print_cost``.

    Returns:
        parameters.
    """
    costs = []
    layers_dims = [X.shape[0], 20, 3, 1]
    parameters = initialize_parameters(layers_dims)
    for i in range(0, num_iterations):
        if keep_prob == 1:
            a3, cache = forward_propagation(X, parameters)
        elif keep_prob < 1:
            a3, cache = forward_propagation_with_dropout(X, parameters, keep_prob)
        if lambd == 0:
            cost = compute_cost(a3, Y)
        else:
            cost = compute_cost_with_regularization(a3, Y, parameters, lambd)
        assert lambd == 0 or keep_prob == 1
        if lambd == 0 and keep_prob == 1:
            grads = backward_propagation(X, Y, cache)
        elif lambd != 0:
            grads = backward_propagation_with_regularization(X, Y, cache, lambd)
        elif keep_prob < 1:
            grads = backward_propagation_with_dropout(X, Y, cache, keep_prob)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 10000 == 0:
            print("Cost after iteration {}: {}".format(i, cost))
        if print_cost and i % 1000 == 0:
            costs.append(cost)
    return parameters
