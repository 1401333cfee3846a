"""The course's attention mechanism as Keras layers (Course 5, week 3).

- :class:`OneStepAttention` — one context vector from the encoder states and s⟨t−1⟩.
- :class:`AttentionDecoder` — T_y steps of attention → LSTM → softmax, the course's
  post-attention decoder of the date translator.
"""
from __future__ import annotations

import keras
from keras import ops

from tfcourse.checks import check_int


@keras.saving.register_keras_serializable(package="tfcourse")
class OneStepAttention(keras.layers.Layer):
    """The course's ``one_step_attention``: context⟨t⟩ from the encoder states and s⟨t−1⟩.

    e⟨t,t'⟩ = Dense₂(tanh(Dense₁([a⟨t'⟩; s⟨t−1⟩]))),   α⟨t,t'⟩ = softmax over t' of e⟨t,t'⟩,
    context⟨t⟩ = Σ_t' α⟨t,t'⟩ a⟨t'⟩

    Course 5, week 3; lesson c5w3_attention.

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

    Example::

        context, alphas = OneStepAttention(10)(a, s_prev)
    """

    def __init__(self, units: int = 10, energy_activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.units = check_int("units", units, low=1, owner="OneStepAttention")
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

    Course 5, week 3; lesson c5w3_attention.

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

    Example::

        probs = AttentionDecoder(10, 64, 11)(bi_lstm_states)  # (m, 10, 11)
    """

    def __init__(self, steps: int, units: int, vocab_size: int, attention_units: int = 10,
                 energy_activation="relu", **kwargs):
        super().__init__(**kwargs)
        for name, value in (("steps", steps), ("units", units), ("vocab_size", vocab_size)):
            check_int(name, value, low=1, owner="AttentionDecoder")
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
