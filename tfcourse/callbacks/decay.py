"""Learning-rate decay per epoch from the course's formulas (Course 2, week 2)."""
from __future__ import annotations

import inspect
import math

import keras
import numpy as np

from tfcourse.checks import invalid


def _positional_arity(fn) -> int | None:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return 2
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
               for p in params)


class LearningRateDecay(keras.callbacks.Callback):
    """Set the optimizer's learning rate from a course decay formula at the start of each epoch.

    Course 2, week 2; used by no lesson yet.

    The course's decay formulas (Course 2, week 2), with epochs counted from 0:

        α = α0 / (1 + decay_rate · epoch)                      (the lecture's formula)
        α = α0 / (1 + decay_rate · ⌊epoch / time_interval⌋)     (the assignment's scheduled decay)
        α = 0.95^epoch · α0,   α = k / √epoch · α0,  ...

    ``schedule`` is any callable ``schedule(epoch) -> α`` or ``schedule(epoch, α) -> α``
    (``tfcourse.schedules`` has the course's formulas as pure functions).

    Variant: the same job as ``keras.callbacks.LearningRateScheduler(schedule)`` — both set
    ``optimizer.learning_rate`` in ``on_epoch_begin`` and log ``learning_rate`` at the epoch's
    end, so the same schedule gives the same weights (tested). The differences: the signature is
    read from ``schedule`` rather than guessed by catching ``TypeError`` (which hides bugs inside
    the schedule), the rate must be a finite number ≥ 0 (a NumPy or Python float or int), and
    the rates used are kept in ``self.rates``.

    Args:
        schedule: ``schedule(epoch)`` or ``schedule(epoch, current_lr)``, returning the rate.
        verbose: print the rate each epoch.

    Example::

        from tfcourse.schedules import epoch_schedule, update_lr
        decay = LearningRateDecay(lambda epoch: update_lr(0.5, epoch, 1.0))
        model.fit(x, y, epochs=3, callbacks=[decay])      # α = 0.5, 0.25, 0.1667
        decay.rates                                   # [0.5, 0.25, 0.16666666666666666]
        LearningRateDecay(epoch_schedule("schedule_lr_decay", 0.1, decay_rate=0.3,
                                         time_interval=10))   # the assignment's staircase
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise invalid("schedule", "a callable schedule(epoch) -> learning rate", schedule,
                          "LearningRateDecay")
        arity = _positional_arity(schedule)
        if arity is not None and arity not in (1, 2):
            raise invalid("schedule", f"a callable of (epoch) or (epoch, lr), not of {arity} "
                          f"required positional arguments", schedule, "LearningRateDecay")
        self.schedule = schedule
        self._arity = arity or 1
        self.verbose = int(verbose)
        self.rates: list[float] = []

    def _current(self) -> float:
        return float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = (self.schedule(epoch, self._current()) if self._arity == 2
              else self.schedule(epoch))
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)) \
                or not math.isfinite(float(lr)) or float(lr) < 0:
            raise ValueError(f"schedule({epoch}) must return a finite number >= 0, got {lr!r}")
        try:
            optimizer.learning_rate = float(lr)
        except TypeError as exc:  # the optimizer was built with a LearningRateSchedule object
            raise ValueError("LearningRateDecay needs an optimizer whose learning_rate is a "
                             "number, not a keras LearningRateSchedule") from exc
        del self.rates[epoch:]  # a fit restarting at an earlier epoch replaces those entries
        self.rates.append(float(lr))
        if self.verbose:
            print(f"epoch {epoch + 1}: learning rate {float(lr):.6g}")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self._current()

    def get_config(self):
        return {"schedule": getattr(self.schedule, "__name__", repr(self.schedule)),
                "verbose": self.verbose}
