"""Gradient checking: catch a wrong backprop with two-sided differences (Course 2, week 1).

Backprop can be wrong and still make the cost go down, just worse, so the course checks it
numerically. Put all parameters in one vector θ; for every entry θᵢ compute the two-sided
difference quotient and compare the whole vector with backprop's gradient g::

    g̃ᵢ = (J(θ + ε·eᵢ) − J(θ − ε·eᵢ)) / (2ε),        ε = 1e-7

    difference = ‖g − g̃‖₂ / (‖g‖₂ + ‖g̃‖₂)

Below 2e-7 (the course's threshold) backprop is right; a bug gives something like 1e-3 to 1.
The two-sided form is accurate to O(ε²), the one-sided (J(θ + ε) − J(θ))/ε only to O(ε).
Rules from the lectures: only to debug (it costs two forward passes per parameter); include the
regularization term in J; it does not work with dropout (J is random), so check with dropout
off; look at which parameters disagree to locate the bug.

The course's exercise, reproduced here with NumPy and the course's layout (features × examples):
the network [4, 5, 3, 1] (ReLU, ReLU, sigmoid), 3 examples, parameters from ``np.random.seed(1)``
as in the assignment's test case. ``backward_propagation_n`` is written by hand twice: correctly,
and with the assignment's two planted bugs (dW2 doubled; db1 computed with 4/m instead of 1/m).
``tfcourse.gradcheck.gradient_check(cost, params, gradient=backprop)`` does the check in
float64 and, for the buggy one, names the parameters that disagree.

Why is the correct backprop's difference (the course's 1.19e-7) so close to the threshold? Not
backprop: the cost. The third example has y = 0 and ŷ = 0.9989, and ``log(1 − ŷ)`` computed from
ŷ loses about three of float64's digits, which the difference quotient divides by 2ε. The same
check with the cost written from the logits, log(1 + eᶻ) − y·z, gives about 1e-9.

Then the same architecture as a Keras model with the same weights: ``gradient_check(model, x,
y)`` checks TensorFlow's automatic differentiation. It passes at about 1e-9 — Keras computes the
cross-entropy of a sigmoid output from its logits, the stable form — and a model with dropout is
refused in training mode. The Keras model is trained briefly (``--epochs``,
on data drawn like the test case), checked again at the trained weights, and exported.

Outputs: ``differences.png`` (per-parameter differences, correct vs buggy, log scale),
``learning_curves.png``, ``results.json`` (``difference_correct``, ``difference_buggy`` with the
course's figures), TensorBoard logs, and the Keras model exported to
``saved_models/c2w1_gradient_checking/``.
"""
import keras
import numpy as np

from tfcourse import plots
from tfcourse.gradcheck import THRESHOLD, GradientCheckError, gradient_check
from tfcourse.layers import InvertedDropout
from tfcourse.lesson import Lesson

LAYER_DIMS = (4, 5, 3, 1)  # the course's [4, 5, 3, 1]
NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
BUG_LEVEL = 1e-3  # the course: a difference above 1e-3 is almost certainly a bug


## The course's NumPy network: forward pass, cost, and two hand-written backward passes

def course_test_case():
    """The assignment's ``gradient_check_n_test_case``: x (4, 3), y (1, 3), parameters, seed 1."""
    np.random.seed(1)
    x = np.random.randn(4, 3)
    y = np.array([[1, 1, 0]])
    params = {}
    for l in range(1, 4):
        params[f"W{l}"] = np.random.randn(LAYER_DIMS[l], LAYER_DIMS[l - 1])
        params[f"b{l}"] = np.random.randn(LAYER_DIMS[l], 1)
    return x, y, params


def forward(params, x, y):
    """LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID, and the cross-entropy cost."""
    z1 = params["W1"] @ x + params["b1"]
    a1 = np.maximum(0, z1)
    z2 = params["W2"] @ a1 + params["b2"]
    a2 = np.maximum(0, z2)
    z3 = params["W3"] @ a2 + params["b3"]
    a3 = 1 / (1 + np.exp(-z3))
    m = x.shape[1]
    cost = -np.sum(y * np.log(a3) + (1 - y) * np.log(1 - a3)) / m
    return cost, (z1, a1, z2, a2, a3)


def backward(params, x, y, planted_bugs=False):
    """The course's ``backward_propagation_n``; ``planted_bugs`` puts back its two mistakes."""
    m = x.shape[1]
    _, (z1, a1, z2, a2, a3) = forward(params, x, y)
    dz3 = a3 - y
    g = {"dW3": dz3 @ a2.T / m, "db3": dz3.sum(axis=1, keepdims=True) / m}
    dz2 = (params["W3"].T @ dz3) * (z2 > 0)
    g["dW2"] = dz2 @ a1.T / m * (2 if planted_bugs else 1)  # bug 1: a stray factor 2
    g["db2"] = dz2.sum(axis=1, keepdims=True) / m
    dz1 = (params["W2"].T @ dz2) * (z1 > 0)
    g["dW1"] = dz1 @ x.T / m
    g["db1"] = (4.0 if planted_bugs else 1.0) / m * dz1.sum(axis=1, keepdims=True)  # bug 2: 4/m
    return g


