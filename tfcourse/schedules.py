"""Learning-rate decay, the course's formulas (Course 2, week 2).

Each formula is a pure function of (α0, epoch_num, …) that a reader can check by hand; the
course's assignment names two of them, `update_lr` and `schedule_lr_decay`. The functions use
only arithmetic operators (`/`, `**`, `//`), so the same code runs on Python numbers and on
tensors, and the Keras pieces below call them instead of repeating the formulas:

| function               | formula                                   | Keras schedule               |
|------------------------|-------------------------------------------|------------------------------|
| `update_lr`            | α0 / (1 + decay_rate·epoch)               | `InverseTimeEpochDecay`      |
| `exponential_decay`    | base^epoch · α0 (the course's 0.95)       | `ExponentialEpochDecay`      |
| `sqrt_decay`           | k / √epoch · α0 (epoch counted from 1)    | `SqrtEpochDecay`             |
| `staircase_decay`      | α0 · drop^⌊epoch / interval⌋              | `StaircaseEpochDecay`        |
| `schedule_lr_decay`    | α0 / (1 + decay_rate·⌊epoch / interval⌋)  | `ScheduledInverseTimeDecay`  |

Two ways to use them in `model.fit`:

* per epoch: `keras.callbacks.LearningRateScheduler(epoch_schedule(update_lr, 0.1, decay_rate=1))`
  sets the optimizer's rate at the start of each Keras epoch (epoch index 0, 1, …);
* per step: a `keras.optimizers.schedules.LearningRateSchedule` (the classes here) given to the
  optimizer as `learning_rate`. The optimizer calls it with its step counter, and the schedule
  turns steps into epochs with `epoch = ⌊step / steps_per_epoch⌋`, so one Keras epoch can be
  many course epochs (useful when `fit` logs every N steps). The classes are registered under
  "tfcourse" and serializable, so an optimizer using them survives `.keras` saving.

`epoch` counts from 0 as in the course's training loop (`for i in range(num_epochs)`), except for
`sqrt_decay`, whose k/√epoch needs epoch ≥ 1: the Keras pieces pass it epoch + 1.

Example (the course's worked values):
    >>> update_lr(0.5, 2, 1)                        # 0.5 / (1 + 1·2)
    0.16666666666666666
    >>> round(schedule_lr_decay(0.5, 100, 0.3, 100), 6)    # 0.5 / (1 + 0.3·⌊100/100⌋)
    0.384615
"""

import keras
from keras import ops

from tfcourse.checks import invalid
from tfcourse.optimizers import check_learning_rate

_register = keras.saving.register_keras_serializable(package="tfcourse")


# -- argument checks --------------------------------------------------------------------------

def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _check(name, value, ok, what):
    """Check a plain number; tensors (an epoch inside a schedule) pass through unchecked."""
    if ops.is_tensor(value) or isinstance(value, keras.Variable):
        return value
    if not _is_number(value) and not hasattr(value, "__float__") or isinstance(value, bool):
        raise invalid(name, what, value)
    if not ok(float(value)):
        raise invalid(name, what, value)
    return value


def _rate0(value, name="learning_rate0"):
    if not _is_number(value) and not hasattr(value, "__float__"):
        raise invalid(name, "a number >= 0", value)
    return check_learning_rate(value, name)


def _epoch(epoch_num, minimum=0):
    return _check("epoch_num", epoch_num, lambda v: v >= minimum, f"a number >= {minimum}")


def _non_negative(name, value):
    return _check(name, value, lambda v: v >= 0, "a number >= 0")


def _positive(name, value):
    return _check(name, value, lambda v: v > 0, "a number > 0")


