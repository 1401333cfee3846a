"""Batch normalization, the course's formulas (Course 2, week 3)."""
from __future__ import annotations

import keras
from keras import ops

from tfcourse.checks import check_int, check_number


@keras.saving.register_keras_serializable(package="tfcourse")
class BatchNorm(keras.layers.Layer):
    """Batch normalization: normalize each feature with the mini-batch's statistics, then scale.

    Course 2, week 3; lesson c2w3_batch_norm.

    The course's formulas, for the pre-activations ``z`` of one feature over a mini-batch of m::

        μ  = (1/m) Σ z                      # batch mean
        σ² = (1/m) Σ (z − μ)²               # batch variance (biased: divides by m, not m − 1)
        ẑ  = (z − μ) / √(σ² + ε)            # ε inside the square root
        z̃  = γ·ẑ + β                        # learnable scale γ and shift β (one per feature)

    In training the layer also keeps exponentially weighted averages of μ and σ² (the course's
    "estimate μ, σ² with an exponentially weighted average across mini-batches")::

        moving_mean     = moving_mean     · momentum + μ  · (1 − momentum)
        moving_variance = moving_variance · momentum + σ² · (1 − momentum)

    and at inference it normalizes with those instead of the batch's, so a prediction does not
    depend on the other examples it is batched with.

    Variant: none; this is the algorithm of ``keras.layers.BatchNormalization`` with the same
    arguments and defaults (momentum 0.99, epsilon 1e-3, γ = 1, β = 0, moving mean 0, moving
    variance 1), and the tests check equal outputs and moving statistics inside ``model.fit``.
    Like Keras: the variance is the biased one (÷ m) in the normalization AND in the moving
    average; float16/bfloat16 inputs are upcast to float32 for the statistics; and a layer with
    ``trainable=False`` runs in inference mode (moving statistics, no updates) even when
    ``training=True`` — the fine-tuning convention. Not supported here: masks, renorm,
    synchronized statistics, regularizers/constraints on γ and β.

    Args:
        axis: the feature axis (normalized separately); statistics are taken over all others.
        momentum: weight of the old moving statistics, in [0, 1) (the course's β of an EWMA).
        epsilon: ε ≥ 0 added to σ² inside the square root, for numerical stability.
        center: learn the shift β (set False when the next layer adds its own bias anyway).
        scale: learn the scale γ (False when the next layer is linear, e.g. before ReLU it is not).

    Call arguments:
        inputs: a tensor with at least the feature axis.
        training: batch statistics (and moving-average updates) when true, moving ones otherwise.

    Example:
        >>> model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, use_bias=False),
        ...                           BatchNorm(), keras.layers.Activation("relu"),
        ...                           keras.layers.Dense(1, "sigmoid")])

    Reference: Ioffe & Szegedy, "Batch Normalization: Accelerating Deep Network Training by
    Reducing Internal Covariate Shift", ICML 2015; the course's "Normalizing activations in a
    network" and "Batch norm at test time" lectures.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        self.axis = check_int("axis", axis, owner="BatchNorm")
        self.momentum = check_number("momentum", momentum, 0, 1, high_open=True, owner="BatchNorm")
        self.epsilon = check_number("epsilon", epsilon, low=0, owner="BatchNorm")
        self.center = bool(center)
        self.scale = bool(scale)
        self.supports_masking = False

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNorm: argument `axis` is out of range for inputs of shape "
                             f"{tuple(input_shape)}. Received: axis={self.axis}")
        axis = self.axis % ndim
        n = input_shape[axis]
        if n is None:
            raise ValueError(f"BatchNorm: the feature axis {self.axis} of the input shape "
                             f"{tuple(input_shape)} must be known")
        shape = (n,)
        # The same weights, in the same order, as keras.layers.BatchNormalization; autocast=False
        # keeps them float32 under a mixed-precision policy.
        self.gamma = (self.add_weight(shape=shape, name="gamma", initializer="ones",
                                      trainable=True, autocast=False) if self.scale else None)
        self.beta = (self.add_weight(shape=shape, name="beta", initializer="zeros",
                                     trainable=True, autocast=False) if self.center else None)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean", initializer="zeros",
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer="ones", trainable=False, autocast=False)
        self._reduction_axes = [i for i in range(ndim) if i != axis]
        self._broadcast_shape = [1] * ndim
        self._broadcast_shape[axis] = n
        self.input_spec = keras.layers.InputSpec(ndim=ndim, axes={axis: n})

    def call(self, inputs, training=None):
        # Batch statistics of float16/bfloat16 activations overflow easily (a sum over the batch
        # of squares), so, like Keras, compute in at least float32 and cast the result back.
        dtype = keras.backend.result_type(inputs.dtype, "float32")
        x = ops.cast(inputs, dtype)

        if training and self.trainable:
            mean = ops.mean(x, axis=self._reduction_axes)                         # μ
            variance = ops.mean(ops.square(x - ops.reshape(mean, self._broadcast_shape)),
                                axis=self._reduction_axes)                        # σ², ÷ m
            m = self.momentum
            self.moving_mean.assign(ops.cast(self.moving_mean, dtype) * m + mean * (1.0 - m))
            self.moving_variance.assign(
                ops.cast(self.moving_variance, dtype) * m + variance * (1.0 - m))
        else:
            mean = ops.cast(self.moving_mean, dtype)
            variance = ops.cast(self.moving_variance, dtype)

        # γ·(x − μ)/√(σ² + ε) + β, folded into one multiply and one add on the big tensor:
        # x·s + (β − μ·s) with s = γ/√(σ² + ε) (per feature, cheap).
        s = ops.rsqrt(variance + self.epsilon)
        if self.scale:
            s = s * ops.cast(self.gamma, dtype)
        shift = -mean * s
        if self.center:
            shift = shift + ops.cast(self.beta, dtype)
        outputs = x * ops.reshape(s, self._broadcast_shape) + ops.reshape(shift,
                                                                          self._broadcast_shape)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale}
