"""A small ResNet and its plain twin, built from the course's residual blocks (Course 4, week 2).

What a residual block computes, and why depth then stops hurting, is explained with the blocks
in :mod:`tfcourse.layers.residual`.

The blocks themselves, :class:`tfcourse.layers.IdentityBlock` and
:class:`tfcourse.layers.ConvolutionalBlock`, are layers and live in :mod:`tfcourse.layers`
(their old path here, ``tfcourse.resnet.IdentityBlock``, warns and goes in the next release).
This module builds networks from them: :func:`small_resnet` (a ResNet, or with
``residual=False`` the plain network of the same depth) and :func:`weight_layer_depth`.

Example::

    resnet = small_resnet(blocks_per_stage=3)
    plain = small_resnet(blocks_per_stage=3, residual=False)
    weight_layer_depth(resnet) == weight_layer_depth(plain)   # True: 2 + 2·3·3 = 20
"""
from __future__ import annotations

import keras

from tfcourse._deprecation import moved_names
from tfcourse.checks import check_int, invalid
# The blocks under a private name: a module global IdentityBlock would bypass __getattr__ below.
from tfcourse.layers import residual as _residual


def small_resnet(input_shape=(8, 8, 1), num_classes: int = 10, stages=((8, 8, 32), (16, 16, 64)),
                 blocks_per_stage: int = 2, kernel_size: int = 3, residual: bool = True,
                 stem_filters: int = 16, bn_momentum: float = 0.99, preprocessing=(),
                 name: str | None = None):
    """A small ResNet in the course's ResNet-50 layout, or (``residual=False``) its plain twin.

    Course 4, week 2; lesson c4w2_residual_networks.

    stem: CONV2D 3×3 "same" → BN → ReLU (no pooling: the images are small) →
    for each stage: one :class:`ConvolutionalBlock` (stride 1 in the first stage, 2 after) and
    ``blocks_per_stage − 1`` :class:`IdentityBlock` s → global average pooling ("features") →
    Dense softmax ("head").

    With ``residual=False`` the blocks keep their main paths and lose their shortcuts: the
    same number of weight layers on the path from input to output, no skip connections.
    The course's ResNet-50 is stages ((64, 64, 256), (128, 128, 512), (256, 256, 1024),
    (512, 512, 2048)) with 3, 4, 6, 3 blocks, on 64×64×3 images after a 7×7 stride-2 stem and
    max pooling.

    Args:
        input_shape: the images' shape (n_H, n_W, n_C).
        num_classes: softmax outputs.
        stages: (F1, F2, F3) of each stage.
        blocks_per_stage: blocks in each stage (the first one a ConvolutionalBlock), >= 1.
        kernel_size: f of every block's middle convolution.
        residual: skip connections (a ResNet) or none (a plain network of the same depth).
        stem_filters: filters of the first convolution.
        bn_momentum: momentum of every BatchNormalization's moving averages (Keras's default
            0.99 averages over ~100 steps; a small data set with few steps per epoch may want
            less, so that the inference-time statistics keep up with the weights).
        preprocessing: layers applied to the input first (e.g. data augmentation, which Keras's
            random preprocessing layers apply only while training).
        name: the model's name.

    Example::

        resnet = small_resnet(blocks_per_stage=3)
        plain = small_resnet(blocks_per_stage=3, residual=False)
    """
    blocks_per_stage = check_int("blocks_per_stage", blocks_per_stage, low=1,
                                 owner="small_resnet")
    num_classes = check_int("num_classes", num_classes, low=1, owner="small_resnet")
    stages = [_residual._check_filters(s, "stages", "small_resnet") for s in stages]
    if not stages:
        raise invalid("stages", "at least one (F1, F2, F3)", stages, "small_resnet")
    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for layer in preprocessing:
        x = layer(x)
    x = keras.layers.Conv2D(stem_filters, 3, padding="same", name="stem_conv")(x)
    x = keras.layers.BatchNormalization(momentum=bn_momentum, name="stem_bn")(x)
    x = keras.layers.Activation("relu", name="stem_relu")(x)
    for i, filters in enumerate(stages, start=1):
        x = _residual.ConvolutionalBlock(filters, kernel_size, strides=1 if i == 1 else 2,
                                         residual=residual, momentum=bn_momentum,
                                         name=f"stage{i}_block1")(x)
        for j in range(2, blocks_per_stage + 1):
            x = _residual.IdentityBlock(filters, kernel_size, residual=residual,
                                        momentum=bn_momentum, name=f"stage{i}_block{j}")(x)
    x = keras.layers.GlobalAveragePooling2D(name="features")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="head")(x)
    default = f"{'resnet' if residual else 'plain'}_{len(stages) * blocks_per_stage * 3 + 2}"
    return keras.Model(inputs, outputs, name=name or default)


def weight_layer_depth(model) -> int:
    """Convolution and dense layers on the longest input-to-output path (the "depth" of a net).

    A block counts its three main-path convolutions (the shortcut's 1×1 convolution is beside
    the path, not on it), so a ResNet and its plain twin have the same depth.

    Course 4, week 2; lesson c4w2_residual_networks.
    """
    depth = 0
    for layer in model.layers:
        if isinstance(layer, (_residual.IdentityBlock, _residual.ConvolutionalBlock)):
            depth += 3
        elif isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
            depth += 1
        elif isinstance(layer, keras.Model):
            depth += weight_layer_depth(layer)
    return depth


__all__ = ["small_resnet", "weight_layer_depth"]

_MOVED = {"IdentityBlock": "tfcourse.layers", "ConvolutionalBlock": "tfcourse.layers"}


__getattr__ = moved_names(__name__, _MOVED)
