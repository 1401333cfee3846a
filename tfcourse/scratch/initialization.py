"""Course 2, week 1, "Initialization", in NumPy: zeros, large random and He initialization.

The graded functions :func:`initialize_parameters_zeros`, :func:`initialize_parameters_random`
(N(0, 1)·10, ``np.random.seed(3)``) and :func:`initialize_parameters_he`
(N(0, 1)·√(2/n[l−1]), seed 3), and the assignment's :func:`model` that trains the
[2, 10, 5, 1] network of :mod:`tfcourse.scratch.three_layer` with each. On the course's circles
(``tfcourse.data.planar.load_circles``): zeros stay at cost 0.6931 and 50 %, He reaches
99.3 % train / 96 % test.

Keras: ``keras.initializers.HeNormal`` is *truncated* normal with the same variance
2/n[l−1]; ``VarianceScaling(2.0, "fan_in", "untruncated_normal")`` is this distribution.
"""
import numpy as np

from tfcourse.scratch.three_layer import (backward_propagation, compute_loss,
                                          forward_propagation, predict, update_parameters)

__all__ = ["initialize_parameters_zeros", "initialize_parameters_random",
           "initialize_parameters_he", "model", "forward_propagation", "backward_propagation",
           "compute_loss", "update_parameters", "predict"]


def initialize_parameters_zeros(layers_dims):
    """All weights and biases zero: every unit of a layer computes the same thing forever.

    Course 2, week 1; lesson c2w1_initialization.

    Args:
        layers_dims: sizes of each layer, e.g. ``[2, 10, 5, 1]``.

    Returns:
        parameters ``{"W1", "b1", ..., "WL", "bL"}``, W[l] (n[l], n[l−1]), b[l] (n[l], 1).
    """
    parameters = {}
    L = len(layers_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_random(layers_dims):
    """Large random weights W[l] = N(0, 1)·10 (``np.random.seed(3)``), zero biases.

    Course 2, week 1; lesson c2w1_initialization.

    The course's example of a bad scale: the sigmoid saturates and the first cost is ``inf``.
    """
    np.random.seed(3)
    parameters = {}
    L = len(layers_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_he(layers_dims):
    """He initialization W[l] = N(0, 1)·√(2/n[l−1]) (``np.random.seed(3)``), zero biases.

    Course 2, week 1; lesson c2w1_initialization.

    Keras's ``HeNormal`` truncates at two standard deviations (and rescales), so its draws have
    the same variance but another shape; ``VarianceScaling(2.0, "fan_in",
    "untruncated_normal")`` is exactly N(0, 2/n[l−1]).
    """
    np.random.seed(3)
    parameters = {}
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        parameters["W" + str(l)] = (np.random.randn(layers_dims[l], layers_dims[l - 1])
                                    * np.sqrt(2.0 / layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def model(X, Y, learning_rate=0.01, num_iterations=15000, print_cost=True, initialization="he"):
    """Train [n_x, 10, 5, 1] with full-batch gradient descent from the chosen initialization.

    Course 2, week 1; lesson c2w1_initialization.

    ``initialization``: "zeros", "random" or "he". As the course, the cost is printed and
    recorded every 1000 iterations only when ``print_cost`` is true.

    Returns:
        parameters.
    """
    costs = []
    layers_dims = [X.shape[0], 10, 5, 1]
    if initialization == "zeros":
        parameters = initialize_parameters_zeros(layers_dims)
    elif initialization == "random":
        parameters = initialize_parameters_random(layers_dims)
    elif initialization == "he":
        parameters = initialize_parameters_he(layers_dims)
    else:
        raise ValueError("model: argument `initialization` must be one of 'zeros', 'random', "
                         f"'he'. Received: initialization={initialization!r}")
    for i in range(num_iterations):
        a3, cache = forward_propagation(X, parameters)
        cost = compute_loss(a3, Y)
        grads = backward_propagation(X, Y, cache)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration {}: {}".format(i, cost))
            costs.append(cost)
    return parameters
