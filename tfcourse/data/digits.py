"""scikit-learn's 8×8 handwritten digits, and the digits 0–4 → 5–9 transfer split (Courses 2-4).

:func:`load_digits` is the embedded workhorse of the lessons from Course 2 on (10 classes, or one
digit against the rest); :func:`digits_transfer_split` cuts it into the two tasks of the
transfer-learning lessons (Course 3, week 2; Course 4, week 2): task A, every image of digits
0–4, and task B, digits 5–9 with only a few labelled training images per class.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from tfcourse.checks import check_int, invalid
from tfcourse.data.dataset import Dataset
from tfcourse.data.splits import split


def load_digits(binary: int | None = None, balance: bool = False, ratios=(0.6, 0.2, 0.2),
                seed: int = 0, flatten: bool = True) -> Dataset:
    """scikit-learn's shipped 8×8 digits (1797 images), scaled to [0, 1].

    Courses 2-4; lessons c2w3_batch_norm, c2w3_hyperparameter_search, c2w3_softmax, c3w1_bias_variance, c3w2_data_mismatch, c3w2_error_analysis, c3w2_multitask, c3w2_transfer_learning, c4w1_convolution, c4w2_residual_networks.

    Args:
        binary: if a digit d is given, the task is "d" (label 1) against the rest (label 0).
        balance: with ``binary``, keep as many "rest" images as "d" images (a 50/50 task).
        ratios: train/dev/test proportions; stratified by label.
        flatten: ``(m, 64)`` vectors if true, else ``(m, 8, 8, 1)`` images.
    """
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    x = (bunch.images / 16.0).astype("float32")
    y = bunch.target.astype("int64")
    classes = tuple(range(10))
    name = "digits"
    if binary is not None:
        binary = check_int("binary", binary, 0, 9, owner="load_digits")
        rng = np.random.RandomState(seed)
        pos = np.flatnonzero(y == binary)
        neg = np.flatnonzero(y != binary)
        if balance:
            neg = rng.choice(neg, size=len(pos), replace=False)
        keep = np.sort(np.concatenate([pos, neg]))
        x, y = x[keep], (y[keep] == binary).astype("int64")
        classes = (f"not {binary}", str(binary))
        name = f"digits_{binary}_vs_rest"
    x = x.reshape(len(x), -1) if flatten else x[..., None]
    (xtr, ytr), (xd, yd), (xte, yte) = split(x, y, ratios, seed=seed, stratify=True)
    return Dataset(name, xtr, ytr, xte, yte, xd, yd, classes=classes,
                   description=f"scikit-learn digits 8x8, {name}")


@dataclasses.dataclass(frozen=True)
class TransferSplit:
    """Task A (all of it) and task B (a few labelled images per class), each as ``(x, y)`` pairs.

    Course 3, week 2; lessons c3w2_transfer_learning, c4w2_residual_networks.

    Labels are renumbered 0, 1, ... in each task (digit 7 of task B = 5..9 is label 2).
    """

    a_train: tuple
    a_dev: tuple
    a_test: tuple
    b_train: tuple  # per_class images of each task-B class, drawn from the training split
    b_dev: tuple  # every dev image of task B
    b_test: tuple  # every test image of task B
    task_a: tuple  # the digits of each task, in label order
    task_b: tuple


def digits_transfer_split(ds: Dataset, per_class: int, rng, task_a=(0, 1, 2, 3, 4),
                          task_b=(5, 6, 7, 8, 9)) -> TransferSplit:
    """Task A (every image of ``task_a``) and task B (``per_class`` training images per class).

    Course 3, week 2; lessons c3w2_transfer_learning, c4w2_residual_networks.

    Transfer learning pays when task A has much more data than task B: A keeps every train, dev
    and test image of its digits; B keeps every dev and test image of its digits but only
    ``per_class`` training images of each, drawn without replacement, class by class in the
    order of ``task_b``, with ``rng.choice`` over that class's positions in ``ds.y_train``.

    Args:
        ds: a :func:`load_digits` data set with a dev split (any layout: vectors or images).
        per_class: task B's training images per class.
        rng: a ``np.random.RandomState`` or ``np.random.Generator`` (the two draw different
            images for the same seed; each lesson keeps the one it was measured with), or an
            int seed for ``np.random.default_rng``.
        task_a, task_b: the digits of each task (disjoint).
    """
    owner = "digits_transfer_split"
    task_a, task_b = tuple(task_a), tuple(task_b)
    for name, task in (("task_a", task_a), ("task_b", task_b)):
        if not task or len(set(task)) != len(task) or not set(task) <= set(range(10)):
            raise invalid(name, "distinct digits 0-9", task, owner)
    if set(task_a) & set(task_b):
        raise invalid("task_b", f"digits not in task_a={task_a}", task_b, owner)
    if ds.x_dev is None:
        raise invalid("ds", "a data set with a dev split", ds.name, owner)
    counts = [int(np.sum(ds.y_train == d)) for d in task_b]
    per_class = check_int("per_class", per_class, 1, min(counts), owner=owner)
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        rng = np.random.default_rng(rng)
    if not isinstance(rng, (np.random.RandomState, np.random.Generator)):
        raise invalid("rng", "a np.random.RandomState, a np.random.Generator or an int seed",
                      rng, owner)

    few = np.concatenate([rng.choice(np.flatnonzero(ds.y_train == d), per_class, replace=False)
                          for d in task_b])
    return TransferSplit(
        a_train=_task(ds.x_train, ds.y_train, task_a), a_dev=_task(ds.x_dev, ds.y_dev, task_a),
        a_test=_task(ds.x_test, ds.y_test, task_a),
        b_train=(ds.x_train[few], _relabel(ds.y_train[few], task_b)),
        b_dev=_task(ds.x_dev, ds.y_dev, task_b), b_test=_task(ds.x_test, ds.y_test, task_b),
        task_a=task_a, task_b=task_b)


def _task(x, y, digits):
    keep = np.isin(y, digits)
    return x[keep], _relabel(y[keep], digits)


def _relabel(y, digits):
    """Digit ``digits[i]`` becomes label ``i``."""
    lookup = np.zeros(10, "int64")
    lookup[list(digits)] = np.arange(len(digits))
    return lookup[y]
