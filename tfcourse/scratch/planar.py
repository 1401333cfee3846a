"""Course 1, week 3, "Planar data classification with one hidden layer", in NumPy.

The course's graded functions: :func:`layer_sizes`, :func:`initialize_parameters`,
:func:`forward_propagation`, :func:`compute_cost`, :func:`backward_propagation`,
:func:`update_parameters`, :func:`nn_model`, :func:`predict`. Layout: ``X`` (n_x, m),
``Y`` (1, m); ``parameters = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h),
"b2": (n_y, 1)}``; ``cache = {"Z1", "A1", "Z2", "A2"}``.

The network and its gradients (course notation)::

    Z1 = W1 X + b1;  A1 = tanh(Z1);  Z2 = W2 A1 + b2;  A2 = σ(Z2)
    J  = −(1/m) Σ [Y log A2 + (1 − Y) log(1 − A2)]
    dZ2 = A2 − Y;          dW2 = (1/m) dZ2 A1ᵀ;  db2 = (1/m) Σ dZ2
    dZ1 = W2ᵀ dZ2 ∗ (1 − A1²);  dW1 = (1/m) dZ1 Xᵀ;   db1 = (1/m) Σ dZ1

The Keras twin is ``Sequential([Dense(n_h, "tanh"), Dense(n_y, "sigmoid")])`` with
``kernel = Wᵀ`` and ``bias = b.ravel()`` (Keras: examples × features, ``x @ kernel``), fed
``X.T``; :func:`tfcourse.scratch.bridge.keras_weights_from_parameters` makes that list for
``model.set_weights``.
Seeding follows the current course: :func:`nn_model` calls ``np.random.seed(3)`` and
:func:`initialize_parameters` draws from NumPy's global generator.
"""
import copy

import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + e^(−x)), the course's ``planar_utils.sigmoid``.

    Course 1, week 3; lesson c1w3_planar_data.
    """
    return 1 / (1 + np.exp(-x))


def layer_sizes(X, Y):
    """The three layer sizes: n_x = rows of X, n_h = 4 (the course's fixed value), n_y = rows of Y.

    Course 1, week 3; lesson c1w3_planar_data.
    """
    n_x = X.shape[0]
    n_h = 4
    n_y = Y.shape[0]
    return n_x, n_h, n_y


def initialize_parameters(n_x, n_h, n_y):
    """Small random weights N(0, 1)·0.01 and zero biases, from NumPy's global generator.

    Course 1, week 3; lesson c1w3_planar_data.

    Draw order as the course: W1 (n_h, n_x), then W2 (n_y, n_h). As in the current notebook
    there is no seed inside: the course's test seeds 2 before the call, :func:`nn_model` seeds 3
    (the older v6 notebook seeded 2 inside, which gives other trained weights). Keras's ``Dense`` defaults to
    Glorot-uniform; ``keras.initializers.RandomNormal(stddev=0.01)`` is this distribution (not
    these numbers, which come from NumPy's generator).
    """
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def forward_propagation(X, parameters):
    """A2 = σ(W2 tanh(W1 X + b1) + b2), and the cache ``{"Z1", "A1", "Z2", "A2"}``.

    Course 1, week 3; lesson c1w3_planar_data.

    Returns:
        A2 (n_y, m), cache (a dict).
    """
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    Z1 = np.dot(W1, X) + b1                                            # (n_h, m)
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2                                           # (n_y, m)
    A2 = sigmoid(Z2)
    assert A2.shape == (W2.shape[0], X.shape[1])
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y, parameters=None):
    """Cross-entropy J = −(1/m) Σ [Y log A2 + (1 − Y) log(1 − A2)], a float.

    Course 1, week 3; lesson c1w3_planar_data.

    ``parameters`` is accepted and unused, as in the course's older notebook (v6), whose
    signature was ``compute_cost(A2, Y, parameters)``; the current one is ``compute_cost(A2, Y)``.
    Keras: ``BinaryCrossentropy()(Y.T, A2.T)`` (which clips A2 to [1e-7, 1 − 1e-7]).

    Returns:
        cost, np.float64 (a Python float subclass, shape ``()``).
    """
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    cost = -np.sum(logprobs) / m
    return np.float64(np.squeeze(cost))


def backward_propagation(parameters, cache, X, Y):
    """The gradients of J by hand: dZ2 = A2 − Y, dZ1 = W2ᵀ dZ2 ∗ (1 − A1²), then dW, db.

    Course 1, week 3; lesson c1w3_planar_data.

    ``tf.GradientTape`` over the Keras twin gives ``dW = kernel_gradᵀ``, ``db = bias_grad[:, None]``
    (tested to float64 round-off).

    Returns:
        grads ``{"dW1", "db1", "dW2", "db2"}``.
    """
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate=1.2):
    """One gradient-descent step θ := θ − α dθ on W1, b1, W2, b2 (α = 1.2 by default).

    Course 1, week 3; lesson c1w3_planar_data.

    ``keras.optimizers.SGD(learning_rate)`` makes the same step. The input dict is not modified.
    """
    parameters = copy.deepcopy(parameters)
    for name in ("W1", "b1", "W2", "b2"):
        parameters[name] = parameters[name] - learning_rate * grads["d" + name]
    return parameters


def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False, return_costs=False):
    """Train the one-hidden-layer network with full-batch gradient descent (α = 1.2).

    Course 1, week 3; lesson c1w3_planar_data.

    As the course: ``np.random.seed(3)``, sizes from :func:`layer_sizes` with the hidden size
    replaced by ``n_h``, then forward, cost, backward, update, ``num_iterations`` times,
    printing the cost every 1000 iterations when asked. On the flower with n_h = 4 this reaches
    the course's 90.5 % training accuracy (printed by the course as "90%").

    ``return_costs=True`` (an addition; the course's function returns the parameters only) also
    returns the cost every 100 iterations from iteration 0, the layout of the other assignments'
    ``costs`` lists, for a side-by-side with Keras (``tfcourse.scratch.bridge``). The initial
    weights are ``np.random.seed(3); initialize_parameters(n_x, n_h, n_y)``.

    Returns:
        parameters, the learnt dict (and costs, with ``return_costs``).
    """
    np.random.seed(3)
    n_x = layer_sizes(X, Y)[0]
    n_y = layer_sizes(X, Y)[2]
    parameters = initialize_parameters(n_x, n_h, n_y)
    costs = []
    for i in range(0, num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
        if i % 100 == 0:
            costs.append(cost)
    return (parameters, costs) if return_costs else parameters


def predict(parameters, X):
    """Class 1 where the network's probability A2 > 0.5, as a boolean array (1, m).

    Course 1, week 3; lesson c1w3_planar_data.
    """
    A2, cache = forward_propagation(X, parameters)
    return A2 > 0.5
