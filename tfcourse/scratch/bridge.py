"""Move the course's parameter dicts in and out of Keras models (W transposed, b flattened).

The course (Courses 1-2) keeps ``W[l]`` as (n[l], n[l-1]) and ``b[l]`` as (n[l], 1) and feeds
columns (features × examples); Keras's ``Dense`` keeps ``kernel`` as (n[l-1], n[l]) and ``bias``
as (n[l],) and feeds rows. These two helpers are the whole mapping, used by the twin tests and
by the lessons' scratch-vs-Keras sections.
"""
import numpy as np


def keras_weights_from_parameters(parameters):
    """The course's ``{"W1", "b1", ..., "WL", "bL"}`` as a list for ``keras_model.set_weights``.

    Course 1, weeks 3 and 4; lessons c1w3_planar_data, c1w4_deep_network.

    Keras's ``Dense`` keeps ``kernel`` of shape (n_prev, n) and ``bias`` of shape (n,) and
    computes ``x @ kernel + bias`` for rows ``x``; the course keeps W of shape (n, n_prev) and b
    of shape (n, 1) and computes ``W X + b`` for columns. So ``kernel = Wᵀ``, ``bias = b[:, 0]``,
    and a Keras model fed ``X.T`` gives the course's ``A.T``. Works for any number of layers.

    Example:
        >>> import numpy as np
        >>> p = {"W1": np.ones((4, 2)), "b1": np.zeros((4, 1)), "W2": np.ones((1, 4)),
        ...      "b2": np.zeros((1, 1))}
        >>> [w.shape for w in keras_weights_from_parameters(p)]
        [(2, 4), (4,), (4, 1), (1,)]
    """
    weights = []
    for l in range(1, len(parameters) // 2 + 1):
        weights.append(np.asarray(parameters["W" + str(l)]).T.copy())
        weights.append(np.asarray(parameters["b" + str(l)]).reshape(-1).copy())
    return weights


def parameters_from_keras_weights(weights):
    """The inverse of :func:`keras_weights_from_parameters`: Keras kernels/biases to W, b.

    Course 1, weeks 3 and 4; lessons c1w3_planar_data, c1w4_deep_network.
    """
    parameters = {}
    for l in range(len(weights) // 2):
        parameters["W" + str(l + 1)] = np.asarray(weights[2 * l]).T.copy()
        parameters["b" + str(l + 1)] = np.asarray(weights[2 * l + 1]).reshape(-1, 1).copy()
    return parameters


def keras_mlp(parameters, activations, dtype="float64"):
    """A Keras ``Sequential`` of ``Dense`` layers holding the course's parameters exactly.

    Course 1, weeks 3 and 4; lessons c1w3_planar_data, c1w4_deep_network.

    Layer l has ``len(b[l])`` units, activation ``activations[l-1]`` (e.g. ``("tanh",
    "sigmoid")`` for the planar network, ``("relu",) * (L-1) + ("sigmoid",)`` for the deep one)
    and weights from :func:`keras_weights_from_parameters`. ``dtype="float64"`` makes a
    scratch-vs-Keras comparison agree to round-off; feed it ``X.T``.
    """
    import keras

    L = len(parameters) // 2
    if len(activations) != L:
        raise ValueError(f"keras_mlp: argument `activations` must have one entry per layer "
                         f"({L}). Received: activations={activations!r}")
    n_x = parameters["W1"].shape[1]
    layers = [keras.Input((n_x,), dtype=dtype)]
    for l in range(1, L + 1):
        layers.append(keras.layers.Dense(parameters["b" + str(l)].shape[0],
                                         activation=activations[l - 1], dtype=dtype))
    model = keras.Sequential(layers)
    model.set_weights(keras_weights_from_parameters(parameters))
    return model


def _course_cost(probabilities, y):
    """The course's mean cross-entropy, in float64, of column-layout probabilities."""
    A = np.clip(np.asarray(probabilities, "float64").reshape(1, -1), 1e-15, 1 - 1e-15)
    Y = np.asarray(y, "float64").reshape(1, -1)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def fit_recording_cost(model, X, Y, steps, record_every=100, callbacks=()):
    """Train a compiled Keras model full-batch for ``steps`` steps; the course's cost curve.

    Course 1, weeks 2-4; lessons c1w2_logistic_regression, c1w3_planar_data,
    c1w4_deep_network.

    ``X`` (n_x, m) and ``Y`` (1, m) are in the course's layout (transposed for Keras here).
    Training is ``tfcourse.training.fit_steps`` with one Keras epoch per ``record_every``
    steps; after each epoch the full-batch cost is evaluated at the current weights. The
    returned ``costs[k]`` is the cost after ``k·record_every`` updates, k = 0, 1, … for as many
    entries as the course's loops record (``i % record_every == 0`` for ``i < steps``), so it
    lines up with ``tfcourse.scratch`` ``costs`` lists entry by entry. (Keras's own
    ``History["loss"]`` is the *mean* over each epoch's steps, not the cost at a point.)

    Returns:
        costs (a list of floats), seconds (wall time of the training alone), the ``History``.
    """
    import time

    import keras

    from tfcourse.training import fit_steps

    import tensorflow as tf

    x = np.asarray(X).T
    y = np.asarray(Y).reshape(-1)
    x32 = tf.constant(x.astype("float32"))
    # The model's forward pass, traced once: an eager call costs ~5 ms on the course's
    # networks, 100 of them as long as the training itself.
    forward = tf.function(lambda t: model(t, training=False), autograph=False)
    forward = forward.get_concrete_function(x32)
    costs = [_course_cost(forward(x32), y)]

    class _CostAfterEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            costs.append(_course_cost(forward(x32), y))

    recorder = _CostAfterEpoch()
    start = time.perf_counter()
    history = fit_steps(model, x, y, steps, log_every=record_every,
                        callbacks=[recorder, *callbacks])
    seconds = time.perf_counter() - start
    return costs[:-(-steps // record_every)], seconds, history


def max_curve_gap(costs_a, costs_b):
    """The largest |a − b| between two cost curves recorded at the same iterations.

    Course 1, weeks 2-4; lessons c1w2_logistic_regression, c1w3_planar_data,
    c1w4_deep_network.
    """
    n = min(len(costs_a), len(costs_b))
    return float(np.max(np.abs(np.asarray(costs_a[:n], "float64")
                               - np.asarray(costs_b[:n], "float64"))))
