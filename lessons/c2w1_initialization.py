"""Weight initialization: zeros, large random and He on the circles data (Course 2, week 1).

How the weights start decides whether gradient descent can learn at all. The course trains the
same three-layer network [2, 10, 5, 1] (ReLU, ReLU, sigmoid; biases start at 0) three times,
changing only the initialization of the weights W[l] (shape n[l] × n[l−1] in the course):

- zeros, W = 0: every unit of a layer computes the same thing and gets the same gradient, so
  the layer never stops being one unit repeated ("failure to break symmetry"). With ReLU the
  hidden activations and their gradients are exactly 0, only the output bias learns, and the
  network predicts one class: cost stuck at 0.6931 = log 2, 50 % accuracy.
- large random, W = randn · 10: symmetry is broken, but the pre-activations are huge, the
  sigmoid output saturates at 0 or 1, the first cost is infinite in the course (log 0; Keras
  clips the probabilities to [1e-7, 1 − 1e-7], so here it is large but finite) and training
  crawls out of a bad start.
- He, W = randn · √(2 / n[l−1]): the variance of each layer's activations stays about constant
  through ReLU layers (He et al., 2015), so training is fast and reaches almost 100 %.

Keras: ``tfcourse.initializers`` gives the course's versions — ``Zeros``, ``LargeRandom(10)``
(= ``RandomNormal(stddev=10)``) and ``He`` (= ``VarianceScaling(2, "fan_in",
"untruncated_normal")``; Keras's own ``HeNormal`` is the truncated-normal variant with the same
variance). The rest is the course's setting: full-batch gradient descent, learning rate 0.01,
15 000 iterations, binary cross-entropy.

Data: ``make_circles`` as in the course (300 training points with seed 1, 100 test points with
seed 2, noise 0.05): two concentric rings, which no straight line separates.

Outputs: ``learning_curves.png`` (cost per iteration for each initialization; zeros flat at
log 2), ``decision_boundaries.png``, ``results.json`` (train and test accuracy of each, with the
course's figures), TensorBoard logs, and the He model exported to
``saved_models/c2w1_initialization/``.
"""
import keras

from tfcourse import data, initializers, plots
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy
from tfcourse.training import fit_steps

LAYERS = (10, 5)  # hidden units; input 2, output 1: the course's [2, 10, 5, 1]
LEARNING_RATE = 0.01  # the course's rate for full-batch gradient descent
COURSE = {  # (train, test) accuracy the course reports after 15 000 iterations
    "zeros": (0.50, 0.50),
    "random": (0.83, 0.86),
    "he": (0.993, 0.96),
}
TITLES = {"zeros": "zeros", "random": "large random (randn × 10)", "he": "He (randn · √(2/n_prev))"}


def network(init_name, seed):
    """[2, 10, 5, 1]: ReLU, ReLU, sigmoid; weights from the named initialization, biases 0."""
    layers = [keras.Input((2,))]
    for i, units in enumerate(LAYERS):
        layers.append(keras.layers.Dense(units, activation="relu", name=f"hidden_{i + 1}",
                                         kernel_initializer=initializers.get(init_name, seed + i)))
    layers.append(keras.layers.Dense(1, activation="sigmoid", name="output",
                                     kernel_initializer=initializers.get(init_name, seed + 9)))
    model = keras.Sequential(layers, name=f"init_{init_name}")
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def run(ctx):
    ds = data.load_circles()
    ctx.log(ds.summary())
    steps, log_every = ctx.epochs, max(1, ctx.epochs // 150)

    ## Train the same network from three initializations
    models, curves = {}, {}
    for name in COURSE:
        ctx.section(f"Initialization: {TITLES[name]}")
        model = network(name, ctx.seed)
        first_cost = float(model.evaluate(ds.x_train, ds.y_train, verbose=0)[0])
        history = fit_steps(model, ds.x_train, ds.y_train, steps, log_every=log_every,
                            callbacks=ctx.callbacks(name))
        curves[TITLES[name]] = history.history
        train_acc = accuracy(model, ds.x_train, ds.y_train)
        test_acc = accuracy(model, ds.x_test, ds.y_test)
        ctx.record(f"{name}_train_accuracy", train_acc, course=COURSE[name][0])
        ctx.record(f"{name}_test_accuracy", test_acc, course=COURSE[name][1])
        ctx.log(f"cost {first_cost:.4f} before training, {history.history['loss'][-1]:.4f} after; "
                f"train {train_acc:.3f} / test {test_acc:.3f} "
                f"(course {COURSE[name][0]:.3f} / {COURSE[name][1]:.3f})")
        models[name] = model

    ## Plots: the cost of each start, and the boundaries they end with
    plots.learning_curves(curves, ctx.path("learning_curves.png"), metrics=("loss", "accuracy"),
                          xlabel="iteration", x_scale=log_every, logy=False,
                          title="Circles, [2, 10, 5, 1]: cost per gradient-descent iteration")
    plots.decision_boundaries({TITLES[n]: m for n, m in models.items()}, ds.x_train, ds.y_train,
                              ctx.path("decision_boundaries.png"), columns=3,
                              title="Decision boundary by initialization (training points)")

    ctx.export(models["he"], ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=15_000, fast_epochs=150,
                epochs_help="gradient-descent iterations (full batch)",
                keys=tuple(f"{n}_{s}_accuracy" for n in COURSE for s in ("train", "test")))

if __name__ == "__main__":
    LESSON.cli()
