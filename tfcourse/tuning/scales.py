"""The course's sampling scales for hyperparameters (Course 2, week 3).

A learning rate between 0.0001 and 1 is sampled on a log scale, so that each decade gets the
same share of trials::

    r = uniform(log10(α_min), log10(α_max));   α = 10**r        # e.g. r ∈ [−4, 0]

and the momentum β through 1 − β on a log scale, because β = 0.9 → 0.9005 changes almost nothing
(an average over ~10 values) while β = 0.999 → 0.9995 doubles the averaging window (1000 → 2000
values)::

    r = uniform(log10(1 − β_max), log10(1 − β_min));   β = 1 − 10**r   # e.g. r ∈ [−3, −1]

Keras Tuner's ``sampling="reverse_log"`` over [0.9, 0.999] is nearly linear (the ratio
0.999/0.9 is only 1.11): about 10 % of its samples have β > 0.99, where the course's scale puts
half of them. :func:`momentum_beta` declares the hyperparameter the course's way, as
``one_minus_beta`` on a log scale.
"""
from __future__ import annotations

import math

from keras_tuner.engine import hyperparameters as hp_types

from tfcourse.errors import UsageError


class SearchSpaceError(UsageError, ValueError):
    """An impossible search space or search setting; the message names the culprit.

    A ``ValueError``, and a ``UsageError`` so that the lessons' command line reports it in one
    line and exits with status 2.

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """


def check_setting(check, *args, **kwargs):
    """Run a :mod:`tfcourse.checks` check; raise its message as a :class:`SearchSpaceError`.

    For the settings of a search (``max_trials``, ``margin``, ...): the message is the
    package's one style, the error a ``UsageError`` so that a lesson's flag gives exit status 2.

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    try:
        return check(*args, **kwargs)
    except ValueError as e:
        raise SearchSpaceError(str(e)) from None


def log_uniform(rng, min_value: float, max_value: float, size=None):
    """The course's log-scale sample: r = uniform(log10 min, log10 max); return 10**r.

    ``rng`` is a ``numpy.random.Generator``. ``log_uniform(rng, 1e-4, 1)`` is the lecture's
    ``r = -4 * np.random.rand(); alpha = 10**r``.

    Course 2, week 3; used by no lesson yet.
    """
    check_range("value", min_value, max_value, log=True)
    r = rng.uniform(math.log10(min_value), math.log10(max_value), size)
    return 10.0 ** r


def one_minus_log_uniform(rng, min_value: float, max_value: float, size=None):
    """The course's sample for β: r = uniform(log10(1 − max), log10(1 − min)); β = 1 − 10**r.

    ``one_minus_log_uniform(rng, 0.9, 0.999)`` draws r in [−3, −1]: half the samples land in
    [0.99, 0.999], half in [0.9, 0.99].

    Course 2, week 3; used by no lesson yet.
    """
    check_range("beta", min_value, max_value)
    if not 0 <= min_value < max_value < 1:
        raise SearchSpaceError(f"beta: the range must lie in [0, 1), got "
                               f"[{min_value}, {max_value}]")
    return 1.0 - log_uniform(rng, 1.0 - max_value, 1.0 - min_value, size)


def check_range(name: str, min_value, max_value, log: bool = False) -> None:
    """Raise :class:`SearchSpaceError` naming ``name`` unless min < max (min > 0 on a log scale).

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    for label, v in (("min_value", min_value), ("max_value", max_value)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise SearchSpaceError(f"hyperparameter {name!r}: {label} must be a finite number, "
                                   f"got {v!r}")
    if min_value >= max_value:
        raise SearchSpaceError(f"hyperparameter {name!r}: min_value must be less than max_value, "
                               f"got min_value={min_value!r}, max_value={max_value!r}")
    if log and min_value <= 0:
        raise SearchSpaceError(f"hyperparameter {name!r}: a log scale needs positive bounds, "
                               f"got min_value={min_value!r}")


def beta_hp_name(name: str = "beta") -> str:
    """The name under which :func:`momentum_beta` registers 1 − β (``one_minus_beta``).

    Course 2, week 3; used by no lesson yet.
    """
    return f"one_minus_{name}"


def learning_rate(hp, name: str = "learning_rate", min_value: float = 1e-4,
                  max_value: float = 1.0, default: float | None = None) -> float:
    """Declare a learning rate sampled on a log scale; return its value for this trial.

    Keras Tuner's ``hp.Float(name, min, max, sampling="log")`` is exactly the course's
    α = 10**uniform(log10 min, log10 max); this helper only checks the bounds first.

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    check_range(name, min_value, max_value, log=True)
    return hp.Float(name, min_value, max_value, sampling="log", default=default)


def momentum_beta(hp, name: str = "beta", min_value: float = 0.9, max_value: float = 0.999,
                  default: float | None = None) -> float:
    """Declare an averaging β sampled through 1 − β on a log scale; return β for this trial.

    The hyperparameter Keras Tuner sees (and TensorBoard's HParams shows) is
    ``one_minus_<name>`` = 1 − β, a ``Float`` on a log scale over [1 − max, 1 − min]; the
    function returns β = 1 − that value. Compare ``hp.Float(name, 0.9, 0.999,
    sampling="reverse_log")``, which is Keras Tuner's built-in and nearly linear on this range.

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    check_range(name, min_value, max_value)
    if not 0 <= min_value < max_value < 1:
        raise SearchSpaceError(f"hyperparameter {name!r}: the range must lie in [0, 1), got "
                               f"min_value={min_value!r}, max_value={max_value!r}")
    one_minus = hp.Float(beta_hp_name(name), 1.0 - max_value, 1.0 - min_value, sampling="log",
                         default=None if default is None else 1.0 - default)
    return 1.0 - one_minus


def power_of_two(hp, name: str, min_value: int, max_value: int, default: int | None = None) -> int:
    """Declare an integer that is a power of 2 (a mini-batch size), uniform over the exponents.

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    for label, v in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(v, int) or v < 1 or v & (v - 1):
            raise SearchSpaceError(f"hyperparameter {name!r}: {label} must be a power of 2, "
                                   f"got {v!r}")
    check_range(name, min_value, max_value, log=True)
    return hp.Int(name, min_value, max_value, step=2, sampling="log", default=default)


def check_space(hyperparameters) -> None:
    """Raise :class:`SearchSpaceError` for an impossible range in a ``HyperParameters`` space.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFine`).
    """
    for hp in hyperparameters.space:
        if isinstance(hp, (hp_types.Float, hp_types.Int)):
            check_range(hp.name, hp.min_value, hp.max_value,
                        log=hp.sampling in ("log", "reverse_log"))
        elif isinstance(hp, hp_types.Choice) and not hp.values:
            raise SearchSpaceError(f"hyperparameter {hp.name!r}: no values to choose from")
