"""Planar data classification with one hidden layer (Course 1, week 3).

The "flower" is 400 points in the plane, two classes wound around each other in petals. It is
the course's first example of a problem that a linear classifier cannot solve:

- Logistic regression draws one straight line, ŷ = σ(w·x + b). On the flower it does barely
  better than a coin: the course gets 47 %.
- One hidden layer of n_h tanh units, then a sigmoid:
      A1 = tanh(W1·x + b1),   ŷ = σ(W2·A1 + b2),
  trained on the cross-entropy cost J = −(1/m) Σ [y·log ŷ + (1 − y)·log(1 − ŷ)] by full-batch
  gradient descent (learning rate 1.2, 10 000 iterations, as in the course). With n_h = 4 the
  course reaches about 90 %.

Then the two experiments of the assignment:

- Hidden-layer size, 1 to 50 units. Too few units underfit (one or two lines are not enough);
  from 3 units on the petals are found; large layers fit the noise a little more (the course:
  "the larger models overfit", and regularization is how to use them anyway — Course 2).
- Activation functions: sigmoid, tanh, ReLU and leaky ReLU in the hidden layer (the lecture's
  "why non-linear activations"). A linear hidden layer would collapse back to logistic regression.
  With only 4 units and the course's large rate, ReLU and leaky ReLU do markedly worse here than
  tanh and sigmoid: the petals are wedges through the origin, which tanh units (odd, symmetric)
  carve with four lines, while a ReLU unit is flat on half the plane and the fit settles on a
  polygon. The activation that wins depends on the problem; tanh suits this one.

A learner's question, beyond the course: "can one layer mix activation functions?" Yes: an
activation acts unit by unit, so half of the 4 hidden units can be tanh and half ReLU
(``tfcourse.layers.MixedActivationDense``: one Z = W·x + b, then tanh on units 1-2 and ReLU on
units 3-4). Trained the same way (rate 1.2, a shorter budget of at most 500 iterations) from
several initializations (the same ones for the three layers at each seed), the mixed layer lands
between the two pure ones: well above pure ReLU, a few points below pure tanh. Two tanh units
carve two petal lines and the ReLU units add wedges; nothing is gained over tanh alone here, and
mixing is rare in practice, but it is legitimate.

Side by side (the last section): the course's own NumPy code, ``tfcourse.scratch.planar.
nn_model`` (the assignment's functions, float64, its seeding: np.random.seed(3) and
0.01·randn weights), and a Keras [2, 4, 1] network started from *those* weights
(``keras_mlp``: the Keras kernel is Wᵀ), same data, rate and iterations: the same cost curve
(``max_cost_curve_gap``: the largest difference of the cost every 100 iterations, float32
round-off amplified by 10 000 steps), the same accuracy (the course's 90.5 %), and the wall
time each took (``scratch_seconds``, ``keras_seconds``: measured, so in ``timings.json`` and the
report page, not in ``results.json``). The NumPy run needs nothing from Keras, so it starts at
the beginning in a helper process (``tfcourse.background``) on the core the Keras trainings
leave idle; its time is that of the call alone, and its result is the in-process one.

Data: the flower is generated with the course's own formula and seed, so the points are the
course's points (see ``tfcourse.data.flower``). Like the course, accuracies are on the 400
training points; the lesson also reports a fresh draw of 400 points (seed 2) as a held-out check.
Keras initializes with Glorot-uniform rather than the course's 0.01·randn, so individual figures
differ from the course's by a few points; the shape of the table is the same.

Outputs: ``learning_curves.png`` (cost per iteration for each hidden size),
``decision_boundaries.png``, ``activations.png``, ``hidden_size_sweep.png`` (measured vs course),
``mixed_activations.png`` (mixed vs pure hidden layers, mean over seeds), ``side_by_side.png``
(the NumPy and Keras cost curves),
``results.json``, TensorBoard logs, and the n_h = 4 model exported to
``saved_models/c1w3_planar_data/``.
"""

import keras
import numpy as np

from tfcourse import background, data, plots
from tfcourse.layers import MixedActivationDense
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy
from tfcourse.scratch import planar
from tfcourse.scratch.bridge import fit_recording_cost, keras_mlp, max_curve_gap
from tfcourse.training import fit_steps, log_interval

LEARNING_RATE = 1.2  # the course's rate for full-batch gradient descent
HIDDEN_SIZES = (1, 2, 3, 4, 5, 20, 50)
COURSE_HIDDEN = {1: 0.675, 2: 0.673, 3: 0.908, 4: 0.905, 5: 0.913, 20: 0.90, 50: 0.908}
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
# the mixed-activation section: 4 units each, several initializations, a short budget
MIX_VARIANTS = {"mixed": ("tanh", "relu"), "tanh": ("tanh",), "relu": ("relu",)}
MIX_SEEDS, MIX_STEPS = 4, 500
MIX_KEYS = tuple(f"{kind}_accuracy_mean" for kind in MIX_VARIANTS)


