"""Figures the lessons write as PNG files, and the one way to save one (Courses 1-5).

Every figure in the package and the lessons goes through :func:`pyplot` and :func:`save`:
matplotlib's non-interactive Agg backend (files only, no screen needed), one dpi
(:data:`DPI`), ``tight_layout``, parent folders created, the figure closed. A lesson-specific
figure is drawn with ``plt = plots.pyplot()`` and written with ``plots.save(fig, path)``; the
figure types that several lessons draw are functions here.

Course 1, weeks 1-4; Course 2, weeks 1-3; Course 3, weeks 1-2; Course 4, weeks 1-4; Course 5,
weeks 1-4 (every lesson writes its figures through this module).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from tfcourse.checks import invalid

DPI = 110  # the package's one resolution for every PNG


def pyplot():
    """``matplotlib.pyplot`` with the Agg backend, selected by this call (not by import order).

    Import matplotlib lazily (``import tfcourse`` and the lesson listing stay fast) and select
    Agg every time, so that a figure is written to a file the same way whether or not something
    imported pyplot before with another backend.

    Courses 1-5 (every figure); lessons c2w1_gradient_checking, c2w2_optimization,
    c3w1_bias_variance, c3w2_data_mismatch, c5w1_time_series, c5w4_transformer.
    """
    import matplotlib

    matplotlib.use("Agg")  # a no-op when Agg is already the backend
    import matplotlib.pyplot as plt

    return plt


def save(fig, path) -> Path:
    """Write ``fig`` to ``path`` (PNG at :data:`DPI`, tight layout), close it; return the path.

    Parent folders are created. Inside :func:`background` the figure is pickled and written by
    a helper process instead, while the caller goes on; :func:`flush` (or the end of the
    ``with`` block) waits until every such file is on disk.

    Courses 1-5 (every figure); lessons c2w1_gradient_checking, c2w2_optimization,
    c3w1_bias_variance, c3w2_data_mismatch, c5w1_time_series, c5w4_transformer.
    """
    plt = pyplot()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _renderer is not None and _renderer.submit(fig, path):
        plt.close(fig)
        return path
    _write(fig, path, DPI)
    plt.close(fig)
    return path


def _write(fig, path: Path, dpi: int) -> None:
    """``tight_layout`` and ``savefig``, to a temporary name renamed into place (an interrupted
    write leaves no half PNG under the real name)."""
    import os

    fig.tight_layout()
    tmp = path.with_name(path.name + ".tmp")
    fig.savefig(tmp, dpi=dpi, format="png")
    os.replace(tmp, path)


# The helper's program: plain Python and matplotlib (no TensorFlow, no tfcourse: it starts in
# well under a second). One line per job on stdin: the pickled figure's file, the PNG's path and
# the dpi, tab-separated. It writes the PNG as _write does, then "<job>.done" (or "<job>.err"
# with the error); EOF ends it.
_HELPER = r"""
import os, pickle, sys, traceback
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
for line in sys.stdin:
    job, path, dpi = line.rstrip("\n").split("\t")
    try:
        with open(job, "rb") as f:
            fig = pickle.load(f)
        fig.tight_layout()
        tmp = path + ".tmp"
        fig.savefig(tmp, dpi=int(dpi), format="png")
        os.replace(tmp, path)
        plt.close(fig)
        open(job + ".done", "w").close()
    except BaseException:
        with open(job + ".err", "w") as f:
            f.write(traceback.format_exc())
