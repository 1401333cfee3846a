"""The 3-layer network the Course 2 assignments share: LINEAR→RELU→LINEAR→RELU→LINEAR→SIGMOID.

The course gives this network in utility files (``init_utils.py``, ``reg_utils.py``,
``opt_utils_v1a.py``) rather than as graded code; the graded functions of
:mod:`tfcourse.scratch.initialization`, :mod:`~tfcourse.scratch.regularization` and
:mod:`~tfcourse.scratch.optimization` call these. Layout: features × examples; the cache is
the course's 12-tuple ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``.

Backward pass (course notation, m examples)::

    dZ3 = (A3 − Y)/m;  dW3 = dZ3 A2ᵀ;  db3 = Σ dZ3
    dA2 = W3ᵀ dZ3;     dZ2 = dA2 ∗ 1[A2 > 0];  dW2 = dZ2 A1ᵀ; ...
"""
import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + e^(−x)) (the utility files' version returns only the activation).

    Course 2, weeks 1 and 2; lessons c2w1_initialization, c2w1_regularization, c2w2_optimization.
    """
    return 1 / (1 + np.exp(-x))


def relu(x):
    """max(0, x), element-wise.

    Course 2, weeks 1 and 2; lessons c2w1_initialization, c2w1_regularization, c2w2_optimization.
    """
    return np.maximum(0, x)


def forward_propagation(X, parameters):
    """LINEAR→RELU→LINEAR→RELU→LINEAR→SIGMOID; returns ``(A3, cache)`` (the course's 12-tuple).

    Course 2, weeks 1 and 2; lessons c2w1_initialization, c2w1_regularization, c2w2_optimization.
    """
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return A3, cache


def backward_propagation(X, Y, cache):
    """The gradients of the mean cross-entropy: ``{"dZ3", "dW3", "db3", "dA2", ..., "db1"}``.

    Course 2, weeks 1 and 2; lessons c2w1_initialization, c2w1_regularization, c2w2_optimization.

    ``tf.GradientTape`` over ``keras_mlp(parameters, ("relu", "relu", "sigmoid"))`` with
    ``BinaryCrossentropy`` gives the same dW (transposed) and db (tested).
    """
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = (A3 - Y) / m
    dW3 = np.dot(dZ3, A2.T)
    db3 = np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = np.dot(dZ2, A1.T)
    db2 = np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = np.dot(dZ1, X.T)
    db1 = np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2,
            "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step on every W[l], b[l] (in place, as the utility files do).

    Course 2, weeks 1 and 2; lessons c2w1_initialization, c2w1_regularization, c2w2_optimization.
    """
    L = len(parameters) // 2
    for k in range(L):
        parameters["W" + str(k + 1)] = (parameters["W" + str(k + 1)]
                                        - learning_rate * grads["dW" + str(k + 1)])
        parameters["b" + str(k + 1)] = (parameters["b" + str(k + 1)]
                                        - learning_rate * grads["db" + str(k + 1)])
    return parameters


def compute_loss(a3, Y):
    """Mean cross-entropy −(1/m) Σ [Y log a3 + (1 − Y) log(1 − a3)], NaN terms ignored.

    Course 2, week 1; lessons c2w1_initialization, c2w1_regularization.

    ``np.nansum`` as in the course: with a saturated sigmoid (``initialize_parameters_random``'s
    ×10 weights) a term 0·log 0 is NaN and is skipped, while −log 0 stays ``inf`` (the course's
    "cost after iteration 0: inf").
    """
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    return np.float64(1.0 / m * np.nansum(logprobs))


def predict(X, y, parameters, print_accuracy=True):
    """0/1 predictions of the 3-layer network (A3 > 0.5), printing the accuracy as the course.

    Course 2, weeks 1 and 2; lessons c2w1_initialization, c2w1_regularization, c2w2_optimization.

    Returns:
        p, an int array (1, m).
    """
    m = X.shape[1]
    p = np.zeros((1, m), dtype=int)
    a3, caches = forward_propagation(X, parameters)
    p[0, :] = (a3[0, :] > 0.5)
    if print_accuracy:
        print("Accuracy: " + str(np.mean((p[0, :] == y[0, :]))))
    return p


def accuracy(X, y, parameters):
    """The fraction of columns of ``X`` that :func:`predict` labels as ``y``, a float.

    Course 2, weeks 1 and 2; lessons c2w1_initialization, c2w1_regularization, c2w2_optimization.
    """
    return float(np.mean(predict(X, y, parameters, print_accuracy=False)[0] == y[0]))
