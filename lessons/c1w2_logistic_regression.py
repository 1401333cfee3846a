"""Logistic regression as a one-neuron network, from scratch and in Keras (Course 1, week 2).

The course's first programming assignment builds an image classifier out of a single neuron.
An image is unrolled into a vector x of n_x pixels ("image to vector"), and the neuron computes

    ŷ = a = σ(wᵀx + b),   σ(z) = 1 / (1 + e^(−z)).

In the course's layout, the m training examples are the columns of X (n_x × m), so the whole
forward pass is one vectorized line, and so is the backward pass:

    A  = σ(wᵀX + b)                                   (1 × m)
    J  = −(1/m) Σ [ y·log a + (1 − y)·log(1 − a) ]     (the cross-entropy cost)
    dw = ∂J/∂w = (1/m) X (A − Y)ᵀ                      (n_x × 1)
    db = ∂J/∂b = (1/m) Σ (a − y)
    w := w − α·dw,   b := b − α·db                      (gradient descent)

The lesson writes this twice:

1. From scratch: ``propagate`` is the forward and backward formulas above on ``tf.Variable``s,
   and ``optimize`` is the explicit gradient-descent loop (the loop is the teaching here, so it
   is written out; every later lesson uses ``model.fit``). The hand-derived gradients are checked
   against ``tf.GradientTape`` (automatic differentiation) at a random point, in float64.
2. In Keras: ``Dense(1, activation="sigmoid")`` with the ``binary_crossentropy`` loss and plain
   ``SGD``, trained full-batch with the same learning rate, number of steps and zero
   initialization. It performs the same updates, so its weights end up equal to the scratch
   model's (the lesson reports the largest difference).

3. Side by side: the course's own NumPy functions (``tfcourse.scratch.logistic.model``, the
   assignment's code, float64) and a fresh Keras ``Dense(1, sigmoid)`` (float32) from the same
   zero weights on the same data: the same cost curve (the cost every 100 iterations, both on
   one plot; ``max_cost_curve_gap`` is the largest difference, float32 round-off), the same
   accuracy, and the wall time each took (``scratch_seconds``, ``keras_seconds``: measured,
   so not fixed by ``--seed``; they go to ``timings.json`` and the report page, not to
   ``results.json``).

Then the assignment's learning-rate experiment: 0.01, 0.001 and 0.0001 for 1 500 iterations
(three quarters of the main run's budget, as in the course), all cost curves on one plot. Too
small a rate barely moves from J = log 2 ≈ 0.693 (the cost of w = 0, b = 0); a larger one
fits the training set faster, and train accuracy running ahead of test accuracy is the first
sight of overfitting.

Data (``--data``): the course's cat/non-cat pictures (209 train / 50 test, 64×64×3) cannot be
downloaded, so the default is scikit-learn's 8×8 digits as "3 against the rest", balanced 50/50
(the same kind of task: a small set of images, one class against everything else), split
60/20/20 (the dev split is not used here). With the course's files, ``--data cat --data-path
DIR`` (the folder holding ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``) reproduces the
assignment; ``--data mnist`` and ``--data cifar10_cat`` use Keras's downloads (or a local copy
with ``--data-path``). Pixels are scaled to [0, 1], as the course divides by 255. On 64 digit
pixels a step of α = 0.005 moves wᵀx far less than on 12 288 cat pixels, so expect the digits'
figures to differ from the course's; the ordering of the sweep is what carries over.

Outputs: ``cost_curves.png`` (scratch vs Keras at α = 0.005), ``side_by_side.png`` (NumPy
``tfcourse.scratch`` vs Keras), ``learning_rate_sweep.png``,
``results.json`` (accuracies as fractions; the course column is the cat data's), TensorBoard
logs of the Keras model and the Keras model exported to ``saved_models/c1w2_logistic_regression/``.
"""
import time

import keras
import numpy as np
import tensorflow as tf

from tfcourse import data, plots
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy
from tfcourse.scratch import logistic
from tfcourse.scratch.bridge import fit_recording_cost, max_curve_gap
from tfcourse.training import fit_steps, log_interval