def one_hidden_layer(n_h, activation="tanh"):
    """[2, n_h, 1]: n_h hidden units, a sigmoid output; n_h = 0 is logistic regression."""
    layers = [keras.Input((2,))]
    if n_h:
        layers.append(keras.layers.Dense(n_h, activation=activation, name="hidden"))
    layers.append(keras.layers.Dense(1, activation="sigmoid", name="output"))
    model = keras.Sequential(layers, name=f"hidden_{n_h}_{activation}" if n_h else "logreg")
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def run(ctx):
    ds = data.load_flower()
    ctx.log(ds.summary())
    steps, log_every = ctx.epochs, log_interval(ctx.epochs)  # 50 points: every 200 iterations
    # The course's NumPy network (the side-by-side section), in a helper process meanwhile.
    X64, Y64 = ds.x_train.T.astype("float64"), ds.y_train[None, :].astype("float64")
    numpy_run = background.call(planar.nn_model, X64, Y64, 4, steps, return_costs=True)

    def train(model, run_name):
        history = fit_steps(model, ds.x_train, ds.y_train, steps, log_every=log_every,
                            callbacks=ctx.callbacks(run_name))
        return history.history

    ## Logistic regression: one straight line
    ctx.section("Logistic regression")
    logreg = one_hidden_layer(0)
    curves = {"logistic regression": train(logreg, "logreg")}
    ctx.record("logreg_accuracy", accuracy(logreg, ds.x_train, ds.y_train), course=0.47)
    ctx.record("logreg_heldout_accuracy", accuracy(logreg, ds.x_test, ds.y_test))
    ctx.log(f"train accuracy {ctx.results['logreg_accuracy']:.3f}")

    ## One hidden layer, and how many units it needs
    ctx.section("One tanh hidden layer: sizes " + ", ".join(map(str, HIDDEN_SIZES)))
    models = {}
    for n_h in HIDDEN_SIZES:
        model = one_hidden_layer(n_h)
        curves[f"n_h = {n_h}"] = train(model, f"hidden_{n_h}")
        acc = accuracy(model, ds.x_train, ds.y_train)
        ctx.record(f"hidden_{n_h}_accuracy", acc, course=COURSE_HIDDEN[n_h])
        ctx.log(f"n_h = {n_h:>2}: train accuracy {acc:.3f} (course {COURSE_HIDDEN[n_h]:.3f})")
        models[n_h] = model
    ctx.record("hidden_4_heldout_accuracy", accuracy(models[4], ds.x_test, ds.y_test))
    plots.learning_curves(curves, ctx.path("learning_curves.png"), metrics=("loss", "accuracy"),
                          xlabel="iteration", x_scale=log_every,
                          title="Flower: cost and accuracy per gradient-descent iteration")
    boundaries = {"logistic regression": logreg}
    boundaries.update({f"n_h = {n}": models[n] for n in HIDDEN_SIZES})
    plots.decision_boundaries(boundaries, ds.x_train, ds.y_train,
                              ctx.path("decision_boundaries.png"),
                              title="Decision boundary by hidden-layer size")
    plots.bars({f"n_h={n}": ctx.results[f"hidden_{n}_accuracy"] for n in HIDDEN_SIZES},
               ctx.path("hidden_size_sweep.png"), ylabel="train accuracy",
               reference={f"n_h={n}": COURSE_HIDDEN[n] for n in HIDDEN_SIZES},
               title="Hidden-layer size sweep: measured vs course")

    ## Which non-linearity in the hidden layer
    ctx.section("Activation functions (n_h = 4)")
    by_activation = {}
    for name in ACTIVATIONS:
        model = models[4] if name == "tanh" else one_hidden_layer(4, name)
        if name != "tanh":
            train(model, f"activation_{name}")
        acc = accuracy(model, ds.x_train, ds.y_train)
        ctx.record(f"activation_{name}_accuracy", acc)
        ctx.log(f"{name:>10}: train accuracy {acc:.3f}")
        by_activation[name] = model
    plots.decision_boundaries(by_activation, ds.x_train, ds.y_train, ctx.path("activations.png"),
                              title="Hidden-layer activation, n_h = 4")

    ## A learner's question: one hidden layer with tanh and ReLU units mixed
    # (self-contained block: MixedActivationDense against pure tanh and pure ReLU, 4 units)
    mix_steps = min(steps, MIX_STEPS)
    ctx.section(f"Mixed tanh/ReLU hidden layer (4 units, {MIX_SEEDS} seeds, {mix_steps} "
                f"iterations)")
    def mixed(activations, init_seed):
        glorot = keras.initializers.GlorotUniform  # the same weights for the 3 variants
        return keras.Sequential([
            keras.Input((2,)),
            MixedActivationDense(4, activations, name="hidden",
                                 kernel_initializer=glorot(init_seed)),
            keras.layers.Dense(1, activation="sigmoid", name="output",
                               kernel_initializer=glorot(init_seed + 500))])

    mix_accuracy = {kind: [] for kind in MIX_VARIANTS}
    mix_models = {}  # one compiled model per variant, restarted from each seed's weights
    for k in range(MIX_SEEDS):
        init_seed = 1000 * ctx.seed + k
        for kind, activations in MIX_VARIANTS.items():
            if kind not in mix_models:
                mix_models[kind] = model = mixed(activations, init_seed)
                model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE),
                              loss="binary_crossentropy")
            else:  # plain SGD keeps no state but its step count: new weights are a new start
                model = mix_models[kind]
                model.set_weights(mixed(activations, init_seed).get_weights())
            fit_steps(model, ds.x_train, ds.y_train, mix_steps, log_every=mix_steps,
                      callbacks=ctx.callbacks(f"mixed_{kind}_seed{k}"))
            mix_accuracy[kind].append(accuracy(model, ds.x_train, ds.y_train))
    for kind, accs in mix_accuracy.items():
        ctx.record(f"{kind}_accuracy_mean", sum(accs) / len(accs))
        ctx.record(f"{kind}_accuracy_min", min(accs))
        ctx.log(f"{'/'.join(MIX_VARIANTS[kind]):>9}: train accuracy by seed "
                + ", ".join(f"{a:.3f}" for a in accs))
    plots.bars({f"{kind} {'/'.join(MIX_VARIANTS[kind])}": ctx.results[f"{kind}_accuracy_mean"]
                for kind in MIX_VARIANTS}, ctx.path("mixed_activations.png"),
               ylabel=f"train accuracy, mean of {MIX_SEEDS} seeds",
               title="Flower, 4 hidden units: mixed tanh/ReLU against pure layers")
    plots.decision_boundaries({f"{kind}: {'/'.join(MIX_VARIANTS[kind])}": m
                               for kind, m in mix_models.items()}, ds.x_train, ds.y_train,
                              ctx.path("mixed_boundaries.png"),
                              title=f"Mixed and pure hidden layers (the last of {MIX_SEEDS} starts)")

    ## Side by side: the course's own NumPy network and Keras, from the same weights
    ctx.section("Side by side: tfcourse.scratch.planar.nn_model (NumPy) and Keras [2, 4, 1], "
                "same initial weights")
    (parameters, scratch_costs), scratch_seconds = numpy_run.result()
    ctx.timing("scratch_seconds", scratch_seconds)
    np.random.seed(3)  # nn_model's own seeding: the weights it started from
    twin = keras_mlp(planar.initialize_parameters(2, 4, 1), ("tanh", "sigmoid"), dtype="float32")
    twin.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="binary_crossentropy")
    keras_costs, keras_seconds, _ = fit_recording_cost(twin, X64, Y64, steps,
                                                       callbacks=ctx.callbacks("side_by_side"))
    ctx.timing("keras_seconds", keras_seconds)
    scratch_predictions = planar.predict(parameters, X64)
    ctx.record("scratch_accuracy", float(np.mean(scratch_predictions == Y64)), course=0.905)
    ctx.record("side_by_side_keras_accuracy", accuracy(twin, ds.x_train, ds.y_train))
    ctx.record("max_cost_curve_gap", max_curve_gap(scratch_costs, keras_costs))
    ctx.log(f"NumPy: train accuracy {ctx.results['scratch_accuracy']:.3f} in "
            f"{ctx.timings['scratch_seconds']:.2f} s; Keras: "
            f"{ctx.results['side_by_side_keras_accuracy']:.3f} in {keras_seconds:.2f} s; cost "
            f"curves at most {ctx.results['max_cost_curve_gap']:.1e} apart")
    plots.side_by_side_costs({"tfcourse.scratch (NumPy, float64)": scratch_costs,
                              "Keras (float32)": keras_costs},
                             ctx.path("side_by_side.png"), every=100,
                             title="Flower: nn_model and Keras [2, 4, 1], same start")

    ctx.export(models[4], ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=10_000, fast_epochs=200,
                epochs_help="gradient-descent iterations (full batch)",
                keys=("logreg_accuracy", "hidden_4_accuracy",
                      *(f"hidden_{n}_accuracy" for n in HIDDEN_SIZES),
                      *(f"activation_{a}_accuracy" for a in ACTIVATIONS), *MIX_KEYS))

if __name__ == "__main__":
    LESSON.cli()
