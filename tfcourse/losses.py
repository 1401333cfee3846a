"""Losses of the course that Keras does not have as such (Courses 3 and 4).

- :class:`MaskedBinaryCrossentropy` — the multi-task logistic loss, summed over the tasks whose
  label is present (the course's multi-task learning with missing labels; Course 3, week 2).
- :class:`YoloLoss` — the YOLO detector's loss: box position and size, objectness, class
  (Course 4, week 3).

Registered as serializable (``tfcourse>MaskedBinaryCrossentropy``), so a ``.keras`` file compiled
with it loads once this module is imported.
"""
from __future__ import annotations

import keras
from keras import ops

from tfcourse.checks import invalid


@keras.saving.register_keras_serializable(package="tfcourse")
class MaskedBinaryCrossentropy(keras.losses.Loss):
    """Multi-task logistic loss summed over the labels that are present.

    Course 3, week 2; lesson c3w2_multitask.

    The course's multi-task loss, with one sigmoid unit per task j and labels y_j ∈ {0, 1}
    where known (``missing``, −1 by default, where not):

        J = (1/m) Σ_i Σ_{j : y_ij present} −[y_ij·log ŷ_ij + (1 − y_ij)·log(1 − ŷ_ij)]

    Variant: ``keras.losses.BinaryCrossentropy`` *averages* over the last axis and has no notion
    of a missing label. With every label present, this loss equals ``n_tasks ×`` Keras's
    (tested); with labels missing, a missing entry contributes 0 (rather than being counted
    as a 0 or a 1), and the mean over examples still divides by the batch size m.

    Args:
        missing: the label value meaning "not known".
        from_logits: ``y_pred`` holds logits rather than probabilities.

    Example::

        model.compile("adam", loss=MaskedBinaryCrossentropy())   # y: (m, tasks), −1 = missing
    """

    def __init__(self, missing: float = -1.0, from_logits: bool = False,
                 name: str = "masked_binary_crossentropy", reduction="sum_over_batch_size",
                 dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        if isinstance(missing, bool) or not isinstance(missing, (int, float)) \
                or missing in (0, 1):
            raise invalid("missing", "a number other than 0 and 1 (those are labels)", missing,
                          "MaskedBinaryCrossentropy")
        self.missing = float(missing)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        present = ops.cast(ops.not_equal(y_true, self.missing), y_pred.dtype)
        target = y_true * present  # a missing entry's target is irrelevant: its loss is masked
        per_label = keras.losses.binary_crossentropy(
            ops.expand_dims(target, -1), ops.expand_dims(y_pred, -1),
            from_logits=self.from_logits)  # (batch, tasks): one BCE per label
        return ops.sum(per_label * present, axis=-1)  # (batch,)

    def get_config(self):
        return {**super().get_config(), "missing": self.missing, "from_logits": self.from_logits}




@keras.saving.register_keras_serializable(package="tfcourse")
class YoloLoss(keras.losses.Loss):
    """The YOLO loss on a :class:`tfcourse.layers.YoloHead` output: boxes, objectness, classes.

    Course 4, week 3; lesson c4w3_object_detection.

    With targets from :func:`tfcourse.detection.encode_targets` (``[x, y, w, h, 1, one-hot]`` in
    the cell and anchor responsible for an object, zeros elsewhere) and 1^obj that responsibility
    mask, summed over the S_h × S_w cells and A anchors of an image (YOLOv1's sum-squared box
    terms, with YOLOv2's logistic objectness and a softmax class term)::

        L = λ_coord Σ 1^obj [ (S_w(x̂ − x))² + (S_h(ŷ − y))²
                              + (√(S_w ŵ) − √(S_w w))² + (√(S_h ĥ) − √(S_h h))² ]
            − Σ 1^obj log p̂_c − λ_noobj Σ (1 − 1^obj) log(1 − p̂_c)
            − Σ 1^obj Σ_i p_i log p̂_i

    Positions are measured in cells (so that an error of a cell counts the same on any grid),
    sizes through their square roots (an error matters more on a small box than on a large
    one); λ_coord = 5 and λ_noobj = 0.5 (YOLOv1's) balance the few responsible anchors against
    the many empty ones. The batch mean of L is the loss.

    Variant: Keras has no YOLO loss. The objectness terms are exactly
    ``keras.losses.binary_crossentropy`` on p̂_c (unit weight for 1^obj, λ_noobj for the rest)
    and the class term is ``keras.losses.categorical_crossentropy`` on the responsible vectors
    (tested), with predictions clipped to [1e-7, 1 − 1e-7] as Keras does. YOLOv2 also skips the
    objectness penalty of an empty anchor whose box overlaps an object (IoU > 0.6); this loss
    does not (simpler, and NMS removes the duplicates that this lets survive).

    Args:
        lambda_coord: weight of the box terms.
        lambda_noobj: weight of the objectness term of the anchors without an object.
    """

    def __init__(self, lambda_coord: float = 5.0, lambda_noobj: float = 0.5,
                 name: str = "yolo_loss", reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        for arg, value in (("lambda_coord", lambda_coord), ("lambda_noobj", lambda_noobj)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise invalid(arg, "a number >= 0", value, "YoloLoss")
        self.lambda_coord = float(lambda_coord)
        self.lambda_noobj = float(lambda_noobj)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        eps = 1e-7
        grid_h = ops.cast(ops.shape(y_pred)[1], y_pred.dtype)
        grid_w = ops.cast(ops.shape(y_pred)[2], y_pred.dtype)
        obj = y_true[..., 4]  # (batch, S_h, S_w, A)
        dx = grid_w * (y_pred[..., 0] - y_true[..., 0])
        dy = grid_h * (y_pred[..., 1] - y_true[..., 1])
        dw = ops.sqrt(grid_w * y_pred[..., 2] + eps) - ops.sqrt(grid_w * y_true[..., 2] + eps)
        dh = ops.sqrt(grid_h * y_pred[..., 3] + eps) - ops.sqrt(grid_h * y_true[..., 3] + eps)
        coord = self.lambda_coord * obj * (dx ** 2 + dy ** 2 + dw ** 2 + dh ** 2)
        conf = ops.clip(y_pred[..., 4], eps, 1 - eps)
        objectness = -(obj * ops.log(conf) + self.lambda_noobj * (1 - obj) * ops.log(1 - conf))
        probs = ops.clip(y_pred[..., 5:], eps, 1 - eps)
        classes = -obj * ops.sum(y_true[..., 5:] * ops.log(probs), axis=-1)
        return ops.sum(coord + objectness + classes, axis=(1, 2, 3))  # (batch,)

    def get_config(self):
        return {**super().get_config(), "lambda_coord": self.lambda_coord,
                "lambda_noobj": self.lambda_noobj}


__all__ = ["MaskedBinaryCrossentropy", "YoloLoss"]
