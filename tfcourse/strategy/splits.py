"""Train / dev / test splits and whether two sets share a distribution (Course 3, week 1).

- :func:`course_ratios` — 60/20/20 for small data, 98/1/1 for a million examples.
- :func:`large_split` — the split itself, through :func:`tfcourse.data.split` (the train-dev set
  of Course 3, week 2 is :func:`tfcourse.data.train_dev_split`).
- :func:`same_distribution` — two-sample tests that dev and test come from one distribution.
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_number
from tfcourse.metrics import _as_labels


def course_ratios(m: int, dev_size: int = 10_000) -> tuple:
    """The course's split for ``m`` examples: 60/20/20 while 20 % is at most ``dev_size``;
    beyond that, a dev and a test set of ``dev_size`` each (1 000 000 → 98/1/1).

    Course 3, week 1; used by no lesson yet.
    """
    check_number("m", m, low=3, owner="course_ratios")
    check_number("dev_size", dev_size, low=1, owner="course_ratios")
    if 0.2 * m <= dev_size:
        return (0.6, 0.2, 0.2)
    share = dev_size / m
    return (1 - 2 * share, share, share)


def large_split(x, y, ratios=(0.98, 0.01, 0.01), seed: int = 0, stratify: bool = False):
    """Train / dev / test for big data (98/1/1 by default); :func:`tfcourse.data.split` inside.

    Course 3, week 1; used by no lesson yet.

    Dev and test come from one shuffle of the same pool, so they share a distribution.
    Returns ``((x_train, y_train), (x_dev, y_dev), (x_test, y_test))``.
    """
    from tfcourse.data import split

    return split(x, y, ratios, seed=seed, stratify=stratify)


def same_distribution(x_a, x_b, y_a=None, y_b=None, alpha: float = 0.01) -> dict:
    """Do two sets (dev and test) come from the same distribution? Two-sample tests, one verdict.

    Course 3, week 1; lesson c3w2_data_mismatch.

    - Each feature: a two-sample Kolmogorov–Smirnov test of its values in ``x_a`` against
      ``x_b`` (features constant in both are skipped).
    - Labels (if given): a χ² test of homogeneity of the label counts.

    The family of tests is Bonferroni-corrected: the verdict is "different" when any p-value is
    below ``alpha / number_of_tests``. A "same" verdict means no evidence of a difference at
    that level (small sets detect only large shifts).

    Returns:
        ``{"same": bool, "verdict": str, "min_p": float, "tests": int, "worst": str,
        "label_p": float or None}``.
    """
    from scipy import stats

    check_number("alpha", alpha, 0, 1, low_open=True, high_open=True, owner="same_distribution")
    a = np.asarray(x_a, "float64").reshape(len(x_a), -1)
    b = np.asarray(x_b, "float64").reshape(len(x_b), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"same_distribution: argument `x_b` must have the same features as "
                         f"x_a. Received: {b.shape[1]} features, x_a has {a.shape[1]}")
    pvalues = {}
    for j in range(a.shape[1]):
        if np.ptp(np.concatenate([a[:, j], b[:, j]])) == 0:
            continue
        pvalues[f"feature {j}"] = float(stats.ks_2samp(a[:, j], b[:, j]).pvalue)
    label_p = None
    if (y_a is None) != (y_b is None):
        raise ValueError("same_distribution: arguments `y_a` and `y_b` must be given together "
                         "(or neither)")
    if y_a is not None:
        ya, yb = _as_labels(y_a, "y_a"), _as_labels(y_b, "y_b")
        labels = np.union1d(ya, yb)
        table = np.array([[np.sum(ya == v) for v in labels], [np.sum(yb == v) for v in labels]])
        if len(labels) > 1:
            label_p = float(stats.chi2_contingency(table)[1])
            pvalues["labels"] = label_p
    n = max(1, len(pvalues))
    worst = min(pvalues, key=pvalues.get) if pvalues else "none"
    min_p = pvalues.get(worst, 1.0)
    same = min_p >= alpha / n
    verdict = (f"same distribution: no test of {n} rejects at alpha={alpha:g} "
               f"(Bonferroni; smallest p = {min_p:.3g}, {worst})" if same else
               f"DIFFERENT distributions: {worst} has p = {min_p:.3g} < {alpha:g}/{n}")
    return {"same": bool(same), "verdict": verdict, "min_p": float(min_p), "tests": n,
            "worst": worst, "label_p": label_p}
