"""Regularization: none, L2 and inverted dropout on a network that overfits (Course 2, week 1).

A [2, 20, 3, 1] network (ReLU, ReLU, sigmoid) trained long enough on a few hundred noisy points
fits the noise: it carves small islands around mislabelled training points, so it is better on
the training set than on new points (high variance). The course tries two cures:

- L2 regularization ("weight decay"): add λ/(2m) · Σ_l ‖W[l]‖²_F to the cost, so backprop adds
  (λ/m)·W[l] to every dW[l] and each step shrinks the weights. Small weights make each unit
  nearly linear around 0, so the boundary is smoother. The course uses λ = 0.7. In Keras this is
  ``keras.regularizers.L2(λ/(2m))`` with m the training-set size, because Keras adds the penalty
  to the MEAN loss; ``tfcourse.regularizers.L2(0.7, m)`` takes the course's λ and does the
  conversion (0.7/422 ≈ 0.00166 here).
- Inverted dropout: at each training step drop every hidden unit of layers 1 and 2 with
  probability 1 − keep_prob and divide the survivors by keep_prob (keep_prob = 0.86), so no
  unit can rely on any one input; at test time the network is used whole, with no scaling.
  ``tfcourse.layers.InvertedDropout(rate=0.14)``.

The course's table (full-batch gradient descent, learning rate 0.3, 30 000 iterations,
weights W = randn/√n_prev, i.e. ``tfcourse.initializers.Xavier``): none 94.8 % train / 91.5 %
test; L2 93.8 / 93.0; dropout 92.9 / 95.0. Regularization gives up a little training accuracy
for test accuracy: the train–test gap narrows.

Data: the course's "French football" set (211 train / 200 test positions where the ball was
headed by one team or the other) cannot be had offline. ``tfcourse.data.load_football`` is the
stand-in: 211 / 200 points in [-0.75, 0.75]², a smooth sine boundary, 3 % flipped labels, and
in the training set four tight knots of points labelled as the wrong side (like the course's
data, where a few of one team's points sit deep in the other's half). An unregularized network of
this size carves islands around the knots; the regularized ones keep the smooth boundary.

Outputs: ``learning_curves.png``, ``decision_boundaries.png`` (the three boundaries side by
side: islands vs smooth), ``accuracy.png`` (train and test bars, measured vs course),
``results.json``, TensorBoard logs, and the dropout model exported to
``saved_models/c2w1_regularization/`` (dropout is inactive at inference, so the export is the
plain network).
"""
import keras

from tfcourse import data, initializers, plots
from tfcourse.layers import InvertedDropout
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy
from tfcourse.regularizers import L2
from tfcourse.training import fit_steps

LEARNING_RATE = 0.3  # the course's rate for full-batch gradient descent
LAMBD = 0.7  # the course's λ of the L2 penalty λ/(2m)·Σ‖W‖²
KEEP_PROB = 0.86  # the course's keep_prob for hidden layers 1 and 2
COURSE = {"none": (0.948, 0.915), "l2": (0.938, 0.930), "dropout": (0.929, 0.950)}
TITLES = {"none": "no regularization", "l2": f"L2, λ = {LAMBD}",
          "dropout": f"inverted dropout, keep_prob = {KEEP_PROB}"}


def network(kind, m, seed):
    """[2, 20, 3, 1] with the course's regularization ``kind``: none, l2 or dropout."""
    reg = L2(LAMBD, m) if kind == "l2" else None

    def dense(units, activation, name, i):
        return keras.layers.Dense(units, activation=activation, name=name,
                                  kernel_initializer=initializers.Xavier(seed + i),
                                  kernel_regularizer=reg)

    layers = [keras.Input((2,)), dense(20, "relu", "hidden_1", 0)]
    if kind == "dropout":
        layers.append(InvertedDropout(1 - KEEP_PROB, seed=seed + 10, name="dropout_1"))
    layers.append(dense(3, "relu", "hidden_2", 1))
    if kind == "dropout":
        layers.append(InvertedDropout(1 - KEEP_PROB, seed=seed + 11, name="dropout_2"))
    layers.append(dense(1, "sigmoid", "output", 2))
    model = keras.Sequential(layers, name=f"reg_{kind}")
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def run(ctx):
    ds = data.load_football()
    ctx.log(ds.summary() + f" ({ds.description})")
    m = len(ds.x_train)
    steps, log_every = ctx.epochs, max(1, ctx.epochs // 150)

    ## Train the same network three ways
    models, curves = {}, {}
    for kind in COURSE:
        ctx.section(TITLES[kind])
        model = network(kind, m, ctx.seed)
        history = fit_steps(model, ds.x_train, ds.y_train, steps, log_every=log_every,
                            validation_data=(ds.x_test, ds.y_test),
                            callbacks=ctx.callbacks(kind))
        curves[TITLES[kind]] = history.history
        train_acc = accuracy(model, ds.x_train, ds.y_train)
        test_acc = accuracy(model, ds.x_test, ds.y_test)
        ctx.record(f"{kind}_train_accuracy", train_acc, course=COURSE[kind][0])
        ctx.record(f"{kind}_test_accuracy", test_acc, course=COURSE[kind][1])
        ctx.log(f"train {train_acc:.3f} / test {test_acc:.3f}, gap {train_acc - test_acc:+.3f} "
                f"(course {COURSE[kind][0]:.3f} / {COURSE[kind][1]:.3f})")
        models[kind] = model

    ## Plots: the boundaries (islands vs smooth) and the table as bars
    plots.learning_curves(curves, ctx.path("learning_curves.png"), metrics=("loss", "accuracy"),
                          xlabel="iteration", x_scale=log_every,
                          title="[2, 20, 3, 1], football stand-in: train (solid), test (dashed)",
                          val_label="test")
    plots.decision_boundaries({TITLES[k]: mdl for k, mdl in models.items()}, ds.x_train,
                              ds.y_train, ctx.path("decision_boundaries.png"), columns=3,
                              title="Decision boundary by regularization (training points)")
    values, reference = {}, {}
    for kind in COURSE:
        for i, split in enumerate(("train", "test")):
            label = f"{kind} {split}"
            values[label] = ctx.results[f"{kind}_{split}_accuracy"]
            reference[label] = COURSE[kind][i]
    plots.bars(values, ctx.path("accuracy.png"), ylabel="accuracy", reference=reference,
               title="Regularization: measured vs course")

    ctx.export(models["dropout"], ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=30_000, fast_epochs=150,
                epochs_help="gradient-descent iterations (full batch)",
                keys=tuple(f"{k}_{s}_accuracy" for k in COURSE for s in ("train", "test")))

if __name__ == "__main__":
    LESSON.cli()
