"""Sequence models by hand (Course 5): RNN and LSTM cells, sampling, one-step attention.

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
"""
from __future__ import annotations

import numpy as np

import keras
from keras import ops

# --------------------------------------------------------------------------------------------
# RNN
# --------------------------------------------------------------------------------------------


def rnn_cell_forward(xt, a_prev, params):
    """One step of a basic RNN cell (the course's ``rnn_cell_forward``).

    a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a),   ŷ⟨t⟩ = softmax(W_ya a⟨t⟩ + b_y)

    Args:
        xt: input at step t, shape (m, n_x).
        a_prev: hidden state a⟨t−1⟩, shape (m, n_a).
        params: ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``ba`` (n_a,) and optionally ``Wya``
            (n_y, n_a), ``by`` (n_y,) (the course's names and shapes; see the module docstring
            for the Keras weights they correspond to).

    Returns:
        ``(a_next, yt_pred)``: (m, n_a) and (m, n_y); ``yt_pred`` is None without ``Wya``.

    Example:
        >>> a1, y1 = rnn_cell_forward(x[:, 0], a0, params)
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

    ``Wax = kernel.T``, ``Waa = recurrent_kernel.T``, ``ba = bias``; from a ``Dense`` output
    layer, ``Wya = kernel.T``, ``by = bias``. Returns NumPy arrays.
    """
    cell = getattr(rnn_layer, "cell", rnn_layer)
    if not cell.use_bias:
        raise ValueError(f"rnn_layer must use a bias (the course's b_a), "
                         f"got use_bias={cell.use_bias}")
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

    Example:
        >>> a1, c1, y1 = lstm_cell_forward(x[:, 0], a0, c0, params)
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

    Keras's column blocks are in the order i, f, c, o; each course matrix stacks the recurrent
    block (acting on a⟨t−1⟩) before the input block (acting on x⟨t⟩), transposed:
    ``W_g = [recurrent_kernel[:, g].T | kernel[:, g].T]``, ``b_g = bias[g]``. Returns NumPy arrays.
    """
    cell = getattr(lstm_layer, "cell", lstm_layer)
    if not cell.use_bias:
        raise ValueError(f"lstm_layer must use a bias, got use_bias={cell.use_bias}")
    for attr, want in (("activation", "tanh"), ("recurrent_activation", "sigmoid")):
        got = keras.activations.serialize(getattr(cell, attr))
        if got != want:
            raise ValueError(f"lstm_layer.{attr} must be {want!r} (the course's), got {got!r}")
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

    T = 1 leaves ``probs`` unchanged; T → 0 puts all the mass on the most likely entry (greedy,
    argmax-like: safe, repetitive names); T > 1 flattens towards uniform (more surprising, more
    misspelt). Works on the last axis.

    Args:
        probs: probabilities, shape (..., n_y).
        temperature: T > 0.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    logp = ops.log(ops.maximum(ops.convert_to_tensor(probs, "float32"), 1e-12))
    return ops.softmax(logp / temperature, axis=-1)


def sample_index(probs, temperature: float, rng: np.random.Generator) -> int:
    """Draw one index from ``probs`` (shape (n_y,)) at ``temperature`` with a NumPy generator.

    The course's ``sample`` draws with ``np.random.choice(range(vocab_size), p=y.ravel())``; this is
    the same draw after :func:`temperature_probabilities` (float64 renormalized, as
    ``Generator.choice`` requires probabilities summing to 1).
    """
    p = np.asarray(temperature_probabilities(probs, temperature), "float64").ravel()
    return int(rng.choice(len(p), p=p / p.sum()))


def sample_sequence(model, start_id: int, end_id: int, temperature: float,
                    rng: np.random.Generator, max_length: int = 40) -> list:
    """Generate ids from a next-token ``model`` (ids (1, t) → probabilities (1, t, n_y)).

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


