"""A dense layer whose units use different activation functions (a learner's question, Course 1)."""
from __future__ import annotations

import numbers

import keras
from keras import ops

from tfcourse.checks import check_int, invalid


def even_split(units: int, groups: int) -> tuple:
    """``units`` split into ``groups`` contiguous group sizes, as even as possible, the larger first.

    Course 1, week 3; lesson c1w3_planar_data (through MixedActivationDense).

    >>> even_split(4, 2), even_split(5, 2), even_split(7, 3)
    ((2, 2), (3, 2), (3, 2, 2))
    """
    units = check_int("units", units, low=1, owner="even_split")
    groups = check_int("groups", groups, low=1, high=units, owner="even_split")
    q, r = divmod(units, groups)
    return tuple(q + 1 if i < r else q for i in range(groups))


@keras.saving.register_keras_serializable(package="tfcourse")
class MixedActivationDense(keras.layers.Layer):
    """A fully connected layer whose units are split between several activation functions.

    Course 1, week 3; lesson c1w3_planar_data.

    "Can one layer mix activation functions?" Yes: the activation is applied unit by unit, so
    nothing in forward or backward propagation asks the units of a layer to share one. With the
    course's layout (one example per column), for a layer of n units split into contiguous
    groups G_1, ..., G_k with activations g_1, ..., g_k::

        Z = W·x + b                  (n, 1): one linear map for the whole layer
        A[G_j] = g_j(Z[G_j])         each group of rows through its own activation
        dZ[G_j] = dA[G_j] * g_j'(Z[G_j])   (backprop: each unit uses its own derivative)

    The groups are contiguous, in the order of ``activations``: with ``split=None`` their sizes
    are as even as possible, the first ``units % k`` groups one unit larger
    (``units=5, activations=("tanh", "relu")`` is 3 tanh units then 2 ReLU units); an explicit
    ``split=(s_1, ..., s_k)`` gives the sizes (positive, summing to ``units``).

    Variant: Keras has no such layer. It is exactly ``keras.layers.Dense(units)`` (no activation;
    the same ``kernel`` of shape (inputs, units) and ``bias``, Keras's row-per-example layout,
    i.e. ``x @ kernel + bias`` = (W·x + b)ᵀ) followed by ``g_j`` on the column slices
    ``[:, start_j:start_j + s_j]``, concatenated; ``tests/test_layers.py`` checks that twin
    with the same weights, and the gradient against two-sided differences.

    Args:
        units: number of units n, a positive integer.
        activations: the activations, one per group: names or callables that
            ``keras.activations.get`` accepts (``"tanh"``, ``"relu"``, ``"linear"``, ...). At most
            ``units`` of them.
        split: ``None`` (as even as possible), or the group sizes, one positive integer per
            activation, summing to ``units``.
        use_bias: whether the layer has a bias b. Defaults to True.
        kernel_initializer, bias_initializer: as in ``keras.layers.Dense``.

    Call arguments:
        inputs: a tensor of shape ``(..., input_dim)``.

    Example:
        >>> layer = MixedActivationDense(4, activations=("tanh", "relu"))   # 2 tanh, 2 ReLU
        >>> layer.split
        (2, 2)

    Reference: the lecture "Activation functions" (Course 1, week 3): the choice of activation
    is a per-unit choice; mixing them in one layer is rare in practice but legitimate.
    """

    def __init__(self, units, activations=("tanh", "relu"), split=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        owner = "MixedActivationDense"
        self.units = check_int("units", units, low=1, owner=owner)
        if isinstance(activations, (str, dict)) or callable(activations) or \
                not isinstance(activations, (list, tuple)) or not activations:
            raise invalid("activations", "a non-empty list or tuple of activations",
                          activations, owner)
        if len(activations) > self.units:
            raise invalid("activations", f"at most units={self.units} activations",
                          activations, owner)
        try:
            self._activation_fns = tuple(keras.activations.get(a) for a in activations)
        except (ValueError, TypeError):
            raise invalid("activations", "activation names or callables that "
                          "keras.activations.get accepts", activations, owner) from None
        if split is None:
            self.split = even_split(self.units, len(activations))
        else:
            if not isinstance(split, (list, tuple)) or len(split) != len(activations) or any(
                    not isinstance(s, numbers.Integral) or isinstance(s, bool) or s < 1
                    for s in split):
                raise invalid("split", f"None or {len(activations)} positive integers (one "
                              "per activation)", split, owner)
            if sum(split) != self.units:
                raise invalid("split", f"group sizes that sum to units={self.units}", split,
                              owner)
            self.split = tuple(int(s) for s in split)
        if not isinstance(use_bias, bool):
            raise invalid("use_bias", "True or False", use_bias, owner)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    @property
    def activations(self) -> tuple:
        """The activation functions, one per group."""
        return self._activation_fns

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer)
        self.bias = self.add_weight(name="bias", shape=(self.units,),
                                    initializer=self.bias_initializer) if self.use_bias else None

    def call(self, inputs):
        z = ops.matmul(inputs, self.kernel)  # (..., units)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        if len(self.split) == 1:
            return self._activation_fns[0](z)
        parts, start = [], 0
        for size, fn in zip(self.split, self._activation_fns):
            parts.append(fn(z[..., start:start + size]))
            start += size
        return ops.concatenate(parts, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activations": [keras.activations.serialize(a) for a in self._activation_fns],
                "split": list(self.split), "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer)}
