"""The Transformer's input and output positions as Keras layers (Course 5, week 4).

- :func:`positional_encoding` — the course's sinusoidal encodings, a (1, positions, d) table
  (defined with the rest of the course's Transformer in :mod:`tfcourse.layers.course_transformer`).
- :class:`PositionalEmbedding` — token embedding · √d + positional encoding (the encoder input).
- :class:`LearnedQueries` — one learned query per output position (a non-autoregressive decoder).

These two serve a non-autoregressive encoder + learned-queries model on top of
``keras.layers.MultiHeadAttention``; the course's own encoder-decoder Transformer is in
:mod:`tfcourse.layers.course_transformer`.
"""
from __future__ import annotations

import keras
from keras import ops

from tfcourse.checks import check_int
from tfcourse.layers.course_transformer import positional_encoding  # (1, positions, d)


@keras.saving.register_keras_serializable(package="tfcourse")
class PositionalEmbedding(keras.layers.Layer):
    """Token embedding scaled by √d plus the sinusoidal positional encoding (the encoder's input).

    x = Embedding(ids) · √d_model + PE[:T]   (the course's ``Encoder.call`` before its layers)

    Course 5, week 4; used by no lesson since c5w4_transformer moved to the course's Transformer.

    Keras has no built-in twin (KerasHub's ``SinePositionEncoding`` interleaves the same
    frequencies the same way); the encoding is checked against the course's formula in the tests.

    Args:
        vocab_size: number of token ids.
        d_model: embedding size d.
        max_length: the longest sequence; the encoding table is (max_length, d).

    Example::

        x = PositionalEmbedding(48, 32, 30)(ids)  # (m, 30, 32)
    """

    def __init__(self, vocab_size: int, d_model: int, max_length: int, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("vocab_size", vocab_size), ("d_model", d_model),
                            ("max_length", max_length)):
            check_int(name, value, low=1, owner="PositionalEmbedding")
        self.vocab_size, self.d_model, self.max_length = vocab_size, d_model, max_length
        self.embedding = keras.layers.Embedding(vocab_size, d_model, name="embedding")

    def build(self, ids_shape):
        self.embedding.build(ids_shape)

    def call(self, ids):
        t = ops.shape(ids)[1]
        x = self.embedding(ids) * ops.sqrt(ops.cast(self.d_model, self.compute_dtype))
        pe = positional_encoding(self.max_length, self.d_model)[0, :t]  # (T, d)
        return x + ops.cast(pe, x.dtype)  # (m, T, d)

    def compute_output_shape(self, ids_shape):
        return (*ids_shape, self.d_model)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "d_model": self.d_model,
                "max_length": self.max_length}


@keras.saving.register_keras_serializable(package="tfcourse")
class LearnedQueries(keras.layers.Layer):
    """``steps`` learned query vectors, repeated for every example: (m, …) → (m, steps, d).

    Course 5, week 4; used by no lesson since c5w4_transformer moved to the course's Transformer.

    The decoder side of a non-autoregressive Transformer: instead of feeding its own previous
    outputs (the course's decoder with a look-ahead mask), each output position t has a learned
    query q⟨t⟩ that cross-attends to the encoder's outputs. Fine when the output length is fixed
    (10 characters for an ISO date). Keras has no built-in twin; it is a weight broadcast.

    Args:
        steps: number of output positions.
        d_model: size of each query.

    Example::

        q = LearnedQueries(10, 32)(encoder_outputs)  # (m, 10, 32)
    """

    def __init__(self, steps: int, d_model: int, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("steps", steps), ("d_model", d_model)):
            check_int(name, value, low=1, owner="LearnedQueries")
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
