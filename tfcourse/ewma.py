"""Exponentially weighted moving averages, as in Course 2, week 2.

The course's recurrence, with V_0 = 0:

    V_t = β·V_{t-1} + (1 − β)·θ_t

averages roughly the last 1 / (1 − β) values (β = 0.9 → ~10, β = 0.98 → ~50). Because V_0 = 0,
the first values are biased toward zero; bias correction divides by the total weight given so far:

    V_t^corrected = V_t / (1 − β^t)          (t counted from 1)

`ewma` is the pure function (check it by hand); `EWMA` is the running form used by the optimizers'
docstrings and by callbacks that smooth a metric step by step.

Example:
    >>> ewma([1.0, 1.0], beta=0.5)
    array([0.5 , 0.75])
    >>> ewma([1.0, 1.0], beta=0.5, bias_correction=True)
    array([1., 1.])
"""

import numpy as np

from tfcourse.checks import invalid


def _check_beta(beta, owner):
    # numbers.Real would also accept numpy floats; bool is excluded on purpose.
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.floating, np.integer)):
        raise invalid("beta", "a number in [0, 1)", beta, owner)
    if not 0.0 <= float(beta) < 1.0:
        raise invalid("beta", "a number in [0, 1)", beta, owner)
    return float(beta)


def ewma(values, beta=0.9, bias_correction=False):
    """Exponentially weighted average of a sequence (the course's V_t, optionally bias-corrected).

    Course 2, week 2; lesson c2w2_optimization.

    Steps, for t = 1 … T:
      1. V_t = β·V_{t-1} + (1 − β)·θ_t, with V_0 = 0
      2. if bias_correction: V_t / (1 − β^t)

    Args:
        values: 1-D sequence of numbers θ_1 … θ_T.
        beta: the averaging weight β in [0, 1); β = 0 returns the values unchanged.
        bias_correction: divide V_t by (1 − β^t) so early values are not pulled toward 0.

    Returns:
        A float64 numpy array of length T.

    Example:
        >>> ewma([10.0, 20.0], beta=0.9)          # 0.1·10, 0.9·1 + 0.1·20
        array([1. , 2.9])
    """
    beta = _check_beta(beta, "ewma")
    theta = np.asarray(values, dtype=np.float64)
    if theta.ndim != 1:
        raise ValueError(f"ewma: argument `values` must be a 1-D sequence. "
                         f"Received: values with shape {theta.shape}")
    out = np.empty_like(theta)
    v = 0.0
    for t, x in enumerate(theta, start=1):
        v = beta * v + (1.0 - beta) * x                              # 1. the recurrence
        out[t - 1] = v / (1.0 - beta**t) if bias_correction else v   # 2. bias correction
    return out


class EWMA:
    """Running exponentially weighted average: one `update(x)` per new value.

    Course 2, week 2; used by no lesson yet.

    Attributes:
        beta: the averaging weight β.
        value: the uncorrected V_t (0.0 before the first update).
        corrected: V_t / (1 − β^t) (0.0 before the first update).
        t: the number of values seen.

    Example:
        >>> avg = EWMA(beta=0.9)
        >>> avg.update(10.0)       # bias-corrected: 1.0 / (1 − 0.9) = 10
        10.0
        >>> round(avg.value, 6)
        1.0
    """

    def __init__(self, beta=0.9):
        self.beta = _check_beta(beta, "EWMA")
        self.value = 0.0
        self.corrected = 0.0
        self.t = 0

    def update(self, x):
        """Add θ_t = x; return the bias-corrected average V_t / (1 − β^t)."""
        self.t += 1
        self.value = self.beta * self.value + (1.0 - self.beta) * float(x)
        self.corrected = self.value / (1.0 - self.beta**self.t)
        return self.corrected

    def __repr__(self):
        return f"EWMA(beta={self.beta}, t={self.t}, value={self.value}, corrected={self.corrected})"
