"""Course 3 (Structuring Machine Learning Projects) as small tools.

- A single number evaluation metric: :func:`precision_recall_f1`.
- Optimizing and satisficing metrics: :func:`latency_ms` (measured) and :func:`choose_model`.
- Splits: :func:`course_ratios` (60/20/20 for small data, 98/1/1 for a million examples),
  :func:`large_split` (through :func:`tfcourse.data.split`); the train-dev set is
  :func:`tfcourse.data.train_dev_split`; :func:`same_distribution` checks that dev and test
  come from the same distribution.
- Bias, variance and data mismatch: :func:`classification_error`, :func:`diagnose` (used by
  :class:`tfcourse.callbacks.BiasVarianceReport`), :func:`format_diagnosis`.
- Error analysis: :func:`error_analysis` (categories, counts, shares, ceilings),
  :func:`format_error_table`, :func:`save_misclassified_grid` (a PNG to tag from).
- Multi-task learning: :class:`MaskedBinaryCrossentropy` (a loss summed over present labels)
  and :func:`masked_accuracy`.
"""
from __future__ import annotations

import math
import time

import keras
import numpy as np

# ---------------------------------------------------------------------------------------------
# A single number evaluation metric
# ---------------------------------------------------------------------------------------------


def _as_labels(y, name):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{name} must be a vector of labels, got shape {y.shape}")
    return y


def precision_recall_f1(y_true, y_pred, positive=1) -> dict:
    """Precision, recall and their harmonic mean F1 for one class (the course's cat classifier).

        precision = TP / (TP + FP)     "of the images called cats, how many are cats"
        recall    = TP / (TP + FN)     "of the cats, how many were found"
        F1        = 2 / (1/P + 1/R) = 2·P·R / (P + R)

    A ratio with a zero denominator is 0 (as scikit-learn's ``zero_division=0``).

    Args:
        y_true, y_pred: label vectors of the same length (predicted labels, not probabilities).
        positive: the label counted as positive.

    Returns:
        ``{"precision", "recall", "f1", "tp", "fp", "fn"}``.

    Example:
        >>> precision_recall_f1([1, 1, 0, 0], [1, 0, 1, 0])["f1"]
        0.5
    """
    y_true, y_pred = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_pred must have one label per example: len(y_true)={len(y_true)}, "
                         f"len(y_pred)={len(y_pred)}")
    t, p = y_true == positive, y_pred == positive
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


# ---------------------------------------------------------------------------------------------
# Optimizing and satisficing metrics
# ---------------------------------------------------------------------------------------------


