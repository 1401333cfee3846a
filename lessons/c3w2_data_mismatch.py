"""Data mismatch: a train-dev set separates variance from mismatch; data synthesis closes it (Course 3, week 2).

When the training data come from one distribution (many clean images) and dev/test from the one
you care about (a few images from the users' phones), a high dev error can mean two things: the
model does not generalise (variance) or the dev images are different (data mismatch). The
course carves a *train-dev* set out of the training data — same distribution as training, not
trained on — and reads the gaps:

    avoidable bias = train − human-level      variance = train-dev − train
    data mismatch  = dev − train-dev

The recipe for mismatch: look at how dev differs (error analysis), then make the training data
more like dev — *artificial data synthesis*, e.g. adding car noise to clean speech. The course's
caution: synthesise from a varied source, or the network overfits the few noise samples used.

Data: scikit-learn's 8×8 digits (embedded). Training: the clean training split, minus 15 % for
train-dev. Dev and test: the dev and test splits seen through a "phone camera" — each image
shifted by up to one pixel in each direction, with Gaussian pixel noise (σ = 0.2) and a lower
contrast (×0.8), pixels clipped to [0, 1] (the ``camera`` function below). A two-sample check
(:func:`tfcourse.strategy.same_distribution`) confirms that dev and test share a distribution and
that training and dev do not. The synthesis step adds to every training (and train-dev) image
three copies through a camera *simulator* with its own random draws — the same kind of
distortion, not the dev images themselves.

The network: [64 → 128 ReLU → 10 softmax], Adam, mini-batches of 32, early stopping on the
train-dev loss (``EarlyStopping``, best weights restored), human-level error taken as 1 %.

Outputs: ``camera_examples.png``, ``learning_curves_clean.png`` and
``learning_curves_synthesis.png``, ``errors.png`` (the four errors before and after synthesis),
``results.json`` (``train_error``, ``train_dev_error``, ``dev_error``, ``data_mismatch``,
``data_mismatch_after_synthesis`` and the rest of both reports), TensorBoard logs, and the
model trained with synthesis exported.
"""
import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.callbacks import BiasVarianceReport, LearningCurves
from tfcourse.lesson import Lesson
from tfcourse.strategy import same_distribution

HUMAN_LEVEL_ERROR = 0.01  # assumed, as in c3w1_bias_variance
NOISE, CONTRAST, MAX_SHIFT = 0.2, 0.8, 1  # the "phone camera"
COPIES = 3  # synthesized copies per training image


def camera(x, rng):
    """Flat 8×8 images through the "phone camera": shift ≤ 1 px, contrast ×0.8, noise σ 0.2."""
    img = x.reshape(-1, 8, 8)
    out = np.zeros_like(img)
    for i, (dr, dc) in enumerate(rng.randint(-MAX_SHIFT, MAX_SHIFT + 1, size=(len(img), 2))):
        shifted = np.roll(img[i], (dr, dc), axis=(0, 1))
        # np.roll wraps around; blank the wrapped row / column (a shift, not a rotation)
        if dr > 0:
            shifted[:dr] = 0
        elif dr < 0:
            shifted[dr:] = 0
        if dc > 0:
            shifted[:, :dc] = 0
        elif dc < 0:
            shifted[:, dc:] = 0
        out[i] = shifted
    out = CONTRAST * out + rng.normal(0.0, NOISE, out.shape)
    return np.clip(out, 0.0, 1.0).reshape(len(x), -1).astype("float32")


def synthesize(x, y, copies, rng):
    """The clean images plus ``copies`` camera-simulated versions of each."""
    xs = [x] + [camera(x, rng) for _ in range(copies)]
    return np.concatenate(xs), np.concatenate([y] * (copies + 1))


def build():
    model = keras.Sequential([keras.Input((64,)),
                              keras.layers.Dense(128, activation="relu", name="hidden"),
                              keras.layers.Dense(10, activation="softmax", name="output")],
                             name="mlp")
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def fit_and_report(ctx, name, train, train_dev, dev):
    model = build()
    report = BiasVarianceReport(HUMAN_LEVEL_ERROR, train_data=train, train_dev_data=train_dev,
                                dev_data=dev, tolerance=0.005)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10,
                                         restore_best_weights=True)
    curves = LearningCurves(ctx.path(f"learning_curves_{name}.png"), every=ctx.epochs,
                            title=f"{name}: train (solid), train-dev (dashed)",
                            val_label="train-dev")
    model.fit(*train, batch_size=32, epochs=ctx.epochs, verbose=0, validation_data=train_dev,
              callbacks=[stop, curves, report, *ctx.callbacks(name)])
    return model, report.report


