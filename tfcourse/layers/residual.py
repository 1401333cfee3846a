"""The course's residual blocks as Keras layers (Course 4, week 2).

A residual block adds its input back to the output of its main path before the last ReLU:

    a[l+2] = g(z[l+2] + a[l])

so the block only has to learn the *residual* z[l+2] ≈ H(a[l]) − a[l]. If the weights decay
to zero the block is the identity, which is why stacking more residual blocks does not make
the training error worse, whereas a "plain" stack of the same layers gets harder to optimize
as it gets deeper (He et al., 2015, "Deep Residual Learning for Image Recognition").

The course's two blocks (the ResNet-50 assignment), both with a three-component "bottleneck"
main path — each convolution followed by BatchNormalization over the channels:

- :class:`IdentityBlock`: CONV 1×1 (F1) → BN → ReLU → CONV f×f "same" (F2) → BN → ReLU →
  CONV 1×1 (F3) → BN, then + input, then ReLU. The input must already have F3 channels.
- :class:`ConvolutionalBlock`: the same main path with stride s in its first 1×1 convolution,
  and a shortcut CONV 1×1 (F3, stride s) → BN that resizes the input to the main path's output.

Both take ``residual=False`` to drop the shortcut (and the shortcut's convolution): the *same*
main path as a plain block, which :func:`tfcourse.resnet.small_resnet` uses to build the plain
network of the same depth.

Example::

    x = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(16, 3, padding="same")(x)
    h = ConvolutionalBlock((8, 8, 32), kernel_size=3, strides=1)(h)   # (8, 8, 32)
    h = IdentityBlock((8, 8, 32), kernel_size=3)(h)                   # (8, 8, 32)
    h = ConvolutionalBlock((16, 16, 64), kernel_size=3, strides=2)(h) # (4, 4, 64)
"""
from __future__ import annotations

import numbers

import keras
from keras import ops

from tfcourse.checks import check_int, check_number, invalid


def _check_filters(filters, name="filters", owner=None):
    """``(F1, F2, F3)`` as a tuple of ints, if ``filters`` is three positive integers."""
    try:
        values = tuple(filters)
    except TypeError:
        values = None
    if (values is None or len(values) != 3
            or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
                       for v in values)):
        raise invalid(name, "three positive integers (F1, F2, F3)", filters, owner)
    return tuple(int(v) for v in values)


class _BottleneckBlock(keras.layers.Layer):
    """The course's three-component main path; subclasses add their shortcut."""

    def __init__(self, filters, kernel_size=3, strides=1, residual=True,
                 kernel_initializer="glorot_uniform", momentum=0.99, **kwargs):
        super().__init__(**kwargs)
        owner = self.__class__.__name__
        self.filters = _check_filters(filters, owner=owner)
        self.kernel_size = check_int("kernel_size", kernel_size, low=1, owner=owner)
        self.strides = check_int("strides", strides, low=1, owner=owner)
        if not isinstance(residual, bool):
            raise invalid("residual", "True or False", residual, owner)
        self.residual = residual
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.momentum = check_number("momentum", momentum, 0, 1, high_open=True, owner=owner)
        F1, F2, F3 = self.filters

        def bn(name):
            return keras.layers.BatchNormalization(axis=-1, momentum=self.momentum, name=name)

        self._bn = bn

        def conv(n, size, stride, padding, name):
            # The course: Conv2D(..., kernel_initializer=initializer(seed=0)); a fresh clone per
            # layer so that a seeded initializer does not give every layer the same weights.
            init = self.kernel_initializer.__class__.from_config(
                self.kernel_initializer.get_config())
            return keras.layers.Conv2D(n, size, strides=stride, padding=padding,
                                       kernel_initializer=init, name=name)

        # First component: 1×1, stride s (1 in the identity block), "valid"
        self.conv_a = conv(F1, 1, self.strides, "valid", "conv_a")
        self.bn_a = self._bn("bn_a")
        # Second component: f×f, stride 1, "same"
        self.conv_b = conv(F2, self.kernel_size, 1, "same", "conv_b")
        self.bn_b = self._bn("bn_b")
        # Third component: 1×1, stride 1, "valid"; no ReLU before the addition
        self.conv_c = conv(F3, 1, 1, "valid", "conv_c")
        self.bn_c = self._bn("bn_c")
        self._conv = conv  # subclasses make their shortcut convolution with it

    def _main_path_shapes(self, input_shape):
        shape_a = self.conv_a.compute_output_shape(input_shape)
        shape_b = self.conv_b.compute_output_shape(shape_a)
        shape_c = self.conv_c.compute_output_shape(shape_b)
        return shape_a, shape_b, shape_c

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"{self.__class__.__name__} expects inputs of shape "
                             f"(m, n_H, n_W, n_C), got {tuple(input_shape)}")
        shape_a, shape_b, _ = self._main_path_shapes(input_shape)
        self.conv_a.build(input_shape)
        self.bn_a.build(shape_a)
        self.conv_b.build(shape_a)
        self.bn_b.build(shape_b)
        self.conv_c.build(shape_b)
        self.bn_c.build(self.conv_c.compute_output_shape(shape_b))

    def _main_path(self, x, training):
        x = ops.relu(self.bn_a(self.conv_a(x), training=training))  # (m, n_H/s, n_W/s, F1)
        x = ops.relu(self.bn_b(self.conv_b(x), training=training))  # (m, n_H/s, n_W/s, F2)
        return self.bn_c(self.conv_c(x), training=training)  # (m, n_H/s, n_W/s, F3)

    def compute_output_shape(self, input_shape):
        return self._main_path_shapes(input_shape)[2]

    def get_config(self):
        return {**super().get_config(), "filters": list(self.filters),
                "kernel_size": self.kernel_size, "residual": self.residual,
                "momentum": self.momentum,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)}


