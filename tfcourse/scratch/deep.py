"""Course 1, week 4, "Building your deep neural network: step by step" and its application.

The course's functions with the course's signatures and caches:

- initialization: :func:`initialize_parameters` (2-layer, ``np.random.seed(1)``),
  :func:`initialize_parameters_deep` (L-layer, ``np.random.seed(3)``, N(0, 1)·0.01);
- forward: :func:`linear_forward` (cache ``(A_prev, W, b)``), :func:`linear_activation_forward`
  (cache ``(linear_cache, Z)``), :func:`L_model_forward` ([LINEAR→RELU]×(L−1)→LINEAR→SIGMOID,
  a list of L caches);
- :func:`compute_cost`;
- backward: :func:`linear_backward`, :func:`linear_activation_backward`,
  :func:`L_model_backward` (grads ``dA{l-1}``, ``dW{l}``, ``db{l}``);
- :func:`update_parameters`, and the application's :func:`two_layer_model`,
  :func:`L_layer_model`, :func:`predict`;
- the helpers the course gives in ``dnn_utils``: :func:`sigmoid`, :func:`relu`,
  :func:`sigmoid_backward`, :func:`relu_backward` (each activation returns ``(A, Z)``).

Layout: features × examples. The formulas::

    Z[l] = W[l] A[l−1] + b[l];   A[l] = g(Z[l])
    dAL  = −(Y/AL − (1 − Y)/(1 − AL))
    dZ[l] = dA[l] ∗ g'(Z[l]);   dW[l] = (1/m) dZ[l] A[l−1]ᵀ;   db[l] = (1/m) Σ dZ[l]
    dA[l−1] = W[l]ᵀ dZ[l]

The Keras twin is ``tfcourse.scratch.bridge.keras_mlp(parameters, ("relu",)*(L−1) +
("sigmoid",))``: the same AL and, through ``tf.GradientTape``, the same gradients (transposed).
"""
import copy

import numpy as np


# -- the course's dnn_utils -----------------------------------------------------------------------
def sigmoid(Z):
    """A = σ(Z) = 1 / (1 + e^(−Z)); returns ``(A, cache)`` with ``cache = Z``.

    Course 1, week 4; lesson c1w4_deep_network.
    """
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z):
    """A = max(0, Z); returns ``(A, cache)`` with ``cache = Z``.

    Course 1, week 4; lesson c1w4_deep_network.
    """
    A = np.maximum(0, Z)
    return A, Z


def relu_backward(dA, cache):
    """dZ = dA where Z > 0, else 0 (the course takes the ReLU's slope at 0 to be 0, as TF does).

    Course 1, week 4; lesson c1w4_deep_network.
    """
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    """dZ = dA ∗ σ(Z)(1 − σ(Z)).

    Course 1, week 4; lesson c1w4_deep_network.
    """
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