def _interval(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise invalid(name, "a positive integer", value)
    return value


# -- the course's formulas as pure functions ------------------------------------------------

def update_lr(learning_rate0, epoch_num, decay_rate):
    """α = α0 / (1 + decay_rate · epoch_num): decay every epoch (the course's `update_lr`).

    Course 2, week 2; used by no lesson yet.

    Example: update_lr(0.5, 2, 1) = 0.5 / 3 = 0.1666…
    """
    learning_rate0 = _rate0(learning_rate0)
    epoch_num, decay_rate = _epoch(epoch_num), _non_negative("decay_rate", decay_rate)
    return learning_rate0 / (1 + decay_rate * epoch_num)


def exponential_decay(learning_rate0, epoch_num, base=0.95):
    """α = base^epoch_num · α0 (the lecture's 0.95^epoch_num · α0).

    Course 2, week 2; used by no lesson yet.

    Example: exponential_decay(0.2, 2) = 0.95² · 0.2 = 0.1805
    """
    learning_rate0 = _rate0(learning_rate0)
    epoch_num = _epoch(epoch_num)
    base = _check("base", base, lambda v: 0 < v <= 1, "a number in (0, 1]")
    return base**epoch_num * learning_rate0


def sqrt_decay(learning_rate0, epoch_num, k=1.0):
    """α = k / √epoch_num · α0, for epoch_num ≥ 1 (the lecture's counting).

    Course 2, week 2; used by no lesson yet.

    Example: sqrt_decay(0.2, 4, k=1) = 1/2 · 0.2 = 0.1
    """
    learning_rate0 = _rate0(learning_rate0)
    epoch_num, k = _epoch(epoch_num, minimum=1), _positive("k", k)
    return k / epoch_num**0.5 * learning_rate0


def staircase_decay(learning_rate0, epoch_num, drop=0.5, interval=10):
    """α = α0 · drop^⌊epoch_num / interval⌋: a discrete staircase (halve every 10 epochs).

    Course 2, week 2; used by no lesson yet.

    Example: staircase_decay(0.2, 25, drop=0.5, interval=10) = 0.2 · 0.5² = 0.05
    """
    learning_rate0 = _rate0(learning_rate0)
    epoch_num, interval = _epoch(epoch_num), _interval("interval", interval)
    drop = _check("drop", drop, lambda v: 0 < v <= 1, "a number in (0, 1]")
    return learning_rate0 * drop ** (epoch_num // interval)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """α = α0 / (1 + decay_rate · ⌊epoch_num / time_interval⌋) (the course's `schedule_lr_decay`).

    Course 2, week 2; lesson c2w2_optimization.

    Decaying every epoch (`update_lr`) collapses the rate over 10 000 epochs; this form lowers it
    only every `time_interval` epochs.

    Example: schedule_lr_decay(0.5, 100, 0.3, 100) = 0.5 / 1.3 = 0.384615…
    """
    learning_rate0 = _rate0(learning_rate0)
    epoch_num, decay_rate = _epoch(epoch_num), _non_negative("decay_rate", decay_rate)
    time_interval = _interval("time_interval", time_interval)
    return learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))


FORMULAS = {
    "update_lr": update_lr,
    "exponential_decay": exponential_decay,
    "sqrt_decay": sqrt_decay,
    "staircase_decay": staircase_decay,
    "schedule_lr_decay": schedule_lr_decay,
}


# -- per epoch: functions for keras.callbacks.LearningRateScheduler ------------------------

def epoch_schedule(formula, learning_rate0, **kwargs):
    """A `schedule(epoch, lr)` for `keras.callbacks.LearningRateScheduler` from a course formula.

    Course 2, week 2; used by no lesson yet.

    Args:
        formula: one of the functions above, or its name ("update_lr", …).
        learning_rate0: α0.
        **kwargs: the formula's other arguments (decay_rate, time_interval, …).

    The callback passes the 0-based Keras epoch index; `sqrt_decay` receives epoch + 1.

    Example:
        >>> f = epoch_schedule("update_lr", 0.1, decay_rate=1)
        >>> cb = keras.callbacks.LearningRateScheduler(f)
        >>> f(1, None)
        0.05
    """
    fn = FORMULAS.get(formula) if isinstance(formula, str) else formula
    if fn not in FORMULAS.values():
        raise invalid("formula", "one of the functions above or one of their names "
                      + ", ".join(repr(n) for n in sorted(FORMULAS)), formula, "epoch_schedule")
    offset = 1 if fn is sqrt_decay else 0
    fn(learning_rate0, offset, **kwargs)  # validate the arguments now, not at epoch 0 of fit

    def schedule(epoch, lr=None):
        return float(fn(learning_rate0, epoch + offset, **kwargs))

    schedule.__name__ = f"{fn.__name__}_schedule"
    return schedule


# -- per step: LearningRateSchedule subclasses -----------------------------------------------

class _EpochDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Base: epoch = ⌊step / steps_per_epoch⌋, then the course formula of that epoch."""

    _offset = 0  # added to the 0-based epoch before the formula (1 for sqrt_decay)

    def __init__(self, initial_learning_rate, steps_per_epoch=1, name=None):
        self.initial_learning_rate = _rate0(initial_learning_rate, "initial_learning_rate")
        self.steps_per_epoch = _interval("steps_per_epoch", steps_per_epoch)
        self.name = name

    def _formula(self, epoch):
        raise NotImplementedError

    def __call__(self, step):
        step = ops.cast(step, "float32")
        epoch = ops.floor(step / float(self.steps_per_epoch)) + float(self._offset)
        return ops.cast(self._formula(epoch), "float32")

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "steps_per_epoch": self.steps_per_epoch,
            "name": self.name,
        }


@_register
class InverseTimeEpochDecay(_EpochDecay):
    """α = α0 / (1 + decay_rate · epoch), epoch = ⌊step / steps_per_epoch⌋ (the course's `update_lr`).

    Course 2, week 2; lesson c2w2_optimization.

    Same as `keras.optimizers.schedules.InverseTimeDecay(α0, steps_per_epoch, decay_rate,
    staircase=True)`; here to read in the course's terms.

    Args:
        initial_learning_rate: α0 >= 0.
        decay_rate: >= 0.
        steps_per_epoch: optimizer steps (mini-batches) per epoch, an integer >= 1.

    Example:
        >>> schedule = InverseTimeEpochDecay(0.1, 1.0, steps_per_epoch=5)
        >>> round(float(schedule(10)), 6)       # step 10 is epoch 2: 0.1 / (1 + 2)
        0.033333
    """

    def __init__(self, initial_learning_rate, decay_rate, steps_per_epoch=1, name=None):
        super().__init__(initial_learning_rate, steps_per_epoch, name)
        self.decay_rate = float(_non_negative("decay_rate", decay_rate))

    def _formula(self, epoch):
        return update_lr(self.initial_learning_rate, epoch, self.decay_rate)

    def get_config(self):
        return {**super().get_config(), "decay_rate": self.decay_rate}


@_register
class ExponentialEpochDecay(_EpochDecay):
    """α = base^epoch · α0, epoch = ⌊step / steps_per_epoch⌋ (the lecture's 0.95^epoch · α0).

    Course 2, week 2; used by no lesson yet.

    Args:
        initial_learning_rate: α0 >= 0.
        base: in (0, 1], defaults to 0.95.
        steps_per_epoch: optimizer steps per epoch, an integer >= 1.
    """

    def __init__(self, initial_learning_rate, base=0.95, steps_per_epoch=1, name=None):
        super().__init__(initial_learning_rate, steps_per_epoch, name)
        self.base = float(_check("base", base, lambda v: 0 < v <= 1, "a number in (0, 1]"))

    def _formula(self, epoch):
        return exponential_decay(self.initial_learning_rate, epoch, self.base)

    def get_config(self):
        return {**super().get_config(), "base": self.base}


@_register
class SqrtEpochDecay(_EpochDecay):
    """α = k / √(epoch + 1) · α0, epoch = ⌊step / steps_per_epoch⌋ counted from 0.

    Course 2, week 2; used by no lesson yet.

    The lecture's k/√epoch_num · α0 with epoch_num = epoch + 1 (it counts epochs from 1).

    Args:
        initial_learning_rate: α0 >= 0.
        k: > 0.
        steps_per_epoch: optimizer steps per epoch, an integer >= 1.
    """

    _offset = 1

    def __init__(self, initial_learning_rate, k=1.0, steps_per_epoch=1, name=None):
        super().__init__(initial_learning_rate, steps_per_epoch, name)
        self.k = float(_positive("k", k))

    def _formula(self, epoch):
        return sqrt_decay(self.initial_learning_rate, epoch, self.k)

    def get_config(self):
        return {**super().get_config(), "k": self.k}


@_register
class StaircaseEpochDecay(_EpochDecay):
    """α = α0 · drop^⌊epoch / interval⌋, epoch = ⌊step / steps_per_epoch⌋: a discrete staircase.

    Course 2, week 2; used by no lesson yet.

    Args:
        initial_learning_rate: α0 >= 0.
        drop: the factor per stair, in (0, 1]; defaults to 0.5.
        interval: epochs per stair, an integer >= 1; defaults to 10.
        steps_per_epoch: optimizer steps per epoch, an integer >= 1.
    """

    def __init__(self, initial_learning_rate, drop=0.5, interval=10, steps_per_epoch=1, name=None):
        super().__init__(initial_learning_rate, steps_per_epoch, name)
        self.drop = float(_check("drop", drop, lambda v: 0 < v <= 1, "a number in (0, 1]"))
        self.interval = _interval("interval", interval)

    def _formula(self, epoch):
        return staircase_decay(self.initial_learning_rate, epoch, self.drop, self.interval)

    def get_config(self):
        return {**super().get_config(), "drop": self.drop, "interval": self.interval}


@_register
class ScheduledInverseTimeDecay(_EpochDecay):
    """α = α0 / (1 + decay_rate · ⌊epoch / time_interval⌋) (the course's `schedule_lr_decay`).

    Course 2, week 2; lesson c2w2_optimization.

    epoch = ⌊step / steps_per_epoch⌋. The course's optimization assignment uses
    decay_rate 0.3 and time_interval 1000 with 5 mini-batches per epoch.

    Args:
        initial_learning_rate: α0 >= 0.
        decay_rate: >= 0.
        time_interval: epochs between decays, an integer >= 1; defaults to 1000.
        steps_per_epoch: optimizer steps per epoch, an integer >= 1.

    Example:
        >>> schedule = ScheduledInverseTimeDecay(0.1, 0.3, time_interval=1000, steps_per_epoch=5)
        >>> round(float(schedule(5000)), 6)     # step 5000 is epoch 1000: 0.1 / 1.3
        0.076923
    """

    def __init__(self, initial_learning_rate, decay_rate, time_interval=1000, steps_per_epoch=1,
                 name=None):
        super().__init__(initial_learning_rate, steps_per_epoch, name)
        self.decay_rate = float(_non_negative("decay_rate", decay_rate))
        self.time_interval = _interval("time_interval", time_interval)

    def _formula(self, epoch):
        return schedule_lr_decay(self.initial_learning_rate, epoch, self.decay_rate,
                                 self.time_interval)

    def get_config(self):
        return {**super().get_config(), "decay_rate": self.decay_rate,
                "time_interval": self.time_interval}
