"""Losses of the course that Keras does not have as such (Course 3, week 2).

- :class:`MaskedBinaryCrossentropy` — the multi-task logistic loss, summed over the tasks whose
  label is present (the course's multi-task learning with missing labels).

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


__all__ = ["MaskedBinaryCrossentropy"]
