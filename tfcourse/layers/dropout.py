"""Inverted dropout, the course's algorithm (Course 2, week 1)."""
from __future__ import annotations

import numbers

import keras
from keras import ops

from tfcourse.checks import invalid, is_number


@keras.saving.register_keras_serializable(package="tfcourse")
class InvertedDropout(keras.layers.Layer):
    """Inverted dropout: keep each unit with probability ``keep_prob``, then divide by it.

    Course 2, week 1; lessons c2w1_gradient_checking, c2w1_regularization.

    The course's forward pass for a layer's activations ``A`` (keep_prob = 1 − rate)::

        D = rand(A.shape) < keep_prob     # keep mask, a fresh one at every step
        A = A * D                         # shut down the dropped units
        A = A / keep_prob                 # "inverted": E[A] is unchanged, so nothing to undo
                                          # at test time

    Backprop multiplies ``dA`` by the same mask and divides by ``keep_prob`` again, which
    automatic differentiation does by itself. At inference (``training=False``) the layer is the
    identity: no mask, no scaling.

    Variant: none. ``keras.layers.Dropout(rate)`` is the same algorithm with the same argument
    (``rate`` is the share DROPPED, 1 − keep_prob) and the same statistics; the masks differ
    because the random streams differ. This layer spells the course's three lines out; Keras
    calls the backend's fused dropout op. The course's ``keep_prob = 0.86`` is ``rate=0.14``.

    Args:
        rate: share of units dropped, in [0, 1) (``rate = 1 − keep_prob``). 0 is the identity.
        seed: optional int seed for the masks. The seed starts a ``keras.random.SeedGenerator``
            made once here, which advances at every training step, so every step draws a new
            mask (an int seed passed straight to ``keras.random.uniform`` would repeat one mask).

    Call arguments:
        inputs: a tensor of any shape.
        training: the mask is applied only when true (``model.fit`` sets it).

    Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(20, "relu"),
        ...                           InvertedDropout(0.14), keras.layers.Dense(1, "sigmoid")])

    Reference: Srivastava et al., "Dropout: a simple way to prevent neural networks from
    overfitting", JMLR 2014; the course's "Regularization" assignment
    (``forward_propagation_with_dropout``).
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not is_number(rate) or not 0 <= float(rate) < 1:
            raise invalid("rate", "a number in [0, 1) (the share of units dropped; keep_prob = "
                          "1 - rate)", rate, "InvertedDropout")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise invalid("seed", "an int or None", seed, "InvertedDropout")
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True  # no weights

    @property
    def keep_prob(self) -> float:
        """The course's name for ``1 − rate``."""
        return 1.0 - self.rate

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        keep_prob = self.keep_prob
        # D = rand < keep_prob; A = A * D / keep_prob, written as one select so that the step
        # costs what Keras's fused dropout costs.
        keep = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator,
                                    dtype=inputs.dtype) < keep_prob
        return ops.where(keep, inputs / keep_prob, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
