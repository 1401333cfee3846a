"""Plots the lessons write as PNG files (matplotlib's Agg backend: no screen needed)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _save(fig, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def save(fig, path) -> Path:
    """Save ``fig`` as a PNG at ``path`` (parents created) with the package's dpi, and close it."""
    return _save(fig, path)


def pyplot():
    """``matplotlib.pyplot`` with the Agg backend selected (files only, no screen)."""
    return plt


def learning_curves(histories: dict, path, metrics=("loss",), title: str = "",
                    xlabel: str = "epoch", x_scale: float = 1.0, logy: bool = False) -> Path:
    """One panel per metric; each history's train curve solid and its ``val_`` curve dashed.

    ``histories`` maps a label to a Keras ``History.history`` dict (or any dict of lists).
    ``x_scale`` multiplies the epoch index (e.g. gradient steps per logged epoch).
    """
    metrics = [m for m in metrics if any(m in h or f"val_{m}" in h for h in histories.values())]
    if not metrics:
        raise ValueError("none of the histories holds the requested metrics")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 4), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for i, (label, hist) in enumerate(histories.items()):
            color = f"C{i % 10}"
            for key, style, suffix in ((metric, "-", ""), (f"val_{metric}", "--", " (dev)")):
                if key in hist:
                    ys = np.asarray(hist[key], dtype=float)
                    xs = (np.arange(len(ys)) + 1) * x_scale
                    ax.plot(xs, ys, style, color=color, label=f"{label}{suffix}")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(metric)
        if logy:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def decision_boundaries(predictors: dict, x, y, path, title: str = "", resolution: int = 200,
                        columns: int = 4) -> Path:
    """Decision regions of one or more 2-D binary classifiers, with the data on top.

    ``predictors`` maps a panel title to a function from an ``(n, 2)`` array to probabilities of
    class 1 (``model.predict`` works; a Keras model also works directly).
    """
    x = np.asarray(x)
    pad = 0.5
    (x0, y0), (x1, y1) = x.min(axis=0) - pad, x.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.c_[gx.ravel(), gy.ravel()].astype("float32")
    n = len(predictors)
    cols = min(columns, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.6 * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    for ax, (label, predict) in zip(axes.ravel(), predictors.items()):
        if hasattr(predict, "predict"):
            p = predict.predict(grid, verbose=0, batch_size=4096)
        else:
            p = predict(grid)
        z = (np.asarray(p).reshape(gx.shape) > 0.5).astype(float)
        # Class 0 light blue, class 1 light red: the colours of the dots (coolwarm) on top.
        ax.contourf(gx, gy, z, levels=[-0.5, 0.5, 1.5], colors=["#b6c8f4", "#f4b6b6"], alpha=0.8)
        ax.scatter(x[:, 0], x[:, 1], c=np.asarray(y).ravel(), cmap="coolwarm", s=9,
                   edgecolors="k", linewidths=0.2)
        ax.set_title(label, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def bars(values: dict, path, ylabel: str, title: str = "", reference: dict | None = None) -> Path:
    """A bar per entry, with the course's figure as a marker where ``reference`` has one."""
    fig, ax = plt.subplots(figsize=(max(5, 0.9 * len(values)), 4))
    labels = list(values)
    ax.bar(range(len(labels)), [values[k] for k in labels], color="C0", label="measured")
    if reference:
        idx = [i for i, k in enumerate(labels) if k in reference]
        ax.scatter(idx, [reference[labels[i]] for i in idx], color="C3", marker="_", s=400,
                   linewidths=3, label="course", zorder=3)
        ax.legend()
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    return _save(fig, path)


def predicted_vs_actual(y_true, predictions: dict, path, title: str = "", unit: str = "") -> Path:
    """Predicted against actual values, one panel per model, with the y = x line and the RMSE."""
    y_true = np.asarray(y_true, dtype=float).reshape(-1)
    fig, axes = plt.subplots(1, len(predictions), figsize=(4.6 * len(predictions), 4.3),
                             squeeze=False)
    lo, hi = float(y_true.min()), float(y_true.max())
    suffix = f" ({unit})" if unit else ""
    for ax, (label, y_pred) in zip(axes[0], predictions.items()):
        y_pred = np.asarray(y_pred, dtype=float).reshape(-1)
        rmse = float(np.sqrt(np.mean((y_pred - y_true) ** 2)))
        ax.scatter(y_true, y_pred, s=6, alpha=0.5)
        ax.plot([lo, hi], [lo, hi], "k--", linewidth=1, label="perfect")
        ax.set_xlabel(f"actual{suffix}")
        ax.set_ylabel(f"predicted{suffix}")
        ax.set_title(f"{label}: RMSE {rmse:.3g}{' ' + unit if unit else ''}", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return _save(fig, path)


def image_grid(images, path, title: str = "", columns: int = 8, cmap: str = "gray",
               vmin=None, vmax=None) -> Path:
    """A grid of 2-D arrays (images, filters, feature maps), each a ``(label, array)`` pair."""
    n = len(images)
    columns = max(1, min(columns, n))
    rows = -(-n // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.3 * columns, 1.4 * rows + 0.4),
                             squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (label, img) in zip(axes.ravel(), images):
        ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_title(label, fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    return _save(fig, path)