LEARNING_RATE = 0.005  # the course's rate for the main run (2 000 iterations)
SWEEP_RATES = (0.01, 0.001, 0.0001)
SWEEP_SHARE = 0.75  # the course's sweep runs 1 500 of the main run's 2 000 iterations
COURSE = {"train_accuracy": 0.99, "test_accuracy": 0.70, "initial_cost": 0.693,
          0.01: (0.995, 0.68), 0.001: (0.89, 0.64), 0.0001: (0.684, 0.36)}


## The scratch model, in the course's layout: examples are columns

def initialize_with_zeros(n_x, dtype="float32"):
    """w = 0 (n_x × 1), b = 0: zeros are fine for logistic regression (there is no symmetry to
    break with a single neuron)."""
    w = tf.Variable(tf.zeros((n_x, 1), dtype), name="w")
    b = tf.Variable(tf.zeros((), dtype), name="b")
    return w, b


def propagate(w, b, X, Y):
    """Forward and backward pass: returns the cost J and the gradients dw, db.

    X: (n_x, m) examples as columns; Y: (1, m) labels in {0, 1}; w: (n_x, 1); b: scalar.
    """
    m = tf.cast(tf.shape(X)[1], X.dtype)
    A = tf.sigmoid(tf.matmul(w, X, transpose_a=True) + b)  # (1, m)
    cost = -tf.reduce_sum(Y * tf.math.log(A) + (1 - Y) * tf.math.log(1 - A)) / m
    dw = tf.matmul(X, A - Y, transpose_b=True) / m  # (n_x, 1) = X (A − Y)ᵀ / m
    db = tf.reduce_sum(A - Y) / m
    return cost, dw, db


@tf.function
def gradient_descent_step(w, b, X, Y, learning_rate):
    """One update w := w − α·dw, b := b − α·db; returns the cost before the update."""
    cost, dw, db = propagate(w, b, X, Y)
    w.assign_sub(learning_rate * dw)
    b.assign_sub(learning_rate * db)
    return cost


def optimize(X, Y, num_iterations, learning_rate, record_every, progress=None):
    """Gradient descent from w = 0, b = 0; returns (w, b, costs).

    ``costs[k]`` is the cost at iteration (k + 1)·record_every − 1 (the course prints it every
    100 iterations). ``progress`` (a ``ctx.progress`` bar) is moved at each recorded cost.
    """
    w, b = initialize_with_zeros(X.shape[0])
    lr = tf.constant(learning_rate, X.dtype)
    costs = []
    for i in range(num_iterations):
        cost = gradient_descent_step(w, b, X, Y, lr)
        if (i + 1) % record_every == 0:
            costs.append(float(cost))
            if progress is not None:
                progress.update(i + 1, loss=costs[-1])
    if progress is not None:
        progress.update(num_iterations)
        progress.close()
    return w, b, costs


def predict(w, b, X):
    """Labels 1 where σ(wᵀX + b) > 0.5; shape (1, m)."""
    return tf.cast(tf.sigmoid(tf.matmul(w, X, transpose_a=True) + b) > 0.5, X.dtype)


def check_gradients(X, Y, seed):
    """Largest |hand-derived − GradientTape| gradient entry, at a random (w, b), in float64.

    float64 keeps rounding out of the comparison: the two agree to ~1e-16 when the formulas are
    right, and a wrong formula (a missing 1/m, a transposed product) shows up as O(1e-2).
    """
    rng = np.random.RandomState(seed)
    X, Y = tf.cast(X, "float64"), tf.cast(Y, "float64")
    w = tf.Variable(rng.randn(X.shape[0], 1) * 0.5)
    b = tf.Variable(0.1, dtype="float64")
    with tf.GradientTape() as tape:
        cost, dw, db = propagate(w, b, X, Y)
    tape_dw, tape_db = tape.gradient(cost, [w, b])
    return max(float(tf.reduce_max(tf.abs(dw - tape_dw))), float(tf.abs(db - tape_db)))


