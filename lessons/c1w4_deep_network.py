"""Deep neural network for image classification: 2 layers against L layers (Course 1, week 4).

Week 4 generalizes the one-hidden-layer network to L layers. Each layer l computes

    Z[l] = W[l]·A[l−1] + b[l],   A[l] = g[l](Z[l]),

with g = ReLU in the hidden layers and a sigmoid at the output, and backpropagation runs the same
recurrence backwards (dZ[l] = dA[l] * g'(Z[l]), dW[l] = dZ[l]·A[l−1]ᵀ / m, db[l] = mean(dZ[l]),
dA[l−1] = W[l]ᵀ·dZ[l]). The assignment compares, on the same cat/non-cat task as week 2:

- a 2-layer network [n_x, 7, 1] (LINEAR → RELU → LINEAR → SIGMOID), and
- an L-layer network [n_x, 20, 7, 5, 1] (three ReLU hidden layers),

both trained by full-batch gradient descent on the cross-entropy cost with the course's
learning rate α = 0.0075. The course's punchline: the 2-layer network fits the training set
(100 %) but generalizes worse (72 % test) than the deeper one (98.6 % / 80 %): depth lets the
network build features out of features (edges, then parts, then "cat") with few units per layer.

Here Keras does the forward and backward passes (``Dense`` layers and ``model.fit``); the
recurrence above is what it computes. Weights start with Keras's Glorot-uniform initializer,
close to the course's L-layer initialization W ~ N(0, 1/n_prev) (the course's 2-layer model uses
0.01·N(0, 1)). Gradient descent is full batch (``tfcourse.training.fit_steps``); ``--epochs``
counts its iterations (2 500 as in the course).

Side by side (the last section): the course's own NumPy code, ``tfcourse.scratch.deep.
L_layer_model`` (the assignment's forward, backward and update functions, float64, with its
initialization N(0, 1)/√n_prev from seed 1), and the Keras L-layer network started from *those*
weights (``keras_weights_from_parameters``: the Keras kernel is Wᵀ), on the same data with the
same rate and iterations: the same cost curve (``max_cost_curve_gap``: the largest difference of
the cost every 100 iterations, float32 round-off), the same accuracy, and the wall time each
took (``scratch_seconds``, ``keras_seconds``; measured, so not fixed by ``--seed``: they go to
``timings.json`` and the report page, not to ``results.json``). NumPy wins on a network this small: Keras's per-call overhead dominates.

Data (``--data``): as in the week-2 lesson, the default is scikit-learn's 8×8 digits as "3
against the rest", balanced 50/50 and split 60/20/20, because the course's cat pictures cannot be
downloaded; ``--data cat --data-path DIR`` uses the course's HDF5 files, ``--data mnist`` and
``--data cifar10_cat`` Keras's downloads (or local copies). The digits task is easier than cats
(a logistic regression already does well on it), so both networks score higher than the
course's: the deeper one fits the training set better, but on 72 test images the test gap
between them is one or two images and changes sign with ``--seed``. The course's gap (72 %
against 80 % test) is a result on its cat pictures, where features of features matter more.
Dashed curves are the dev split where the data set has one (digits).

Outputs: ``cost_curves.png`` (cost and accuracy per iteration, both networks),
``side_by_side.png`` (the NumPy L-layer model and Keras from the same weights),
``accuracy.png`` (train and test bars beside the course's), ``results.json``, TensorBoard logs
and the L-layer network exported to ``saved_models/c1w4_deep_network/``.
"""
import time

import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy
from tfcourse.scratch import deep
from tfcourse.scratch.bridge import (fit_recording_cost, keras_weights_from_parameters,
                                     max_curve_gap)
from tfcourse.training import fit_steps, log_interval

LEARNING_RATE = 0.0075  # the course's rate for both networks
TWO_LAYER = (7,)  # [n_x, 7, 1]
DEEP = (20, 7, 5)  # [n_x, 20, 7, 5, 1]
COURSE = {"two_layer_train_accuracy": 1.0, "two_layer_test_accuracy": 0.72,
          "deep_train_accuracy": 0.986, "deep_test_accuracy": 0.80}


