"""Train / dev / test splits and input normalization (Course 2, week 1; Course 3, weeks 1-2).

:func:`split` (train/dev/test by ratio), :func:`train_dev_split` (the train-dev set of data
mismatch) and :func:`normalizer` (input normalization fitted on the training split only).
"""
from __future__ import annotations

import math

import numpy as np

from tfcourse.checks import check_number, invalid


def split(x, y, ratios=(0.6, 0.2, 0.2), seed: int = 0, stratify: bool = False):
    """Shuffle and split into train / dev / test by ``ratios`` (e.g. 60/20/20 or 98/1/1).

    Course 2, week 1; used by no lesson directly (load_digits and load_house_prices split with it).

    The course: 60/20/20 for small data sets; with a million examples, 98/1/1 (10 000 dev and
    test examples are enough to compare models). Dev and test come from the same distribution
    because they come from the same shuffle. With ``stratify`` each split keeps the label
    proportions.

    Returns ``((x_train, y_train), (x_dev, y_dev), (x_test, y_test))``.
    """
    try:
        shares = tuple(float(r) for r in ratios)
    except (TypeError, ValueError):
        shares = ()
    if (len(shares) != 3 or not all(math.isfinite(r) for r in shares) or min(shares) < 0
            or abs(sum(shares) - 1) > 1e-6 or shares[0] == 0):
        raise invalid("ratios", "three non-negative numbers summing to 1 with a non-zero "
                      "train share", ratios, "split")
    ratios = shares
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"split: arguments `x` and `y` must have the same number of rows. "
                         f"Received: len(x)={len(x)}, len(y)={len(y)}")
    rng = np.random.RandomState(seed)
    if stratify:
        parts = [[], [], []]
        for label in np.unique(y):
            idx = rng.permutation(np.flatnonzero(y == label))
            for i, chunk in enumerate(_cut(idx, ratios)):
                parts[i].append(chunk)
        idxs = [rng.permutation(np.concatenate(p)) for p in parts]
    else:
        idxs = _cut(rng.permutation(len(x)), ratios)
    return tuple((x[i], y[i]) for i in idxs)


def _cut(idx, ratios):
    n = len(idx)
    n_train = int(round(ratios[0] * n))
    n_dev = int(round(ratios[1] * n))
    return idx[:n_train], idx[n_train:n_train + n_dev], idx[n_train + n_dev:]


def train_dev_split(x_train, y_train, fraction: float = 0.1, seed: int = 0):
    """Carve a train-dev set out of the training data (same distribution as train, not trained on).

    Course 3, week 2; lesson c3w2_data_mismatch.

    The course (C3W2): when train and dev come from different distributions, train-dev error
    minus train error is variance, and dev error minus train-dev error is data mismatch.

    Returns ``((x_train, y_train), (x_train_dev, y_train_dev))``.
    """
    fraction = check_number("fraction", fraction, 0, 1, low_open=True, high_open=True,
                            owner="train_dev_split")
    (xa, ya), _, (xb, yb) = split(x_train, y_train, (1 - fraction, 0.0, fraction), seed=seed)
    return (xa, ya), (xb, yb)


def normalizer(x_train):
    """A ``keras.layers.Normalization`` adapted on the training split only.

    Course 2, week 1; lesson c1w1_house_prices.

    Put it first in the model: dev/test data and the exported model then get the training
    statistics, never their own (which would leak information and shift at serving time).
    """
    import keras

    layer = keras.layers.Normalization(axis=-1)
    layer.adapt(np.asarray(x_train, "float32"))
    return layer
