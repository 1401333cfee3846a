"""Diagnostic callbacks: the course's practical advice as hooks on your own ``model.fit``.

Each class is a ``keras.callbacks.Callback``; add it to ``callbacks=[...]`` beside Keras's own
``EarlyStopping``, ``TerminateOnNaN``, ``TensorBoard`` and ``ModelCheckpoint`` (which these do
not reinvent).

- :class:`LearningCurves` — train and dev loss/metrics per epoch, a PNG redrawn as training goes.
- :class:`SmoothedLoss` — the per-batch loss smoothed with the bias-corrected exponentially
  weighted average of Course 2, week 2 (reused from :mod:`tfcourse.ewma`).
- :class:`LearningRateDecay` — a course decay formula applied per epoch, the rate logged.
- :class:`WeightNorms`, :class:`GradientNorms` — per-layer Frobenius norms of weights and of
  gradients each epoch; ``GradientNorms`` warns on vanishing / exploding gradients.
- :class:`BiasVarianceReport` — at the end of training, human-level / train / train-dev / dev
  error, avoidable bias, variance, data mismatch and the "basic recipe" step (Course 3).

Values a callback adds to ``logs`` (``smoothed_loss``, ``learning_rate``,
``weight_norm/<layer>``, ``grad_norm/<layer>``) reach ``History`` and, when the callback is
listed *before* ``TensorBoard``, the TensorBoard logs too.

All of them keep their series on the callback object, so they also work across a ``.keras``
save and load: ``fit``, ``model.save``, ``keras.saving.load_model``, ``fit`` again with the same
callback objects. Epoch-indexed series continue when the second ``fit`` passes
``initial_epoch`` and start over when it starts again from epoch 0.
"""
from __future__ import annotations

import inspect
import math
import warnings
from pathlib import Path

import keras
import numpy as np

from tfcourse.ewma import EWMA


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # files only, no screen (as tfcourse.plots)
    import matplotlib.pyplot as plt

    return plt