# -- initialization -------------------------------------------------------------------------------
def initialize_parameters(n_x, n_h, n_y):
    """The 2-layer network's parameters: N(0, 1)·0.01 weights, zero biases, ``np.random.seed(1)``.

    Course 1, week 4; lesson c1w4_deep_network.

    Draw order: W1 (n_h, n_x), W2 (n_y, n_h).
    """
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims):
    """L-layer parameters: W[l] ~ N(0, 1)·0.01 of shape (n[l], n[l−1]), b[l] = 0; seed 3.

    Course 1, week 4; lesson c1w4_deep_network.

    This is the step-by-step notebook's graded version. The application notebook's
    ``L_layer_model`` uses its utility file's variant instead (seed 1, W[l] scaled by
    1/√n[l−1], see :func:`L_layer_model`), because 0.01 is too small for a 4-layer ReLU net.
    """
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def initialize_parameters_deep_app(layer_dims):
    """The application notebook's initialization: W[l] ~ N(0, 1)/√n[l−1], b[l] = 0; seed 1.

    Course 1, week 4; lesson c1w4_deep_network.

    The course's ``dnn_app_utils_v3.initialize_parameters_deep``, which :func:`L_layer_model`
    uses (a name of its own here, since the step-by-step notebook's graded function of that name
    draws N(0, 1)·0.01 from seed 3). Keras's ``LecunNormal`` is the same variance, truncated.
    """
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = (np.random.randn(layer_dims[l], layer_dims[l - 1])
                                    / np.sqrt(layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# -- forward --------------------------------------------------------------------------------------
def linear_forward(A, W, b):
    """Z = W A + b; returns ``(Z, cache)`` with ``cache = (A, W, b)``.

    Course 1, week 4; lesson c1w4_deep_network.

    ``keras.layers.Dense(activation=None)`` computes ``A.T @ W.T + b.ravel()`` = Zᵀ.
    """
    Z = np.dot(W, A) + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    """A = g(W A_prev + b) for ``activation`` "sigmoid" or "relu"; cache ``(linear_cache, Z)``.

    Course 1, week 4; lesson c1w4_deep_network.
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    else:
        raise ValueError("linear_activation_forward: argument `activation` must be one of "
                         f"'sigmoid', 'relu'. Received: activation={activation!r}")
    return A, (linear_cache, activation_cache)


def L_model_forward(X, parameters):
    """[LINEAR→RELU]×(L−1) → LINEAR→SIGMOID; returns ``(AL, caches)`` (a list of L caches).

    Course 1, week 4; lesson c1w4_deep_network.
    """
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)],
                                             parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)],
                                          parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """J = −(1/m) (Y·log ALᵀ + (1 − Y)·log(1 − AL)ᵀ), a float.

    Course 1, week 4; lesson c1w4_deep_network.

    Keras: ``BinaryCrossentropy()(Y.T, AL.T)`` (it clips AL to [1e-7, 1 − 1e-7]; with
    ``from_logits=True`` on Z[L] it needs no clipping and agrees to round-off).

    Returns:
        cost, np.float64 (shape ``()``, as the course asserts).
    """
    m = Y.shape[1]
    cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m
    return np.float64(np.squeeze(cost))


# -- backward -------------------------------------------------------------------------------------
def linear_backward(dZ, cache):
    """dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ dZ (over examples), dA_prev = Wᵀ dZ.

    Course 1, week 4; lesson c1w4_deep_network.

    Returns:
        dA_prev, dW, db.
    """
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    """dZ = dA ∗ g'(Z), then :func:`linear_backward`; ``activation`` "relu" or "sigmoid".

    Course 1, week 4; lesson c1w4_deep_network.

    Returns:
        dA_prev, dW, db.
    """
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    else:
        raise ValueError("linear_activation_backward: argument `activation` must be one of "
                         f"'sigmoid', 'relu'. Received: activation={activation!r}")
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    """Backward through the whole [LINEAR→RELU]×(L−1) → LINEAR→SIGMOID network.

    Course 1, week 4; lesson c1w4_deep_network.

    Starts from dAL = −(Y/AL − (1 − Y)/(1 − AL)) and fills ``grads["dA" + str(l-1)]``,
    ``grads["dW" + str(l)]``, ``grads["db" + str(l)]`` for l = L … 1 (``dA0`` is the gradient
    with respect to X).
    """
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], current_cache,
                                                     "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = \
            dA_prev, dW, db
    return grads


def update_parameters(params, grads, learning_rate):
    """Gradient descent on every layer: W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l].

    Course 1, week 4; lesson c1w4_deep_network.

    ``keras.optimizers.SGD(learning_rate)`` makes the same step. ``params`` is not modified.
    """
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = (parameters["W" + str(l + 1)]
                                        - learning_rate * grads["dW" + str(l + 1)])
        parameters["b" + str(l + 1)] = (parameters["b" + str(l + 1)]
                                        - learning_rate * grads["db" + str(l + 1)])
    return parameters


# -- the application ------------------------------------------------------------------------------
def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000,
                    print_cost=False):
    """LINEAR→RELU→LINEAR→SIGMOID trained by full-batch gradient descent.

    Course 1, week 4; lesson c1w4_deep_network.

    As the course: ``np.random.seed(1)``, :func:`initialize_parameters`, the cost recorded every
    100 iterations and at the last one.

    Args:
        layers_dims: ``(n_x, n_h, n_y)``.

    Returns:
        parameters, costs.
    """
    np.random.seed(1)
    costs = []
    (n_x, n_h, n_y) = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    for i in range(0, num_iterations):
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0 or i == num_iterations:
            costs.append(cost)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000,
                  print_cost=False):
    """[LINEAR→RELU]×(L−1) → LINEAR→SIGMOID trained by full-batch gradient descent.

    Course 1, week 4; lesson c1w4_deep_network.

    As the application notebook: ``np.random.seed(1)`` and its utility file's initialization
    W[l] ~ N(0, 1)/√n[l−1] (not the step-by-step 0.01, see :func:`initialize_parameters_deep`),
    then :func:`L_model_forward`, :func:`compute_cost`, :func:`L_model_backward`,
    :func:`update_parameters`; the cost recorded every 100 iterations.

    Returns:
        parameters, costs.
    """
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep_app(layers_dims)
    for i in range(0, num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % 100 == 0 or i == num_iterations - 1):
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0 or i == num_iterations:
            costs.append(cost)
    return parameters, costs


def predict(X, y, parameters, print_accuracy=True):
    """0/1 predictions of the L-layer network (AL > 0.5), printing the accuracy as the course.

    Course 1, week 4; lesson c1w4_deep_network.

    ``print_accuracy=False`` silences the course's ``Accuracy: ...`` line (an addition).

    Returns:
        p, a float array (1, m).
    """
    m = X.shape[1]
    p = np.zeros((1, m))
    probas, caches = L_model_forward(X, parameters)
    p[probas > 0.5] = 1
    if print_accuracy:
        print("Accuracy: " + str(np.sum((p == y) / m)))
    return p
