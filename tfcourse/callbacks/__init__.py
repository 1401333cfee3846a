"""Diagnostic callbacks: the course's practical advice as hooks on your own ``model.fit``.

Courses 2–3. One module per topic: ``curves`` (LearningCurves, SmoothedLoss), ``decay``
(LearningRateDecay), ``norms`` (WeightNorms, GradientNorms), ``bias_variance``
(BiasVarianceReport); every class is importable from ``tfcourse.callbacks``.

Each class is a ``keras.callbacks.Callback``; add it to ``callbacks=[...]`` beside Keras's own
``EarlyStopping``, ``TerminateOnNaN``, ``TensorBoard`` and ``ModelCheckpoint`` (which these do
not reinvent).

- :class:`LearningCurves` — train and dev loss/metrics per epoch, a PNG redrawn as training goes.
- :class:`SmoothedLoss` — the per-batch loss smoothed with the bias-corrected exponentially
  weighted average of Course 2, week 2 (reused from :mod:`tfcourse.ewma`).
- :class:`LearningRateDecay` — a course decay formula applied per epoch, the rate logged.
- :class:`WeightNorms`, :class:`GradientNorms` — per-layer Frobenius norms of weights and of
  gradients each epoch; ``GradientNorms`` warns on vanishing / exploding gradients.
- :class:`BiasVarianceReport` — at the end of training, human-level / train / train-dev / dev
  error, avoidable bias, variance, data mismatch and the "basic recipe" step (Course 3).
- :class:`TensorBoard` — Keras's ``TensorBoard`` with its epoch scalars written as event protos
  rather than one TensorFlow op each (the same files, tags and values; every lesson).
- :class:`Progress` — what is training, step or epoch out of the total, loss, elapsed, ETA: a
  live bar on a terminal, a line per tenth in a log, nothing with ``--quiet`` (every lesson).

Values a callback adds to ``logs`` (``smoothed_loss``, ``learning_rate``,
``weight_norm/<layer>``, ``grad_norm/<layer>``) reach ``History`` and, when the callback is
listed *before* ``TensorBoard``, the TensorBoard logs too.

All of them keep their series on the callback object, so they also work across a ``.keras``
save and load: ``fit``, ``model.save``, ``keras.saving.load_model``, ``fit`` again with the same
callback objects. Epoch-indexed series continue when the second ``fit`` passes
``initial_epoch`` and start over when it starts again from epoch 0.
"""
from tfcourse.callbacks.bias_variance import BiasVarianceReport
from tfcourse.callbacks.curves import LearningCurves, SmoothedLoss
from tfcourse.callbacks.decay import LearningRateDecay
from tfcourse.callbacks.norms import GradientNorms, WeightNorms
from tfcourse.callbacks.progress import Progress
from tfcourse.callbacks.tensorboard import TensorBoard

__all__ = ["BiasVarianceReport", "GradientNorms", "LearningCurves", "LearningRateDecay",
           "Progress", "SmoothedLoss", "TensorBoard", "WeightNorms"]
