"""Per-layer weight and gradient norms each epoch (Course 2, week 1).

- :class:`WeightNorms` — ‖W[l]‖_F, what L2 regularization shrinks.
- :class:`GradientNorms` — ‖dJ/dW[l]‖_F, with a warning on vanishing or exploding gradients.
"""
from __future__ import annotations

import math
import warnings

import keras
import numpy as np

from tfcourse.callbacks._common import (_check_every, _check_path, _EpochSeries, _frobenius,
                                        _kernels_by_layer, _plot_series)
from tfcourse.checks import check_number, invalid


class WeightNorms(keras.callbacks.Callback):
    """Per-layer Frobenius norm of the weight matrices at the end of every epoch.

    Course 2, week 1; lesson c3w1_bias_variance.

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

    Example::

        norms = WeightNorms("weight_norms.png")
        model.fit(x, y, epochs=20, callbacks=[norms])
        norms.norms["dense"][-1]
    """

    def __init__(self, path=None, every: int = 1):
        super().__init__()
        self.path = _check_path(path, owner="WeightNorms")
        self.every = _check_every(every, owner="WeightNorms")
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

    Course 2, week 1; used by no lesson yet.

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

    Example::

        grads = GradientNorms(x_train[:256], y_train[:256], "grad_norms.png")
        model.fit(x_train, y_train, epochs=10, callbacks=[grads])
    """

    def __init__(self, x, y, path=None, vanish_threshold: float = 1e-6,
                 explode_threshold: float = 1e3, every: int = 1):
        super().__init__()
        if x is None or y is None:
            raise ValueError(f"GradientNorms: arguments `x` and `y` must be a batch of training "
                             f"data. Received: x={type(x).__name__}, y={type(y).__name__}")
        if len(x) != len(y):
            raise ValueError(f"GradientNorms: arguments `x` and `y` must have the same length. "
                             f"Received: len(x)={len(x)}, len(y)={len(y)}")
        for name, value in (("vanish_threshold", vanish_threshold),
                            ("explode_threshold", explode_threshold)):
            check_number(name, value, low=0, owner="GradientNorms")
        if explode_threshold <= vanish_threshold:
            raise invalid("explode_threshold", f"greater than vanish_threshold="
                          f"{vanish_threshold!r}", explode_threshold, "GradientNorms")
        self.x = np.asarray(x, "float32")
        self.y = np.asarray(y)
        self.path = _check_path(path, owner="GradientNorms")
        self.vanish_threshold = float(vanish_threshold)
        self.explode_threshold = float(explode_threshold)
        self.every = _check_every(every, owner="GradientNorms")
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