def keras_network(params, dropout=0.0):
    """The same network in Keras (examples × features: each W is transposed)."""
    layers = [keras.Input((LAYER_DIMS[0],))]
    for l, activation in zip((1, 2, 3), ("relu", "relu", "sigmoid")):
        layers.append(keras.layers.Dense(LAYER_DIMS[l], activation=activation, name=f"layer_{l}"))
        if dropout and l < 3:
            layers.append(InvertedDropout(dropout, name=f"dropout_{l}"))
    model = keras.Sequential(layers, name="net_4_5_3_1")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for l, layer in zip((1, 2, 3), dense):
        layer.set_weights([params[f"W{l}"].T, params[f"b{l}"].ravel()])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def run(ctx):
    x, y, params = course_test_case()
    cost = lambda p: forward(p, x, y)[0]  # noqa: E731

    ## Check the correct backward pass
    ctx.section("Hand-written backprop, correct")
    correct = gradient_check(cost, params, gradient=lambda p: backward(p, x, y))
    ctx.log(str(correct))
    ctx.record("difference_correct", correct.difference, course=1.2e-7)
    ctx.record("correct_passes", correct.passed)

    ## Check the backward pass with the course's two planted bugs
    ctx.section("Hand-written backprop, with the two planted bugs")
    buggy = gradient_check(cost, params, gradient=lambda p: backward(p, x, y, planted_bugs=True))
    ctx.log(str(buggy))
    ctx.record("difference_buggy", buggy.difference, course=0.285)
    ctx.record("buggy_caught", not buggy.passed)
    blocks = buggy.by_block()
    culprits = [n for n in NAMES if blocks[n] > BUG_LEVEL]
    ctx.log("parameters that disagree: " + ", ".join(f"{n} ({blocks[n]:.2e})" for n in culprits))
    ctx.record("buggy_parameters", " ".join(culprits))

    ## The same network in Keras: automatic differentiation passes; dropout is refused
    ctx.section("The same network in Keras")
    model = keras_network(params)
    keras_check = gradient_check(model, x.T, y.ravel())
    ctx.log(f"Keras (autodiff): {keras_check}")
    ctx.record("difference_keras", keras_check.difference)
    try:
        gradient_check(keras_network(params, dropout=0.14), x.T, y.ravel())
    except GradientCheckError as exc:
        ctx.log(f"with dropout: refused ({str(exc).split(':', 2)[1].strip()})")

    ## Train it briefly and check again at the trained weights
    ctx.section(f"Train the Keras network ({ctx.epochs} epochs) and check again")
    rng = np.random.RandomState(ctx.seed)
    x_train = rng.randn(512, 4).astype("float32")
    y_train = (x_train[:, 0] * x_train[:, 1] + x_train[:, 2] > 0).astype("float32")
    history = model.fit(x_train, y_train, batch_size=64, epochs=ctx.epochs, verbose=0,
                        callbacks=ctx.callbacks("keras_net"))
    trained = gradient_check(model, x_train[:32], y_train[:32])
    ctx.log(f"after training (loss {history.history['loss'][-1]:.3f}): {trained}")
    ctx.record("difference_keras_trained", trained.difference)

    ## Plots
    _plot_differences({"correct": correct.by_block(), "planted bugs": blocks},
                      ctx.path("differences.png"))
    plots.learning_curves({"[4, 5, 3, 1]": history.history}, ctx.path("learning_curves.png"),
                          metrics=("loss", "accuracy"), title="The Keras network, trained")

    ctx.export(model, x_train[:32])


def _plot_differences(by_run, path):
    # extra code: the figure
    fig, ax = plots.pyplot().subplots(figsize=(7, 4))
    width = 0.8 / len(by_run)
    for i, (label, blocks) in enumerate(by_run.items()):
        values = [max(blocks[n], 1e-16) for n in NAMES]
        ax.bar(np.arange(len(NAMES)) + i * width, values, width, label=label)
    ax.axhline(THRESHOLD, color="C2", linestyle="--", label=f"threshold {THRESHOLD:.0e}")
    ax.axhline(BUG_LEVEL, color="C3", linestyle=":", label=f"bug level {BUG_LEVEL:.0e}")
    ax.set_yscale("log")
    ax.set_xticks(np.arange(len(NAMES)) + width * (len(by_run) - 1) / 2)
    ax.set_xticklabels(NAMES)
    ax.set_ylabel("‖g − g̃‖ / (‖g‖ + ‖g̃‖) per parameter")
    ax.set_title("Gradient check, [4, 5, 3, 1]: which parameters disagree")
    ax.legend(fontsize=8)
    return plots.save(fig, path)


LESSON = Lesson(__file__, __doc__, run, epochs=200, fast_epochs=3,
                epochs_help="training epochs of the Keras network (mini-batches of 64)",
                keys=("difference_correct", "difference_buggy"))

if __name__ == "__main__":
    LESSON.cli()
