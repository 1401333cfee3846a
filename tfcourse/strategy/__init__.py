"""Course 3 (Structuring Machine Learning Projects) as small tools, one module per topic.

=======================================  ======================================================
module                                   what it holds (Course 3, week)
=======================================  ======================================================
:mod:`tfcourse.strategy.selection`       optimizing and satisficing metrics: :func:`latency_ms`,
                                         :func:`choose_model` (week 1)
:mod:`tfcourse.strategy.splits`          train / dev / test: :func:`course_ratios`,
                                         :func:`large_split`, :func:`same_distribution` (week 1)
:mod:`tfcourse.strategy.diagnosis`       bias, variance, data mismatch: :func:`diagnose`,
                                         :func:`format_diagnosis`, ``RECIPE`` (weeks 1–2)
:mod:`tfcourse.strategy.error_analysis`  :func:`error_analysis`, :func:`format_error_table`,
                                         :func:`save_misclassified_grid` (week 2)
=======================================  ======================================================

Every public name above is importable from ``tfcourse.strategy`` itself. The single number
evaluation metric (:func:`tfcourse.metrics.precision_recall_f1`), the classification error and
the multi-task :func:`tfcourse.metrics.masked_accuracy` are metrics, in :mod:`tfcourse.metrics`;
the multi-task loss is :class:`tfcourse.losses.MaskedBinaryCrossentropy`. Their old paths here
(``tfcourse.strategy.MaskedBinaryCrossentropy``, ...) warn and go in the next release. The
train-dev split is :func:`tfcourse.data.train_dev_split`; the bias / variance report at the end
of ``model.fit`` is :class:`tfcourse.callbacks.BiasVarianceReport`.
"""
# Registers the loss that moved out (one release): ``import tfcourse.strategy`` alone still loads
# a .keras file compiled with MaskedBinaryCrossentropy, as it did when it was defined here.
from tfcourse._deprecation import moved_names
from tfcourse import losses as _losses  # noqa: F401
from tfcourse.strategy.diagnosis import RECIPE, diagnose, format_diagnosis
from tfcourse.strategy.error_analysis import (OTHER, error_analysis, format_error_table,
                                         save_misclassified_grid)
from tfcourse.strategy.selection import choose_model, latency_ms
from tfcourse.strategy.splits import course_ratios, large_split, same_distribution

__all__ = ["OTHER", "RECIPE", "choose_model", "course_ratios", "diagnose", "error_analysis",
           "format_diagnosis", "format_error_table", "large_split", "latency_ms",
           "same_distribution", "save_misclassified_grid"]

# Moved out of strategy (a metric, a loss): the old paths warn for one release.
_MOVED = {"precision_recall_f1": "tfcourse.metrics", "classification_error": "tfcourse.metrics",
          "masked_accuracy": "tfcourse.metrics", "MaskedBinaryCrossentropy": "tfcourse.losses"}


__getattr__ = moved_names(__name__, _MOVED)
