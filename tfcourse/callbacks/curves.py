"""Learning curves and the smoothed per-batch loss (Course 2, week 2; Course 3, weeks 1–2).

- :class:`LearningCurves` — train and dev loss/metrics per epoch, a PNG redrawn as training goes.
- :class:`SmoothedLoss` — the per-batch loss smoothed with the bias-corrected exponentially
  weighted average of Course 2, week 2 (:class:`tfcourse.ewma.EWMA`).
"""
from __future__ import annotations

import keras
import numpy as np

from tfcourse.callbacks._common import _check_every, _check_path, _EpochSeries
from tfcourse.checks import invalid
from tfcourse.ewma import EWMA


class LearningCurves(keras.callbacks.Callback):
    """Train and dev loss and metrics per epoch, saved as a PNG as training goes.

    Courses 2–3; lessons c3w1_bias_variance, c3w2_data_mismatch, c3w2_error_analysis,
    c3w2_multitask, c3w2_transfer_learning.

    One panel per metric (``loss`` first): the training curve solid, the ``val_`` curve dashed
    and labelled ``val_label`` (the split passed as ``validation_data``: "dev" by default). The course reads these curves for bias (both high) and variance (a gap that grows).

    Unlike ``keras.callbacks.History`` (which it does not replace), the curves are drawn while
    training runs (every ``every`` epochs and at the end), and they continue across two ``fit``
    calls when the second passes ``initial_epoch``.

    Args:
        path: the PNG file to (re)write.
        metrics: the metric names to plot (without ``val_``); ``None``: loss and every compiled
            metric found in the logs.
        every: redraw every ``every`` epochs (always at the end of training).
        title: the figure title.
        val_label: what the ``validation_data`` is, for the legend ("dev", "train-dev", "test").

    Example::

        model.fit(x, y, validation_data=(xd, yd), epochs=50,
                  callbacks=[LearningCurves("curves.png", every=10)])
    """

    _SKIP = ("learning_rate", "smoothed_loss")

    def __init__(self, path, metrics=None, every: int = 1, title: str = "Learning curves",
                 val_label: str = "dev"):
        super().__init__()
        self.path = _check_path(path, optional=False, owner="LearningCurves")
        if metrics is not None and (isinstance(metrics, str) or not all(
                isinstance(m, str) for m in metrics)):
            raise invalid("metrics", "a list of metric names or None", metrics, "LearningCurves")
        self.metrics = None if metrics is None else tuple(metrics)
        self.every = _check_every(every, owner="LearningCurves")
        self.title = title
        if not isinstance(val_label, str) or not val_label:
            raise invalid("val_label", "a non-empty string", val_label, "LearningCurves")
        self.val_label = val_label
        self.series = _EpochSeries()

    @property
    def history(self) -> dict:
        """``{metric: [value per epoch]}`` for everything the logs held."""
        return self.series.columns()

    def _names(self, history):
        if self.metrics is not None:
            return list(self.metrics)
        names = [k for k in history if not k.startswith("val_") and "/" not in k
                 and k not in self._SKIP]
        return sorted(names, key=lambda k: (k != "loss", k))

    def draw(self):
        history = self.history
        if history:
            from tfcourse import plots  # on first draw: importing it selects matplotlib's Agg

            plots.learning_curves({"model": history}, self.path, metrics=self._names(history),
                                  title=self.title, val_label=self.val_label)

    def on_epoch_end(self, epoch, logs=None):
        self.series.add(epoch, logs or {})
        if (epoch + 1) % self.every == 0:
            self.draw()

    def on_train_end(self, logs=None):
        self.draw()

    def get_config(self):
        return {"path": str(self.path), "metrics": self.metrics, "every": self.every,
                "title": self.title}


