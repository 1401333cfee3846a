"""Adaptive step sizes: Barzilai–Borwein against a fixed rate, momentum and Adam (Course 2, week 2, beyond the course).

A learner's question: "why a fixed learning rate, when adaptive step sizes exist?" The course
tunes α by hand (and decays it on a schedule). Barzilai and Borwein (1988) pick the step of
gradient descent x_{k+1} = x_k − α_k·g_k from the last two iterates instead. With
s = x_k − x_{k−1} and y = g_k − g_{k−1}, taken over all the network's parameters as one vector,

    BB1 ("long"):   α_k = sᵀs / sᵀy          BB2 ("short"):   α_k = sᵀy / yᵀy

α_k·I is the scalar matrix that best satisfies the secant equation α·y ≈ s (quasi-Newton with
the cheapest possible Hessian model); on a quadratic, α_k is the inverse of a Rayleigh
quotient of the Hessian, a step between 1/λ_max and 1/λ_min that changes every iteration.
`tfcourse.optimizers.BarzilaiBorwein` is that rule as a Keras optimizer, with the safeguards
practice needs: the first step is ``learning_rate``; where sᵀy <= 0 (negative curvature, which
a non-convex network cost has) it falls back to the previous step; every BB step is clipped
to [1e-6, 10].

What the literature says. The BB step is non-monotone: the cost can go up for a while. On
strictly convex quadratics it converges anyway, R-linearly (Raydan 1993; Dai and Liao 2002);
for general smooth functions Raydan (1997) proves global convergence only with a nonmonotone
line search (Grippo, Lampariello and Lucidi's), which needs cost evaluations at trial points.
Keras's optimizer sees gradients only, so there is no line search here: the bounds and the
fallback are the safeguard. With mini-batches, s and y come from different batches: y is then
dominated by the batch-to-batch noise of the gradient, sᵀy is a noisy, often negative, estimate
of the curvature and the step is erratic; Tan, Ma, Dai and Qian (2016, "Barzilai-Borwein step
size for stochastic gradient descent", NeurIPS) make it work by computing the step once per
epoch from epoch-level quantities (SVRG-BB: the full gradients at the epochs' snapshot points;
SGD-BB: the average of each epoch's stochastic gradients), which this lesson does not
implement.

The experiments, on the course's own problems:

1. Full batch (every step sees every example, the setting BB was made for), on the flower
   (Course 1, week 3: [2, 4, 1], tanh, the course's rate 1.2) and on the moons (Course 2,
   week 2: [2, 5, 2, 1], ReLU, He initialization; rate 0.5, a good rate for full-batch gradient
   descent on it, chosen for this lesson): gradient descent at a fixed rate, the course's
   momentum (β = 0.9) at that rate, Adam (α = 0.01) and BB starting from that rate (on the
   flower also the "short" variant). BB reaches
   a lower cost than the fixed rate in the same number of steps, at the level of Adam.
2. A badly chosen rate, 0.05: gradient descent crawls, while BB started from the same 0.05
   finds its own step (it grows to ~1-10 within a few iterations) and ends where the tuned rate
   does: the case for an adaptive step.
3. Mini-batches of 64 (as in c2w2_optimization), on both problems: gradient descent at the
   good fixed rate against BB from that rate. The BB steps, computed from the gradients of
   different batches, are erratic: on the flower, where full-batch BB settles on steps of ~5,
   the mini-batch steps collapse by orders of magnitude (the median logged step is the key
   ``*_median_step``: seed 1, 500 steps, 4.8 full batch against 0.54 with mini-batches), and
   mini-batch BB ends well above full-batch BB's cost, with no reliable gain over plain
   mini-batch gradient descent (ahead or behind depending on the seed and the budget): the
   stochastic curvature estimate breaks down, as the literature says. (On the moons, whose
   ReLU network makes full-batch BB fall back often and take small steps anyway, the picture
   depends on the seed.)

Accuracies are on the training points (as in the course); the cost curves are the full-batch
cost per iteration, or for mini-batches the mean cost over the logged block of steps.
``step_sizes.png`` draws BB's step at every logged point.

Outputs: ``cost_flower.png``, ``cost_moons.png``, ``cost_minibatch.png``, ``step_sizes.png``,
``decision_boundaries.png``, ``results.json``, TensorBoard logs, and the full-batch BB moons
model exported to ``saved_models/c2w2_adaptive_step_size/``.

References: J. Barzilai and J. M. Borwein, "Two-point step size gradient methods", IMA J.
Numer. Anal. 8 (1988) 141–148; M. Raydan, IMA J. Numer. Anal. 13 (1993) 321–326; M. Raydan,
"The Barzilai and Borwein gradient method for the large scale unconstrained minimization
problem", SIAM J. Optim. 7 (1997) 26–33; Y.-H. Dai and L.-Z. Liao, IMA J. Numer. Anal. 22
(2002) 1–10; C. Tan, S. Ma, Y.-H. Dai and Y. Qian, NeurIPS 2016.
"""
import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.initializers import He
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy
from tfcourse.optimizers import Adam, BarzilaiBorwein, GradientDescent, Momentum
from tfcourse.training import fit_steps