# --------------------------------------------------------------------------------------------
# Attention (Course 5, week 3)
# --------------------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="tfcourse")
class OneStepAttention(keras.layers.Layer):
    """The course's ``one_step_attention``: context⟨t⟩ from the encoder states and s⟨t−1⟩.

    e⟨t,t'⟩ = Dense₂(tanh(Dense₁([a⟨t'⟩; s⟨t−1⟩]))),   α⟨t,t'⟩ = softmax over t' of e⟨t,t'⟩,
    context⟨t⟩ = Σ_t' α⟨t,t'⟩ a⟨t'⟩

    The course builds it from ``RepeatVector(Tx)`` (s⟨t−1⟩ copied to every input step),
    ``Concatenate(axis=-1)`` ([a; s], a first), ``Dense(10, "tanh")``, ``Dense(1, "relu")``, a
    softmax over axis 1 and ``Dot(axes=1)``; this layer is the same computation with the two Dense
    layers as sublayers (``dense1``, ``dense2``), so their weights copy one to one. The energy
    activation is an argument: ``"relu"`` is the course's; ``None`` or ``"linear"`` is Bahdanau et
    al.'s additive attention, whose energies are never clipped to 0 (a ReLU can output 0 for every
    input step, and then the attention is uniform and passes no gradient to the energy network).

    Args:
        units: width of the small energy network (the course uses 10).
        energy_activation: activation of the energy output, ``"relu"`` (course), ``None`` or
            ``"linear"``.

    Call arguments:
        a: encoder states, (m, T_x, n_a2) (the course's Bi-LSTM outputs, n_a2 = 2·n_a).
        s_prev: decoder state s⟨t−1⟩, (m, n_s).

    Returns:
        ``(context, alphas)``: (m, n_a2) and (m, T_x).

    Example:
        >>> context, alphas = OneStepAttention(10)(a, s_prev)
    """

    def __init__(self, units: int = 10, energy_activation="relu", **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units < 1:
            raise ValueError(f"units must be a positive integer, got {units!r}")
        self.units = units
        self.energy_activation = energy_activation
        self.dense1 = keras.layers.Dense(units, activation="tanh", name="dense1")
        self.dense2 = keras.layers.Dense(1, activation=energy_activation, name="dense2")

    def build(self, a_shape, s_prev_shape):
        self.dense1.build((None, None, a_shape[-1] + s_prev_shape[-1]))
        self.dense2.build((None, None, self.units))

    def call(self, a, s_prev):
        tx = ops.shape(a)[1]
        s_rep = ops.repeat(ops.expand_dims(s_prev, 1), tx, axis=1)  # (m, T_x, n_s): RepeatVector
        concat = ops.concatenate([a, s_rep], axis=-1)  # (m, T_x, n_a2 + n_s)
        energies = self.dense2(self.dense1(concat))  # (m, T_x, 1)
        alphas = ops.softmax(energies, axis=1)  # (m, T_x, 1): sums to 1 over the input steps
        context = ops.sum(alphas * a, axis=1)  # (m, n_a2): Dot(axes=1)
        return context, ops.squeeze(alphas, -1)

    def compute_output_shape(self, a_shape, s_prev_shape):
        return (a_shape[0], a_shape[-1]), (a_shape[0], a_shape[1])

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "energy_activation": self.energy_activation}


