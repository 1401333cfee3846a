"""Convolution and pooling forward passes written with plain tensor operations (Course 4, week 1).

The course's first assignment builds a convolutional layer by hand before using the framework's:
``zero_pad``, ``conv_single_step`` (one filter on one window), ``conv_forward`` (every window,
every filter) and ``pool_forward`` (max or average over each window). This module keeps that
structure with ``keras.ops``; ``tests/test_convolution.py`` checks it against
``keras.layers.Conv2D`` / ``MaxPooling2D`` / ``AveragePooling2D`` with the same weights.

Output size (per spatial dimension, the course's formula):

    n_out = ⌊(n + 2p − f) / s⌋ + 1

for an input of size n, padding p, filter size f and stride s.

Layout: channels last, as in the course and in Keras: activations ``(m, n_H, n_W, n_C)``,
filters ``W`` of shape ``(f, f, n_C_prev, n_C)``, biases ``b`` of shape ``(1, 1, 1, n_C)`` (the
course's) or ``(n_C,)`` (Keras's).

Where the course loops over examples, output rows, output columns and filters (four nested
Python loops), the window extraction here loops only over the f × f positions inside the
window: the (i, j)-th element of every window is one strided slice of the padded input. The
arithmetic is the course's: an element-wise product summed over the window, plus the bias.

Padding and Keras: the course pads symmetrically, p zeros on every side. Keras's
``padding="valid"`` is p = 0. Keras's ``padding="same"`` pads
``total = max((⌈n/s⌉ − 1)·s + f − n, 0)`` zeros, ``⌊total/2⌋`` before and the rest after, so it
equals the course's symmetric p = (f − 1)/2 only when that total is even — e.g. stride 1 and odd
f. For an even f (or some strides) Keras puts the extra zero at the bottom/right, which no
symmetric p reproduces. Any symmetric p maps exactly to ``keras.layers.ZeroPadding2D(p)``
followed by a ``padding="valid"`` convolution.

Example::

    A = keras.random.normal((2, 5, 7, 4))          # (m, n_H_prev, n_W_prev, n_C_prev)
    W = keras.random.normal((3, 3, 4, 8))          # (f, f, n_C_prev, n_C)
    b = keras.random.normal((1, 1, 1, 8))
    Z = conv_forward(A, W, b, stride=2, pad=1)     # (2, 3, 4, 8): ⌊(5+2−3)/2⌋+1, ⌊(7+2−3)/2⌋+1
    P = pool_forward(Z, f=2, stride=1, mode="max") # (2, 2, 3, 8)
"""
from __future__ import annotations

from keras import ops

from tfcourse.checks import check_choice, check_int

POOL_MODES = ("max", "average")


def _bad_shape(name, expected, shape, owner):
    """The package's message style for an array argument of the wrong shape."""
    return ValueError(f"{owner}: argument `{name}` must be {expected}. "
                      f"Received: {name} with shape {tuple(shape)}")


def _check_rank4(name, x, owner):
    x = ops.convert_to_tensor(x)
    if len(x.shape) != 4:
        raise _bad_shape(name, "of rank 4 (m, n_H, n_W, n_C)", x.shape, owner)
    return x


def conv_output_size(n: int, f: int, pad: int = 0, stride: int = 1) -> int:
    """The course's output size of a convolution or pooling: n_out = ⌊(n + 2p − f)/s⌋ + 1.

    Course 4, week 1; lesson c4w1_convolution.

    Args:
        n: input height (or width).
        f: filter (window) size.
        pad: zeros added on each side.
        stride: step between windows.

    Raises ``ValueError`` when the window does not fit (n + 2p < f).

    Example: ``conv_output_size(5, 3, pad=1, stride=2)`` is 3.
    """
    n = check_int("n", n, low=1, owner="conv_output_size")
    f = check_int("f", f, low=1, owner="conv_output_size")
    pad = check_int("pad", pad, low=0, owner="conv_output_size")
    stride = check_int("stride", stride, low=1, owner="conv_output_size")
    if n + 2 * pad < f:
        raise ValueError(f"conv_output_size: argument `f` must be <= n + 2*pad = {n + 2 * pad} "
                         f"(the window must fit). Received: f={f}")
    return (n + 2 * pad - f) // stride + 1


def zero_pad(X, pad: int):
    """Pad every image of ``X`` with ``pad`` zeros around its height and width (not m, not n_C).

    Course 4, week 1; lesson c4w1_convolution (through conv_forward).

    (m, n_H, n_W, n_C) → (m, n_H + 2·pad, n_W + 2·pad, n_C), like the course's ``np.pad`` call
    and ``keras.layers.ZeroPadding2D(pad)``.

    Args:
        X: a batch of images, shape ``(m, n_H, n_W, n_C)``.
        pad: the number of zeros on each side, an integer >= 0.
    """
    X = _check_rank4("X", X, "zero_pad")
    pad = check_int("pad", pad, low=0, owner="zero_pad")
    if pad == 0:
        return X
    return ops.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))


