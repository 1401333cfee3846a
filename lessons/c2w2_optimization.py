"""Optimization algorithms: mini-batch gradient descent, momentum, Adam and learning-rate decay (Course 2, week 2).

The same small network, [2, 5, 2, 1] (ReLU, ReLU, sigmoid, He initialization), is trained on the
course's "moons" with mini-batches of 64 and three update rules, all from `tfcourse.optimizers`
(the course's formulas, checked against Keras's built-ins in `tests/test_optimizers.py`):

- Gradient descent:  W = W − α·dW
- Momentum:          v = β·v + (1 − β)·dW,  W = W − α·v                         (β = 0.9)
- Adam:              v = β1·v + (1 − β1)·dW,  s = β2·s + (1 − β2)·dW²,
                     v̂ = v / (1 − β1ᵗ),  ŝ = s / (1 − β2ᵗ),  W = W − α·v̂ / (√ŝ + ε)
                                                            (β1 = 0.9, β2 = 0.999, ε = 1e-8)

Momentum and Adam's v are exponentially weighted averages (EWMA) of the gradients,
V_t = β·V_{t−1} + (1 − β)·θ_t, which average about the last 1 / (1 − β) values; because V_0 = 0
the first averages are too small, and Adam divides by 1 − βᵗ to correct that bias. The lesson
first draws that on a noisy series (`ewma.png`), as the lecture does with a year of temperatures.

Part 1, the course's setting: learning rate 0.0007 for 10 000 epochs. The rate is small, so
plain gradient descent and momentum are still far from a good boundary (the course: 79.7 % for
both), while Adam, whose step is about α in every direction whatever the gradient's scale, gets
there (94 %).

Part 2, learning-rate decay. A larger start with the course's scheduled decay
α = α0 / (1 + 0.3·⌊epoch / 1000⌋) (`tfcourse.schedules.ScheduledInverseTimeDecay`,
α0 = 0.1 for GD and momentum, 0.01 for Adam) brings all three to the top (course: 94.6 %,
95.6 %, 94 %). Decaying every epoch instead, α0 / (1 + epoch), collapses the rate to ~1e-5 of α0
and gradient descent stalls (the course: ~65 %): the lesson shows that too.

Data: scikit-learn's `make_moons(300, noise=0.2)` with the course's seed 3 (the same points as the
assignment; `tfcourse.data.load_moons`). Accuracies are on the 300 training points, as in the
course; a fresh draw of 300 points is reported as a held-out check. The mini-batches are
reshuffled every epoch (5 per epoch: four of 64 and one of 44), as in the course's
`random_mini_batches`. With Keras's float32 arithmetic and its own random streams the digits differ
from the course's; the shape of the table is the one to compare.

Outputs: `ewma.png`, `learning_curves.png` (cost per epoch), `learning_rates.png`,
`decision_boundaries.png`, `results.json`, TensorBoard logs, and the Adam-with-decay model exported
to `saved_models/c2w2_optimization/`.
"""
import numpy as np

from tfcourse import data, plots
from tfcourse.ewma import ewma
from tfcourse.initializers import He
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy
from tfcourse.optimizers import Adam, GradientDescent, Momentum
from tfcourse.schedules import InverseTimeEpochDecay, ScheduledInverseTimeDecay, schedule_lr_decay
from tfcourse.training import fit_steps

LAYERS = (2, 5, 2, 1)       # the course's layers_dims
BATCH_SIZE = 64             # mini-batch size
LEARNING_RATE = 0.0007      # part 1, every optimizer
BETA = 0.9                  # momentum
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-8  # Adam
DECAY_RATE, TIME_INTERVAL = 0.3, 1000       # part 2: α0 / (1 + 0.3·⌊epoch / 1000⌋)
DECAY_LR0 = {"gd": 0.1, "momentum": 0.1, "adam": 0.01}
COURSE = {"gd_accuracy": 0.797, "momentum_accuracy": 0.797, "adam_accuracy": 0.94,
          "gd_decay_accuracy": 0.946, "momentum_decay_accuracy": 0.956,
          "adam_decay_accuracy": 0.94, "gd_decay_every_epoch_accuracy": 0.65}
LABELS = {"gd": "gradient descent", "momentum": "momentum", "adam": "Adam"}


