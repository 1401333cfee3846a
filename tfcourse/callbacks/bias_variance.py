"""The course's bias / variance / data-mismatch report at the end of ``model.fit`` (Course 3,
weeks 1–2)."""
from __future__ import annotations

import warnings

import keras
import numpy as np

from tfcourse.checks import invalid
from tfcourse.metrics import classification_error
from tfcourse.strategy.diagnosis import _check_error, diagnose, format_diagnosis


def _check_pair(value, name):
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"BiasVarianceReport: argument `{name}` must be a pair (x, y) or None. "
                         f"Received: {name} of type {type(value).__name__}")
    x, y = value
    if len(x) != len(y):
        raise ValueError(f"BiasVarianceReport: argument `{name}` must hold x and y of the same "
                         f"length. Received: {len(x)} and {len(y)}")
    return np.asarray(x, "float32"), np.asarray(y)


class BiasVarianceReport(keras.callbacks.Callback):
    """At the end of training: the four errors, the three gaps and the course's next step.

    Course 3, weeks 1–2; lessons c3w1_bias_variance, c3w2_data_mismatch.

    The course (Course 3, weeks 1–2), with human-level error as the proxy for Bayes error:

        avoidable bias = train error − human-level error
        variance       = train-dev error − train error      (dev error − train error without
                                                              a train-dev set)
        data mismatch  = dev error − train-dev error

    and the "basic recipe" for the largest gap (:func:`tfcourse.strategy.diagnose`).

    Errors are classification errors (1 − accuracy; a single sigmoid output is thresholded at
    0.5, several outputs are an argmax) on the data given here, in inference mode; pass
    ``error_fn(y_true, y_pred) -> error`` for another measure. Without ``train_data`` the train
    error falls back on ``1 − logs[metric]`` of the last epoch (a running mean taken while the
    weights changed, with dropout on: a rougher figure), and without ``dev_data`` on
    ``1 − logs["val_" + metric]``.

    The report is printed (``verbose``) and kept in ``self.report``; lessons copy it to
    ``results.json``.

    Args:
        human_level_error: the error a human expert (or a team of them) reaches, in [0, 1].
        train_data, train_dev_data, dev_data: ``(x, y)`` pairs, each optional.
        metric: the accuracy metric's name in the logs for the fallbacks.
        error_fn: ``error_fn(y_true, y_pred) -> float``; default: classification error.
        tolerance: gaps no larger than this count as none (see ``diagnose``).
        verbose: print the report at the end of training.

    Example::

        report = BiasVarianceReport(0.01, train_data=(x, y), train_dev_data=(xtd, ytd),
                                    dev_data=(xd, yd))
        model.fit(x, y, epochs=20, callbacks=[report])
        report.report["diagnosis"], report.report["recipe"]
    """

    def __init__(self, human_level_error, train_data=None, train_dev_data=None, dev_data=None,
                 metric: str = "accuracy", error_fn=None, tolerance: float = 0.0,
                 verbose: int = 1):
        super().__init__()
        self.human_level_error = _check_error(human_level_error, "human_level_error",
                                              "BiasVarianceReport")
        self.train_data = _check_pair(train_data, "train_data")
        self.train_dev_data = _check_pair(train_dev_data, "train_dev_data")
        self.dev_data = _check_pair(dev_data, "dev_data")
        if error_fn is not None and not callable(error_fn):
            raise invalid("error_fn", "a callable error_fn(y_true, y_pred) or None", error_fn,
                          "BiasVarianceReport")
        self.metric = metric
        self.error_fn = error_fn
        self.tolerance = tolerance
        self.verbose = int(verbose)
        self.report: dict | None = None

    def error(self, data) -> float:
        x, y = data
        y_pred = np.asarray(self.model.predict(x, verbose=0, batch_size=1024))
        return float((self.error_fn or classification_error)(y, y_pred))

    def on_train_end(self, logs=None):
        logs = logs or {}

        def from_logs(key):
            return 1.0 - float(logs[key]) if key in logs else None

        train = (self.error(self.train_data) if self.train_data is not None
                 else from_logs(self.metric))
        dev = self.error(self.dev_data) if self.dev_data is not None \
            else from_logs(f"val_{self.metric}")
        train_dev = None if self.train_dev_data is None else self.error(self.train_dev_data)
        if train is None or dev is None:
            missing = "train_data" if train is None else "dev_data"
            warnings.warn(f"BiasVarianceReport: no {missing} and no "
                          f"{'' if train is None else 'val_'}{self.metric} in the logs; "
                          f"no report", RuntimeWarning, stacklevel=2)
            return
        self.report = diagnose(self.human_level_error, train, dev, train_dev,
                               tolerance=self.tolerance)
        if self.verbose:
            print(format_diagnosis(self.report))

    def get_config(self):
        return {"human_level_error": self.human_level_error, "metric": self.metric,
                "tolerance": self.tolerance, "verbose": self.verbose}
