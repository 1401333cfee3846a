"""Semantic segmentation with U-Net: the course's blocks and model, and the scores of a
per-pixel labelling (Course 4, week 3).

The course's "Image segmentation with U-Net" assignment, with its names, arguments and layers:

- :func:`conv_block` — two 3×3 ReLU convolutions (He normal), optional dropout, optional 2×2
  max pooling; returns ``(next_layer, skip_connection)``;
- :func:`upsampling_block` — a 3×3 stride-2 transposed convolution, concatenated with the skip
  connection (``[up, contractive_input]``, axis 3), then two 3×3 ReLU convolutions;
- :func:`unet_model` — four down blocks (filters ×1, ×2, ×4, ×8, dropout 0.3 on the fourth),
  a bottleneck (×16, dropout 0.3, no pooling), four up blocks, a 3×3 convolution and a 1×1
  convolution to ``n_classes`` logits per pixel. At the course's defaults (96 × 128 × 3,
  32 filters, 23 classes) it has 8,640,471 parameters, as the course's summary prints (tested).

``skips=False`` (in :func:`unet_model`) and ``contractive_input=None`` (in
:func:`upsampling_block`) build the same network without the skip connections — the ablation
that shows what they are for: the decoder then has only the bottleneck's coarse map to draw
the boundaries from.

Scores (NumPy, on integer label maps): :func:`pixel_accuracy`, :func:`per_class_iou`,
:func:`mean_iou` (the mean over the classes present; equal to ``keras.metrics.MeanIoU``,
tested), and :func:`confusion_matrix`.
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int, check_number, invalid


def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    """The U-Net's down block: CONV 3×3, ReLU, CONV 3×3, ReLU (, dropout) (, max pool 2×2).

    Course 4, week 3; lesson c4w3_image_segmentation.

    Both convolutions have ``n_filters`` filters, ``padding="same"`` and He normal initial
    weights; dropout (rate ``dropout_prob``) follows when it is > 0, and a 2×2 max pooling
    when ``max_pooling``. Returns ``(next_layer, skip_connection)``: the pooled output for the
    next block and the unpooled one for the decoder's skip connection (the same tensor when
    ``max_pooling=False``).

    The course's test: on a ``(96, 128, 3)`` input, ``conv_block(inputs, 32)`` has layers
    Conv2D ``(None, 96, 128, 32)`` 896 parameters, Conv2D 9248, MaxPooling2D
    ``(None, 48, 64, 32)``; ``conv_block(inputs, 1024, dropout_prob=0.1)`` has 28672 and
    9438208 parameters and a Dropout (tested).
    """
    import keras

    if inputs is None:
        raise invalid("inputs", "a Keras tensor", inputs, "conv_block")
    n_filters = check_int("n_filters", n_filters, low=1, owner="conv_block")
    dropout_prob = check_number("dropout_prob", dropout_prob, low=0, high=1, high_open=True,
                                owner="conv_block")
    L = keras.layers
    conv = L.Conv2D(n_filters, 3, activation="relu", padding="same",
                    kernel_initializer="he_normal")(inputs)
    conv = L.Conv2D(n_filters, 3, activation="relu", padding="same",
                    kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = L.Dropout(dropout_prob)(conv)
    next_layer = L.MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    skip_connection = conv
    return next_layer, skip_connection


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    """The U-Net's up block: transposed CONV 3×3 stride 2, concatenate the skip, CONV, CONV.

    Course 4, week 3; lesson c4w3_image_segmentation.

    ``up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)``, then
    ``concatenate([up, contractive_input], axis=3)`` (the skip connection: the encoder's map at
    this resolution), then two 3×3 ReLU convolutions with He normal initial weights.
    ``contractive_input=None`` leaves out the concatenation (the no-skip ablation).

    The course's test: ``expansive_input`` ``(12, 16, 256)``, ``contractive_input``
    ``(24, 32, 128)``, 32 filters: Conv2DTranspose ``(None, 24, 32, 32)`` 73760 parameters,
    Concatenate ``(None, 24, 32, 160)``, Conv2D 46112, Conv2D 9248 (tested).
    """
    import keras

    n_filters = check_int("n_filters", n_filters, low=1, owner="upsampling_block")
    L = keras.layers
    up = L.Conv2DTranspose(n_filters, 3, strides=(2, 2), padding="same")(expansive_input)
    merge = up if contractive_input is None else L.concatenate([up, contractive_input], axis=3)
    conv = L.Conv2D(n_filters, 3, activation="relu", padding="same",
                    kernel_initializer="he_normal")(merge)
    conv = L.Conv2D(n_filters, 3, activation="relu", padding="same",
                    kernel_initializer="he_normal")(conv)
    return conv


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23, skips=True):
    """The course's U-Net: per-pixel logits ``(batch, height, width, n_classes)``.

    Course 4, week 3; lesson c4w3_image_segmentation.

    Encoder: ``conv_block`` ×1, ×2, ×4, ×8 filters (dropout 0.3 on the fourth), bottleneck ×16
    (dropout 0.3, no pooling). Decoder: ``upsampling_block`` ×8, ×4, ×2, ×1 filters, each
    joined to the encoder block of its resolution (the skip connection's tensor before
    pooling), then a 3×3 ReLU convolution (``n_filters``) and a 1×1 convolution to
    ``n_classes`` (no activation: train with ``SparseCategoricalCrossentropy(from_logits=True)``
    as the course does). The height and width must be multiples of 16 (four poolings).

    ``skips=False`` builds the same layers without the four concatenations (the ablation);
    the decoder's convolutions then have fewer input channels, hence fewer parameters.

    At the defaults: 8,640,471 parameters (the course's summary; tested).
    """
    import keras

    if len(tuple(input_size)) != 3 or any(int(d) % 16 for d in tuple(input_size)[:2]):
        raise invalid("input_size", "(height, width, channels) with height and width "
                      "multiples of 16", input_size, "unet_model")
    n_filters = check_int("n_filters", n_filters, low=1, owner="unet_model")
    n_classes = check_int("n_classes", n_classes, low=1, owner="unet_model")
    inputs = keras.Input(tuple(input_size), name="image")
    # Contracting path (encoding)
    cblock1 = conv_block(inputs, n_filters)
    cblock2 = conv_block(cblock1[0], n_filters * 2)
    cblock3 = conv_block(cblock2[0], n_filters * 4)
    cblock4 = conv_block(cblock3[0], n_filters * 8, dropout_prob=0.3)
    cblock5 = conv_block(cblock4[0], n_filters * 16, dropout_prob=0.3, max_pooling=False)
    # Expanding path (decoding); each skip is the block's output before its pooling
    skip = (lambda block: block[1]) if skips else (lambda block: None)
    ublock6 = upsampling_block(cblock5[0], skip(cblock4), n_filters * 8)
    ublock7 = upsampling_block(ublock6, skip(cblock3), n_filters * 4)
    ublock8 = upsampling_block(ublock7, skip(cblock2), n_filters * 2)
    ublock9 = upsampling_block(ublock8, skip(cblock1), n_filters)
    conv9 = keras.layers.Conv2D(n_filters, 3, activation="relu", padding="same",
                                kernel_initializer="he_normal")(ublock9)
    conv10 = keras.layers.Conv2D(n_classes, 1, padding="same", name="logits")(conv9)
    return keras.Model(inputs=inputs, outputs=conv10, name="unet" if skips else "unet_no_skips")


# -- scores --------------------------------------------------------------------------------------
def _labels(y_true, y_pred):
    y_true = np.asarray(y_true).astype("int64").reshape(-1)
    y_pred = np.asarray(y_pred).astype("int64").reshape(-1)
    if y_true.shape != y_pred.shape:
        raise invalid("y_pred", f"as many pixels as y_true ({y_true.size})",
                      f"{y_pred.size} pixels", "segmentation scores")
    return y_true, y_pred


def confusion_matrix(y_true, y_pred, n_classes):
    """``(n_classes, n_classes)`` pixel counts, rows the true class, columns the predicted one.

    Course 4, week 3; lesson c4w3_image_segmentation.
    """
    n_classes = check_int("n_classes", n_classes, low=1, owner="confusion_matrix")
    y_true, y_pred = _labels(y_true, y_pred)
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes ** 2).reshape(
        n_classes, n_classes)


def pixel_accuracy(y_true, y_pred):
    """The share of pixels whose predicted class is the true one.

    Course 4, week 3; lesson c4w3_image_segmentation.

    The course's training metric (``metrics=["accuracy"]`` on the per-pixel softmax). A rare
    or thin class barely moves it: see :func:`mean_iou`.
    """
    y_true, y_pred = _labels(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def per_class_iou(y_true, y_pred, n_classes):
    """IoU of each class's pixels: ``TP / (TP + FP + FN)``; NaN for a class absent from both.

    Course 4, week 3; lesson c4w3_image_segmentation.

    The box IoU of :func:`tfcourse.detection.iou` with pixel sets for boxes: the pixels labelled
    c in both maps over the pixels labelled c in either.
    """
    cm = confusion_matrix(y_true, y_pred, n_classes).astype("float64")
    tp = np.diag(cm)
    union = cm.sum(0) + cm.sum(1) - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, tp / union, np.nan)


def mean_iou(y_true, y_pred, n_classes):
    """The mean of :func:`per_class_iou` over the classes present in either map.

    Course 4, week 3; lesson c4w3_image_segmentation.

    Every class counts the same however few its pixels, so a missed lane line or a rare class
    pulls it down where pixel accuracy hardly notices. Equal to ``keras.metrics.MeanIoU(
    num_classes)`` on the same label maps (which also averages over the classes with a
    non-zero union; tested).
    """
    return float(np.nanmean(per_class_iou(y_true, y_pred, n_classes)))