def make_optimizer(kind, learning_rate):
    """The course's three update rules; `learning_rate` is a float or a schedule."""
    if kind == "gd":
        return GradientDescent(learning_rate)
    if kind == "momentum":
        return Momentum(learning_rate, beta=BETA)
    return Adam(learning_rate, beta_1=BETA_1, beta_2=BETA_2, epsilon=EPSILON)


def three_layer_model(optimizer, seed, steps_per_execution=1):
    """[2, 5, 2, 1]: ReLU, ReLU, sigmoid, He-initialized (the same weights for every optimizer)."""
    import keras

    layers = [keras.Input((LAYERS[0],))]
    for i, units in enumerate(LAYERS[1:]):
        last = i == len(LAYERS) - 2
        layers.append(keras.layers.Dense(units, activation="sigmoid" if last else "relu",
                                         kernel_initializer=He(seed=seed + i), name=f"dense_{i + 1}"))
    model = keras.Sequential(layers, name="moons_2_5_2_1")
    # Many tiny steps: running a block of them per call keeps Python out of the inner loop.
    # Accuracy is measured once at the end, so each step only computes the cost.
    model.compile(optimizer=optimizer, loss="binary_crossentropy",
                  steps_per_execution=steps_per_execution)
    return model


def predictor(model):
    """Probabilities from a direct call: for a 5-unit network cheaper than tracing `predict`."""
    return lambda x: keras_call(model, x)


def keras_call(model, x):
    return np.asarray(model(np.asarray(x, "float32"), training=False))


def ewma_figure(path, seed):
    """The lecture's picture: noisy daily temperatures, their EWMA, with and without correction."""
    rng = np.random.default_rng(seed)
    days = np.arange(1, 181)
    theta = 10 + 12 * np.sin(2 * np.pi * (days - 60) / 365) + rng.normal(0, 3, days.size)
    # extra code: the figure
    fig, ax = plots.pyplot().subplots(figsize=(8, 4.5))
    ax.plot(days, theta, ".", color="C0", ms=4, label="θ_t: noisy daily temperature")
    ax.plot(days, ewma(theta, 0.9), color="C3", label="β = 0.9 (≈ 10 days)")
    ax.plot(days, ewma(theta, 0.98), color="C4", label="β = 0.98, no bias correction (starts at 0)")
    ax.plot(days, ewma(theta, 0.98, bias_correction=True), color="C2",
            label="β = 0.98, bias-corrected V_t / (1 − βᵗ)")
    ax.set_xlabel("day t")
    ax.set_ylabel("temperature")
    ax.set_title("Exponentially weighted averages  V_t = β·V_{t−1} + (1 − β)·θ_t")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    plots.save(fig, path)
    return theta


