"""Error analysis: tag the misclassified dev digits, count categories, read the ceilings (Course 3, week 2).

Before spending a month on a fix, the course says: take the misclassified dev examples, go
through them (about a hundred) in a spreadsheet, tag each with what went wrong, and count.
A category's share of the errors is the *ceiling* on what fixing it can gain:

    ceiling_c = share_c · dev error          dev error if fixed = dev error − ceiling_c

(5 dogs among 100 errors caps a dog fix at 10 % → 9.5 %; 50 great cats allow 10 % → 5 %).
An example can carry several tags; untagged errors count as "other".

Here the "person" doing the tagging is a rule stated in advance, so the lesson is reproducible.
For each misclassified dev digit:

- ``confusable_pair``: the true and predicted digits are a look-alike pair on an 8×8 grid,
  one of {1,7}, {1,8}, {3,5}, {3,8}, {3,9}, {4,9}, {5,6}, {5,9}, {7,9}, {8,9}, {2,8}, {6,8}
  (the list is fixed before looking at the predictions);
- ``low_contrast``: total ink (sum of the 64 pixel values) below the 10th percentile of the
  training images — a faint, thin stroke;
- ``off_center``: the ink's centre of mass more than 1 pixel from the training images' mean
  centre (90th percentile of that distance on training data, whichever is larger);
- ``heavy_stroke``: total ink above the 90th percentile of the training images.

Data: scikit-learn's 8×8 digits (embedded). The classifier is deliberately modest (softmax
regression on 300 training images) so that the dev set has a few dozen errors to analyse.
:func:`tfcourse.strategy.save_misclassified_grid` writes the images with their indices, the way
a person would tag them by eye.

Outputs: ``misclassified.png`` (the errors with their tags), ``error_categories.png`` (share
and ceiling per category), ``learning_curves.png``, ``results.json`` with ``dev_error``,
``category_<name>_share`` and ``category_<name>_ceiling``, TensorBoard logs, the model exported.
"""
import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.callbacks import LearningCurves
from tfcourse.lesson import Lesson
from tfcourse.strategy import (error_analysis, format_error_table, save_misclassified_grid)

N_TRAIN = 300  # a modest classifier, so there are errors to study
CONFUSABLE = {frozenset(p) for p in ((1, 7), (1, 8), (3, 5), (3, 8), (3, 9), (4, 9), (5, 6),
                                     (5, 9), (7, 9), (8, 9), (2, 8), (6, 8))}
CATEGORIES = ("confusable_pair", "low_contrast", "off_center", "heavy_stroke", "other")


def ink_and_center(x):
    """Total ink and the ink's centre of mass (row, col) of flat 8×8 images."""
    img = x.reshape(-1, 8, 8)
    ink = img.sum(axis=(1, 2))
    rows, cols = np.mgrid[0:8, 0:8]
    w = np.maximum(ink, 1e-9)
    center = np.stack([(img * rows).sum(axis=(1, 2)) / w, (img * cols).sum(axis=(1, 2)) / w], 1)
    return ink, center


def tag_rule(x, y_true, y_pred, x_train):
    """The stated tagging rule: a list of tags per example (see the module docstring)."""
    ink_tr, c_tr = ink_and_center(x_train)
    low, high = np.percentile(ink_tr, [10, 90])
    mean_c = c_tr.mean(axis=0)
    far = max(1.0, float(np.percentile(np.linalg.norm(c_tr - mean_c, axis=1), 90)))
    ink, c = ink_and_center(x)
    dist = np.linalg.norm(c - mean_c, axis=1)
    tags = []
    for i in range(len(x)):
        t = []
        if frozenset((int(y_true[i]), int(y_pred[i]))) in CONFUSABLE:
            t.append("confusable_pair")
        if ink[i] < low:
            t.append("low_contrast")
        if dist[i] > far:
            t.append("off_center")
        if ink[i] > high:
            t.append("heavy_stroke")
        tags.append(t)
    return tags


def run(ctx):
    ## Data and a modest classifier
    ds = data.load_digits(seed=ctx.seed)
    x_train, y_train = ds.x_train[:N_TRAIN], ds.y_train[:N_TRAIN]
    ctx.log(f"digits: train {len(x_train)}, dev {len(ds.x_dev)}")
    model = keras.Sequential([keras.Input((64,)),
                              keras.layers.Dense(10, activation="softmax", name="softmax")],
                             name="softmax_regression")
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=ctx.epochs, verbose=0,
              validation_data=(ds.x_dev, ds.y_dev),
              callbacks=[LearningCurves(ctx.path("learning_curves.png"), every=ctx.epochs),
                         *ctx.callbacks("softmax_regression")])
    y_pred = model.predict(ds.x_dev, verbose=0).argmax(axis=1)

    ## Tag the misclassified dev examples (by the stated rule) and look at them
    tags = tag_rule(ds.x_dev, ds.y_dev, y_pred, x_train)
    shown = save_misclassified_grid(ds.x_dev, ds.y_dev, y_pred, ctx.path("misclassified.png"),
                                    image_shape=(8, 8), tags=tags, max_images=64, columns=8)
    ctx.log(f"{len(shown)} misclassified dev images drawn in misclassified.png")

    ## The error-analysis table and the ceilings
    ctx.section("Error analysis")
    analysis = error_analysis(ds.y_dev, y_pred, tags, categories=CATEGORIES)
    for line in format_error_table(analysis).splitlines():
        ctx.log(line)
    ctx.record("dev_error", analysis["dev_error"])
    ctx.record("dev_errors_count", analysis["errors"])
    for row in analysis["rows"]:
        ctx.record(f"category_{row['category']}_share", row["share"])
        ctx.record(f"category_{row['category']}_ceiling", row["ceiling"])
    best = max((r for r in analysis["rows"] if r["category"] != "other"),
               key=lambda r: r["count"])
    ctx.record("largest_category", best["category"])
    ctx.log(f"most promising: {best['category']} — fixing it completely would take the dev "
            f"error from {100 * analysis['dev_error']:.1f}% to {100 * best['error_if_fixed']:.1f}%"
            f" at best")

    ## Plot: share and ceiling per category
    plots.bars({r["category"]: 100 * r["share"] for r in analysis["rows"]},
               ctx.path("error_categories.png"), ylabel="% of dev errors",
               title=f"Error categories (dev error {100 * analysis['dev_error']:.1f}%; "
                     f"a category can overlap others)")

    ctx.export(model, ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=50, fast_epochs=2,
                keys=("dev_error", *(f"category_{c}_share" for c in CATEGORIES)))

if __name__ == "__main__":
    LESSON.cli()
