"""Bias and variance against human-level performance: too small, too large, regularized (Course 3, week 1).

The course compares three errors. Human-level error stands in for Bayes error (the best any
classifier can do); the gap from it to the training error is the *avoidable bias*, and the gap
from the training error to the dev error is the *variance*:

    avoidable bias = train error − human-level error
    variance       = dev error − train error

Whichever gap is larger says what to do next (the "basic recipe"): for avoidable bias, a bigger
network or longer / better training; for variance, more data or regularization. The lesson
fits the same task with a ladder of networks, from far too small to far too large, then the
largest one regularized (L2 and dropout), and lets :class:`tfcourse.callbacks.BiasVarianceReport`
name the diagnosis for each.

Data: scikit-learn's 8×8 digits (embedded, 10 classes), with a deliberately small training set
(400 images) so that the large networks can memorise it and the variance shows; dev is the
usual 20 % split (359 images). Human-level error is taken as 1 %: 8×8 digits are coarse, and a
careful person misreads about one in a hundred (an assumption stated here, not a measurement).

Models (hidden layers of tanh units, a softmax output, Adam, mini-batches of 32):
``tiny`` [2], ``small`` [4], ``medium`` [32], ``large`` [256, 256], and ``large_regularized``
[256, 256] with L2 (the course's λ = 0.8 over the m = 400 training images, i.e.
λ/(2m)·Σ‖W‖² with Keras's factor λ/(2m) = 0.001, see :mod:`tfcourse.regularizers`) and dropout
0.5. (tanh rather than ReLU: a 2-unit ReLU layer often loses a unit for good, which would make
"tiny" a story about dead units rather than capacity.) ``TerminateOnNaN`` guards every fit.

Outputs: ``bias_variance.png`` (train and dev error against model size, with human-level
error), ``learning_curves_large*.png`` (the large network with and without regularization),
``weight_norms_large*.png`` (L2 keeps the weights small),
``results.json`` with ``<model>_train_error``, ``<model>_dev_error``,
``<model>_avoidable_bias``, ``<model>_variance`` and ``<model>_diagnosis`` per model, TensorBoard
logs, and the regularized large model exported.
"""
import keras
import numpy as np

from tfcourse import data, plots, regularizers
from tfcourse.callbacks import BiasVarianceReport, LearningCurves, WeightNorms
from tfcourse.lesson import Lesson

HUMAN_LEVEL_ERROR = 0.01  # assumed: a careful person on 8×8 digits
N_TRAIN = 400  # small on purpose, so that large networks overfit
# The course's L2 λ, in its cost λ/(2m)·Σ‖W‖²_F with m = N_TRAIN: λ = 0.8 is Keras's factor 0.001.
MODELS = {  # name: (hidden layer sizes, the course's L2 λ, dropout rate)
    "tiny": ((2,), 0.0, 0.0),
    "small": ((4,), 0.0, 0.0),
    "medium": ((32,), 0.0, 0.0),
    "large": ((256, 256), 0.0, 0.0),
    "large_regularized": ((256, 256), 0.8, 0.5),
}


