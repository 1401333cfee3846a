"""Course 2, week 1, "Gradient checking", in NumPy.

The 1-D warm-up (:func:`forward_propagation`, :func:`backward_propagation`,
:func:`gradient_check`: J(θ) = θx) and the N-D check (:func:`forward_propagation_n`,
:func:`backward_propagation_n`, :func:`gradient_check_n`) on the course's [4, 5, 3, 1] network,
with the course's helpers :func:`dictionary_to_vector`, :func:`vector_to_dictionary`,
:func:`gradients_to_vector`.

The two-sided difference and the relative error (ε = 1e-7)::

    gradapprox_i = (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε
    difference   = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)      (< 2e-7: correct)

The course's ``backward_propagation_n`` ships with two planted bugs for the learner to find;
here :func:`backward_propagation_n` is the corrected one and
:func:`backward_propagation_n_with_bugs` the course's buggy one (difference 0.285 in the course).
The library's Keras-side check is ``tfcourse.gradcheck``.
"""
import numpy as np

from tfcourse.scratch.three_layer import relu, sigmoid

# The course's network for the N-D check: [4, 5, 3, 1].
_SHAPES = (("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)), ("W3", (1, 3)),
           ("b3", (1, 1)))


def forward_propagation(x, theta):
    """The 1-D "network" J(θ) = θ·x.

    Course 2, week 1; lesson c2w1_gradient_checking.
    """
    return theta * x


def backward_propagation(x, theta):
    """dJ/dθ = x for J(θ) = θ·x.

    Course 2, week 1; lesson c2w1_gradient_checking.
    """
    return x


def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    """The relative difference between :func:`backward_propagation` and the two-sided estimate.

    Course 2, week 1; lesson c2w1_gradient_checking.

    Returns:
        difference, a float (about 3e-10 for x = 3, θ = 4).
    """
    theta_plus = theta + epsilon
    theta_minus = theta - epsilon
    J_plus = forward_propagation(x, theta_plus)
    J_minus = forward_propagation(x, theta_minus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    if print_msg:
        if difference > 2e-7:
            print("There is a mistake in the backward propagation! difference = "
                  + str(difference))
        else:
            print("Your backward propagation works perfectly fine! difference = "
                  + str(difference))
    return difference


def forward_propagation_n(X, Y, parameters):
    """LINEAR→RELU→LINEAR→RELU→LINEAR→SIGMOID and its mean cross-entropy cost.

    Course 2, week 1; lesson c2w1_gradient_checking.

    Returns:
        cost (np.float64), cache ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``.
    """
    m = X.shape[1]
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    log_probs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    cost = 1.0 / m * np.sum(log_probs)
    cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return np.float64(cost), cache


def _backward(X, Y, cache, bugs):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = (2.0 if bugs else 1.0) / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = (4.0 if bugs else 1.0) / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2,
            "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def backward_propagation_n(X, Y, cache):
    """The correct gradients of :func:`forward_propagation_n`'s cost.

    Course 2, week 1; lesson c2w1_gradient_checking.

    Returns:
        gradients ``{"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1",
        "db1"}``.
    """
    return _backward(X, Y, cache, bugs=False)


def backward_propagation_n_with_bugs(X, Y, cache):
    """The course's ``backward_propagation_n`` as handed out: dW2 doubled, db1 quadrupled.

    Course 2, week 1; lesson c2w1_gradient_checking.

    The two planted mistakes (``dW2 = 1./m * np.dot(dZ2, A1.T) * 2`` and ``db1 = 4./m *
    np.sum(dZ1, ...)``) are what :func:`gradient_check_n` is meant to catch.
    """
    return _backward(X, Y, cache, bugs=True)


def dictionary_to_vector(parameters):
    """Stack W1, b1, W2, b2, W3, b3 into one column θ; returns ``(theta, keys)``.

    Course 2, week 1; lesson c2w1_gradient_checking.

    ``keys`` names the parameter each entry of θ came from, as in the course's ``gc_utils``.
    """
    keys = []
    count = 0
    for key in ["W1", "b1", "W2", "b2", "W3", "b3"]:
        new_vector = np.reshape(parameters[key], (-1, 1))
        keys = keys + [key] * new_vector.shape[0]
        theta = new_vector if count == 0 else np.concatenate((theta, new_vector), axis=0)
        count = count + 1
    return theta, keys


def vector_to_dictionary(theta):
    """Unroll θ back into ``{"W1": (5, 4), "b1": (5, 1), ..., "b3": (1, 1)}`` (the course's net).

    Course 2, week 1; lesson c2w1_gradient_checking.
    """
    parameters = {}
    start = 0
    for key, shape in _SHAPES:
        size = shape[0] * shape[1]
        parameters[key] = theta[start:start + size].reshape(shape)
        start += size
    return parameters


def gradients_to_vector(gradients):
    """Stack dW1, db1, dW2, db2, dW3, db3 into one column, in :func:`dictionary_to_vector`'s order.

    Course 2, week 1; lesson c2w1_gradient_checking.
    """
    count = 0
    for key in ["dW1", "db1", "dW2", "db2", "dW3", "db3"]:
        new_vector = np.reshape(gradients[key], (-1, 1))
        theta = new_vector if count == 0 else np.concatenate((theta, new_vector), axis=0)
        count = count + 1
    return theta


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    """Compare backpropagation's ``gradients`` with the two-sided estimate, parameter by parameter.

    Course 2, week 1; lesson c2w1_gradient_checking.

    For each entry θ_i of :func:`dictionary_to_vector`'s θ: J± = cost of
    :func:`forward_propagation_n` at θ ± ε e_i, gradapprox_i = (J⁺ − J⁻)/2ε; then
    difference = ‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖). About 1.2e-7 for the correct
    backpropagation on the course's test case, 0.285 for the buggy one.

    Returns:
        difference, a float.
    """
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i] = theta_plus[i] + epsilon
        J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus))
        theta_minus = np.copy(parameters_values)
        theta_minus[i] = theta_minus[i] - epsilon
        J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus))
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    if print_msg:
        if difference > 2e-7:
            print("There is a mistake in the backward propagation! difference = "
                  + str(difference))
        else:
            print("Your backward propagation works perfectly fine! difference = "
                  + str(difference))
    return difference
