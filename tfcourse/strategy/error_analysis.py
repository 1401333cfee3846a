"""Error analysis: which categories of dev errors are worth fixing (Course 3, week 2).

- :func:`error_analysis` — the course's spreadsheet: each category's count, share of the errors
  and ceiling (the most that fixing it can cut the dev error).
- :func:`format_error_table` — the spreadsheet as text.
- :func:`save_misclassified_grid` — a PNG of the misclassified examples to tag by eye.
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int
from tfcourse.metrics import _as_labels

OTHER = "other"


def error_analysis(y_true, y_pred, tags, categories=None) -> dict:
    """The course's error-analysis spreadsheet: categories of dev errors with their ceilings.

    Course 3, week 2; lesson c3w2_error_analysis.

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
        raise ValueError(f"error_analysis: argument `y_pred` must have one entry per dev "
                         f"example: len(y_pred)={len(y_pred)}, len(y_true)={len(y_true)}")
    tags = list(tags)
    if len(tags) != len(y_true):
        raise ValueError(f"error_analysis: argument `tags` must have one entry per dev "
                         f"example: len(tags)={len(tags)}, len(y_true)={len(y_true)}")
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
    """The table of :func:`error_analysis` as text.

    Course 3, week 2; lesson c3w2_error_analysis.
    """
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

    Course 3, week 2; lesson c3w2_error_analysis.

    Each cell shows the image and ``#index true→predicted`` (and its tags, if given), so that a
    person can write down tags against the indices and pass them to :func:`error_analysis`.

    Args:
        x: the examples (images, or flat vectors with ``image_shape``).
        image_shape: e.g. ``(8, 8)`` for flat 64-vectors; ``None``: ``x`` holds images.
        max_images: at most this many cells (the first misclassified examples).
        tags: optional, one entry per example (``len(tags) == len(x)``).
    """
    from tfcourse import plots

    plt = plots.pyplot()
    y_true, y_pred = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    x = np.asarray(x)
    if not len(x) == len(y_true) == len(y_pred):
        raise ValueError(f"save_misclassified_grid: arguments `x`, `y_true` and `y_pred` must "
                         f"have the same length. Received: {len(x)}, {len(y_true)}, "
                         f"{len(y_pred)}")
    if tags is not None and len(tags) != len(x):
        raise ValueError(f"save_misclassified_grid: argument `tags` must have one entry per "
                         f"example: len(tags)={len(tags)}, len(x)={len(x)}")
    check_int("max_images", max_images, low=1, owner="save_misclassified_grid")
    check_int("columns", columns, low=1, owner="save_misclassified_grid")
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
    plots.save(fig, path)
    return [int(i) for i in wrong]