@keras.saving.register_keras_serializable(package="tfcourse")
class AttentionDecoder(keras.layers.Layer):
    """The course's post-attention decoder: T_y steps of attention → LSTM → softmax.

    For t = 1 … T_y:  context⟨t⟩ = OneStepAttention(a, s⟨t−1⟩);
    s⟨t⟩, c⟨t⟩ = LSTMCell(context⟨t⟩, [s⟨t−1⟩, c⟨t−1⟩]);   ŷ⟨t⟩ = softmax(W_y s⟨t⟩ + b_y).

    The course's ``modelf`` unrolls this loop in the functional API with shared layers and takes
    s⟨0⟩ and c⟨0⟩ as two extra model inputs (always zeros). Here the loop lives in one layer that
    starts from zeros itself, so the whole translator has one input (the characters) and one
    output (m, T_y, n_y), the course's list of T_y outputs stacked on axis 1. Like the course,
    the decoder does not see its own previous output (no teacher forcing): each step's only
    input is the context.

    Args:
        steps: T_y, the output length (10 for ISO dates).
        units: n_s, the post-attention LSTM's size (the course uses 64).
        vocab_size: n_y, the output vocabulary (11 for digits and "-").
        attention_units: the energy network's width (the course uses 10).
        energy_activation: passed to :class:`OneStepAttention`.

    Call arguments:
        a: encoder states (m, T_x, n_a2).
        return_attention: also return the attention weights (m, T_y, T_x).

    Example:
        >>> probs = AttentionDecoder(10, 64, 11)(bi_lstm_states)  # (m, 10, 11)
    """

    def __init__(self, steps: int, units: int, vocab_size: int, attention_units: int = 10,
                 energy_activation="relu", **kwargs):
        super().__init__(**kwargs)
        for name, value in (("steps", steps), ("units", units), ("vocab_size", vocab_size)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.steps, self.units, self.vocab_size = steps, units, vocab_size
        self.attention_units, self.energy_activation = attention_units, energy_activation
        self.attention = OneStepAttention(attention_units, energy_activation, name="attention")
        self.cell = keras.layers.LSTMCell(units, name="post_attention_lstm")
        self.output_layer = keras.layers.Dense(vocab_size, activation="softmax", name="output")

    def build(self, a_shape):
        self.attention.build(a_shape, (None, self.units))
        self.cell.build((None, a_shape[-1]))
        self.output_layer.build((None, self.units))

    def call(self, a, return_attention=False):
        batch = ops.shape(a)[0]
        s = ops.zeros((batch, self.units), dtype=a.dtype)  # s⟨0⟩
        c = ops.zeros((batch, self.units), dtype=a.dtype)  # c⟨0⟩
        outputs, alphas = [], []
        for _ in range(self.steps):
            context, alpha = self.attention(a, s)  # (m, n_a2), (m, T_x)
            s, (s, c) = self.cell(context, [s, c])  # (m, n_s)
            outputs.append(self.output_layer(s))  # (m, n_y)
            alphas.append(alpha)
        probs = ops.stack(outputs, axis=1)  # (m, T_y, n_y)
        if return_attention:
            return probs, ops.stack(alphas, axis=1)  # (m, T_y, T_x)
        return probs

    def get_config(self):
        return {**super().get_config(), "steps": self.steps, "units": self.units,
                "vocab_size": self.vocab_size, "attention_units": self.attention_units,
                "energy_activation": self.energy_activation}


# --------------------------------------------------------------------------------------------
# Transformer input (Course 5, week 4)
# --------------------------------------------------------------------------------------------


def positional_encoding(positions: int, d: int):
    """The course's sinusoidal positional encodings, shape (positions, d).

    PE(pos, 2i) = sin(pos / 10000^(2i/d)),   PE(pos, 2i+1) = cos(pos / 10000^(2i/d))

    (the course's ``get_angles`` uses i = k // 2 for column k, so columns 2i and 2i+1 share a
    frequency). The course returns it with a leading batch axis, (1, positions, d).
    """
    if not isinstance(positions, int) or positions < 1:
        raise ValueError(f"positions must be a positive integer, got {positions!r}")
    if not isinstance(d, int) or d < 1:
        raise ValueError(f"d must be a positive integer, got {d!r}")
    pos = ops.expand_dims(ops.arange(positions, dtype="float32"), 1)  # (positions, 1)
    k = ops.arange(d)  # (d,)
    two_i = ops.cast(2 * (k // 2), "float32")
    angles = pos / ops.power(10000.0, two_i / d)  # (positions, d)
    return ops.where(k % 2 == 0, ops.sin(angles), ops.cos(angles))


@keras.saving.register_keras_serializable(package="tfcourse")
class PositionalEmbedding(keras.layers.Layer):
    """Token embedding scaled by √d plus the sinusoidal positional encoding (the encoder's input).

    x = Embedding(ids) · √d_model + PE[:T]   (the course's ``Encoder.call`` before its layers)

    Keras has no built-in twin (KerasHub's ``SinePositionEncoding`` interleaves the same
    frequencies the same way); the encoding is checked against the course's formula in the tests.

    Args:
        vocab_size: number of token ids.
        d_model: embedding size d.
        max_length: the longest sequence; the encoding table is (max_length, d).

    Example:
        >>> x = PositionalEmbedding(48, 32, 30)(ids)  # (m, 30, 32)
    """

    def __init__(self, vocab_size: int, d_model: int, max_length: int, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("vocab_size", vocab_size), ("d_model", d_model),
                            ("max_length", max_length)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.vocab_size, self.d_model, self.max_length = vocab_size, d_model, max_length
        self.embedding = keras.layers.Embedding(vocab_size, d_model, name="embedding")

    def build(self, ids_shape):
        self.embedding.build(ids_shape)

    def call(self, ids):
        t = ops.shape(ids)[1]
        x = self.embedding(ids) * ops.sqrt(ops.cast(self.d_model, self.compute_dtype))
        pe = positional_encoding(self.max_length, self.d_model)[:t]  # (T, d)
        return x + ops.cast(pe, x.dtype)  # (m, T, d)

    def compute_output_shape(self, ids_shape):
        return (*ids_shape, self.d_model)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "d_model": self.d_model,
                "max_length": self.max_length}


@keras.saving.register_keras_serializable(package="tfcourse")
class LearnedQueries(keras.layers.Layer):
    """``steps`` learned query vectors, repeated for every example: (m, …) → (m, steps, d).

    The decoder side of a non-autoregressive Transformer: instead of feeding its own previous
    outputs (the course's decoder with a look-ahead mask), each output position t has a learned
    query q⟨t⟩ that cross-attends to the encoder's outputs. Fine when the output length is fixed
    (10 characters for an ISO date). Keras has no built-in twin; it is a weight broadcast.

    Args:
        steps: number of output positions.
        d_model: size of each query.

    Example:
        >>> q = LearnedQueries(10, 32)(encoder_outputs)  # (m, 10, 32)
    """

    def __init__(self, steps: int, d_model: int, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("steps", steps), ("d_model", d_model)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.steps, self.d_model = steps, d_model

    def build(self, input_shape):
        self.queries = self.add_weight(shape=(self.steps, self.d_model), name="queries",
                                       initializer="random_normal")

    def call(self, x):
        batch = ops.shape(x)[0]
        return ops.broadcast_to(ops.expand_dims(self.queries, 0),
                                (batch, self.steps, self.d_model))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.steps, self.d_model)

    def get_config(self):
        return {**super().get_config(), "steps": self.steps, "d_model": self.d_model}