def deep_network(n_x, hidden, name):
    """[n_x, *hidden, 1]: ReLU hidden layers, a sigmoid output, full-batch gradient descent."""
    layers = [keras.Input((n_x,))]
    layers += [keras.layers.Dense(n, activation="relu", name=f"layer_{i + 1}")
               for i, n in enumerate(hidden)]
    layers.append(keras.layers.Dense(1, activation="sigmoid", name=f"layer_{len(hidden) + 1}"))
    model = keras.Sequential(layers, name=name)
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def run(ctx):
    ds = data.load_binary_images(ctx.data, ctx.data_path, seed=ctx.seed)
    n_x = ds.x_train.shape[1]
    ctx.log(ds.summary() + f"; classes {ds.classes}")
    steps, every = ctx.epochs, log_interval(ctx.epochs)
    dev = (ds.x_dev, ds.y_dev) if ds.x_dev is not None and len(ds.x_dev) else None

    curves, models = {}, {}
    for key, hidden, label in (("two_layer", TWO_LAYER, "2-layer"), ("deep", DEEP, "L-layer")):
        ## Each network: build, train by gradient descent, measure
        dims = [n_x, *hidden, 1]
        ctx.section(f"{label} network {dims}: {steps} iterations, α = {LEARNING_RATE}")
        model = deep_network(n_x, hidden, name=key)
        history = fit_steps(model, ds.x_train, ds.y_train, steps, log_every=every,
                            validation_data=dev, callbacks=ctx.callbacks(key))
        curves[f"{label} {dims}"] = history.history
        for part, (x, y) in (("train", (ds.x_train, ds.y_train)), ("test", (ds.x_test, ds.y_test))):
            name = f"{key}_{part}_accuracy"
            ctx.record(name, accuracy(model, x, y), course=COURSE[name])
        ctx.record(f"{key}_final_cost", history.history["loss"][-1])
        ctx.log(f"cost {history.history['loss'][0]:.3f} -> {history.history['loss'][-1]:.3f}; "
                f"train {ctx.results[f'{key}_train_accuracy']:.3f}, "
                f"test {ctx.results[f'{key}_test_accuracy']:.3f}")
        models[key] = model

    ## Plots
    plots.learning_curves(curves, ctx.path("cost_curves.png"), metrics=("loss", "accuracy"),
                          xlabel="iteration", x_scale=every,
                          title=f"{ds.name}: cost and accuracy per gradient-descent iteration")
    names = [f"{k}_{p}_accuracy" for k in ("two_layer", "deep") for p in ("train", "test")]
    plots.bars({n.replace("_accuracy", ""): ctx.results[n] for n in names},
               ctx.path("accuracy.png"), ylabel="accuracy",
               reference={n.replace("_accuracy", ""): COURSE[n] for n in names},
               title=f"{ds.name}: 2-layer vs L-layer (course: cat/non-cat)")

    ## Side by side: the course's NumPy L-layer model and Keras, from the same weights
    dims = [n_x, *DEEP, 1]
    ctx.section(f"Side by side: tfcourse.scratch.deep.L_layer_model (NumPy) and Keras {dims}, "
                "same initial weights")
    X64, Y64 = ds.x_train.T.astype("float64"), ds.y_train[None, :]
    start = time.perf_counter()
    parameters, scratch_costs = deep.L_layer_model(X64, Y64, dims, LEARNING_RATE, steps)
    ctx.timing("scratch_seconds", time.perf_counter() - start)
    twin = deep_network(n_x, DEEP, name="side_by_side")
    twin.set_weights(keras_weights_from_parameters(deep.initialize_parameters_deep_app(dims)))
    keras_costs, keras_seconds, _ = fit_recording_cost(twin, X64, Y64, steps,
                                                       callbacks=ctx.callbacks("side_by_side"))
    ctx.timing("keras_seconds", keras_seconds)
    for part, (x, y) in (("train", (ds.x_train, ds.y_train)), ("test", (ds.x_test, ds.y_test))):
        p = deep.predict(x.T.astype("float64"), y[None, :], parameters, print_accuracy=False)
        ctx.record(f"scratch_{part}_accuracy", float(np.mean(p == y[None, :])))
        ctx.record(f"side_by_side_keras_{part}_accuracy", accuracy(twin, x, y))
    ctx.record("max_cost_curve_gap", max_curve_gap(scratch_costs, keras_costs))
    ctx.log(f"NumPy: train {ctx.results['scratch_train_accuracy']:.3f}, test "
            f"{ctx.results['scratch_test_accuracy']:.3f} in {ctx.timings['scratch_seconds']:.2f} s;"
            f" Keras: train {ctx.results['side_by_side_keras_train_accuracy']:.3f}, test "
            f"{ctx.results['side_by_side_keras_test_accuracy']:.3f} in {keras_seconds:.2f} s; "
            f"cost curves at most {ctx.results['max_cost_curve_gap']:.1e} apart")
    plots.side_by_side_costs({"tfcourse.scratch (NumPy, float64)": scratch_costs,
                              "Keras (float32)": keras_costs},
                             ctx.path("side_by_side.png"), every=100,
                             title=f"{ds.name}: L_layer_model and Keras {dims}, same start")

    ctx.export(models["deep"], ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=2500, fast_epochs=100,
                data=data.BINARY_IMAGE_SETS,
                epochs_help="gradient-descent iterations (full batch)",
                keys=(*COURSE, "scratch_train_accuracy", "scratch_test_accuracy",
                      "max_cost_curve_gap"))

if __name__ == "__main__":
    LESSON.cli()
