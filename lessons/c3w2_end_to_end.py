"""End-to-end deep learning against a pipeline: reading 3-digit numbers, over training-set sizes (Course 3, week 2).

The lecture "Whether to use end-to-end deep learning": a pipeline breaks a task into
hand-designed stages (speech: audio → features → phonemes → words → transcript); an end-to-end
network maps input to output in one go. End-to-end "lets the data speak" and needs no
hand-designed components, but it needs a lot of data; a pipeline injects knowledge by hand,
which is worth most when data is scarce and hurts when the hand-designed part is wrong. The
course's key question: "do you have sufficient data to learn a function of the complexity
needed to map x to y?"

The task here: read the 3-digit number on a strip of handwritten digits (scikit-learn's 8×8
digits, ``tfcourse.data.digit_strips``: three digits side by side, 10 × 36 pixels, with random
gaps between them and a random vertical offset, so a digit is often several pixels off the centre
of its third of the strip). The answer is right only if all three digits are.

- The pipeline: a fixed segmenter (``tfcourse.data.segment``: cut the strip into three equal
  cells, the hand-designed knowledge "a number is three digits, left to right"), then ONE
  per-digit classifier (a small CNN, 10 × 12 → 10 classes), trained on the cells with their
  digit labels: three training examples per strip, and a small problem. Its weakness is the
  segmenter: a digit that sits across a cell border is cut, and a neighbour's strokes come in,
  whatever the amount of data.
- End to end: one CNN from the whole strip to three softmax outputs (one per position), trained
  on the strips and their numbers. It must learn by itself where the digits are, and that the
  three positions are the same problem, so it needs more data; but nothing caps what it can
  learn.

Both are trained with Adam for the same number of steps (``--epochs``, mini-batches of 64,
early stopping on a dev set of strips built from the dev images), on n = 100 to 10 000 training
strips built from the training images; test strips come from the test images. The shape: the
pipeline wins with little data, end-to-end with a lot; ``crossover_examples`` is where the two
accuracy curves cross (interpolated on the log scale between the two sizes around the first
change of sign; null if they do not cross in the sizes run).

Outputs: ``crossover.png`` (accuracy against training-set size, both approaches),
``strips.png`` (examples, with the segmenter's cuts), ``results.json`` (also the per-digit
accuracies), TensorBoard logs, and the end-to-end network of the largest size exported to
``saved_models/c3w2_end_to_end/``.

This lesson is in the claims' SLOW set: ten CNN trainings (five sizes, two approaches) take
longer than a claim's share of the default test run; ``--fast`` runs two small sizes.
"""
import math

import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.lesson import Lesson
from tfcourse.training import fit_steps

SIZES = (100, 300, 1000, 3000, 10_000)
FAST_SIZES = (100, 1000)
DIGITS, HEIGHT, WIDTH = 3, 10, 36
BATCH_SIZE = 64
LEARNING_RATE = 3e-3
LOG_EVERY = 100          # steps per logged point (and per early-stopping check)
TEST_STRIPS, DEV_STRIPS = 1000, 500