def build(name, hidden, lambd, dropout, n_in=64, n_out=10):
    reg = regularizers.L2(lambd, m=N_TRAIN) if lambd else None
    layers = [keras.Input((n_in,))]
    for i, units in enumerate(hidden):
        layers.append(keras.layers.Dense(units, activation="tanh", kernel_regularizer=reg,
                                         name=f"hidden_{i + 1}"))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(n_out, activation="softmax", kernel_regularizer=reg,
                                     name="output"))
    model = keras.Sequential(layers, name=name)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def run(ctx):
    ## Data: a small training set, a dev set from the same distribution
    ds = data.load_digits(seed=ctx.seed)
    x_train, y_train = ds.x_train[:N_TRAIN], ds.y_train[:N_TRAIN]
    ctx.log(f"digits: train {len(x_train)} (of {len(ds.x_train)}), dev {len(ds.x_dev)}; "
            f"human-level error {HUMAN_LEVEL_ERROR:.0%} (assumed)")

    ## A ladder of models, each with its bias / variance report
    reports, models = {}, {}
    for name, (hidden, lambd, dropout) in MODELS.items():
        ctx.section(f"{name}: hidden {list(hidden)}"
                    + (f", L2 λ = {lambd:g}, dropout {dropout:g}" if lambd or dropout else ""))
        model = build(name, hidden, lambd, dropout)
        report = BiasVarianceReport(HUMAN_LEVEL_ERROR, train_data=(x_train, y_train),
                                    dev_data=(ds.x_dev, ds.y_dev), tolerance=0.005)
        extra, watch = [], {}
        if name.startswith("large"):  # watch the two large networks more closely
            extra = [WeightNorms(ctx.path(f"weight_norms_{name}.png"), every=ctx.epochs),
                     LearningCurves(ctx.path(f"learning_curves_{name}.png"), every=ctx.epochs,
                                    title=f"{name}: train (solid) and dev (dashed)")]
            watch = {"validation_data": (ds.x_dev, ds.y_dev)}  # dev curves for the plot
        model.fit(x_train, y_train, batch_size=32, epochs=ctx.epochs, verbose=0, **watch,
                  callbacks=[report, keras.callbacks.TerminateOnNaN(), *extra,
                             *ctx.callbacks(name)])
        r = report.report
        reports[name], models[name] = r, model
        ctx.record(f"{name}_train_error", r["train_error"])
        ctx.record(f"{name}_dev_error", r["dev_error"])
        ctx.record(f"{name}_avoidable_bias", r["avoidable_bias"])
        ctx.record(f"{name}_variance", r["variance"])
        ctx.record(f"{name}_diagnosis", r["diagnosis"])
        if extra:
            norms = extra[0].norms
            ctx.record(f"{name}_hidden_1_weight_norm", norms["hidden_1"][-1])

    ## The table: where each model's error comes from
    ctx.section("Summary (errors in %)")
    ctx.log(f"{'model':<18} {'train':>6} {'dev':>6} {'avoid.':>7} {'var.':>6}  diagnosis")
    for name, r in reports.items():
        ctx.log(f"{name:<18} {100 * r['train_error']:6.1f} {100 * r['dev_error']:6.1f} "
                f"{100 * r['avoidable_bias']:7.1f} {100 * r['variance']:6.1f}  {r['diagnosis']}")

    ## Plot: train and dev error against model size
    _plot_errors(reports, ctx.path("bias_variance.png"))

    ctx.export(models["large_regularized"], ds.x_test[:32])


def _plot_errors(reports, path):
    # extra code: the figure
    names = list(reports)
    xs = np.arange(len(names))
    fig, ax = plots.pyplot().subplots(figsize=(7.5, 4.2))
    ax.plot(xs, [100 * reports[n]["train_error"] for n in names], "o-", label="train error")
    ax.plot(xs, [100 * reports[n]["dev_error"] for n in names], "s-", label="dev error")
    ax.axhline(100 * HUMAN_LEVEL_ERROR, color="k", ls=":", label="human-level error")
    for x, n in zip(xs, names):
        ax.annotate(reports[n]["diagnosis"], (x, 100 * reports[n]["dev_error"]),
                    textcoords="offset points", xytext=(0, 8), ha="center", fontsize=7)
    ax.set_xticks(xs)
    ax.set_xticklabels(names, rotation=15)
    ax.set_ylabel("error (%)")
    ax.set_title("Digits: error against model size (400 training images)")
    ax.grid(alpha=0.3)
    ax.legend()
    return plots.save(fig, path)


LESSON = Lesson(__file__, __doc__, run, epochs=80, fast_epochs=2,
                keys=tuple(f"{m}_{k}" for m in MODELS
                           for k in ("avoidable_bias", "variance", "diagnosis")))

if __name__ == "__main__":
    LESSON.cli()
