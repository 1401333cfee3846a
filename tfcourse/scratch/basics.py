"""Course 1, week 2, "Python basics with NumPy": the course's helper functions, vectorized.

The assignment's functions under their course names: :func:`sigmoid`, :func:`sigmoid_derivative`,
:func:`image2vector`, :func:`normalize_rows`, :func:`softmax` (row-wise, as the assignment
writes it), and the vectorized losses :func:`L1` and :func:`L2`. Arrays in, NumPy arrays out;
nothing here touches TensorFlow (the Keras path lives in ``tfcourse.layers`` and friends).

Example:
    >>> import numpy as np
    >>> from tfcourse.scratch.basics import sigmoid, softmax
    >>> print(sigmoid(np.array([1, 2, 3])))
    [0.73105858 0.88079708 0.95257413]
    >>> softmax(np.array([[1.0, 1.0]]))
    array([[0.5, 0.5]])
"""
import numpy as np


def sigmoid(x):
    """The logistic function σ(x) = 1 / (1 + e^(−x)), element-wise.

    Course 1, week 2; lesson c1w2_logistic_regression.

    The Keras built-in is ``keras.activations.sigmoid`` (same formula; in TensorFlow it is
    ``tf.math.sigmoid``, which is computed in a numerically safer way for large |x|).

    Args:
        x: a scalar or NumPy array of any shape.

    Returns:
        σ(x), same shape as ``x``.
    """
    return 1 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    """The slope of the sigmoid: σ'(x) = σ(x)·(1 − σ(x)), element-wise.

    Course 1, week 2; lesson c1w2_logistic_regression.

    This is what ``tf.GradientTape`` returns for ``tf.math.sigmoid`` (tests/test_scratch_course1.py
    checks the two agree).

    Args:
        x: a scalar or NumPy array.

    Returns:
        ds, the gradient, same shape as ``x``.
    """
    s = sigmoid(x)
    return s * (1 - s)


def image2vector(image):
    """Unroll an image of shape (length, height, depth) into a column (length·height·depth, 1).

    Course 1, week 2; lesson c1w2_logistic_regression.

    The course's layout: one example per *column*, so the flattened image is a column vector.
    ``keras.layers.Flatten`` gives a row per example instead (``image2vector(x) ==
    Flatten()(x[None]).T`` for a single image).
    """
    return image.reshape(image.shape[0] * image.shape[1] * image.shape[2], 1)


def normalize_rows(x):
    """Divide each row of ``x`` by its Euclidean norm: x / ‖x‖ (row-wise, with broadcasting).

    Course 1, week 2; lesson c1w2_logistic_regression.

    Same as ``keras.utils.normalize(x, axis=1, order=2)`` (tested), which also guards zero rows.

    Args:
        x: a NumPy matrix of shape (n, m).

    Returns:
        The normalized (by row) matrix, shape (n, m).
    """
    x_norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / x_norm


def softmax(x):
    """Softmax of each row: s_ij = e^(x_ij) / Σ_k e^(x_ik).

    Course 1, week 2; lesson c1w2_logistic_regression.

    Row-wise, as this assignment writes it (rows are examples here). The course's later code
    (features × examples) takes the softmax over the columns' axis 0 instead. Equals
    ``keras.activations.softmax(x, axis=-1)``, which subtracts the row maximum first for
    stability (tested); this one overflows for entries above ~709.

    Args:
        x: a NumPy matrix of shape (m, n).

    Returns:
        A matrix of shape (m, n) whose rows sum to 1.
    """
    x_exp = np.exp(x)
    x_sum = np.sum(x_exp, axis=1, keepdims=True)
    return x_exp / x_sum


def L1(yhat, y):
    """The L1 loss Σ |y − ŷ| (summed, not averaged).

    Course 1, week 2; lesson c1w2_logistic_regression.

    ``keras.losses.MeanAbsoluteError`` averages instead: L1 = m · MAE for vectors of length m.
    """
    return np.sum(np.abs(y - yhat))


def L2(yhat, y):
    """The L2 loss Σ (y − ŷ)² (summed, not averaged).

    Course 1, week 2; lesson c1w2_logistic_regression.

    ``keras.losses.MeanSquaredError`` averages instead: L2 = m · MSE for vectors of length m.
    """
    return np.sum(np.dot(y - yhat, y - yhat))
