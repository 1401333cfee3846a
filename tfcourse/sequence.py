"""Sequence models by hand (Course 5, week 1): RNN and LSTM cells, and sampling.

The course writes every piece of a recurrent network in NumPy before it uses the framework's.
This module does the same with ``keras.ops`` and documents, exactly, how the course's parameters
map onto the weights of ``keras.layers.SimpleRNN`` and ``keras.layers.LSTM`` (the tests copy
weights across and check the outputs agree to 1e-5).

Layout. The course stores a sequence as ``x`` of shape (n_x, m, T_x) and multiplies
``W · x``; Keras stores it batch-first, (m, T_x, n_x), and multiplies ``x @ kernel``. The functions
here take Keras's layout for the data and the course's names and shapes for the parameters:

===========  =====================  ======================================================
course       shape                  Keras weight
===========  =====================  ======================================================
``Wax``      (n_a, n_x)             ``SimpleRNN.cell.kernel.T`` (kernel is (n_x, n_a))
``Waa``      (n_a, n_a)             ``SimpleRNN.cell.recurrent_kernel.T``
``ba``       (n_a,)                 ``SimpleRNN.cell.bias``
``Wya``      (n_y, n_a)             ``Dense.kernel.T`` of the softmax output layer
``by``       (n_y,)                 ``Dense.bias``
===========  =====================  ======================================================

The LSTM's course gates act on the concatenation ``[a⟨t−1⟩; x⟨t⟩]`` (a first, then x), with one
matrix per gate of shape (n_a, n_a + n_x). Keras keeps two matrices for all four gates side by
side, ``kernel`` (n_x, 4·n_a) acting on x and ``recurrent_kernel`` (n_a, 4·n_a) acting on a, and
one ``bias`` (4·n_a,), in the gate order **i, f, c, o** (update, forget, candidate, output). For
gate g at column block k (i → 0, f → 1, c → 2, o → 3), with ``cols = k·n_a : (k+1)·n_a``::

    W_g = concatenate([recurrent_kernel[:, cols].T, kernel[:, cols].T], axis=1)  # (n_a, n_a+n_x)
    b_g = bias[cols]

so ``Wi``/``bi`` (the course's update gate Γu) is block 0, ``Wf``/``bf`` block 1, ``Wc``/``bc``
block 2 and ``Wo``/``bo`` block 3. Keras's ``recurrent_activation`` (default ``"sigmoid"``) is the
course's σ on the gates and ``activation`` (default ``"tanh"``) is its tanh.
:func:`rnn_params_from_keras` and :func:`lstm_params_from_keras` do this mapping.

The attention layers of week 3 and the Transformer's positional encoding of week 4 are layers,
in :mod:`tfcourse.layers` (``tfcourse.sequence.OneStepAttention`` and the other old paths warn
and go in the next release).
"""
from __future__ import annotations

import numpy as np

import keras
from keras import ops

from tfcourse._deprecation import moved_names
from tfcourse.checks import check_number, invalid

# Registers the layers that moved out (one release): ``import tfcourse.sequence`` alone still loads
# a .keras file that uses OneStepAttention & co., as it did when they were defined here.
from tfcourse import layers as _layers  # noqa: F401

# --------------------------------------------------------------------------------------------
# RNN
# --------------------------------------------------------------------------------------------