def conv_single_step(a_slice_prev, W, b):
    """One filter applied to one window: Z = Σ (a_slice_prev ⊙ W) + b.

    Course 4, week 1; used by no lesson yet (the tests check conv_forward against it).

    Args:
        a_slice_prev: a window of the previous activation, shape ``(f, f, n_C_prev)``.
        W: one filter, shape ``(f, f, n_C_prev)``.
        b: its bias, a scalar or shape ``(1, 1, 1)``.

    Returns a scalar tensor. ``conv_forward`` computes the same sum for every window and every
    filter at once (an einsum), and the tests check the two agree.
    """
    a_slice_prev = ops.convert_to_tensor(a_slice_prev)
    W = ops.convert_to_tensor(W, dtype=a_slice_prev.dtype)
    if tuple(a_slice_prev.shape) != tuple(W.shape):
        raise _bad_shape("W", f"of the window's shape {tuple(a_slice_prev.shape)}", W.shape,
                         "conv_single_step")
    s = ops.sum(ops.multiply(a_slice_prev, W))
    return s + ops.reshape(ops.convert_to_tensor(b, dtype=s.dtype), ())


def _windows(A_pad, f: int, stride: int, n_H: int, n_W: int):
    """Every f × f window of ``A_pad`` at the given stride: (m, n_H, n_W, f, f, n_C).

    The course slices one window per output position: ``A_pad[h*s : h*s+f, w*s : w*s+f, :]``.
    Collected for all positions, element (i, j) of every window is the strided slice
    ``A_pad[:, i : i + s·(n_H−1) + 1 : s, j : j + s·(n_W−1) + 1 : s, :]`` — f² slices instead of
    n_H·n_W, the same numbers.
    """
    rows = []
    for i in range(f):
        cols = []
        for j in range(f):
            # (m, n_H, n_W, n_C): element (i, j) of the window at every output position
            cols.append(A_pad[:, i:i + stride * (n_H - 1) + 1:stride,
                              j:j + stride * (n_W - 1) + 1:stride, :])
        rows.append(ops.stack(cols, axis=3))  # (m, n_H, n_W, f, n_C)
    return ops.stack(rows, axis=3)  # (m, n_H, n_W, f, f, n_C)


def conv_forward(A_prev, W, b, stride: int = 1, pad: int = 0):
    """Convolution forward pass: Z[·, h, w, c] = Σ(window(h, w) ⊙ W[..., c]) + b[c].

    Course 4, week 1; lesson c4w1_convolution.

    The window at output position (h, w) is ``A_pad[h·s : h·s+f, w·s : w·s+f, :]`` of the
    zero-padded input, and each output dimension has the course's size

        n_H = ⌊(n_H_prev + 2p − f)/s⌋ + 1,   n_W = ⌊(n_W_prev + 2p − f)/s⌋ + 1.

    Like every deep-learning "convolution" (and the course's), this is a cross-correlation:
    the filter is not flipped. No activation is applied.

    Keras mapping: ``pad=0`` is ``Conv2D(n_C, f, strides=stride, padding="valid")``; any ``pad`` is
    ``ZeroPadding2D(pad)`` then that valid convolution; ``padding="same"`` equals ``pad=(f−1)//2``
    only when Keras's padding is symmetric (stride 1 and odd f, for instance).

    Args:
        A_prev: previous activations, shape ``(m, n_H_prev, n_W_prev, n_C_prev)``.
        W: filters, shape ``(f, f, n_C_prev, n_C)`` (square, like the course's).
        b: biases, shape ``(1, 1, 1, n_C)`` or ``(n_C,)``.
        stride: step between windows, an integer >= 1.
        pad: zeros added on each side of height and width, an integer >= 0.

    Returns:
        Z, shape ``(m, n_H, n_W, n_C)``.

    Example::

        Z = conv_forward(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1)), np.zeros(1), pad=1)
        # Z[0, :, :, 0] has 4 in the corners, 6 on the edges, 9 inside
    """
    A_prev = _check_rank4("A_prev", A_prev, "conv_forward")
    W = _check_rank4("W", ops.convert_to_tensor(W, dtype=A_prev.dtype), "conv_forward")
    stride = check_int("stride", stride, low=1, owner="conv_forward")
    pad = check_int("pad", pad, low=0, owner="conv_forward")
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f2, w_C_prev, n_C = W.shape
    if f != f2:
        raise _bad_shape("W", "square filters (f, f, n_C_prev, n_C)", W.shape, "conv_forward")
    if w_C_prev != n_C_prev:
        raise _bad_shape("W", f"filters over n_C_prev = {n_C_prev} input channels (A_prev's "
                         "last dimension)", W.shape, "conv_forward")
    b = ops.convert_to_tensor(b, dtype=A_prev.dtype)
    if int(ops.size(b)) != n_C:
        raise _bad_shape("b", f"one bias per filter (n_C = {n_C})", b.shape, "conv_forward")
    b = ops.reshape(b, (n_C,))

    n_H = conv_output_size(n_H_prev, f, pad, stride)
    n_W = conv_output_size(n_W_prev, f, pad, stride)

    A_pad = zero_pad(A_prev, pad)  # (m, n_H_prev + 2p, n_W_prev + 2p, n_C_prev)
    windows = _windows(A_pad, f, stride, n_H, n_W)  # (m, n_H, n_W, f, f, n_C_prev)
    # conv_single_step for every window and every filter: Σ over (i, j, c_prev) of window ⊙ W
    Z = ops.einsum("mhwijc,ijck->mhwk", windows, W)  # (m, n_H, n_W, n_C)
    return Z + b