GOOD_RATE = {"flower": 1.2, "moons": 0.5}  # fixed rates: the course's (flower), chosen (moons)
SMALL_RATE = 0.05                            # a badly chosen rate, for part 2
ADAM_RATE = 0.01
BETA = 0.9                                   # the course's momentum
BATCH_SIZE = 64                              # part 3, as in c2w2_optimization
MIN_STEP, MAX_STEP = 1e-6, 10.0              # BB's bounds
LABELS = {"gd": "gradient descent", "momentum": "momentum", "adam": "Adam", "bb": "BB (long)",
          "bb_short": "BB (short)", "gd_small_rate": f"gradient descent, α = {SMALL_RATE}",
          "bb_small_rate": f"BB from α0 = {SMALL_RATE}"}
PROBLEMS = ("flower", "moons")


def make_optimizer(kind, problem):
    rate = SMALL_RATE if kind.endswith("small_rate") else GOOD_RATE[problem]
    if kind.startswith("gd"):
        return GradientDescent(rate)
    if kind == "momentum":
        return Momentum(rate, beta=BETA)
    if kind == "adam":
        return Adam(ADAM_RATE)
    return BarzilaiBorwein(rate, variant="short" if kind == "bb_short" else "long",
                           min_step=MIN_STEP, max_step=MAX_STEP)


def make_model(problem, optimizer, seed):
    """The course's network for each problem, the same initial weights for every optimizer."""
    if problem == "flower":
        init = [keras.initializers.GlorotUniform(seed + i) for i in range(2)]
        layers = [keras.layers.Dense(4, "tanh", kernel_initializer=init[0]),
                  keras.layers.Dense(1, "sigmoid", kernel_initializer=init[1])]
    else:
        layers = [keras.layers.Dense(5, "relu", kernel_initializer=He(seed)),
                  keras.layers.Dense(2, "relu", kernel_initializer=He(seed + 1)),
                  keras.layers.Dense(1, "sigmoid", kernel_initializer=He(seed + 2))]
    model = keras.Sequential([keras.Input((2,)), *layers], name=f"{problem}_net")
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    # Built now, outside the traced training function: an optimizer that makes its variables
    # during the first trace makes tf.function trace the whole block twice.
    optimizer.build(model.trainable_variables)
    return model