def run(ctx):
    ## Two distributions: clean training images, "camera" images for dev and test
    rng = np.random.RandomState(ctx.seed)
    ds = data.load_digits(seed=ctx.seed)
    (x_tr, y_tr), (x_td, y_td) = data.train_dev_split(ds.x_train, ds.y_train, fraction=0.15,
                                                      seed=ctx.seed)
    x_dev, x_test = camera(ds.x_dev, rng), camera(ds.x_test, rng)
    ctx.log(f"train {len(x_tr)} clean, train-dev {len(x_td)} clean, dev {len(x_dev)} and "
            f"test {len(x_test)} through the camera")
    dev_test = same_distribution(x_dev, x_test, ds.y_dev, ds.y_test)
    train_dev = same_distribution(x_tr, x_dev, y_tr, ds.y_dev)
    ctx.log(f"dev vs test:   {dev_test['verdict']}")
    ctx.log(f"train vs dev:  {train_dev['verdict']}")
    ctx.record("dev_test_same_distribution", dev_test["same"])
    ctx.record("train_dev_same_distribution", train_dev["same"])
    _plot_examples(ds.x_dev[:8], x_dev[:8], camera(ds.x_dev[:8], np.random.RandomState(99)),
                   ctx.path("camera_examples.png"))

    ## Train on clean images: the report separates variance from data mismatch
    ctx.section("Trained on clean images")
    _, before = fit_and_report(ctx, "clean", (x_tr, y_tr), (x_td, y_td), (x_dev, ds.y_dev))
    for key in ("train_error", "train_dev_error", "dev_error", "avoidable_bias", "variance",
                "data_mismatch", "diagnosis"):
        ctx.record(key, before[key])

    ## Artificial data synthesis: make the training data look like dev
    ctx.section(f"Trained on clean + {COPIES} camera-simulated copies of each image")
    syn_rng = np.random.RandomState(ctx.seed + 1000)  # the simulator's own draws
    train_s = synthesize(x_tr, y_tr, COPIES, syn_rng)
    train_dev_s = synthesize(x_td, y_td, COPIES, syn_rng)  # train-dev: same mix as training
    model, after = fit_and_report(ctx, "synthesis", train_s, train_dev_s, (x_dev, ds.y_dev))
    for key in ("train_error", "train_dev_error", "dev_error", "variance", "data_mismatch",
                "diagnosis"):
        ctx.record(f"{key}_after_synthesis", after[key])
    test_error = float(np.mean(model.predict(x_test, verbose=0).argmax(1) != ds.y_test))
    ctx.record("test_error_after_synthesis", test_error)

    ## Summary
    ctx.section("Errors in % (human-level 1 %)")
    ctx.log(f"{'':<12} {'train':>6} {'train-dev':>9} {'dev':>6} {'variance':>9} {'mismatch':>9}")
    for name, r in (("clean", before), ("synthesis", after)):
        ctx.log(f"{name:<12} {100 * r['train_error']:6.1f} {100 * r['train_dev_error']:9.1f} "
                f"{100 * r['dev_error']:6.1f} {100 * r['variance']:9.1f} "
                f"{100 * r['data_mismatch']:9.1f}")
    plots.bars({f"{name} {k.replace('_error', '')}": 100 * r[k]
                for name, r in (("clean", before), ("synth.", after))
                for k in ("train_error", "train_dev_error", "dev_error")},
               ctx.path("errors.png"), ylabel="error (%)",
               title="Train / train-dev / dev error, before and after data synthesis")

    ctx.export(model, x_test[:32])


def _plot_examples(clean, seen, simulated, path):
    # extra code: the figure
    fig, axes = plots.pyplot().subplots(3, len(clean), figsize=(1.3 * len(clean), 4.2))
    for row, (title, imgs) in enumerate((("clean", clean), ("dev (camera)", seen),
                                         ("synthesized", simulated))):
        for col, img in enumerate(imgs):
            ax = axes[row, col]
            ax.imshow(img.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if col == 0:
                ax.set_ylabel(title, fontsize=8)
    return plots.save(fig, path)


LESSON = Lesson(__file__, __doc__, run, epochs=60, fast_epochs=2,
                keys=("train_dev_error", "dev_error", "data_mismatch",
                      "data_mismatch_after_synthesis"))

if __name__ == "__main__":
    LESSON.cli()