"""

_renderer = None  # the _Renderer of the innermost background() block, if any


class _Renderer:
    """A helper process that writes pickled figures as PNGs while the lesson trains.

    Drawing a figure (the axes, the contour of a decision boundary) stays in the caller; the
    rasterising and PNG encoding (``savefig``, ~0.3 s a figure on 2 cores, the larger part)
    runs in the helper, on the core that a lesson's training leaves idle. A pickled figure
    renders to the same bytes as the figure itself (matplotlib pickles a figure's artists, not
    its pixels). Anything the helper cannot do (a figure that does not pickle, a helper that
    failed to start or died, a job that failed) is done in the caller, as without the helper,
    so the files are the same either way.
    """

    def __init__(self):
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="tfcourse-plots-")
        self._jobs: list[tuple[Path, Path]] = []
        self._count = 0
        self._proc = None
        self._failed = False  # the helper could not be started: write in the caller

    def _start(self) -> bool:
        import subprocess
        import sys

        if self._proc is None and not self._failed:
            try:
                self._proc = subprocess.Popen([sys.executable, "-c", _HELPER],
                                              stdin=subprocess.PIPE,
                                              stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL, text=True)
            except OSError:
                self._failed = True
        return self._proc is not None and self._proc.poll() is None

    def submit(self, fig, path: Path) -> bool:
        """Queue ``fig`` for ``path``; ``False`` when the caller must write it itself."""
        import pickle

        if "\t" in str(path) or "\n" in str(path) or not self._start():
            return False
        self._count += 1
        job = Path(self._dir.name) / f"{self._count}.pickle"
        try:
            data = pickle.dumps(fig, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - e.g. a formatter that is a lambda: written here
            return False
        job.write_bytes(data)
        try:
            self._proc.stdin.write(f"{job}\t{path.resolve()}\t{DPI}\n")
            self._proc.stdin.flush()
        except OSError:
            return False
        self._jobs.append((job, path))
        return True

    def flush(self) -> None:
        """Wait for every queued figure; write the ones the helper did not, here."""
        import pickle

        if self._proc is not None and self._proc.poll() is None:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            self._proc.wait()
        jobs, self._jobs = self._jobs, []
        last = {path: job for job, path in jobs}  # a path saved twice: the last figure wins
        for path, job in last.items():
            if not Path(f"{job}.done").exists():
                with open(job, "rb") as f:
                    fig = pickle.load(f)
                _write(fig, path, DPI)
                pyplot().close(fig)
        self._proc = None

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._dir.cleanup()


class background:
    """``with plots.background():`` - figures saved inside the block are written by a helper
    process while the block goes on; leaving the block (or :func:`flush`) waits for them.

    Every lesson runs inside one (``tfcourse.lesson``), so that its figures are encoded while
    its next training runs. On an exception the figures already queued are still written,
    except on ``KeyboardInterrupt``, where the helper (interrupted too) is stopped. With
    ``TFCOURSE_PLOT_HELPER=off`` (or on a 1-core machine) figures are written in place, as
    outside the block. Courses 1-5 (every lesson).
    """

    def __enter__(self):
        from tfcourse.background import helpers_allowed

        global _renderer
        self._outer = _renderer
        _renderer = _Renderer() if helpers_allowed("TFCOURSE_PLOT_HELPER") else None
        return self

    def __exit__(self, kind, value, tb):
        global _renderer
        renderer, _renderer = _renderer, self._outer
        if renderer is None:
            return False
        try:
            if kind is None or not issubclass(kind, KeyboardInterrupt):
                renderer.flush()
        finally:
            renderer.close()
        return False


def flush() -> None:
    """Wait until every figure queued by :func:`save` inside :func:`background` is on disk.

    A figure saved after this call starts a new helper. Courses 1-5 (every lesson: the run's
    report lists its figures after this call)."""
    if _renderer is not None:
        _renderer.flush()


def learning_curves(histories: dict, path, metrics=("loss",), title: str = "",
                    xlabel: str = "epoch", x_scale: float = 1.0, logy: bool = False,
                    val_label: str = "dev") -> Path:
    """One panel per metric; each history's train curve solid and its ``val_`` curve dashed.

    ``histories`` maps a label to a Keras ``History.history`` dict (or any dict of lists).
    ``x_scale`` multiplies the epoch index (e.g. gradient steps per logged epoch).
    ``val_label`` names the split the ``val_`` curves were measured on, as the legend shows it
    (``"model (dev)"``): a lesson that passes its test split as ``validation_data`` says
    ``val_label="test"``.

    Courses 1-5; lessons c1w1_house_prices, c1w2_logistic_regression, c1w3_planar_data,
    c1w4_deep_network, c2w1_gradient_checking, c2w1_initialization, c2w1_regularization,
    c2w2_optimization, c2w3_batch_norm, c2w3_softmax, c4w1_convolution, c4w2_residual_networks,
    c5w1_rnn, c5w1_time_series, c5w3_attention, c5w4_transformer (and, through
    ``tfcourse.callbacks.LearningCurves``, c3w1_bias_variance, c3w2_data_mismatch).
    """
    plt = pyplot()
    asked = tuple(metrics)
    metrics = [m for m in asked if any(m in h or f"val_{m}" in h for h in histories.values())]
    if not metrics:
        raise invalid("metrics", "metric names that at least one of the histories holds",
                      asked, "learning_curves")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 4), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for i, (label, hist) in enumerate(histories.items()):
            color = f"C{i % 10}"
            for key, style, suffix in ((metric, "-", ""),
                                       (f"val_{metric}", "--", f" ({val_label})")):
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
    return save(fig, path)


def decision_boundaries(predictors: dict, x, y, path, title: str = "", resolution: int = 200,
                        columns: int = 4) -> Path:
    """Decision regions of one or more 2-D binary classifiers, with the data on top.

    ``predictors`` maps a panel title to a function from an ``(n, 2)`` array to probabilities of
    class 1 (``model.predict`` works; a Keras model also works directly).

    Courses 1-2; lessons c1w3_planar_data, c2w1_initialization, c2w1_regularization,
    c2w2_optimization.
    """
    plt = pyplot()
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
        if hasattr(predict, "predict"):  # a Keras model: one call (no predict function to trace)
            p = np.asarray(predict(grid.astype("float32"), training=False))
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
    return save(fig, path)


def bars(values: dict, path, ylabel: str, title: str = "", reference: dict | None = None) -> Path:
    """A bar per entry, with the course's figure as a marker where ``reference`` has one.

    Courses 1-3; lessons c1w3_planar_data, c1w4_deep_network, c2w1_regularization, c2w3_softmax,
    c3w2_data_mismatch, c3w2_error_analysis, c3w2_multitask, c3w2_transfer_learning.
    """
    plt = pyplot()
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
    return save(fig, path)


def predicted_vs_actual(y_true, predictions: dict, path, title: str = "", unit: str = "") -> Path:
    """Predicted against actual values, one panel per model, with the y = x line and the RMSE.

    Course 1, week 1; lesson c1w1_house_prices.
    """
    plt = pyplot()
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
    return save(fig, path)


def image_grid(images, path, title: str = "", columns: int = 8, cmap: str = "gray",
               vmin=None, vmax=None) -> Path:
    """A grid of 2-D arrays (images, filters, feature maps), each a ``(label, array)`` pair.

    Course 4, weeks 1-2; lessons c4w1_convolution, c4w2_residual_networks.
    """
    plt = pyplot()
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
    return save(fig, path)


def attention_maps(panels, path, title: str = "", vmin=None) -> Path:
    """Attention weights as heat maps, one panel per example: each output (row) over the inputs.

    ``panels`` is a list of ``(panel_title, weights, input_labels, output_labels)``: ``weights``
    a 2-D array ``(outputs, inputs)`` (row t: the weights of output t over the inputs), the
    labels one per column and one per row. ``vmin`` fixes the bottom of every panel's colour
    scale (``0`` for softmax weights); the top is each panel's largest weight.

    Course 5, weeks 3-4; lessons c5w3_attention, c5w4_transformer.
    """
    plt = pyplot()
    panels = list(panels)
    if not panels:
        raise invalid("panels", "a non-empty list of (title, weights, input_labels, "
                      "output_labels)", panels, "attention_maps")
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 2.6 * len(panels)), squeeze=False)
    for ax, (label, weights, inputs, outputs) in zip(axes[:, 0], panels):
        ax.imshow(np.asarray(weights), cmap="viridis", aspect="auto", vmin=vmin)
        ax.set_xticks(range(len(inputs)))
        ax.set_xticklabels(list(inputs), fontsize=8)
        ax.set_yticks(range(len(outputs)))
        ax.set_yticklabels(list(outputs), fontsize=7)
        ax.set_title(label, fontsize=9)
    if title:
        fig.suptitle(title)
    return save(fig, path)


def side_by_side_costs(curves: dict, path, every: int = 100, title: str = "") -> Path:
    """Cost curves recorded every ``every`` iterations from iteration 0 (the course's ``costs``
    lists: ``costs[k]`` is the cost after ``k·every`` updates), overlaid; with two curves, a
    second panel shows their absolute difference on a log scale.

    Course 1, weeks 2-4; lessons c1w2_logistic_regression, c1w4_deep_network.
    """
    plt = pyplot()
    labels = list(curves)
    panels = 2 if len(labels) == 2 else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 4), squeeze=False)
    styles = ("-", "--", ":", "-.")
    for i, label in enumerate(labels):
        ys = np.asarray(curves[label], dtype=float)
        axes[0][0].plot(np.arange(len(ys)) * every, ys, styles[i % 4], color=f"C{i % 10}",
                        marker="o" if len(ys) < 3 else None, label=label)
    axes[0][0].set_xlabel("iteration")
    axes[0][0].set_ylabel("cost")
    axes[0][0].grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    if panels == 2:
        a, b = (np.asarray(curves[k], dtype=float) for k in labels)
        n = min(len(a), len(b))
        gap = np.abs(a[:n] - b[:n])
        axes[0][1].semilogy(np.arange(n) * every, np.maximum(gap, 1e-17), "o-", color="C3")
        axes[0][1].set_xlabel("iteration")
        axes[0][1].set_ylabel("|difference| (0 shown as 1e-17)")
        axes[0][1].grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return save(fig, path)


def piano_roll(melodies: dict, path, title: str = "") -> Path:
    """Melodies as piano rolls, one panel each: a bar per note at its pitch, as long as it lasts.

    ``melodies`` maps a panel title to a list of ``(midi_pitch, quarter_length)`` pairs, with
    ``None`` as the pitch of a rest (a gap). The x axis is time in quarter notes.

    Course 5, week 1; lesson c5w1_jazz.
    """
    plt = pyplot()
    melodies = dict(melodies)
    if not melodies:
        raise invalid("melodies", "a non-empty dict of title -> [(midi or None, quarters)]",
                      melodies, "piano_roll")
    fig, axes = plt.subplots(len(melodies), 1, figsize=(10, 2.4 * len(melodies)), squeeze=False)
    for ax, (label, notes) in zip(axes[:, 0], melodies.items()):
        t = 0.0
        for pitch, ql in notes:
            if pitch is not None:
                ax.broken_barh([(t, ql * 0.95)], (pitch - 0.4, 0.8), color="tab:blue")
            t += ql
        ax.set_xlim(0, max(t, 1.0))
        ax.set_ylabel("MIDI pitch")
        ax.set_title(label, fontsize=9)
    axes[-1, 0].set_xlabel("time (quarter notes)")
    if title:
        fig.suptitle(title)
    return save(fig, path)


def roc_curves(curves: dict, path, title: str = "", points: dict | None = None) -> Path:
    """ROC curves (true against false positive rate), one per entry ``label -> (fpr, tpr)``.

    ``points`` marks operating points ``label -> (fpr, tpr)`` (a chosen threshold) on top.

    Course 4, week 4; lesson c4w4_face_recognition.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 4.5))
    for label, (fpr, tpr) in curves.items():
        ax.plot(fpr, tpr, label=label)
    for label, (fp, tp) in (points or {}).items():
        ax.plot([fp], [tp], "ko", markersize=5)
        ax.annotate(label, (fp, tp), textcoords="offset points", xytext=(6, -12), fontsize=8)
    ax.plot([0, 1], [0, 1], "k:", linewidth=1, label="chance")
    ax.set_xlabel("false positive rate (different people accepted)")
    ax.set_ylabel("true positive rate (same person accepted)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title, fontsize=10)
    return save(fig, path)


def cost_curves(curves: dict, path, title: str = "", xlabel: str = "step",
                logy: bool = True) -> Path:
    """One panel per entry ``panel title -> {label: values}``: costs against steps.

    Course 4, week 4; lesson c4w4_neural_style_transfer.
    """
    plt = pyplot()
    n = len(curves)
    if not n:
        raise invalid("curves", "a non-empty dict of panel -> {label: values}", curves,
                      "cost_curves")
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 3.4), squeeze=False)
    for ax, (panel, series) in zip(axes[0], curves.items()):
        for label, values in series.items():
            ax.plot(np.arange(len(values)), values, label=label)
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_title(panel, fontsize=10)
        ax.grid(alpha=0.3)
        if len(series) > 1:
            ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return save(fig, path)