class StepSizeLog(keras.callbacks.Callback):
    """Adds a BB optimizer's current step and fallback count to each epoch's logs."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["step_size"] = float(self.model.optimizer.step_size)
            logs["fallbacks"] = float(self.model.optimizer.fallbacks)


def run(ctx):
    sets = {"flower": data.load_flower(), "moons": data.load_moons()}
    steps = ctx.epochs
    log_every = max(1, steps // 100)
    models, curves, step_curves = {}, {p: {} for p in PROBLEMS}, {}

    def train(problem, kind, batch_size=None):
        ds = sets[problem]
        optimizer = make_optimizer(kind, problem)
        model = make_model(problem, optimizer, seed=ctx.seed)
        run_name = f"{problem}_{kind}" + ("_minibatch" if batch_size else "")
        extra = [StepSizeLog()] if isinstance(optimizer, BarzilaiBorwein) else []
        history = fit_steps(model, ds.x_train, ds.y_train, steps, batch_size=batch_size,
                            log_every=log_every, shuffle_seed=ctx.seed,
                            callbacks=ctx.callbacks(run_name, *extra)).history
        key = f"{problem}_{kind}" + ("_minibatch" if batch_size else "")
        ctx.record(f"{key}_accuracy", accuracy(model, ds.x_train, ds.y_train))
        ctx.record(f"{key}_loss", history["loss"][-1])
        line = (f"{LABELS[kind]:>32}: train accuracy {ctx.results[f'{key}_accuracy']:.3f}, "
                f"final cost {history['loss'][-1]:.4f}")
        if extra:
            # the median of the logged steps: the typical BB step of the run
            ctx.record(f"{key}_median_step", float(np.median(history["step_size"])))
            ctx.record(f"{key}_final_step", float(optimizer.step_size))
            ctx.record(f"{key}_fallbacks", int(optimizer.fallbacks))
            line += f", last step {float(optimizer.step_size):.3g}, " \
                    f"{int(optimizer.fallbacks)} fallbacks in {steps} steps"
            step_curves[f"{problem}: {LABELS[kind]}" + (" (mini-batch)" if batch_size else "")] \
                = history
        ctx.log(line)
        return model, history

    ## Part 1 and 2: full batch, a good fixed rate, and a bad one
    for problem in PROBLEMS:
        ctx.section(f"{problem}: full batch, {steps} iterations, fixed rate "
                    f"{GOOD_RATE[problem]} and {SMALL_RATE}")
        for kind in ("gd", "momentum", "adam", "bb", "gd_small_rate", "bb_small_rate",
                     *(("bb_short",) if problem == "flower" else ())):
            model, curves[problem][LABELS[kind]] = train(problem, kind)
            models[f"{problem}: {LABELS[kind]}"] = model
    for problem in PROBLEMS:  # the headline keys the issue names, per problem
        for kind in ("gd", "bb"):
            ctx.record(f"{problem}_{kind}_full_batch_accuracy",
                       ctx.results[f"{problem}_{kind}_accuracy"])

    ## Part 3: mini-batches, where the curvature estimate is noise
    minibatch = {}
    for problem in PROBLEMS:
        ctx.section(f"{problem}: mini-batches of {BATCH_SIZE}, {steps} steps, rate "
                    f"{GOOD_RATE[problem]}")
        for kind in ("gd", "bb"):
            _, minibatch[f"{problem}: {LABELS[kind]}, mini-batch"] = train(
                problem, kind, batch_size=BATCH_SIZE)
        minibatch[f"{problem}: BB (long), full batch"] = curves[problem][LABELS["bb"]]

    ## Plots
    for problem in PROBLEMS:
        plots.learning_curves(curves[problem], ctx.path(f"cost_{problem}.png"),
                              metrics=("loss",), xlabel="iteration", x_scale=log_every,
                              logy=True, title=f"{problem}: full-batch cost per iteration")
    plots.learning_curves(minibatch, ctx.path("cost_minibatch.png"), metrics=("loss",),
                          xlabel="step", x_scale=log_every, logy=True,
                          title="BB and gradient descent with mini-batches, BB full batch")
    plots.learning_curves(step_curves, ctx.path("step_sizes.png"), metrics=("step_size",),
                          xlabel="iteration", x_scale=log_every, logy=True,
                          title="Barzilai–Borwein step α_k at the logged iterations")
    plots.decision_boundaries({k: v for k, v in models.items() if k.startswith("moons")
                               and "small" not in k}, sets["moons"].x_train,
                              sets["moons"].y_train, ctx.path("decision_boundaries.png"),
                              title="moons: full-batch decision boundaries")

    ctx.export(models[f"moons: {LABELS['bb']}"], sets["moons"].x_test[:32])


KEYS = tuple(f"{p}_{k}" for p in PROBLEMS for k in (
    "gd_full_batch_accuracy", "momentum_accuracy", "adam_accuracy", "bb_full_batch_accuracy",
    "gd_small_rate_accuracy", "bb_small_rate_accuracy", "gd_loss", "bb_loss")) + (
    "flower_bb_short_accuracy", 
    *(f"{p}_{k}" for p in PROBLEMS for k in (
        "gd_minibatch_accuracy", "bb_minibatch_accuracy", "gd_minibatch_loss",
        "bb_minibatch_loss", "bb_median_step", "bb_minibatch_median_step")))

LESSON = Lesson(__file__, __doc__, run, epochs=2000, fast_epochs=100,
                epochs_help="iterations (gradient steps) per run",
                keys=KEYS)

if __name__ == "__main__":
    LESSON.cli()