class SmoothedLoss(keras.callbacks.Callback):
    """The per-batch training loss smoothed with a bias-corrected exponentially weighted average.

    Course 2, week 2; used by no lesson yet.

    The course's EWMA (Course 2, week 2), with V_0 = 0 and t counted in batches:

        V_t = β·V_{t-1} + (1 − β)·loss_t,      smoothed_t = V_t / (1 − β^t)

    β = 0.98 averages roughly the last 1 / (1 − β) = 50 batches; the bias correction keeps the
    first values from being pulled toward 0. The arithmetic is :class:`tfcourse.ewma.EWMA`.

    Keras 3 reports in ``logs["loss"]`` the *running mean since the start of the epoch*, not the
    batch's own loss. The batch loss is recovered exactly from the loss tracker's sums (the
    change in ``total`` over the change in ``count``), so the raw series is the loss of each
    batch as the optimizer saw it (including regularization terms).

    ``logs["smoothed_loss"]`` is added to each batch's and each epoch's logs. The series restart
    with every ``fit`` call.

    Args:
        beta: the averaging weight β in [0, 1).
        path: a PNG of the raw and smoothed per-batch loss, written at the end of training.

    Attributes:
        raw: the per-batch losses; ``smoothed``: the bias-corrected averages.

    Example::

        smooth = SmoothedLoss(beta=0.98, path="smoothed_loss.png")
        model.fit(x, y, batch_size=32, epochs=5, callbacks=[smooth])
        smooth.smoothed[-1]
    """

    def __init__(self, beta: float = 0.98, path=None):
        super().__init__()
        self._average = EWMA(beta)  # validates beta: ValueError naming beta and its value
        self.beta = self._average.beta
        self.path = _check_path(path, owner="SmoothedLoss")
        self.raw: list[float] = []
        self.smoothed: list[float] = []

    def _tracker(self):
        for metric in getattr(self.model, "metrics", []):
            if metric.name == "loss" and hasattr(metric, "total") and hasattr(metric, "count"):
                return metric
        return None

    def on_train_begin(self, logs=None):
        self._average = EWMA(self.beta)
        self.raw, self.smoothed = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self._seen_total, self._seen_count, self._seen_batches = 0.0, 0.0, 0

    def _batch_loss(self, logs) -> float:
        tracker = self._tracker()
        if tracker is not None:
            total = float(keras.ops.convert_to_numpy(tracker.total))
            count = float(keras.ops.convert_to_numpy(tracker.count))
            if count > self._seen_count:
                loss = (total - self._seen_total) / (count - self._seen_count)
                self._seen_total, self._seen_count = total, count
                return loss
        # No tracker (a custom train_step): undo the running mean, assuming equal batch sizes.
        mean, k = float(logs["loss"]), self._seen_batches
        loss = (k + 1) * mean - k * self._seen_total
        self._seen_total = mean
        return loss

    def on_train_batch_end(self, batch, logs=None):
        logs = logs if logs is not None else {}
        if "loss" not in logs:
            return
        loss = self._batch_loss(logs)
        self._seen_batches += 1
        self.raw.append(loss)
        self.smoothed.append(self._average.update(loss))
        logs["smoothed_loss"] = self.smoothed[-1]

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and self.smoothed:
            logs["smoothed_loss"] = self.smoothed[-1]

    def on_train_end(self, logs=None):
        if self.path is None or not self.raw:
            return
        from tfcourse import plots

        plt = plots.pyplot()
        fig, ax = plt.subplots(figsize=(7, 4))
        steps = np.arange(1, len(self.raw) + 1)
        ax.plot(steps, self.raw, color="C0", alpha=0.35, lw=0.8, label="batch loss")
        ax.plot(steps, self.smoothed, color="C3", lw=1.6,
                label=f"EWMA, β = {self.beta:g}, bias-corrected")
        ax.set_xlabel("batch (training step)")
        ax.set_ylabel("loss")
        ax.grid(alpha=0.3)
        ax.legend()
        ax.set_title("Per-batch loss and its exponentially weighted average")
        plots.save(fig, self.path)

    def get_config(self):
        return {"beta": self.beta, "path": None if self.path is None else str(self.path)}