def confusion_matrix(matrices: dict, labels, path, title: str = "") -> Path:
    """One confusion-matrix panel per entry (rows: true class, columns: predicted), counts in
    the cells.

    Course 5, week 2; lesson c5w2_emojify.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, len(matrices), figsize=(4.2 * len(matrices), 4), squeeze=False)
    for ax, (name, m) in zip(axes[0], matrices.items()):
        m = np.asarray(m)
        ax.imshow(m, cmap="Blues")
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                ax.text(j, i, str(int(m[i, j])), ha="center", va="center",
                        color="white" if m[i, j] > m.max() / 2 else "black")
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)))
        ax.set_yticklabels(labels)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(name)
    if title:
        fig.suptitle(title)
    return save(fig, path)


def timings(series: dict, path, title: str = "", xlabel: str = "size n",
            ylabel: str = "seconds per call") -> Path:
    """Log-log time against size: one panel per group, one line per implementation.

    ``series`` maps a panel title to ``{label: (sizes, seconds, estimated)}``, ``estimated`` a
    boolean per point (drawn hollow, joined by a dotted line: extrapolated, not measured).

    Course 1, week 2; lesson c1w2_vectorization.
    """
    plt = pyplot()
    if not series:
        raise invalid("series", "a non-empty dict of panels", series, "timings")
    n = len(series)
    cols = min(2, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 4 * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    for ax, (panel, lines) in zip(axes.ravel(), series.items()):
        for i, (label, (xs, ys, est)) in enumerate(lines.items()):
            xs, ys, est = np.asarray(xs, float), np.asarray(ys, float), np.asarray(est, bool)
            color = f"C{i % 10}"
            ax.plot(xs[~est], ys[~est], "o-", color=color, label=label)
            if est.any():
                last = np.flatnonzero(~est)[-1:] if (~est).any() else []
                idx = np.r_[last, np.flatnonzero(est)].astype(int)
                ax.plot(xs[idx], ys[idx], "o:", color=color, mfc="none",
                        label=f"{label} (extrapolated)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(panel, fontsize=10)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return save(fig, path)


def detections(panels, path, class_names, title: str = "", columns: int = 4) -> Path:
    """Images with boxes drawn on them: each panel ``(label, image, boxes, classes, scores)``.

    ``boxes`` are corners ``(y1, x1, y2, x2)`` in pixels (the layout of
    :func:`tfcourse.detection.yolo_eval`); ``scores`` may be None (ground truth: dashed boxes).
    Each class has its own colour.

    Course 4, week 3; lesson c4w3_object_detection.
    """
    plt = pyplot()
    panels = list(panels)
    if not panels:
        raise invalid("panels", "a non-empty list of (label, image, boxes, classes, scores)",
                      panels, "detections")
    columns = max(1, min(columns, len(panels)))
    rows = -(-len(panels) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(2.6 * columns, 2.8 * rows), squeeze=False)
    colours = plt.get_cmap("tab10")
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (label, image, boxes, classes, scores) in zip(axes.ravel(), panels):
        ax.imshow(np.clip(np.asarray(image), 0, 1))
        for k, (y1, x1, y2, x2) in enumerate(np.asarray(boxes).reshape(-1, 4)):
            c = int(np.asarray(classes).reshape(-1)[k])
            ax.add_patch(plt.Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False,
                                       lw=1.5, color=colours(c % 10),
                                       ls="-" if scores is not None else "--"))
            text = class_names[c] if c < len(class_names) else str(c)
            if scores is not None:
                text += f" {float(np.asarray(scores).reshape(-1)[k]):.2f}"
            ax.text(x1, y1 - 1, text, fontsize=6, color="white", va="bottom",
                    bbox={"facecolor": colours(c % 10), "alpha": 0.8, "pad": 1, "lw": 0})
        ax.set_title(label, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return save(fig, path)


def precision_recall_curves(curves: dict, path, title: str = "",
                            linestyle=lambda label: "-") -> Path:
    """Precision against recall, one line per entry ``label -> (recall, precision)``.

    ``linestyle(label)`` gives each line's style (e.g. dashed for an ablation).

    Course 4, week 3; lesson c4w3_object_detection.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for label, (recall, precision) in curves.items():
        ax.step(np.concatenate([[0], recall]), np.concatenate([[1], precision]), where="post",
                label=label, ls=linestyle(label))
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title, fontsize=8)
    return save(fig, path)