def rnn_cell_forward(xt, a_prev, params):
    """One step of a basic RNN cell (the course's ``rnn_cell_forward``).

    Course 5, week 1; lesson c5w1_rnn.

    a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a),   ŷ⟨t⟩ = softmax(W_ya a⟨t⟩ + b_y)

    Args:
        xt: input at step t, shape (m, n_x).
        a_prev: hidden state a⟨t−1⟩, shape (m, n_a).
        params: ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``ba`` (n_a,) and optionally ``Wya``
            (n_y, n_a), ``by`` (n_y,) (the course's names and shapes; see the module docstring
            for the Keras weights they correspond to).

    Returns:
        ``(a_next, yt_pred)``: (m, n_a) and (m, n_y); ``yt_pred`` is None without ``Wya``.

    Example::

        a1, y1 = rnn_cell_forward(x[:, 0], a0, params)
    """
    # Batch-first: (W · x)ᵀ = xᵀ · Wᵀ, so each course product W·x is x @ W.T here.
    a_next = ops.tanh(ops.matmul(a_prev, ops.transpose(params["Waa"]))  # (m, n_a)
                      + ops.matmul(xt, ops.transpose(params["Wax"]))  # (m, n_a)
                      + params["ba"])
    yt_pred = None
    if "Wya" in params:
        yt_pred = ops.softmax(ops.matmul(a_next, ops.transpose(params["Wya"])) + params["by"],
                              axis=-1)  # (m, n_y)
    return a_next, yt_pred


def rnn_forward(x, a0, params):
    """A basic RNN over a whole sequence (the course's ``rnn_forward``).

    Course 5, week 1; lesson c5w1_rnn.

    Args:
        x: inputs, shape (m, T_x, n_x) (Keras's batch-first layout).
        a0: initial hidden state, shape (m, n_a) (Keras starts from zeros).
        params: as in :func:`rnn_cell_forward`.

    Returns:
        ``(a, y_pred)``: every hidden state (m, T_x, n_a) (``SimpleRNN(return_sequences=True)``)
        and every prediction (m, T_x, n_y), or None without ``Wya``.
    """
    x = ops.convert_to_tensor(x)
    a_next, states, preds = ops.convert_to_tensor(a0), [], []
    for t in range(x.shape[1]):
        a_next, yt = rnn_cell_forward(x[:, t, :], a_next, params)
        states.append(a_next)
        preds.append(yt)
    a = ops.stack(states, axis=1)  # (m, T_x, n_a)
    y = ops.stack(preds, axis=1) if "Wya" in params else None  # (m, T_x, n_y)
    return a, y


def rnn_params_from_keras(rnn_layer, dense_layer=None) -> dict:
    """The course's ``Wax, Waa, ba`` (and ``Wya, by``) from a built ``keras.layers.SimpleRNN``.

    Course 5, week 1; lesson c5w1_rnn.

    ``Wax = kernel.T``, ``Waa = recurrent_kernel.T``, ``ba = bias``; from a ``Dense`` output
    layer, ``Wya = kernel.T``, ``by = bias``. Returns NumPy arrays.
    """
    cell = getattr(rnn_layer, "cell", rnn_layer)
    if not cell.use_bias:
        raise invalid("rnn_layer", "a layer with a bias (the course's b_a), use_bias=True",
                      rnn_layer, "rnn_params_from_keras")
    params = {"Wax": np.asarray(cell.kernel).T, "Waa": np.asarray(cell.recurrent_kernel).T,
              "ba": np.asarray(cell.bias)}
    if dense_layer is not None:
        params.update(Wya=np.asarray(dense_layer.kernel).T, by=np.asarray(dense_layer.bias))
    return params


# --------------------------------------------------------------------------------------------
# LSTM
# --------------------------------------------------------------------------------------------

LSTM_GATE_ORDER = ("i", "f", "c", "o")  # Keras's order of the four column blocks


