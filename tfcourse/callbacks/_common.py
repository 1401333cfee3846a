"""Helpers the callbacks share: argument checks, epoch-indexed series, per-layer norms, a plot."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from tfcourse.checks import check_int, invalid


def _check_path(path, name="path", optional=True, owner=None):
    if path is None and optional:
        return None
    if not isinstance(path, (str, Path)) or not str(path):
        raise invalid(name, "a file path (str or Path)" + (" or None" if optional else ""), path,
                      owner)
    return Path(path)


def _check_every(every, owner=None):
    return check_int("every", every, low=1, owner=owner)


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
    """One line per layer over the epochs, saved through :func:`tfcourse.plots.save`."""
    from tfcourse import plots

    plt = plots.pyplot()
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
    return plots.save(fig, path)