def segmentation_masks(rows, path, n_classes: int, class_names=(), title: str = "") -> Path:
    """One row per example: the image, then label maps ``(label, mask)`` side by side.

    ``rows`` is a list of ``(image, [(label, mask), ...])``; masks are integer class maps drawn
    with one colour per class (a shared legend below).

    Course 4, week 3; lesson c4w3_image_segmentation.
    """
    plt = pyplot()
    rows = list(rows)
    if not rows:
        raise invalid("rows", "a non-empty list of (image, [(label, mask), ...])", rows,
                      "segmentation_masks")
    columns = 1 + max(len(masks) for _, masks in rows)
    fig, axes = plt.subplots(len(rows), columns, figsize=(2.2 * columns + (1.2 if class_names
                                                                           else 0),
                                                           2.0 * len(rows) + 0.4), squeeze=False)
    cmap = plt.get_cmap("tab10", max(n_classes, 2))
    for r, (image, masks) in enumerate(rows):
        axes[r, 0].imshow(np.clip(np.asarray(image), 0, 1))
        axes[r, 0].set_title("image" if r == 0 else "", fontsize=8)
        for c, (label, mask) in enumerate(masks, 1):
            axes[r, c].imshow(np.asarray(mask), cmap=cmap, vmin=-0.5, vmax=n_classes - 0.5,
                              interpolation="nearest")
            axes[r, c].set_title(label, fontsize=8)
    for ax in axes.ravel():
        ax.axis("off")
    if class_names:
        # an axes legend (right of the first row), which tight_layout makes room for
        handles = [plt.Rectangle((0, 0), 1, 1, color=cmap(i)) for i in range(len(class_names))]
        axes[0, -1].legend(handles, class_names, loc="upper left", bbox_to_anchor=(1.02, 1),
                           fontsize=7, frameon=False)
    if title:
        fig.suptitle(title, fontsize=10)
    return save(fig, path)