@keras.saving.register_keras_serializable(package="tfcourse")
class IdentityBlock(_BottleneckBlock):
    """The course's identity block: a[l+3] = ReLU(main_path(a[l]) + a[l]).

    Course 4, week 2; lesson c4w2_residual_networks.

    Main path (the course's ``identity_block``): CONV2D F1 1×1 "valid" → BN → ReLU →
    CONV2D F2 f×f "same" → BN → ReLU → CONV2D F3 1×1 "valid" → BN. The shortcut is the input
    itself, so the input must have F3 channels and the output has the input's shape.

    The course writes the block as a function of Keras layers; this layer holds the same layers
    (BatchNormalization with Keras's defaults: momentum 0.99, ε = 1e-3, as in the course) and
    gives the same numbers (``tests/test_resnet.py`` checks it against the course's published
    expected output). ``residual=False`` returns ReLU(main_path(a[l])) — the plain block of the
    same depth.

    Args:
        filters: (F1, F2, F3), the number of filters of the three convolutions.
        kernel_size: f, the middle convolution's window.
        residual: add the shortcut (True) or not (a plain block).
        kernel_initializer: the convolutions' initializer (the course: glorot_uniform).
        momentum: the BatchNormalization layers' moving-average momentum (Keras's and the
            course's default 0.99).

    Call arguments:
        inputs: ``(m, n_H, n_W, F3)``.
        training: BatchNormalization uses the batch's statistics (True) or its moving averages.

    Example::

        y = IdentityBlock((4, 4, 3), kernel_size=2)(np.ones((3, 4, 4, 3), "float32"))  # (3, 4, 4, 3)
    """

    def __init__(self, filters, kernel_size=3, residual=True,
                 kernel_initializer="glorot_uniform", momentum=0.99, **kwargs):
        super().__init__(filters, kernel_size, 1, residual, kernel_initializer, momentum,
                         **kwargs)

    def build(self, input_shape):
        super().build(input_shape)
        if self.residual and input_shape[-1] != self.filters[2]:
            raise ValueError(f"IdentityBlock adds its input to a main path of F3 = "
                             f"{self.filters[2]} channels: the input must have {self.filters[2]} "
                             f"channels, got input_shape {tuple(input_shape)} (use a "
                             f"ConvolutionalBlock to change the number of channels)")

    def call(self, inputs, training=None):
        x = self._main_path(inputs, training)
        if self.residual:
            x = x + inputs  # the skip connection
        return ops.relu(x)


@keras.saving.register_keras_serializable(package="tfcourse")
class ConvolutionalBlock(_BottleneckBlock):
    """The course's convolutional block: a residual block whose shortcut resizes its input.

    Course 4, week 2; lesson c4w2_residual_networks.

    Main path: CONV2D F1 1×1 stride s "valid" → BN → ReLU → CONV2D F2 f×f "same" → BN → ReLU →
    CONV2D F3 1×1 "valid" → BN. Shortcut: CONV2D F3 1×1 stride s "valid" → BN. Output:
    ReLU(main + shortcut), of shape (m, ⌊(n_H − 1)/s⌋ + 1, ⌊(n_W − 1)/s⌋ + 1, F3).

    ``residual=False`` drops the shortcut and its convolution: ReLU(main path) only.

    Args:
        filters: (F1, F2, F3), the number of filters of the three main-path convolutions.
        kernel_size: f, the middle convolution's window.
        strides: s, the stride of the first convolution and of the shortcut's (the course: 2).
        residual: keep the shortcut (True) or not (a plain block).
        kernel_initializer: the convolutions' initializer (the course: glorot_uniform).
        momentum: the BatchNormalization layers' moving-average momentum (Keras's and the
            course's default 0.99).

    Call arguments:
        inputs: ``(m, n_H, n_W, n_C)``, any n_C.
        training: BatchNormalization uses the batch's statistics (True) or its moving averages.

    Example::

        y = ConvolutionalBlock((2, 4, 6), kernel_size=2, strides=2)(np.ones((3, 4, 4, 3)))
        # (3, 2, 2, 6), the course's test
    """

    def __init__(self, filters, kernel_size=3, strides=2, residual=True,
                 kernel_initializer="glorot_uniform", momentum=0.99, **kwargs):
        super().__init__(filters, kernel_size, strides, residual, kernel_initializer, momentum,
                         **kwargs)
        if self.residual:
            self.conv_shortcut = self._conv(self.filters[2], 1, self.strides, "valid",
                                            "conv_shortcut")
            self.bn_shortcut = self._bn("bn_shortcut")

    def build(self, input_shape):
        super().build(input_shape)
        if self.residual:
            self.conv_shortcut.build(input_shape)
            self.bn_shortcut.build(self.conv_shortcut.compute_output_shape(input_shape))

    def call(self, inputs, training=None):
        x = self._main_path(inputs, training)
        if self.residual:
            shortcut = self.bn_shortcut(self.conv_shortcut(inputs), training=training)
            x = x + shortcut  # (m, n_H/s, n_W/s, F3) both
        return ops.relu(x)

    def get_config(self):
        return {**super().get_config(), "strides": self.strides}
