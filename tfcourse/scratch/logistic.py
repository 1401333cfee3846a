"""Course 1, week 2, "Logistic regression with a neural-network mindset", in NumPy.

The course's graded functions with the course's signatures: :func:`sigmoid`,
:func:`initialize_with_zeros`, :func:`propagate`, :func:`optimize`, :func:`predict`,
:func:`model`. Layout: ``X`` is (n_x, m) — features × examples, one example per column —
``w`` is (n_x, 1), ``b`` a Python float, ``Y`` is (1, m).

The formulas (course notation)::

    A  = σ(wᵀX + b)                                   # (1, m)
    J  = −(1/m) Σ [Y log A + (1 − Y) log(1 − A)]
    dw = (1/m) X (A − Y)ᵀ                             # (n_x, 1)
    db = (1/m) Σ (A − Y)
    w := w − α dw,  b := b − α db

The Keras twin (tests/test_scratch_course1.py) is ``Dense(1, activation="sigmoid")`` with
``kernel = w`` (the Keras kernel is (n_x, 1), inputs are rows: examples × features, so the
data is ``X.T``) and ``BinaryCrossentropy``: the same cost and gradients to round-off.
"""
import copy

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)) for a scalar or NumPy array.

    Course 1, week 2; lesson c1w2_logistic_regression.

    Same formula as ``keras.activations.sigmoid``.
    """
    return 1 / (1 + np.exp(-z))


def initialize_with_zeros(dim):
    """A zero weight column of shape (dim, 1) and a zero bias ``b = 0.0`` (a Python float).

    Course 1, week 2; lesson c1w2_logistic_regression.

    Zeros are fine for logistic regression (one unit: there is no symmetry to break); Keras's
    ``Dense`` defaults to Glorot-uniform kernels, so the twin sets ``kernel_initializer="zeros"``.
    """
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b


def propagate(w, b, X, Y):
    """One forward and backward pass: the cost and its gradient.

    Course 1, week 2; lesson c1w2_logistic_regression.

    A = σ(wᵀX + b); cost J = −(1/m) Σ [Y log A + (1−Y) log(1−A)];
    dw = (1/m) X (A−Y)ᵀ; db = (1/m) Σ (A−Y).

    Keras's ``BinaryCrossentropy`` on probabilities clips them to [1e-7, 1 − 1e-7] first; inside
    that range it is the same J.

    Args:
        w: weights, (n_x, 1).
        b: bias, a scalar.
        X: data, (n_x, m).
        Y: labels 0/1, (1, m).

    Returns:
        grads: ``{"dw": (n_x, 1) array, "db": np.float64}``; cost: np.float64 (shape ``()``).
    """
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)                                    # (1, m)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dw = np.dot(X, (A - Y).T) / m
    db = np.sum(A - Y) / m
    cost = np.squeeze(np.array(cost))
    grads = {"dw": dw, "db": np.float64(db)}
    return grads, np.float64(cost)


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    """Full-batch gradient descent: ``num_iterations`` steps of w := w − α dw, b := b − α db.

    Course 1, week 2; lesson c1w2_logistic_regression.

    Records the cost every 100 iterations (from iteration 0), as the course does. The Keras
    equivalent is ``model.fit(X.T, Y.T, batch_size=m, epochs=num_iterations)`` with
    ``keras.optimizers.SGD(learning_rate)``; the cost it logs for a step is the cost *before*
    that step's update, as here.

    Returns:
        params ``{"w", "b"}``, grads ``{"dw", "db"}`` (of the last step), costs (a list).
    """
    w = copy.deepcopy(w)
    b = copy.deepcopy(b)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        dw, db = grads["dw"], grads["db"]
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    params = {"w": w, "b": b}
    grads = {"dw": dw, "db": db}
    return params, grads, costs


def predict(w, b, X):
    """Labels 0/1 for the columns of ``X``: 1 where σ(wᵀX + b) > 0.5.

    Course 1, week 2; lesson c1w2_logistic_regression.

    Returns:
        Y_prediction, a float array of shape (1, m).
    """
    m = X.shape[1]
    Y_prediction = np.zeros((1, m))
    w = w.reshape(X.shape[0], 1)
    A = sigmoid(np.dot(w.T, X) + b)
    Y_prediction[A > 0.5] = 1
    return Y_prediction


def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5,
          print_cost=False):
    """The whole logistic-regression model: zeros, gradient descent, predictions.

    Course 1, week 2; lesson c1w2_logistic_regression.

    Accuracy is ``100 − mean(|Ŷ − Y|)·100`` percent, as the course prints it.

    Returns:
        d, a dict with ``costs``, ``Y_prediction_test``, ``Y_prediction_train``, ``w``, ``b``,
        ``learning_rate``, ``num_iterations``.
    """
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate,
                                    print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        print("train accuracy: {} %".format(100 - np.mean(np.abs(Y_prediction_train - Y_train))
                                            * 100))
        print("test accuracy: {} %".format(100 - np.mean(np.abs(Y_prediction_test - Y_test))
                                           * 100))
    return {"costs": costs, "Y_prediction_test": Y_prediction_test,
            "Y_prediction_train": Y_prediction_train, "w": w, "b": b,
            "learning_rate": learning_rate, "num_iterations": num_iterations}
