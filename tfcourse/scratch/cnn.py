"""Course 4, week 1 in NumPy: the convolution and pooling layers, forward and (optional) backward.

The course's first Course 4 assignment ("Convolutional Neural Networks: Step by Step") writes a
convolutional layer in NumPy. This module keeps its names, signatures, argument order, array
layouts and caches, so that a notebook can be held next to it:

- ``zero_pad(X, pad)``, ``conv_single_step(a_slice_prev, W, b)``;
- ``conv_forward(A_prev, W, b, hparameters) -> (Z, cache)`` with
  ``cache = (A_prev, W, b, hparameters)`` and ``hparameters = {"stride": s, "pad": p}``;
- ``pool_forward(A_prev, hparameters, mode="max") -> (A, cache)`` with
  ``cache = (A_prev, hparameters)`` and ``hparameters = {"stride": s, "f": f}``;
- the optional backward passes ``conv_backward(dZ, cache) -> (dA_prev, dW, db)``,
  ``create_mask_from_window(x)``, ``distribute_value(dz, shape)`` and
  ``pool_backward(dA, cache, mode="max") -> dA_prev``.

Layout (the course's and Keras's): activations ``(m, n_H, n_W, n_C)``, filters ``W`` of shape
``(f, f, n_C_prev, n_C)``, biases ``b`` of shape ``(1, 1, 1, n_C)``.

Why not :mod:`tfcourse.convolution`? That module holds the same forward arithmetic written with
``keras.ops`` under a Keras-style signature (``conv_forward(A_prev, W, b, stride=1, pad=0)``,
``pool_forward(A_prev, f, stride, mode)``) and returns no cache; the course's backward passes need
the course's signatures and caches, so the forwards here are the course's, in NumPy, and the tests
check that both modules compute the same Z and A.

Where the course loops over examples, output rows, output columns and channels, the code here
loops only over the f × f positions inside a window (or, for pooling, over output positions) and
lets NumPy do the rest: element (i, j) of every window is one strided slice of the padded input.
The arithmetic is the course's, so the results agree to float64 round-off
(``tests/test_scratch_course45.py`` checks the course's printed figures and, against
``tf.GradientTape`` through ``tf.nn.conv2d`` / ``max_pool2d`` / ``avg_pool2d``, every gradient).
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_choice, check_int, invalid

POOL_MODES = ("max", "average")


def _hparam(hparameters, key, owner, low):
    if not isinstance(hparameters, dict) or key not in hparameters:
        raise invalid("hparameters", f"a dict with the key {key!r}", hparameters, owner)
    return check_int(f'hparameters["{key}"]', hparameters[key], low=low, owner=owner)


def _rank4(name, x, owner):
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise invalid(name, "an array of rank 4 (m, n_H, n_W, n_C)", f"shape {x.shape}", owner)
    return x


def _out_size(n, f, pad, stride, owner):
    if n + 2 * pad < f:
        raise invalid("f", f"<= n + 2*pad = {n + 2 * pad} (the window must fit)", f, owner)
    return (n + 2 * pad - f) // stride + 1


def _strided(A, i, j, stride, n_H, n_W):
    """Element (i, j) of every window, at every output position: (m, n_H, n_W, n_C)."""
    return A[:, i:i + stride * (n_H - 1) + 1:stride, j:j + stride * (n_W - 1) + 1:stride, :]


def zero_pad(X, pad):
    """Pad every image of ``X`` with ``pad`` zeros around height and width (the course's ``np.pad``).

    Course 4, week 1; used by no lesson (the NumPy path of tfcourse.scratch; c4w1_convolution
    uses tfcourse.convolution).

    (m, n_H, n_W, n_C) → (m, n_H + 2·pad, n_W + 2·pad, n_C): ``keras.layers.ZeroPadding2D(pad)``.
    """
    X = _rank4("X", X, "zero_pad")
    pad = check_int("pad", pad, low=0, owner="zero_pad")
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant",
                  constant_values=(0, 0))


def conv_single_step(a_slice_prev, W, b):
    """One filter on one window: Z = Σ (a_slice_prev ⊙ W) + b, a NumPy float.

    Course 4, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Args:
        a_slice_prev: a window, shape ``(f, f, n_C_prev)``.
        W: one filter, shape ``(f, f, n_C_prev)``.
        b: its bias, shape ``(1, 1, 1)``.
    """
    a_slice_prev = np.asarray(a_slice_prev, dtype=float)
    W = np.asarray(W, dtype=float)
    if a_slice_prev.shape != W.shape:
        raise invalid("W", f"an array of the window's shape {a_slice_prev.shape}",
                      f"shape {W.shape}", "conv_single_step")
    return np.sum(np.multiply(a_slice_prev, W)) + np.float64(np.asarray(b).reshape(()))


def conv_forward(A_prev, W, b, hparameters):
    """Convolution forward pass: Z[i, h, w, c] = Σ(window(i, h, w) ⊙ W[..., c]) + b[..., c].

    Course 4, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    The window at output position (h, w) is ``A_prev_pad[i, h·s : h·s+f, w·s : w·s+f, :]`` and

        n_H = ⌊(n_H_prev + 2·pad − f)/stride⌋ + 1,   n_W = ⌊(n_W_prev + 2·pad − f)/stride⌋ + 1.

    A cross-correlation (no filter flip), no activation. Keras mapping:
    ``ZeroPadding2D(pad)`` then ``Conv2D(n_C, f, strides=stride, padding="valid")`` with
    ``kernel = W`` and ``bias = b.reshape(n_C)``; ``tf.nn.conv2d(zero_pad(A_prev, pad), W,
    strides=stride, padding="VALID") + b`` is the same number.

    Args:
        A_prev: ``(m, n_H_prev, n_W_prev, n_C_prev)``.
        W: ``(f, f, n_C_prev, n_C)``.
        b: ``(1, 1, 1, n_C)``.
        hparameters: ``{"stride": s, "pad": p}``.

    Returns:
        ``(Z, cache)``: Z of shape ``(m, n_H, n_W, n_C)`` and ``cache = (A_prev, W, b,
        hparameters)``, the course's cache for :func:`conv_backward`.
    """
    owner = "conv_forward"
    A_prev = _rank4("A_prev", A_prev, owner)
    W = _rank4("W", W, owner)
    b = np.asarray(b, dtype=float)
    stride = _hparam(hparameters, "stride", owner, 1)
    pad = _hparam(hparameters, "pad", owner, 0)
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f2, w_C_prev, n_C = W.shape
    if f != f2 or w_C_prev != n_C_prev:
        raise invalid("W", f"square filters over n_C_prev = {n_C_prev} channels, (f, f, "
                      f"{n_C_prev}, n_C)", f"shape {W.shape}", owner)
    if b.size != n_C:
        raise invalid("b", f"one bias per filter, shape (1, 1, 1, {n_C})", f"shape {b.shape}",
                      owner)
    n_H = _out_size(n_H_prev, f, pad, stride, owner)
    n_W = _out_size(n_W_prev, f, pad, stride, owner)
    A_prev_pad = zero_pad(A_prev, pad)
    Z = np.zeros((m, n_H, n_W, n_C))
    for i in range(f):
        for j in range(f):
            # conv_single_step summed position by position: window element (i, j) times W[i, j]
            Z += _strided(A_prev_pad, i, j, stride, n_H, n_W) @ W[i, j]  # (m,n_H,n_W,n_C)
    Z += b.reshape(1, 1, 1, n_C)
    cache = (A_prev, W, b, hparameters)
    return Z, cache


def pool_forward(A_prev, hparameters, mode="max"):
    """Pooling forward pass: the max (or the mean) of each f × f window, channel by channel.

    Course 4, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    n_H = ⌊(n_H_prev − f)/stride⌋ + 1, n_W likewise, n_C = n_C_prev (no padding, as in the
    course). Keras mapping: ``MaxPooling2D(pool_size=f, strides=stride, padding="valid")`` /
    ``AveragePooling2D(...)``; ``tf.nn.max_pool2d`` / ``avg_pool2d`` with ``padding="VALID"``.

    Args:
        A_prev: ``(m, n_H_prev, n_W_prev, n_C_prev)``.
        hparameters: ``{"f": f, "stride": s}``.
        mode: ``"max"`` or ``"average"``.

    Returns:
        ``(A, cache)`` with ``cache = (A_prev, hparameters)``, the course's cache for
        :func:`pool_backward`.
    """
    owner = "pool_forward"
    A_prev = _rank4("A_prev", A_prev, owner)
    f = _hparam(hparameters, "f", owner, 1)
    stride = _hparam(hparameters, "stride", owner, 1)
    check_choice("mode", mode, POOL_MODES, owner=owner)
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    n_H = _out_size(n_H_prev, f, 0, stride, owner)
    n_W = _out_size(n_W_prev, f, 0, stride, owner)
    windows = np.stack([np.stack([_strided(A_prev, i, j, stride, n_H, n_W) for j in range(f)],
                                 axis=3) for i in range(f)], axis=3)  # (m, n_H, n_W, f, f, n_C)
    A = windows.max(axis=(3, 4)) if mode == "max" else windows.mean(axis=(3, 4))
    cache = (A_prev, hparameters)
    return A, cache


def conv_backward(dZ, cache):
    """Convolution backward pass: dA_prev, dW and db from dZ = ∂J/∂Z and conv_forward's cache.

    Course 4, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    The course's three formulas, summed over examples i, output positions (h, w) and filters c:

        dA_prev_pad[i, h·s:h·s+f, w·s:w·s+f, :] += W[:, :, :, c] · dZ[i, h, w, c]
        dW[:, :, :, c] += a_slice(i, h, w) · dZ[i, h, w, c]
        db[:, :, :, c] += dZ[i, h, w, c]

    then the padding is cut off dA_prev_pad. This is what ``tf.GradientTape`` gives for
    ``tf.nn.conv2d`` (the tests check it to 1e-10). One difference from the course's code: the
    course cuts the padding with ``[pad:-pad]``, which returns an empty array when ``pad == 0``;
    here ``pad == 0`` keeps the whole array.

    Args:
        dZ: ``(m, n_H, n_W, n_C)``.
        cache: ``(A_prev, W, b, hparameters)`` from :func:`conv_forward`.

    Returns:
        ``(dA_prev, dW, db)`` of the shapes of ``A_prev``, ``W`` and ``b`` (``(1, 1, 1, n_C)``).
    """
    owner = "conv_backward"
    (A_prev, W, b, hparameters) = cache
    stride = _hparam(hparameters, "stride", owner, 1)
    pad = _hparam(hparameters, "pad", owner, 0)
    dZ = _rank4("dZ", dZ, owner)
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, _, _, n_C = W.shape
    n_H, n_W = _out_size(n_H_prev, f, pad, stride, owner), _out_size(n_W_prev, f, pad, stride,
                                                                      owner)
    if dZ.shape != (m, n_H, n_W, n_C):
        raise invalid("dZ", f"an array of Z's shape {(m, n_H, n_W, n_C)}", f"shape {dZ.shape}",
                      owner)
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = np.zeros_like(A_prev_pad)
    dW = np.zeros_like(W)
    for i in range(f):
        for j in range(f):
            # window element (i, j) at every position receives W[i, j, :, c] · dZ[.., c]
            _strided(dA_prev_pad, i, j, stride, n_H, n_W)[...] += dZ @ W[i, j].T
            # dW[i, j, c_prev, c] = Σ_{examples, positions} a_slice[i, j, c_prev] · dZ[.., c]
            dW[i, j] = np.einsum("mhwp,mhwc->pc", _strided(A_prev_pad, i, j, stride, n_H, n_W),
                                 dZ)
    db = dZ.sum(axis=(0, 1, 2)).reshape(1, 1, 1, n_C)
    dA_prev = dA_prev_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    assert dA_prev.shape == (m, n_H_prev, n_W_prev, n_C_prev)
    return dA_prev, dW, db


def create_mask_from_window(x):
    """The max-pooling derivative of one window: True where x is its maximum, False elsewhere.

    Course 4, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    ``mask = (x == np.max(x))``, the course's one line. With a tie every maximal entry is True
    (TensorFlow's ``max_pool2d`` gradient sends the gradient to one of them only); with real-valued
    inputs ties do not happen.

    >>> create_mask_from_window(np.array([[1, 3], [4, 2]]))
    array([[False, False],
           [ True, False]])
    """
    x = np.asarray(x)
    return x == np.max(x)


def distribute_value(dz, shape):
    """The average-pooling derivative of one window: dz spread evenly, dz / (n_H · n_W) each.

    Course 4, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Args:
        dz: a scalar, the gradient of one pooled output.
        shape: ``(n_H, n_W)``, the window's shape.

    Returns an array of shape ``shape``, every entry ``dz / (n_H·n_W)``. The course's example:

    >>> distribute_value(2, (2, 2))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    (n_H, n_W) = shape
    average = n_H * n_W
    return np.ones(shape) * dz / average


def pool_backward(dA, cache, mode="max"):
    """Pooling backward pass: route each output's gradient back into its window.

    Course 4, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    For every example, output position (h, w) and channel c, with the window
    ``A_prev[i, h·s:h·s+f, w·s:w·s+f, c]``:

    - ``"max"``: ``dA_prev[window] += create_mask_from_window(window) · dA[i, h, w, c]``;
    - ``"average"``: ``dA_prev[window] += distribute_value(dA[i, h, w, c], (f, f))``.

    Overlapping windows (stride < f) add up. The loop runs over output positions; examples and
    channels are handled at once (the same mask per window and channel as the course's).

    Args:
        dA: ``(m, n_H, n_W, n_C)``, the gradient of the pooled output.
        cache: ``(A_prev, hparameters)`` from :func:`pool_forward`.
        mode: ``"max"`` or ``"average"``.

    Returns:
        dA_prev, of ``A_prev``'s shape.
    """
    owner = "pool_backward"
    check_choice("mode", mode, POOL_MODES, owner=owner)
    (A_prev, hparameters) = cache
    stride = _hparam(hparameters, "stride", owner, 1)
    f = _hparam(hparameters, "f", owner, 1)
    dA = _rank4("dA", dA, owner)
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for h in range(n_H):
        vert_start, vert_end = h * stride, h * stride + f
        for w in range(n_W):
            horiz_start, horiz_end = w * stride, w * stride + f
            da = dA[:, h, w, :][:, None, None, :]  # (m, 1, 1, n_C)
            if mode == "max":
                window = A_prev[:, vert_start:vert_end, horiz_start:horiz_end, :]
                mask = window == window.max(axis=(1, 2), keepdims=True)  # per example, channel
                dA_prev[:, vert_start:vert_end, horiz_start:horiz_end, :] += mask * da
            else:
                dA_prev[:, vert_start:vert_end, horiz_start:horiz_end, :] += da / (f * f)
    assert dA_prev.shape == A_prev.shape
    return dA_prev


__all__ = ["zero_pad", "conv_single_step", "conv_forward", "pool_forward", "conv_backward",
           "create_mask_from_window", "distribute_value", "pool_backward", "POOL_MODES"]