def _save_figure(fig, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    _plt().close(fig)
    return path


def _check_path(path, name="path", optional=True):
    if path is None and optional:
        return None
    if not isinstance(path, (str, Path)) or not str(path):
        raise ValueError(f"{name} must be a file path (str or Path), got {name}={path!r}")
    return Path(path)


def _check_every(every):
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
        raise ValueError(f"every must be a positive integer, got every={every!r}")
    return int(every)


class _EpochSeries:
    """Epoch-indexed rows: a new ``fit`` that restarts at an earlier epoch truncates the series."""

    def __init__(self):
        self.epochs: list[int] = []
        self.rows: list[dict] = []

    def add(self, epoch: int, row: dict) -> None:
        while self.epochs and self.epochs[-1] >= epoch:
            self.epochs.pop()
            self.rows.pop()
        self.epochs.append(int(epoch))
        self.rows.append(dict(row))

    def columns(self) -> dict:
        """``{key: [value per epoch]}`` (NaN where an epoch lacks the key)."""
        keys = []
        for row in self.rows:
            keys += [k for k in row if k not in keys]
        return {k: [float(r.get(k, math.nan)) for r in self.rows] for k in keys}


def _layer_key(model, variable) -> str:
    """``sequential/dense/kernel`` -> ``dense``: the layer path without the model's own name."""
    path = getattr(variable, "path", None) or variable.name
    layer = path.rsplit("/", 1)[0] if "/" in path else path
    prefix = f"{model.name}/"
    return layer[len(prefix):] if layer.startswith(prefix) else layer


def _kernels_by_layer(model, variables) -> dict:
    """Group the weight matrices (ndim >= 2: kernels, not biases or BN scales) by layer."""
    out: dict = {}
    for v in variables:
        if len(v.shape) >= 2:
            out.setdefault(_layer_key(model, v), []).append(v)
    return out


def _frobenius(arrays) -> float:
    """‖W‖_F = sqrt(Σ_ij w_ij²), over all the layer's weight matrices together."""
    return float(math.sqrt(sum(float(np.sum(np.square(np.asarray(a, "float64")))) for a in arrays)))


def _plot_series(series: dict, path, ylabel: str, title: str, logy: bool = False):
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, (label, ys) in enumerate(series.items()):
        ax.plot(np.arange(1, len(ys) + 1), ys, marker="o" if len(ys) < 30 else None, ms=3,
                color=f"C{i % 10}", label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    if series:
        ax.legend(fontsize=7, ncol=2 if len(series) > 6 else 1)
    ax.set_title(title)
    return _save_figure(fig, path)


# ---------------------------------------------------------------------------------------------
# Learning curves
# ---------------------------------------------------------------------------------------------


class LearningCurves(keras.callbacks.Callback):
    """Train and dev loss and metrics per epoch, saved as a PNG as training goes.

    One panel per metric (``loss`` first): the training curve solid, the ``val_`` (dev) curve
    dashed. The course reads these curves for bias (both high) and variance (a gap that grows).

    Unlike ``keras.callbacks.History`` (which it does not replace), the curves are drawn while
    training runs (every ``every`` epochs and at the end), and they continue across two ``fit``
    calls when the second passes ``initial_epoch``.

    Args:
        path: the PNG file to (re)write.
        metrics: the metric names to plot (without ``val_``); ``None``: loss and every compiled
            metric found in the logs.
        every: redraw every ``every`` epochs (always at the end of training).
        title: the figure title.

    Example:
        >>> model.fit(x, y, validation_data=(xd, yd), epochs=50,
        ...           callbacks=[LearningCurves("curves.png", every=10)])
    """

    _SKIP = ("learning_rate", "smoothed_loss")

    def __init__(self, path, metrics=None, every: int = 1, title: str = "Learning curves"):
        super().__init__()
        self.path = _check_path(path, optional=False)
        if metrics is not None and (isinstance(metrics, str) or not all(
                isinstance(m, str) for m in metrics)):
            raise ValueError(f"metrics must be a list of metric names, got metrics={metrics!r}")
        self.metrics = None if metrics is None else tuple(metrics)
        self.every = _check_every(every)
        self.title = title
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
            from tfcourse import plots

            plots.learning_curves({"model": history}, self.path, metrics=self._names(history),
                                  title=self.title)

    def on_epoch_end(self, epoch, logs=None):
        self.series.add(epoch, logs or {})
        if (epoch + 1) % self.every == 0:
            self.draw()

    def on_train_end(self, logs=None):
        self.draw()

    def get_config(self):
        return {"path": str(self.path), "metrics": self.metrics, "every": self.every,
                "title": self.title}


# ---------------------------------------------------------------------------------------------
# Smoothed per-batch loss
# ---------------------------------------------------------------------------------------------


class SmoothedLoss(keras.callbacks.Callback):
    """The per-batch training loss smoothed with a bias-corrected exponentially weighted average.

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

    Example:
        >>> smooth = SmoothedLoss(beta=0.98, path="smoothed_loss.png")
        >>> model.fit(x, y, batch_size=32, epochs=5, callbacks=[smooth])
        >>> smooth.smoothed[-1]
    """

    def __init__(self, beta: float = 0.98, path=None):
        super().__init__()
        self._average = EWMA(beta)  # validates beta: ValueError naming beta and its value
        self.beta = self._average.beta
        self.path = _check_path(path)
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
        plt = _plt()
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
        _save_figure(fig, self.path)

    def get_config(self):
        return {"beta": self.beta, "path": None if self.path is None else str(self.path)}


# ---------------------------------------------------------------------------------------------
# Learning-rate decay
# ---------------------------------------------------------------------------------------------


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

    Example:
        >>> from tfcourse.schedules import epoch_schedule, update_lr
        >>> decay = LearningRateDecay(lambda epoch: update_lr(0.5, epoch, 1.0))
        >>> model.fit(x, y, epochs=3, callbacks=[decay])      # α = 0.5, 0.25, 0.1667
        >>> decay.rates
        [0.5, 0.25, 0.16666666666666666]
        >>> LearningRateDecay(epoch_schedule("schedule_lr_decay", 0.1, decay_rate=0.3,
        ...                                  time_interval=10))   # the assignment's staircase
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"schedule must be a callable schedule(epoch) -> learning rate, "
                             f"got schedule={schedule!r}")
        arity = _positional_arity(schedule)
        if arity is not None and arity not in (1, 2):
            raise ValueError(f"schedule must take (epoch) or (epoch, lr); got a callable with "
                             f"{arity} required positional arguments: schedule={schedule!r}")
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


# ---------------------------------------------------------------------------------------------
# Weight and gradient norms
# ---------------------------------------------------------------------------------------------


class WeightNorms(keras.callbacks.Callback):
    """Per-layer Frobenius norm of the weight matrices at the end of every epoch.

    ‖W[l]‖_F = sqrt(Σ_i Σ_j (w_ij[l])²) — the quantity L2 regularization penalizes
    (J + λ/(2m) · Σ_l ‖W[l]‖_F²), so with L2 these norms are visibly smaller ("weight decay").
    Only weight matrices and kernels (trainable variables with two or more axes) count: biases
    and batch-norm scales are not regularized by the course's L2 either. A layer with several
    kernels (an LSTM's kernel and recurrent kernel) gets one norm over all of them.

    ``logs["weight_norm/<layer>"]`` is added each epoch.

    Args:
        path: a PNG of the norms per epoch, rewritten every ``every`` epochs and at the end.
        every: redraw every ``every`` epochs.

    Attributes:
        norms: ``{layer: [norm per epoch]}``.

    Example:
        >>> norms = WeightNorms("weight_norms.png")
        >>> model.fit(x, y, epochs=20, callbacks=[norms])
        >>> norms.norms["dense"][-1]
    """

    def __init__(self, path=None, every: int = 1):
        super().__init__()
        self.path = _check_path(path)
        self.every = _check_every(every)
        self.series = _EpochSeries()

    @property
    def norms(self) -> dict:
        return self.series.columns()

    def current(self) -> dict:
        """``{layer: ‖W‖_F}`` for the model's weights now."""
        groups = _kernels_by_layer(self.model, self.model.trainable_weights)
        return {k: _frobenius([v.numpy() if hasattr(v, "numpy") else keras.ops.convert_to_numpy(v)
                               for v in vs]) for k, vs in groups.items()}

    def on_epoch_end(self, epoch, logs=None):
        row = self.current()
        self.series.add(epoch, row)
        if logs is not None:
            logs.update({f"weight_norm/{k}": v for k, v in row.items()})
        if self.path is not None and (epoch + 1) % self.every == 0:
            self.draw()

    def draw(self):
        if self.path is not None and self.series.rows:
            _plot_series(self.norms, self.path, "‖W‖_F", "Weight norms per layer")

    def on_train_end(self, logs=None):
        self.draw()

    def get_config(self):
        return {"path": None if self.path is None else str(self.path), "every": self.every}


class GradientNorms(keras.callbacks.Callback):
    """Per-layer Frobenius norm of the gradient of the training loss, each epoch, with warnings.

    At the end of every epoch the gradient dJ/dW[l] of the model's *compiled* loss (as
    ``model.compute_loss`` computes it: the loss function plus regularization terms) is taken on
    the batch ``(x, y)`` given here, with ``tf.GradientTape``, in inference mode (no dropout, no
    batch-norm statistics updated), and its norm ‖dW[l]‖_F is recorded per layer (weight
    matrices only, as in :class:`WeightNorms`).

    The course's vanishing / exploding gradients (Course 2, week 1): in a deep network the
    gradient of an early layer is a product of many layer Jacobians; with sigmoids (σ' ≤ 1/4) it
    shrinks geometrically toward the input, with large weights it blows up. A layer whose norm
    falls below ``vanish_threshold`` or rises above ``explode_threshold`` gets one
    ``RuntimeWarning`` (the first time) and an entry in ``self.alerts``.

    ``logs["grad_norm/<layer>"]`` is added each epoch.

    Args:
        x, y: a batch of training data (e.g. the first 256 examples) to take the gradient on.
        path: a PNG of the norms per epoch (log scale).
        vanish_threshold: a norm below this is reported as vanishing (≥ 0).
        explode_threshold: a norm above this is reported as exploding (> vanish_threshold).
        every: redraw the PNG every ``every`` epochs.

    Attributes:
        norms: ``{layer: [gradient norm per epoch]}``;
        alerts: ``[(epoch, layer, "vanishing" | "exploding", norm), ...]``.

    Example:
        >>> grads = GradientNorms(x_train[:256], y_train[:256], "grad_norms.png")
        >>> model.fit(x_train, y_train, epochs=10, callbacks=[grads])
    """

    def __init__(self, x, y, path=None, vanish_threshold: float = 1e-6,
                 explode_threshold: float = 1e3, every: int = 1):
        super().__init__()
        if x is None or y is None:
            raise ValueError(f"x and y must be a batch of training data, got x={type(x).__name__}"
                             f", y={type(y).__name__}")
        if len(x) != len(y):
            raise ValueError(f"x and y must have the same length, got len(x)={len(x)}, "
                             f"len(y)={len(y)}")
        for name, value in (("vanish_threshold", vanish_threshold),
                            ("explode_threshold", explode_threshold)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {name}={value!r}")
        if explode_threshold <= vanish_threshold:
            raise ValueError(f"explode_threshold must be greater than vanish_threshold, got "
                             f"explode_threshold={explode_threshold!r}, "
                             f"vanish_threshold={vanish_threshold!r}")
        self.x = np.asarray(x, "float32")
        self.y = np.asarray(y)
        self.path = _check_path(path)
        self.vanish_threshold = float(vanish_threshold)
        self.explode_threshold = float(explode_threshold)
        self.every = _check_every(every)
        self.series = _EpochSeries()
        self.alerts: list[tuple] = []
        self._warned: set = set()

    @property
    def norms(self) -> dict:
        return self.series.columns()

    def current(self) -> dict:
        """``{layer: ‖dJ/dW‖_F}`` on the stored batch, for the model's weights now."""
        import tensorflow as tf

        model = self.model
        variables = list(model.trainable_weights)
        with tf.GradientTape() as tape:
            y_pred = model(self.x, training=False)
            loss = model.compute_loss(x=self.x, y=self.y, y_pred=y_pred)
        grads = tape.gradient(loss, variables)
        by_var = {id(v): g for v, g in zip(variables, grads)}
        groups = _kernels_by_layer(model, variables)
        return {k: _frobenius([np.zeros(1) if by_var[id(v)] is None else by_var[id(v)].numpy()
                               for v in vs]) for k, vs in groups.items()}

    def on_epoch_end(self, epoch, logs=None):
        row = self.current()
        self.series.add(epoch, row)
        for layer, norm in row.items():
            kind = ("vanishing" if norm < self.vanish_threshold else
                    "exploding" if norm > self.explode_threshold or not math.isfinite(norm)
                    else None)
            if kind is None:
                continue
            self.alerts.append((epoch, layer, kind, norm))
            if (layer, kind) not in self._warned:
                self._warned.add((layer, kind))
                limit = self.vanish_threshold if kind == "vanishing" else self.explode_threshold
                warnings.warn(f"epoch {epoch + 1}: {kind} gradient in layer {layer!r}: "
                              f"‖dW‖_F = {norm:.3g} ({'<' if kind == 'vanishing' else '>'} "
                              f"{limit:g})", RuntimeWarning, stacklevel=2)
        if logs is not None:
            logs.update({f"grad_norm/{k}": v for k, v in row.items()})
        if self.path is not None and (epoch + 1) % self.every == 0:
            self.draw()

    def draw(self):
        if self.path is not None and self.series.rows:
            _plot_series(self.norms, self.path, "‖dJ/dW‖_F", "Gradient norms per layer",
                         logy=True)

    def on_train_end(self, logs=None):
        self.draw()

    def get_config(self):
        return {"path": None if self.path is None else str(self.path),
                "vanish_threshold": self.vanish_threshold,
                "explode_threshold": self.explode_threshold, "every": self.every}


# ---------------------------------------------------------------------------------------------
# Bias / variance / data mismatch
# ---------------------------------------------------------------------------------------------


def _check_pair(value, name):
    if value is None:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a pair (x, y), got {name}={type(value).__name__}")
    x, y = value
    if len(x) != len(y):
        raise ValueError(f"{name} must hold x and y of the same length, got {len(x)} and {len(y)}")
    return np.asarray(x, "float32"), np.asarray(y)


class BiasVarianceReport(keras.callbacks.Callback):
    """At the end of training: the four errors, the three gaps and the course's next step.

    The course (Course 3, weeks 1–2), with human-level error as the proxy for Bayes error:

        avoidable bias = train error − human-level error
        variance       = train-dev error − train error      (dev error − train error without
                                                              a train-dev set)
        data mismatch  = dev error − train-dev error

    and the "basic recipe" for the largest gap (see :func:`tfcourse.strategy.diagnose`).

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

    Example:
        >>> report = BiasVarianceReport(0.01, train_data=(x, y), train_dev_data=(xtd, ytd),
        ...                             dev_data=(xd, yd))
        >>> model.fit(x, y, epochs=20, callbacks=[report])
        >>> report.report["diagnosis"], report.report["recipe"]
    """

    def __init__(self, human_level_error, train_data=None, train_dev_data=None, dev_data=None,
                 metric: str = "accuracy", error_fn=None, tolerance: float = 0.0,
                 verbose: int = 1):
        super().__init__()
        from tfcourse.strategy import _check_error

        self.human_level_error = _check_error(human_level_error, "human_level_error")
        self.train_data = _check_pair(train_data, "train_data")
        self.train_dev_data = _check_pair(train_dev_data, "train_dev_data")
        self.dev_data = _check_pair(dev_data, "dev_data")
        if error_fn is not None and not callable(error_fn):
            raise ValueError(f"error_fn must be callable, got error_fn={error_fn!r}")
        self.metric = metric
        self.error_fn = error_fn
        self.tolerance = tolerance
        self.verbose = int(verbose)
        self.report: dict | None = None

    def error(self, data) -> float:
        from tfcourse.strategy import classification_error

        x, y = data
        y_pred = np.asarray(self.model.predict(x, verbose=0, batch_size=1024))
        return float((self.error_fn or classification_error)(y, y_pred))

    def on_train_end(self, logs=None):
        from tfcourse.strategy import diagnose, format_diagnosis

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