def lstm_cell_forward(xt, a_prev, c_prev, params):
    """One step of an LSTM cell (the course's ``lstm_cell_forward``).

    Course 5, week 1; lesson c5w1_rnn.

    With concat = [a⟨t−1⟩; x⟨t⟩]:

    - forget gate    Γf = σ(W_f · concat + b_f)
    - update gate    Γu = σ(W_i · concat + b_i)
    - candidate      c̃⟨t⟩ = tanh(W_c · concat + b_c)
    - memory cell    c⟨t⟩ = Γf ∗ c⟨t−1⟩ + Γu ∗ c̃⟨t⟩
    - output gate    Γo = σ(W_o · concat + b_o)
    - hidden state   a⟨t⟩ = Γo ∗ tanh(c⟨t⟩),   ŷ⟨t⟩ = softmax(W_y a⟨t⟩ + b_y)

    Args:
        xt: input at step t, shape (m, n_x).
        a_prev: hidden state a⟨t−1⟩, shape (m, n_a).
        c_prev: memory cell c⟨t−1⟩, shape (m, n_a).
        params: ``Wf, Wi, Wc, Wo`` each (n_a, n_a + n_x) acting on [a; x] (a's columns first),
            ``bf, bi, bc, bo`` each (n_a,), optionally ``Wy`` (n_y, n_a) and ``by`` (n_y,).
            Keras's LSTM weights map onto these as the module docstring says.

    Returns:
        ``(a_next, c_next, yt_pred)``: (m, n_a), (m, n_a), (m, n_y) or None without ``Wy``.

    Example::

        a1, c1, y1 = lstm_cell_forward(x[:, 0], a0, c0, params)
    """
    concat = ops.concatenate([a_prev, xt], axis=-1)  # (m, n_a + n_x)

    def gate(name):  # (m, n_a)
        return ops.matmul(concat, ops.transpose(params["W" + name])) + params["b" + name]

    ft = ops.sigmoid(gate("f"))  # forget gate Γf
    it = ops.sigmoid(gate("i"))  # update gate Γu
    cct = ops.tanh(gate("c"))  # candidate c̃
    c_next = ft * c_prev + it * cct  # (m, n_a)
    ot = ops.sigmoid(gate("o"))  # output gate Γo
    a_next = ot * ops.tanh(c_next)  # (m, n_a)
    yt_pred = None
    if "Wy" in params:
        yt_pred = ops.softmax(ops.matmul(a_next, ops.transpose(params["Wy"])) + params["by"],
                              axis=-1)  # (m, n_y)
    return a_next, c_next, yt_pred


def lstm_forward(x, a0, params, c0=None):
    """An LSTM over a whole sequence (the course's ``lstm_forward``).

    Course 5, week 1; lesson c5w1_rnn.

    Args:
        x: inputs, shape (m, T_x, n_x).
        a0: initial hidden state (m, n_a).
        params: as in :func:`lstm_cell_forward`.
        c0: initial memory cell (m, n_a); zeros when None (the course and Keras both start there).

    Returns:
        ``(a, c, y_pred)``: (m, T_x, n_a), (m, T_x, n_a) and (m, T_x, n_y) or None without ``Wy``.
    """
    x = ops.convert_to_tensor(x)
    a_next = ops.convert_to_tensor(a0)
    c_next = ops.zeros_like(a_next) if c0 is None else ops.convert_to_tensor(c0)
    states, cells, preds = [], [], []
    for t in range(x.shape[1]):
        a_next, c_next, yt = lstm_cell_forward(x[:, t, :], a_next, c_next, params)
        states.append(a_next)
        cells.append(c_next)
        preds.append(yt)
    y = ops.stack(preds, axis=1) if "Wy" in params else None
    return ops.stack(states, axis=1), ops.stack(cells, axis=1), y


