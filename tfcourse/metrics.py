"""Metrics: one accuracy for every lesson, and the evaluation metrics of Course 3.

- :func:`accuracy` — the share of correct predictions of a binary (sigmoid) or multi-class
  (softmax) classifier, a Keras model or any function returning probabilities (Courses 1–4).
- :func:`precision_recall_f1` — a single number evaluation metric, F1 (Course 3, week 1).
- :func:`classification_error` — 1 − accuracy from predictions, the error of the bias /
  variance analysis (Course 3, weeks 1–2).
- :func:`masked_accuracy` — per-task accuracy of a multi-task model with missing labels
  (Course 3, week 2).

Keras's own ``"accuracy"`` metric (``model.compile(metrics=["accuracy"])``) is a running mean
over an epoch's batches, taken while the weights change; these are computed once, on a whole
set, with the weights as they are.
"""
from __future__ import annotations

import sys

import numpy as np

from tfcourse.checks import check_int, check_number, invalid


def _predicted_labels(p, n_labels: int, threshold: float) -> np.ndarray:
    """Labels from probabilities: an argmax over softmax rows, else a threshold on each value."""
    p = np.asarray(p)
    if p.ndim == 2 and p.shape[1] > 1 and p.size != n_labels:  # (m, k): one row per example
        return p.argmax(axis=1)
    # One probability per label, whatever the layout: (m,), (m, 1) or the course's (1, m).
    return (p.reshape(-1) > threshold).astype("int64")


def accuracy(model, x, y, threshold: float = 0.5, batch_size: int = 4096) -> float:
    """Share of the examples ``x`` whose predicted label is ``y`` (a sigmoid or softmax model).

    Courses 1–4; lessons c1w2_logistic_regression, c1w3_planar_data, c1w4_deep_network,
    c2w1_initialization, c2w1_regularization, c2w2_optimization, c2w3_batch_norm,
    c3w2_transfer_learning, c4w1_convolution, c4w2_residual_networks.

    The course's ``predict`` then ``mean(prediction == y)``; the model's output gives the labels:

    - one probability per example (a sigmoid unit: shape (m,), (m, 1), or the course's column
      layout (1, m) with ``y`` of shape (1, m)): label 1 where p > ``threshold``;
    - a row of k > 1 probabilities per example (softmax, (m, k)): the argmax.

    Args:
        model: a Keras model (called in inference mode: at once up to ``batch_size`` examples,
            else through ``model.predict`` in batches of ``batch_size``), or any callable ``model(x) -> probabilities`` (a function of the
            course's parameters, a model called with ``training=True``), which gets ``x`` as
            given.
        x: the examples.
        y: their labels (integers or 0./1., not one-hot), any shape with one entry per example.
        threshold: the decision threshold of a sigmoid output.
        batch_size: ``model.predict``'s batch size (a Keras model only).

    Returns:
        The accuracy, a float in [0, 1].

    Example:
        >>> accuracy(lambda x: x, np.array([[0.9], [0.2], [0.6]]), [1, 0, 0])   # sigmoid
        0.6666666666666666
        >>> accuracy(lambda x: x, np.array([[0.1, 0.9], [0.8, 0.2]]), [1, 1])   # softmax
        0.5
    """
    threshold = check_number("threshold", threshold, owner="accuracy")
    batch_size = check_int("batch_size", batch_size, low=1, owner="accuracy")
    keras = sys.modules.get("keras")  # not imported yet: ``model`` cannot be a Keras model
    if keras is not None and isinstance(model, keras.Model):
        x = np.asarray(x, "float32")
        # A course-sized set in one call of the model: ``predict`` would first build and trace
        # a predict function for every new model (about half a second each on 2 cores).
        p = model(x, training=False) if len(x) <= batch_size else \
            model.predict(x, verbose=0, batch_size=batch_size)
        p = np.asarray(p)
    elif callable(model):
        p = model(x)
    else:
        raise invalid("model", "a Keras model or a callable x -> probabilities", model,
                      "accuracy")
    labels = np.asarray(y).reshape(-1)
    pred = _predicted_labels(p, labels.size, threshold)
    if pred.size != labels.size:
        raise ValueError(f"accuracy: the model gave {pred.size} predictions for {labels.size} "
                         f"labels (y must hold one label per example, not one-hot rows)")
    return float(np.mean(pred == labels))


def _as_labels(y, name):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"argument `{name}` must be a vector of labels. Received: {name} of "
                         f"shape {y.shape}")
    return y


def precision_recall_f1(y_true, y_pred, positive=1) -> dict:
    """Precision, recall and their harmonic mean F1 for one class (the course's cat classifier).

    Course 3, week 1; used by no lesson yet.

        precision = TP / (TP + FP)     "of the images called cats, how many are cats"
        recall    = TP / (TP + FN)     "of the cats, how many were found"
        F1        = 2 / (1/P + 1/R) = 2·P·R / (P + R)

    A ratio with a zero denominator is 0 (as scikit-learn's ``zero_division=0``).

    Args:
        y_true, y_pred: label vectors of the same length (predicted labels, not probabilities).
        positive: the label counted as positive.

    Returns:
        ``{"precision", "recall", "f1", "tp", "fp", "fn"}``.

    Example:
        >>> precision_recall_f1([1, 1, 0, 0], [1, 0, 1, 0])["f1"]
        0.5
    """
    y_true, y_pred = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"precision_recall_f1: argument `y_pred` must have one label per "
                         f"example: len(y_true)={len(y_true)}, len(y_pred)={len(y_pred)}")
    t, p = y_true == positive, y_pred == positive
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def classification_error(y_true, y_pred) -> float:
    """1 − accuracy; ``y_pred`` holds probabilities (one sigmoid column, or softmax rows) or labels.

    Course 3, week 1; lessons c3w1_bias_variance, c3w2_data_mismatch (the error of
    :class:`tfcourse.callbacks.BiasVarianceReport`).

    Unlike :func:`accuracy`, it takes predictions rather than a model, integer labels pass
    through unchanged, and float ``y_pred`` of the labels' shape (several sigmoid outputs, one
    per label) is thresholded at 0.5 entry by entry.
    """
    y_true = np.asarray(y_true).reshape(len(y_true), -1)
    p = np.asarray(y_pred)
    if p.ndim == 2 and p.shape[1] > 1 and y_true.shape[1] == 1:
        pred = p.argmax(axis=1)
    elif np.issubdtype(p.dtype, np.floating):
        pred = (p.reshape(len(p), -1) > 0.5).astype("int64")
    else:
        pred = p
    return float(np.mean(pred.reshape(y_true.shape) != y_true))


def masked_accuracy(y_true, y_prob, missing: float = -1.0) -> np.ndarray:
    """Per-task accuracy (threshold 0.5) over the present labels: an array of length n_tasks.

    Course 3, week 2; lesson c3w2_multitask.

    ``y_true`` is (m, n_tasks) with ``missing`` where a label is unknown, ``y_prob`` the sigmoid
    outputs of the same shape; a task with no present label gets NaN.
    """
    y_true = np.asarray(y_true, "float64")
    y_prob = np.asarray(y_prob, "float64").reshape(y_true.shape)
    present = y_true != missing
    correct = ((y_prob > 0.5) == (y_true == 1)) & present
    counts = present.sum(axis=0)
    return np.where(counts > 0, correct.sum(axis=0) / np.maximum(counts, 1), np.nan)


__all__ = ["accuracy", "classification_error", "masked_accuracy", "precision_recall_f1"]