def conv_body(shape, filters, name):
    """Two 3×3 convolutions with max-pooling: the same small body for both approaches."""
    return [keras.Input(shape),
            keras.layers.Conv2D(filters, 3, activation="relu", padding="same",
                                name=f"{name}_conv1"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(2 * filters, 3, activation="relu", padding="same",
                                name=f"{name}_conv2"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten()]


def digit_classifier():
    """The pipeline's second stage: one cell (10 × 12) -> one of 10 digits."""
    model = keras.Sequential([*conv_body((HEIGHT, WIDTH // DIGITS, 1), 16, "cell"),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")],
                             name="digit_classifier")
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def end_to_end_network():
    """The whole strip (10 × 36) -> three softmax outputs, (3, 10)."""
    model = keras.Sequential([*conv_body((HEIGHT, WIDTH, 1), 16, "strip"),
                              keras.layers.Dense(128, activation="relu"),
                              keras.layers.Dense(DIGITS * 10),
                              keras.layers.Reshape((DIGITS, 10)),
                              keras.layers.Softmax()], name="end_to_end")
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def read_numbers(model, x, pipeline):
    """Predicted digits, (n, 3): through the segmenter for the pipeline."""
    if pipeline:
        p = model.predict(data.segment(x, DIGITS), batch_size=1024, verbose=0)
        return p.argmax(-1).reshape(-1, DIGITS)
    return model.predict(x, batch_size=1024, verbose=0).argmax(-1)


def crossover(sizes, pipeline, end_to_end):
    """Where end-to-end first catches up, interpolated on log(size); None if it never does."""
    diff = [e - p for p, e in zip(pipeline, end_to_end)]
    if diff[0] >= 0:
        return float(sizes[0])
    for i in range(1, len(sizes)):
        if diff[i] >= 0:
            t = -diff[i - 1] / (diff[i] - diff[i - 1])
            return float(math.exp(math.log(sizes[i - 1])
                                  + t * (math.log(sizes[i]) - math.log(sizes[i - 1]))))
    return None


def strips_figure(x, y, path):
    # extra code: a few strips with the segmenter's cuts
    plt = plots.pyplot()
    fig, axes = plt.subplots(len(x), 1, figsize=(5, 1.0 * len(x)), squeeze=False)
    for ax, strip, label in zip(axes[:, 0], x, y):
        ax.imshow(strip[..., 0], cmap="gray_r")
        for k in range(1, DIGITS):
            ax.axvline(k * WIDTH / DIGITS - 0.5, color="C3", lw=1)
        ax.set_title("".join(map(str, label)), fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Digit strips; red: the fixed segmenter's cuts", fontsize=9)
    plots.save(fig, path)


def run(ctx):
    sizes = FAST_SIZES if ctx.fast else SIZES
    ds = data.load_digits(flatten=False, seed=ctx.seed)
    images = {split: (x[..., 0], y) for split, x, y in (
        ("train", ds.x_train, ds.y_train), ("dev", ds.x_dev, ds.y_dev),
        ("test", ds.x_test, ds.y_test))}
    rng = np.random.default_rng(ctx.seed)
    x_test, y_test = data.digit_strips(*images["test"], TEST_STRIPS, rng, DIGITS, HEIGHT, WIDTH)
    x_dev, y_dev = data.digit_strips(*images["dev"], DEV_STRIPS, rng, DIGITS, HEIGHT, WIDTH)
    ctx.log(f"{len(images['train'][0])} training digit images; test: {TEST_STRIPS} strips "
            f"of the {len(images['test'][0])} test images; {ctx.epochs} steps per training")
    strips_figure(x_test[:6], y_test[:6], ctx.path("strips.png"))

    def train(model, x, y, x_val, y_val, run_name):
        stop = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
        fit_steps(model, x, y, ctx.epochs, batch_size=BATCH_SIZE,
                  log_every=min(LOG_EVERY, ctx.epochs), validation_data=(x_val, y_val),
                  shuffle_seed=ctx.seed, callbacks=ctx.callbacks(run_name, stop))

    curves = {"pipeline": [], "end to end": []}
    final = None
    for n in sizes:
        ctx.section(f"{n} training strips")
        x, y = data.digit_strips(*images["train"], n, rng, DIGITS, HEIGHT, WIDTH)

        ## The pipeline: fixed segmenter, one per-digit classifier on 3n cells
        classifier = digit_classifier()
        train(classifier, data.segment(x, DIGITS), y.ravel(), data.segment(x_dev, DIGITS),
              y_dev.ravel(), f"pipeline_{n}")
        pred = read_numbers(classifier, x_test, pipeline=True)
        ctx.record(f"pipeline_accuracy_{n}", np.mean(np.all(pred == y_test, axis=1)))
        ctx.record(f"pipeline_digit_accuracy_{n}", np.mean(pred == y_test))

        ## End to end: the strip in, three digits out
        network = end_to_end_network()
        train(network, x, y, x_dev, y_dev, f"end_to_end_{n}")
        pred = read_numbers(network, x_test, pipeline=False)
        ctx.record(f"end_to_end_accuracy_{n}", np.mean(np.all(pred == y_test, axis=1)))
        ctx.record(f"end_to_end_digit_accuracy_{n}", np.mean(pred == y_test))
        curves["pipeline"].append(ctx.results[f"pipeline_accuracy_{n}"])
        curves["end to end"].append(ctx.results[f"end_to_end_accuracy_{n}"])
        ctx.log(f"numbers read right: pipeline {curves['pipeline'][-1]:.3f}, end to end "
                f"{curves['end to end'][-1]:.3f} (per digit "
                f"{ctx.results[f'pipeline_digit_accuracy_{n}']:.3f} / "
                f"{ctx.results[f'end_to_end_digit_accuracy_{n}']:.3f})")
        final = network

    cross = crossover(sizes, curves["pipeline"], curves["end to end"])
    ctx.record("crossover_examples", None if cross is None else round(cross))
    ctx.log("end to end catches up at about " + (f"{cross:.0f} training strips" if cross
                                                 else "no size run here"))

    ## Plot
    # extra code: accuracy against training-set size, the crossover marked
    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for label, ys in curves.items():
        ax.plot(sizes, ys, "o-", label=label)
    if cross:
        ax.axvline(cross, color="gray", ls=":", label=f"crossover ≈ {cross:.0f}")
    ax.set_xscale("log")
    ax.set_xlabel("training strips")
    ax.set_ylabel("test numbers read right (all 3 digits)")
    ax.set_title("Pipeline (fixed segmenter + digit classifier) vs end to end")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    plots.save(fig, ctx.path("crossover.png"))

    ctx.export(final, x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=1500, fast_epochs=40,
                epochs_help="Adam steps per training (mini-batches of 64)",
                # the sizes that --fast runs too; a full run records every size of SIZES
                keys=(*(f"{kind}_accuracy_{n}" for n in FAST_SIZES
                        for kind in ("pipeline", "end_to_end")), "crossover_examples"))

if __name__ == "__main__":
    LESSON.cli()