def run(ctx):
    ds = data.load_moons()
    ctx.log(ds.summary())
    steps_per_epoch = -(-len(ds.x_train) // BATCH_SIZE)   # 5 mini-batches: 4 × 64 + 44
    epochs = ctx.epochs
    log_epochs = max(1, epochs // 100)                     # ~100 points per learning curve
    log_every = log_epochs * steps_per_epoch
    steps = -(-epochs // log_epochs) * log_every

    def train(kind, learning_rate, run_name):
        model = three_layer_model(make_optimizer(kind, learning_rate), seed=ctx.seed,
                                  steps_per_execution=log_every)
        history = fit_steps(model, ds.x_train, ds.y_train, steps, batch_size=BATCH_SIZE,
                            log_every=log_every, shuffle_seed=ctx.seed,
                            callbacks=ctx.callbacks(run_name))
        return model, history.history

    ## Exponentially weighted averages, with and without bias correction
    ctx.section("EWMA of a noisy series")
    theta = ewma_figure(ctx.path("ewma.png"), ctx.seed)
    ctx.log(f"day 1: θ = {theta[0]:.2f}; β = 0.98 gives V_1 = {ewma(theta, 0.98)[0]:.2f} "
            f"uncorrected, {ewma(theta, 0.98, bias_correction=True)[0]:.2f} corrected")

    ## Part 1: the course's learning rate 0.0007 for every optimizer
    ctx.section(f"Mini-batch ({BATCH_SIZE}) training, α = {LEARNING_RATE}, {epochs} epochs")
    models, curves = {}, {}
    for kind in ("gd", "momentum", "adam"):
        model, curves[LABELS[kind]] = train(kind, LEARNING_RATE, kind)
        models[LABELS[kind]] = model
        ctx.record(f"{kind}_accuracy", accuracy(model, ds.x_train, ds.y_train),
                   course=COURSE[f"{kind}_accuracy"])
        ctx.record(f"{kind}_test_accuracy", accuracy(model, ds.x_test, ds.y_test))
        ctx.log(f"{LABELS[kind]:>16}: train {ctx.results[f'{kind}_accuracy']:.3f} "
                f"(course {COURSE[f'{kind}_accuracy']:.3f})")

    ## Part 2: scheduled decay, α0 / (1 + 0.3·⌊epoch / 1000⌋)
    ctx.section(f"Scheduled decay α0 / (1 + {DECAY_RATE}·⌊epoch / {TIME_INTERVAL}⌋)")
    for kind in ("gd", "momentum", "adam"):
        schedule = ScheduledInverseTimeDecay(DECAY_LR0[kind], DECAY_RATE, TIME_INTERVAL,
                                             steps_per_epoch=steps_per_epoch)
        model, curves[f"{LABELS[kind]} + decay"] = train(kind, schedule, f"{kind}_decay")
        models[f"{LABELS[kind]} + decay"] = model
        key = f"{kind}_decay_accuracy"
        ctx.record(key, accuracy(model, ds.x_train, ds.y_train), course=COURSE[key])
        ctx.record(f"{kind}_decay_test_accuracy", accuracy(model, ds.x_test, ds.y_test))
        ctx.log(f"{LABELS[kind]:>16}: α0 = {DECAY_LR0[kind]}, train {ctx.results[key]:.3f} "
                f"(course {COURSE[key]:.3f})")

    ## Decaying every epoch: α0 / (1 + epoch) collapses the rate
    ctx.section("Decay every epoch, α0 / (1 + 1·epoch), gradient descent")
    every = InverseTimeEpochDecay(DECAY_LR0["gd"], 1.0, steps_per_epoch=steps_per_epoch)
    model, curves["gradient descent + decay every epoch"] = train("gd", every, "gd_decay_every_epoch")
    ctx.record("gd_decay_every_epoch_accuracy", accuracy(model, ds.x_train, ds.y_train),
               course=COURSE["gd_decay_every_epoch_accuracy"])
    ctx.log(f"train {ctx.results['gd_decay_every_epoch_accuracy']:.3f}; the rate ends at "
            f"{float(every((steps - 1))):.2e}")

    ## Plots
    plots.learning_curves(curves, ctx.path("learning_curves.png"), metrics=("loss",),
                          xlabel="epoch", x_scale=log_epochs, logy=True,
                          title="Moons: cost per epoch (mean over the epoch's mini-batches)")
    epoch_axis = np.arange(0, steps // steps_per_epoch, log_epochs)
    rates = {f"{LABELS[k]} + decay": {"learning_rate": [schedule_lr_decay(
        DECAY_LR0[k], int(e), DECAY_RATE, TIME_INTERVAL) for e in epoch_axis]}
        for k in ("gd", "adam")}
    rates["α0 / (1 + epoch)"] = {"learning_rate": [float(every(int(e) * steps_per_epoch))
                                                   for e in epoch_axis]}
    plots.learning_curves(rates, ctx.path("learning_rates.png"), metrics=("learning_rate",),
                          xlabel="epoch", x_scale=log_epochs, logy=True,
                          title="Learning rate: scheduled decay vs decay every epoch")
    plots.decision_boundaries({k: predictor(m) for k, m in models.items()}, ds.x_train, ds.y_train, ctx.path("decision_boundaries.png"),
                              columns=3, title="Moons: decision boundaries by optimizer")

    ctx.export(models["Adam + decay"], ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=10_000, fast_epochs=100,
                epochs_help="epochs (passes over the 300 points, 5 mini-batches each)",
                keys=("gd_accuracy", "momentum_accuracy", "adam_accuracy", "gd_decay_accuracy",
                      "momentum_decay_accuracy", "adam_decay_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