## The same neuron in Keras

def keras_logistic_regression(n_x, learning_rate):
    """Dense(1, sigmoid) from zeros, binary cross-entropy, plain SGD: the scratch updates."""
    model = keras.Sequential([
        keras.Input((n_x,)),
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer="zeros", name="neuron"),
    ], name="logistic_regression")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def run(ctx):
    ds = data.load_binary_images(ctx.data, ctx.data_path, seed=ctx.seed)
    ctx.log(ds.summary() + f"; classes {ds.classes}; "
            f"{ds.y_train.mean():.0%} of the training labels are 1")
    # The course's layout: X is (n_x, m), one example per column; Y is (1, m).
    X_train, Y_train = tf.constant(ds.x_train.T), tf.constant(ds.y_train[None, :], "float32")
    X_test, Y_test = tf.constant(ds.x_test.T), tf.constant(ds.y_test[None, :], "float32")
    iterations = ctx.epochs
    every = log_interval(iterations)

    ## Are the hand-derived gradients right?
    ctx.section("Gradient check: dw = X(A − Y)ᵀ/m, db = mean(A − Y) against tf.GradientTape")
    difference = check_gradients(X_train, Y_train, ctx.seed)
    ctx.record("max_gradient_difference", difference)
    ctx.log(f"largest difference {difference:.3e} (a wrong formula gives differences of order "
            f"1e-2 or more)")

    ## From scratch: gradient descent with the course's learning rate
    ctx.section(f"From scratch: {iterations} iterations of gradient descent, α = {LEARNING_RATE}")
    w, b, costs = optimize(X_train, Y_train, iterations, LEARNING_RATE, every,
                           ctx.progress("from scratch", iterations))
    ctx.record("initial_cost", float(propagate(*initialize_with_zeros(X_train.shape[0]),
                                               X_train, Y_train)[0]), course=COURSE["initial_cost"])
    ctx.record("final_cost", float(propagate(w, b, X_train, Y_train)[0]))
    ctx.record("train_accuracy", accuracy(lambda X: predict(w, b, X), X_train, Y_train),
               course=COURSE["train_accuracy"])
    ctx.record("test_accuracy", accuracy(lambda X: predict(w, b, X), X_test, Y_test),
               course=COURSE["test_accuracy"])
    ctx.log(f"cost {ctx.results['initial_cost']:.3f} -> {ctx.results['final_cost']:.3f}; "
            f"train accuracy {ctx.results['train_accuracy']:.3f}, "
            f"test accuracy {ctx.results['test_accuracy']:.3f}")

    ## The same neuron in Keras
    ctx.section("Keras: Dense(1, sigmoid), binary cross-entropy, SGD, full batch")
    model = keras_logistic_regression(ds.x_train.shape[1], LEARNING_RATE)
    history = fit_steps(model, ds.x_train, ds.y_train, iterations, log_every=every,
                        callbacks=ctx.callbacks("keras"))
    ctx.record("keras_train_accuracy", accuracy(model, ds.x_train, ds.y_train))
    ctx.record("keras_test_accuracy", accuracy(model, ds.x_test, ds.y_test))
    kernel, bias = model.get_layer("neuron").get_weights()
    difference = float(max(np.max(np.abs(kernel - w.numpy())), np.max(np.abs(bias - b.numpy()))))
    ctx.record("keras_vs_scratch_weight_difference", difference)
    ctx.log(f"test accuracy {ctx.results['keras_test_accuracy']:.3f}; largest difference from "
            f"the scratch weights {difference:.2e}")

    ## Side by side: the course's NumPy code and Keras, from the same zero weights
    ctx.section("Side by side: tfcourse.scratch.logistic.model (NumPy) and Keras, same data, "
                "same start")
    X64, Y64 = ds.x_train.T.astype("float64"), ds.y_train[None, :]
    start = time.perf_counter()
    d = logistic.model(X64, Y64, ds.x_test.T.astype("float64"), ds.y_test[None, :],
                       num_iterations=iterations, learning_rate=LEARNING_RATE)
    ctx.timing("scratch_seconds", time.perf_counter() - start)
    twin = keras_logistic_regression(ds.x_train.shape[1], LEARNING_RATE)
    keras_costs, keras_seconds, _ = fit_recording_cost(twin, X64, Y64, iterations,
                                                       callbacks=ctx.callbacks("side_by_side"))
    ctx.timing("keras_seconds", keras_seconds)
    ctx.record("scratch_train_accuracy", float(np.mean(d["Y_prediction_train"] == Y64)))
    ctx.record("scratch_test_accuracy",
               float(np.mean(d["Y_prediction_test"] == ds.y_test[None, :])))
    ctx.record("side_by_side_keras_test_accuracy", accuracy(twin, ds.x_test, ds.y_test))
    ctx.record("max_cost_curve_gap", max_curve_gap(d["costs"], keras_costs))
    ctx.log(f"NumPy: train {ctx.results['scratch_train_accuracy']:.3f}, test "
            f"{ctx.results['scratch_test_accuracy']:.3f} in {ctx.timings['scratch_seconds']:.2f} s;"
            f" Keras: test {ctx.results['side_by_side_keras_test_accuracy']:.3f} in "
            f"{keras_seconds:.2f} s; cost curves at most "
            f"{ctx.results['max_cost_curve_gap']:.1e} apart")

    ## The learning-rate sweep
    sweep_iterations = max(1, round(SWEEP_SHARE * iterations))
    ctx.section(f"Learning rates {', '.join(map(str, SWEEP_RATES))}: {sweep_iterations} iterations")
    sweep = {}
    for lr in SWEEP_RATES:
        w_lr, b_lr, costs_lr = optimize(X_train, Y_train, sweep_iterations, lr, every,
                                        ctx.progress(f"α = {lr}", sweep_iterations))
        sweep[f"α = {lr}"] = {"loss": costs_lr}
        course_train, course_test = COURSE[lr]
        ctx.record(f"lr_{lr}_train_accuracy",
                   accuracy(lambda X: predict(w_lr, b_lr, X), X_train, Y_train),
                   course=course_train)
        ctx.record(f"lr_{lr}_test_accuracy",
                   accuracy(lambda X: predict(w_lr, b_lr, X), X_test, Y_test),
                   course=course_test)
        ctx.log(f"α = {lr:<6}: final cost {costs_lr[-1] if costs_lr else float('nan'):.3f}, "
                f"train {ctx.results[f'lr_{lr}_train_accuracy']:.3f}, "
                f"test {ctx.results[f'lr_{lr}_test_accuracy']:.3f}")

    ## Plots
    plots.learning_curves({"from scratch": {"loss": costs},
                           "Keras Dense(1, sigmoid)": {"loss": history.history["loss"]}},
                          ctx.path("cost_curves.png"), xlabel="iteration", x_scale=every,
                          title=f"{ds.name}: cost per iteration, α = {LEARNING_RATE}")
    plots.side_by_side_costs({"tfcourse.scratch (NumPy, float64)": d["costs"],
                              "Keras Dense(1, sigmoid) (float32)": keras_costs},
                             ctx.path("side_by_side.png"), every=100,
                             title=f"{ds.name}: the course's NumPy code and Keras, same start")
    plots.learning_curves(sweep, ctx.path("learning_rate_sweep.png"), xlabel="iteration",
                          x_scale=every, title=f"{ds.name}: cost for three learning rates")

    ctx.export(model, ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=2000, fast_epochs=100,
                data=data.BINARY_IMAGE_SETS,
                epochs_help="gradient-descent iterations (full batch)",
                keys=("train_accuracy", "test_accuracy", "keras_test_accuracy",
                      "max_gradient_difference", "scratch_train_accuracy", "max_cost_curve_gap",
                      *(f"lr_{lr}_test_accuracy" for lr in SWEEP_RATES)))

if __name__ == "__main__":
    LESSON.cli()
