"""The YOLO output head: a grid of anchors, each box decoded from the network's numbers
(Course 4, week 3)."""
from __future__ import annotations

import keras
import numpy as np
from keras import ops

from tfcourse.checks import check_int, invalid


@keras.saving.register_keras_serializable(package="tfcourse")
class YoloHead(keras.layers.Layer):
    """Reshape a feature map to grid × anchors × (5 + classes) and decode each box (YOLOv2).

    Course 4, week 3; lesson c4w3_object_detection.

    The input is the last convolution's output, ``(batch, S_h, S_w, A·(5 + C))`` (the course's
    19 × 19 × 425 for 5 anchors and 80 classes). It is reshaped to ``(batch, S_h, S_w, A, 5 + C)``
    and each vector ``(t_x, t_y, t_w, t_h, t_o, t_1..t_C)`` of the cell in row r, column c, with
    anchor a of size ``(p_w, p_h)``, is decoded as in YOLOv2 (the course's ``yolo_head``)::

        x = (c + σ(t_x)) / S_w          y = (r + σ(t_y)) / S_h       (centre, fraction of image)
        w = p_w · exp(t_w)              h = p_h · exp(t_h)           (size, fraction of image)
        p_c = σ(t_o)                    class probabilities = softmax(t_1..t_C)

    so that the centre stays inside its cell and the size is a multiple of its anchor. The
    output has the same shape, ``[x, y, w, h, p_c, p_1..p_C]`` on the last axis;
    :func:`tfcourse.detection.decode` splits it into the course's ``box_xy, box_wh,
    box_confidence, box_class_probs`` for :func:`tfcourse.detection.yolo_eval`, and
    :class:`tfcourse.losses.YoloLoss` trains it against
    :func:`tfcourse.detection.encode_targets`. ``t_w, t_h`` are capped at 6 before ``exp``
    (a box ≤ 400 × its anchor) so that an early large step cannot give an infinite box.

    Variant: Keras has no YOLO head; the course's ``yolo_head`` (from YAD2K) is the same decoding
    as a function returning four tensors, with sizes in units of the grid rather than of the
    image (the course's anchors are in grid cells: divide by S to get this layer's).

    Args:
        anchors: ``(A, 2)`` anchor sizes ``(w, h)`` as fractions of the image (e.g. from
            :func:`tfcourse.detection.kmeans_anchors`).
        num_classes: C.

    Call arguments:
        inputs: ``(batch, S_h, S_w, A·(5 + C))``.

    Example:
        >>> head = YoloHead(anchors=[[0.2, 0.2], [0.4, 0.2]], num_classes=3)
        >>> tuple(head(np.zeros((1, 4, 4, 16), "float32")).shape)
        (1, 4, 4, 2, 8)

    Reference: Redmon & Farhadi, "YOLO9000: Better, Faster, Stronger", CVPR 2017 (section 2,
    "Direct location prediction"); the course's "Car detection with YOLO" assignment.
    """

    def __init__(self, anchors, num_classes, **kwargs):
        super().__init__(**kwargs)
        anchors_array = np.asarray(anchors, "float64")
        if anchors_array.ndim != 2 or anchors_array.shape[1] != 2 or not len(anchors_array) \
                or not np.all(anchors_array > 0):
            raise invalid("anchors", "a non-empty list of positive (w, h) pairs", anchors,
                          "YoloHead")
        self.anchors = [[float(w), float(h)] for w, h in anchors_array]
        self.num_classes = check_int("num_classes", num_classes, low=1, owner="YoloHead")
        self.num_anchors = len(self.anchors)

    def build(self, input_shape):
        depth = self.num_anchors * (5 + self.num_classes)
        if input_shape[-1] is not None and input_shape[-1] != depth:
            raise invalid("inputs", f"a last axis of anchors x (5 + classes) = {depth}",
                          f"shape {tuple(input_shape)}", "YoloHead")
        self.built = True

    def call(self, inputs):
        shape = ops.shape(inputs)
        grid_h, grid_w = shape[1], shape[2]
        out = ops.reshape(inputs, (-1, grid_h, grid_w, self.num_anchors, 5 + self.num_classes))
        dtype = out.dtype
        cols = ops.cast(ops.arange(grid_w), dtype)
        rows = ops.cast(ops.arange(grid_h), dtype)
        col_grid = ops.reshape(cols, (1, 1, -1, 1))  # broadcast over (batch, rows, cols, anchors)
        row_grid = ops.reshape(rows, (1, -1, 1, 1))
        x = (col_grid + ops.sigmoid(out[..., 0])) / ops.cast(grid_w, dtype)
        y = (row_grid + ops.sigmoid(out[..., 1])) / ops.cast(grid_h, dtype)
        anchors = ops.convert_to_tensor(self.anchors, dtype=dtype)  # (A, 2)
        wh = anchors * ops.exp(ops.minimum(out[..., 2:4], 6.0))
        confidence = ops.sigmoid(out[..., 4:5])
        probs = ops.softmax(out[..., 5:], axis=-1)
        return ops.concatenate([ops.stack([x, y], axis=-1), wh, confidence, probs], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:3], self.num_anchors, 5 + self.num_classes)

    def get_config(self):
        return {**super().get_config(), "anchors": self.anchors, "num_classes": self.num_classes}