def pool_forward(A_prev, f: int, stride: int, mode: str = "max"):
    """Pooling forward pass: the max (or the mean) of each f × f window, channel by channel.

    Course 4, week 1; lesson c4w1_convolution.

    Output size, with no padding (the course's pooling has none):

        n_H = ⌊(n_H_prev − f)/s⌋ + 1,   n_W = ⌊(n_W_prev − f)/s⌋ + 1,   n_C = n_C_prev.

    Pooling has hyperparameters (f, s, mode) but nothing to learn.

    Keras mapping: ``MaxPooling2D(pool_size=f, strides=stride, padding="valid")`` and
    ``AveragePooling2D(...)`` likewise. (Keras's ``padding="same"`` average ignores the padded
    cells when it averages, which no zero padding reproduces; the course does not pad pools.)

    Args:
        A_prev: input, shape ``(m, n_H_prev, n_W_prev, n_C_prev)``.
        f: window size, an integer >= 1.
        stride: step between windows, an integer >= 1.
        mode: ``"max"`` or ``"average"``.

    Returns:
        A, shape ``(m, n_H, n_W, n_C_prev)``.

    Example::

        A = pool_forward(np.arange(16.0).reshape(1, 4, 4, 1), f=2, stride=2)
        # A[0, :, :, 0] == [[5, 7], [13, 15]]
    """
    A_prev = _check_rank4("A_prev", A_prev, "pool_forward")
    f = check_int("f", f, low=1, owner="pool_forward")
    stride = check_int("stride", stride, low=1, owner="pool_forward")
    check_choice("mode", mode, POOL_MODES, owner="pool_forward")
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H = conv_output_size(n_H_prev, f, 0, stride)
    n_W = conv_output_size(n_W_prev, f, 0, stride)

    windows = _windows(A_prev, f, stride, n_H, n_W)  # (m, n_H, n_W, f, f, n_C)
    if mode == "max":
        return ops.max(windows, axis=(3, 4))  # (m, n_H, n_W, n_C)
    return ops.mean(windows, axis=(3, 4))  # (m, n_H, n_W, n_C)


__all__ = ["conv_output_size", "zero_pad", "conv_single_step", "conv_forward", "pool_forward",
           "POOL_MODES"]


def multiplications(n_H_prev: int, n_W_prev: int, n_C_prev: int, f: int, n_C: int,
                    stride: int = 1, pad: int = 0) -> dict:
    """Multiplications of a normal and of a depthwise-separable convolution (the lecture's).

    Course 4, week 2 (MobileNet); used by no lesson yet (tests/test_convolution.py checks the
    lecture's figures).

    For an input n_H_prev × n_W_prev × n_C_prev, f × f filters and n_C output channels, with
    the output n_H × n_W (:func:`conv_output_size`):

        normal     = n_H·n_W·n_C · f·f·n_C_prev      (every output value: one f×f×n_C_prev window)
        depthwise  = n_H·n_W·n_C_prev · f·f          (one f×f filter per input channel)
        pointwise  = n_H·n_W·n_C · n_C_prev          (a 1×1 convolution to n_C channels)
        separable  = depthwise + pointwise;   separable / normal = 1/n_C + 1/f²

    The lecture's example, 6×6×3 in, 3×3 filters, 5 out: 2160 against 432 + 240 = 672.
    Keras's ``SeparableConv2D`` (``depth_multiplier=1``) is the depthwise then pointwise pair;
    its kernels hold f·f·n_C_prev and n_C_prev·n_C weights, each used n_H·n_W times (tested).
    Biases (additions) are not counted, as in the lecture.

    Returns:
        ``{"normal": ..., "depthwise": ..., "pointwise": ..., "separable": ..., "ratio": ...}``.

    >>> multiplications(6, 6, 3, f=3, n_C=5)["normal"], multiplications(6, 6, 3, 3, 5)["separable"]
    (2160, 672)
    """
    owner = "multiplications"
    n_C_prev = check_int("n_C_prev", n_C_prev, low=1, owner=owner)
    n_C = check_int("n_C", n_C, low=1, owner=owner)
    n_H = conv_output_size(n_H_prev, f, pad, stride)
    n_W = conv_output_size(n_W_prev, f, pad, stride)
    normal = n_H * n_W * n_C * f * f * n_C_prev
    depthwise = n_H * n_W * n_C_prev * f * f
    pointwise = n_H * n_W * n_C * n_C_prev
    return {"normal": normal, "depthwise": depthwise, "pointwise": pointwise,
            "separable": depthwise + pointwise, "ratio": (depthwise + pointwise) / normal}


__all__ += ["multiplications"]