def latency_ms(model, x, repeats: int = 5, batch_size: int = 1) -> float:
    """Measured prediction time per example in milliseconds (median over ``repeats`` passes).

    ``x`` is run through ``model.predict_on_batch`` in batches of ``batch_size`` (1 = the
    latency of one request) after one warm-up pass. A timing: it varies between machines and
    runs, so it belongs in a model choice made on *this* machine, not in a reproducible result.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got repeats={repeats!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got batch_size={batch_size!r}")
    x = np.asarray(x, "float32")
    batches = [x[i:i + batch_size] for i in range(0, len(x), batch_size)]
    model.predict_on_batch(batches[0])  # warm-up: tracing and first-call costs
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for b in batches:
            model.predict_on_batch(b)
        times.append((time.perf_counter() - start) / len(x))
    return float(np.median(times) * 1000.0)


_OPS = {"<=": lambda v, b: v <= b, "<": lambda v, b: v < b, ">=": lambda v, b: v >= b,
        ">": lambda v, b: v > b}


def choose_model(candidates: dict, optimizing: str, satisficing: dict | None = None,
                 maximize: bool = True) -> dict:
    """Pick the best candidate on one optimizing metric among those meeting every constraint.

    The course: "maximize accuracy subject to running time ≤ 100 ms" — one *optimizing* metric
    (as good as possible) and N − 1 *satisficing* metrics (good enough is enough).

    Args:
        candidates: ``{name: {metric: value}}``.
        optimizing: the metric to maximize (or minimize with ``maximize=False``).
        satisficing: ``{metric: bound}`` meaning ``value <= bound``, or
            ``{metric: (op, bound)}`` with op in ``<=, <, >=, >``.

    Returns:
        ``{"chosen": name or None, "table": [{"name", **metrics, "feasible", "failed"}, ...]}``
        with the table sorted best first (feasible ones before the others).

    Example:
        >>> choose_model({"A": {"accuracy": 0.90, "ms": 80}, "B": {"accuracy": 0.92, "ms": 95},
        ...               "C": {"accuracy": 0.95, "ms": 1500}}, "accuracy", {"ms": 100})["chosen"]
        'B'
    """
    if not candidates:
        raise ValueError(f"candidates must name at least one model, got candidates={candidates!r}")
    satisficing = dict(satisficing or {})
    constraints = {}
    for metric, spec in satisficing.items():
        op, bound = ("<=", spec) if not isinstance(spec, (tuple, list)) else spec
        if op not in _OPS:
            raise ValueError(f"satisficing[{metric!r}] op must be one of {list(_OPS)}, got {op!r}")
        constraints[metric] = (op, float(bound))
    table = []
    for name, metrics in candidates.items():
        for metric in (optimizing, *constraints):
            if metric not in metrics:
                raise ValueError(f"candidates[{name!r}] lacks the metric {metric!r}")
        failed = [f"{m} {op} {b:g}" for m, (op, b) in constraints.items()
                  if not _OPS[op](float(metrics[m]), b)]
        table.append({"name": name, **metrics, "feasible": not failed, "failed": failed})
    sign = -1.0 if maximize else 1.0
    table.sort(key=lambda r: (not r["feasible"], sign * float(r[optimizing])))
    chosen = table[0]["name"] if table[0]["feasible"] else None
    return {"chosen": chosen, "table": table}


# ---------------------------------------------------------------------------------------------
# Splits and distributions
# ---------------------------------------------------------------------------------------------


def course_ratios(m: int, dev_size: int = 10_000) -> tuple:
    """The course's split for ``m`` examples: 60/20/20 while 20 % is at most ``dev_size``;
    beyond that, a dev and a test set of ``dev_size`` each (1 000 000 → 98/1/1)."""
    if m < 3:
        raise ValueError(f"m must be at least 3 examples, got m={m!r}")
    if dev_size < 1:
        raise ValueError(f"dev_size must be >= 1, got dev_size={dev_size!r}")
    if 0.2 * m <= dev_size:
        return (0.6, 0.2, 0.2)
    share = dev_size / m
    return (1 - 2 * share, share, share)


def large_split(x, y, ratios=(0.98, 0.01, 0.01), seed: int = 0, stratify: bool = False):
    """Train / dev / test for big data (98/1/1 by default); :func:`tfcourse.data.split` inside.

    Dev and test come from one shuffle of the same pool, so they share a distribution.
    Returns ``((x_train, y_train), (x_dev, y_dev), (x_test, y_test))``.
    """
    from tfcourse.data import split

    return split(x, y, ratios, seed=seed, stratify=stratify)


def same_distribution(x_a, x_b, y_a=None, y_b=None, alpha: float = 0.01) -> dict:
    """Do two sets (dev and test) come from the same distribution? Two-sample tests, one verdict.

    - Each feature: a two-sample Kolmogorov–Smirnov test of its values in ``x_a`` against
      ``x_b`` (features constant in both are skipped).
    - Labels (if given): a χ² test of homogeneity of the label counts.

    The family of tests is Bonferroni-corrected: the verdict is "different" when any p-value is
    below ``alpha / number_of_tests``. A "same" verdict means no evidence of a difference at
    that level (small sets detect only large shifts).

    Returns:
        ``{"same": bool, "verdict": str, "min_p": float, "tests": int, "worst": str,
        "label_p": float or None}``.
    """
    from scipy import stats

    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got alpha={alpha!r}")
    a = np.asarray(x_a, "float64").reshape(len(x_a), -1)
    b = np.asarray(x_b, "float64").reshape(len(x_b), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"x_b must have the same features as x_a, got {a.shape[1]} and "
                         f"{b.shape[1]} features")
    pvalues = {}
    for j in range(a.shape[1]):
        if np.ptp(np.concatenate([a[:, j], b[:, j]])) == 0:
            continue
        pvalues[f"feature {j}"] = float(stats.ks_2samp(a[:, j], b[:, j]).pvalue)
    label_p = None
    if (y_a is None) != (y_b is None):
        raise ValueError("y_a and y_b must be given together (or neither)")
    if y_a is not None:
        ya, yb = _as_labels(y_a, "y_a"), _as_labels(y_b, "y_b")
        labels = np.union1d(ya, yb)
        table = np.array([[np.sum(ya == v) for v in labels], [np.sum(yb == v) for v in labels]])
        if len(labels) > 1:
            label_p = float(stats.chi2_contingency(table)[1])
            pvalues["labels"] = label_p
    n = max(1, len(pvalues))
    worst = min(pvalues, key=pvalues.get) if pvalues else "none"
    min_p = pvalues.get(worst, 1.0)
    same = min_p >= alpha / n
    verdict = (f"same distribution: no test of {n} rejects at alpha={alpha:g} "
               f"(Bonferroni; smallest p = {min_p:.3g}, {worst})" if same else
               f"DIFFERENT distributions: {worst} has p = {min_p:.3g} < {alpha:g}/{n}")
    return {"same": bool(same), "verdict": verdict, "min_p": float(min_p), "tests": n,
            "worst": worst, "label_p": label_p}


# ---------------------------------------------------------------------------------------------
# Bias, variance, data mismatch
# ---------------------------------------------------------------------------------------------


def _check_error(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)) or not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} must be an error rate in [0, 1], got {name}={value!r}")
    return float(value)


def classification_error(y_true, y_pred) -> float:
    """1 − accuracy; ``y_pred`` holds probabilities (one sigmoid column, or softmax rows) or labels."""
    y_true = np.asarray(y_true).reshape(len(y_true), -1)
    p = np.asarray(y_pred)
    if p.ndim == 2 and p.shape[1] > 1 and y_true.shape[1] == 1:
        pred = p.argmax(axis=1)
    elif np.issubdtype(p.dtype, np.floating):
        pred = (p.reshape(len(p), -1) > 0.5).astype("int64")
    else:
        pred = p
    return float(np.mean(pred.reshape(y_true.shape) != y_true))


RECIPE = {
    "avoidable bias": "train a bigger network / train longer or with a better optimizer "
                      "(momentum, RMSprop, Adam) / a better architecture or hyperparameters",
    "variance": "get more data / regularization (L2, dropout, data augmentation) / "
                "a better architecture or hyperparameters",
    "data mismatch": "error analysis of train vs dev differences / make training data closer "
                     "to dev (artificial data synthesis) or collect more data like dev",
    "none": "no gap above the tolerance: near human-level on this data; check dev vs test "
            "(overfitting to dev) or raise the goal",
}


def diagnose(human_level_error, train_error, dev_error, train_dev_error=None,
             tolerance: float = 0.0) -> dict:
    """The four errors, the three gaps and the course's "basic recipe" step for the largest.

        avoidable bias = train − human-level
        variance       = train-dev − train        (dev − train without a train-dev set)
        data mismatch  = dev − train-dev          (None without a train-dev set)

    Returns a dict with the errors, the gaps, ``diagnosis`` ("avoidable bias", "variance",
    "data mismatch", or "none" when no gap exceeds ``tolerance``) and ``recipe`` (the step).

    Example:
        >>> diagnose(0.01, 0.08, 0.10)["diagnosis"]        # the course's 1 % / 8 % / 10 %
        'avoidable bias'
    """
    human = _check_error(human_level_error, "human_level_error")
    train = _check_error(train_error, "train_error")
    dev = _check_error(dev_error, "dev_error")
    td = None if train_dev_error is None else _check_error(train_dev_error, "train_dev_error")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
        raise ValueError(f"tolerance must be a number >= 0, got tolerance={tolerance!r}")
    gaps = {"avoidable bias": train - human,
            "variance": (td if td is not None else dev) - train,
            "data mismatch": None if td is None else dev - td}
    present = {k: v for k, v in gaps.items() if v is not None}
    largest = max(present, key=present.get)
    diagnosis = largest if present[largest] > tolerance else "none"
    return {"human_level_error": human, "train_error": train, "train_dev_error": td,
            "dev_error": dev, "avoidable_bias": gaps["avoidable bias"],
            "variance": gaps["variance"], "data_mismatch": gaps["data mismatch"],
            "diagnosis": diagnosis, "recipe": RECIPE[diagnosis]}


def format_diagnosis(report: dict) -> str:
    """The report as a few aligned lines (errors, gaps, diagnosis and recipe)."""
    def pct(v):
        return "   n/a" if v is None else f"{100 * v:5.1f}%"

    lines = ["bias / variance report",
             f"  human-level error {pct(report['human_level_error'])}",
             f"  train error       {pct(report['train_error'])}   avoidable bias "
             f"{pct(report['avoidable_bias'])}",
             f"  train-dev error   {pct(report['train_dev_error'])}   variance       "
             f"{pct(report['variance'])}",
             f"  dev error         {pct(report['dev_error'])}   data mismatch  "
             f"{pct(report['data_mismatch'])}",
             f"  largest gap: {report['diagnosis']} -> {report['recipe']}"]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Error analysis
# ---------------------------------------------------------------------------------------------

OTHER = "other"


def error_analysis(y_true, y_pred, tags, categories=None) -> dict:
    """The course's error-analysis spreadsheet: categories of dev errors with their ceilings.

    ``tags[i]`` is the set of categories a person (or a stated rule) gave dev example ``i``
    (a string, an iterable of strings, or empty). Only misclassified examples count; an example
    can be in several categories (shares may add up to more than 100 %), and a misclassified
    example without a tag is counted in ``"other"``.

    For each category c, with n dev examples and E misclassified:

        share      = count_c / E            (the fraction of the errors it explains)
        ceiling    = share · dev_error      (the most that fixing c can cut the dev error)
        error_if_fixed = dev_error − ceiling

    The course's example: 5 of 100 errors are dogs → fixing dogs takes a 10 % error to 9.5 % at
    best; 50 of 100 are great cats → to 5 %.

    Args:
        y_true, y_pred: dev labels and predicted labels.
        tags: one entry per dev example (``len(tags) == len(y_true)``).
        categories: names that always get a row (count 0 included), in this order.

    Returns:
        ``{"n", "errors", "dev_error", "rows": [{"category", "count", "share", "ceiling",
        "error_if_fixed"}, ...]}``, rows sorted by count (largest first).
    """
    y_true, y_pred = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    if len(y_pred) != len(y_true):
        raise ValueError(f"y_pred must have one entry per dev example: len(y_pred)="
                         f"{len(y_pred)}, len(y_true)={len(y_true)}")
    tags = list(tags)
    if len(tags) != len(y_true):
        raise ValueError(f"tags must have one entry per dev example: len(tags)={len(tags)}, "
                         f"len(y_true)={len(y_true)}")
    n = len(y_true)
    wrong = np.flatnonzero(y_true != y_pred)
    dev_error = len(wrong) / n if n else 0.0
    counts = {c: 0 for c in (categories or ())}
    for i in wrong:
        t = tags[i]
        names = [t] if isinstance(t, str) else list(t or ())
        for name in (dict.fromkeys(names) or [OTHER]):
            counts[name] = counts.get(name, 0) + 1
    counts.setdefault(OTHER, 0)
    rows = []
    for name, count in counts.items():
        share = count / len(wrong) if len(wrong) else 0.0
        rows.append({"category": name, "count": count, "share": share,
                     "ceiling": share * dev_error, "error_if_fixed": dev_error - share * dev_error})
    rows.sort(key=lambda r: -r["count"])
    return {"n": n, "errors": int(len(wrong)), "dev_error": dev_error, "rows": rows}


def format_error_table(analysis: dict) -> str:
    """The error-analysis table as text."""
    w = max(8, *(len(r["category"]) for r in analysis["rows"]))
    lines = [f"{analysis['errors']} errors in {analysis['n']} dev examples "
             f"(dev error {100 * analysis['dev_error']:.1f}%)",
             f"{'category':<{w}}  count  share  ceiling  dev error if fixed",
             "-" * (w + 38)]
    for r in analysis["rows"]:
        lines.append(f"{r['category']:<{w}}  {r['count']:>5}  {100 * r['share']:4.0f}%  "
                     f"{100 * r['ceiling']:6.2f}%  {100 * r['error_if_fixed']:6.2f}%")
    return "\n".join(lines)


def save_misclassified_grid(x, y_true, y_pred, path, image_shape=None, max_images: int = 64,
                            columns: int = 8, tags=None, class_names=None) -> list:
    """Save a PNG grid of misclassified examples to tag by eye; return their indices.

    Each cell shows the image and ``#index true→predicted`` (and its tags, if given), so that a
    person can write down tags against the indices and pass them to :func:`error_analysis`.

    Args:
        x: the examples (images, or flat vectors with ``image_shape``).
        image_shape: e.g. ``(8, 8)`` for flat 64-vectors; ``None``: ``x`` holds images.
        max_images: at most this many cells (the first misclassified examples).
        tags: optional, one entry per example (``len(tags) == len(x)``).
    """
    from tfcourse.plots import _save  # noqa: F401  (Agg backend, shared saving)
    import matplotlib.pyplot as plt

    y_true, y_pred = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    x = np.asarray(x)
    if not len(x) == len(y_true) == len(y_pred):
        raise ValueError(f"x, y_true and y_pred must have the same length, got {len(x)}, "
                         f"{len(y_true)}, {len(y_pred)}")
    if tags is not None and len(tags) != len(x):
        raise ValueError(f"tags must have one entry per example: len(tags)={len(tags)}, "
                         f"len(x)={len(x)}")
    if max_images < 1 or columns < 1:
        raise ValueError(f"max_images and columns must be >= 1, got max_images={max_images!r}, "
                         f"columns={columns!r}")
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    name = (lambda c: str(class_names[c])) if class_names is not None else str
    cols = max(1, min(columns, len(wrong)))
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.9 * cols, 1.8 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        img = x[i].reshape(image_shape) if image_shape is not None else x[i]
        img = np.squeeze(img)
        ax.imshow(img, cmap="gray_r" if img.ndim == 2 else None, interpolation="nearest")
        label = f"#{i} {name(y_true[i])}→{name(y_pred[i])}"
        if tags is not None and tags[i]:
            t = tags[i]
            label += "\n" + (t if isinstance(t, str) else ",".join(t))
        ax.set_title(label, fontsize=7)
    if not len(wrong):
        axes[0, 0].text(0.5, 0.5, "no errors", ha="center", va="center")
    fig.suptitle("Misclassified dev examples: #index true→predicted", fontsize=9)
    _save(fig, path)
    return [int(i) for i in wrong]


# ---------------------------------------------------------------------------------------------
# Multi-task learning
# ---------------------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="tfcourse")
class MaskedBinaryCrossentropy(keras.losses.Loss):
    """Multi-task logistic loss summed over the labels that are present (Course 3, week 2).

    The course's multi-task loss, with one sigmoid unit per task j and labels y_j ∈ {0, 1}
    where known (``missing``, −1 by default, where not):

        J = (1/m) Σ_i Σ_{j : y_ij present} −[y_ij·log ŷ_ij + (1 − y_ij)·log(1 − ŷ_ij)]

    Variant: ``keras.losses.BinaryCrossentropy`` *averages* over the last axis and has no notion
    of a missing label. With every label present, this loss equals ``n_tasks ×`` Keras's
    (tested); with labels missing, a missing entry contributes 0 (rather than being counted
    as a 0 or a 1), and the mean over examples still divides by the batch size m.

    Args:
        missing: the label value meaning "not known".
        from_logits: ``y_pred`` holds logits rather than probabilities.

    Example:
        >>> model.compile("adam", loss=MaskedBinaryCrossentropy())   # y: (m, tasks), −1 = missing
    """

    def __init__(self, missing: float = -1.0, from_logits: bool = False,
                 name: str = "masked_binary_crossentropy", reduction="sum_over_batch_size",
                 dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        if isinstance(missing, bool) or not isinstance(missing, (int, float)) \
                or missing in (0, 1):
            raise ValueError(f"missing must be a number other than 0 and 1, got "
                             f"missing={missing!r}")
        self.missing = float(missing)
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        ops = keras.ops
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        present = ops.cast(ops.not_equal(y_true, self.missing), y_pred.dtype)
        target = y_true * present  # a missing entry's target is irrelevant: its loss is masked
        per_label = keras.losses.binary_crossentropy(
            ops.expand_dims(target, -1), ops.expand_dims(y_pred, -1),
            from_logits=self.from_logits)  # (batch, tasks): one BCE per label
        return ops.sum(per_label * present, axis=-1)  # (batch,)

    def get_config(self):
        return {**super().get_config(), "missing": self.missing, "from_logits": self.from_logits}


def masked_accuracy(y_true, y_prob, missing: float = -1.0) -> np.ndarray:
    """Per-task accuracy (threshold 0.5) over the present labels: an array of length n_tasks."""
    y_true = np.asarray(y_true, "float64")
    y_prob = np.asarray(y_prob, "float64").reshape(y_true.shape)
    present = y_true != missing
    correct = ((y_prob > 0.5) == (y_true == 1)) & present
    counts = present.sum(axis=0)
    return np.where(counts > 0, correct.sum(axis=0) / np.maximum(counts, 1), np.nan)
