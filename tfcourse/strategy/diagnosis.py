"""Bias, variance, data mismatch: the course's diagnosis and "basic recipe" (Course 3, weeks 1–2).

With human-level error as the proxy for Bayes error::

    avoidable bias = train − human-level
    variance       = train-dev − train        (dev − train without a train-dev set)
    data mismatch  = dev − train-dev

:func:`diagnose` names the largest gap and the recipe step for it (:data:`RECIPE`);
:func:`format_diagnosis` prints it. :class:`tfcourse.callbacks.BiasVarianceReport` runs both at
the end of ``model.fit``; the errors are :func:`tfcourse.metrics.classification_error`.
"""
from __future__ import annotations

from tfcourse.checks import check_number


def _check_error(value, name, owner=None):
    """An error rate: a number in [0, 1]."""
    return check_number(name, value, 0, 1, owner=owner)


RECIPE = {
    "avoidable bias": "train a bigger network / train longer or with a better optimizer "
                      "(momentum, RMSprop, Adam) / a better architecture or hyperparameters",
    "variance": "get more data / regularization (L2, dropout, data augmentation) / "
                "a better architecture or hyperparameters",
    "data mismatch": "error analysis of train vs dev differences / make training data closer "
                     "to dev (artificial data synthesis) or collect more data like dev",
    "none": "no gap above the tolerance: near human-level on this data; check dev vs test "
            "(overfitting to dev) or raise the goal",
}


def diagnose(human_level_error, train_error, dev_error, train_dev_error=None,
             tolerance: float = 0.0) -> dict:
    """The four errors, the three gaps and the course's "basic recipe" step for the largest.

        avoidable bias = train − human-level
        variance       = train-dev − train        (dev − train without a train-dev set)
        data mismatch  = dev − train-dev          (None without a train-dev set)

    Course 3, weeks 1–2; lessons c3w1_bias_variance, c3w2_data_mismatch (through
    :class:`tfcourse.callbacks.BiasVarianceReport`).

    Returns a dict with the errors, the gaps, ``diagnosis`` ("avoidable bias", "variance",
    "data mismatch", or "none" when no gap exceeds ``tolerance``) and ``recipe`` (the step).

    Example:
        >>> diagnose(0.01, 0.08, 0.10)["diagnosis"]        # the course's 1 % / 8 % / 10 %
        'avoidable bias'
    """
    human = _check_error(human_level_error, "human_level_error", "diagnose")
    train = _check_error(train_error, "train_error", "diagnose")
    dev = _check_error(dev_error, "dev_error", "diagnose")
    td = (None if train_dev_error is None
          else _check_error(train_dev_error, "train_dev_error", "diagnose"))
    check_number("tolerance", tolerance, low=0, owner="diagnose")
    gaps = {"avoidable bias": train - human,
            "variance": (td if td is not None else dev) - train,
            "data mismatch": None if td is None else dev - td}
    present = {k: v for k, v in gaps.items() if v is not None}
    largest = max(present, key=present.get)
    diagnosis = largest if present[largest] > tolerance else "none"
    return {"human_level_error": human, "train_error": train, "train_dev_error": td,
            "dev_error": dev, "avoidable_bias": gaps["avoidable bias"],
            "variance": gaps["variance"], "data_mismatch": gaps["data mismatch"],
            "diagnosis": diagnosis, "recipe": RECIPE[diagnosis]}


def format_diagnosis(report: dict) -> str:
    """The report of :func:`diagnose` as a few aligned lines (errors, gaps, diagnosis, recipe).

    Course 3, weeks 1–2; lessons c3w1_bias_variance, c3w2_data_mismatch (through
    :class:`tfcourse.callbacks.BiasVarianceReport`).
    """
    def pct(v):
        return "   n/a" if v is None else f"{100 * v:5.1f}%"

    lines = ["bias / variance report",
             f"  human-level error {pct(report['human_level_error'])}",
             f"  train error       {pct(report['train_error'])}   avoidable bias "
             f"{pct(report['avoidable_bias'])}",
             f"  train-dev error   {pct(report['train_dev_error'])}   variance       "
             f"{pct(report['variance'])}",
             f"  dev error         {pct(report['dev_error'])}   data mismatch  "
             f"{pct(report['data_mismatch'])}",
             f"  largest gap: {report['diagnosis']} -> {report['recipe']}"]
    return "\n".join(lines)