def lstm_params_from_keras(lstm_layer, dense_layer=None) -> dict:
    """The course's ``Wf, bf, Wi, bi, Wc, bc, Wo, bo`` (and ``Wy, by``) from a ``keras.layers.LSTM``
    (or its cell).

    Course 5, week 1; lesson c5w1_rnn.

    Keras's column blocks are in the order i, f, c, o; each course matrix stacks the recurrent
    block (acting on a⟨t−1⟩) before the input block (acting on x⟨t⟩), transposed:
    ``W_g = [recurrent_kernel[:, g].T | kernel[:, g].T]``, ``b_g = bias[g]``. Returns NumPy arrays.
    """
    cell = getattr(lstm_layer, "cell", lstm_layer)
    if not cell.use_bias:
        raise invalid("lstm_layer", "a layer with a bias, use_bias=True", lstm_layer,
                      "lstm_params_from_keras")
    for attr, want in (("activation", "tanh"), ("recurrent_activation", "sigmoid")):
        got = keras.activations.serialize(getattr(cell, attr))
        if got != want:
            raise invalid(f"lstm_layer.{attr}", f"{want!r} (the course's)", got,
                          "lstm_params_from_keras")
    n_a = cell.units
    kernel, recurrent = np.asarray(cell.kernel), np.asarray(cell.recurrent_kernel)
    bias = np.asarray(cell.bias)
    params = {}
    for k, g in enumerate(LSTM_GATE_ORDER):
        cols = slice(k * n_a, (k + 1) * n_a)
        params["W" + g] = np.concatenate([recurrent[:, cols].T, kernel[:, cols].T], axis=1)
        params["b" + g] = bias[cols]
    if dense_layer is not None:
        params.update(Wy=np.asarray(dense_layer.kernel).T, by=np.asarray(dense_layer.bias))
    return params


# --------------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------------


def temperature_probabilities(probs, temperature: float):
    """Re-shape a distribution with a temperature: p_T(k) ∝ p(k)^(1/T) = softmax(log p(k) / T).

    Course 5, week 1; lesson c5w1_rnn.

    T = 1 leaves ``probs`` unchanged; T → 0 puts all the mass on the most likely entry (greedy,
    argmax-like: safe, repetitive names); T > 1 flattens towards uniform (more surprising, more
    misspelt). Works on the last axis.

    Args:
        probs: probabilities, shape (..., n_y).
        temperature: T > 0.
    """
    check_number("temperature", temperature, low=0, low_open=True,
                 owner="temperature_probabilities")
    logp = ops.log(ops.maximum(ops.convert_to_tensor(probs, "float32"), 1e-12))
    return ops.softmax(logp / temperature, axis=-1)


def sample_index(probs, temperature: float, rng: np.random.Generator) -> int:
    """Draw one index from ``probs`` (shape (n_y,)) at ``temperature`` with a NumPy generator.

    Course 5, week 1; lesson c5w1_rnn.

    The course's ``sample`` draws with ``np.random.choice(range(vocab_size), p=y.ravel())``; this is
    the same draw after :func:`temperature_probabilities` (float64 renormalized, as
    ``Generator.choice`` requires probabilities summing to 1).
    """
    p = np.asarray(temperature_probabilities(probs, temperature), "float64").ravel()
    return int(rng.choice(len(p), p=p / p.sum()))


def sample_sequence(model, start_id: int, end_id: int, temperature: float,
                    rng: np.random.Generator, max_length: int = 40) -> list:
    """Generate ids from a next-token ``model`` (ids (1, t) → probabilities (1, t, n_y)).

    Course 5, week 1; lesson c5w1_rnn.

    Starts from ``[start_id]``, feeds the sequence so far, draws the next id from the last step's
    distribution, and stops at ``end_id`` or after ``max_length`` ids (the course stops at 50).
    Returns the generated ids without the start and end ids.
    """
    ids = [start_id]
    for _ in range(max_length):
        probs = model(np.asarray([ids], "float32"), training=False)  # (1, t, n_y)
        nxt = sample_index(np.asarray(probs)[0, -1], temperature, rng)
        if nxt == end_id:
            break
        ids.append(nxt)
    return ids[1:]




# Moved to tfcourse.layers (they are Keras layers): the old paths warn for one release.
_MOVED = {"OneStepAttention": "tfcourse.layers", "AttentionDecoder": "tfcourse.layers",
          "PositionalEmbedding": "tfcourse.layers", "LearnedQueries": "tfcourse.layers",
          "positional_encoding": "tfcourse.layers.transformer"}


__getattr__ = moved_names(__name__, _MOVED)
