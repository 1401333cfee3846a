"""Vectorization in numbers: Python loops against NumPy and TensorFlow, and broadcasting (Course 1, week 2).

The lecture's point: "whenever possible, avoid explicit for-loops". A loop in Python pays the
interpreter's overhead (look up, box, dispatch) for every element; ``np.dot`` makes one call
into compiled code that runs over contiguous memory with SIMD instructions. The lecture times
the dot product of two vectors of 10⁶ elements: about 500 ms as a loop, 1.5 ms vectorized.

This lesson measures it, four computations at sizes 10³ to 10⁶ (``tfcourse.vectorization``
has the code; each size n is about n multiplications):

- the dot product Σ uᵢvᵢ; the outer product u·vᵀ (vectors of √n elements, n products);
  the element-wise product u ⊙ v;
- logistic regression's gradient, the course's vectorized ``propagate``:
      A = σ(wᵀX + b),  dZ = A − Y,  dw = (1/m)·X·dZᵀ,  db = (1/m)·Σ dZ
  against the lecture's loop over examples and features (X is 100 features × n/100 examples).

Three implementations each: a Python loop indexing NumPy arrays element by element (the
course's "non-vectorized" version), NumPy, and TensorFlow (eager ops on tensors made
beforehand, the result brought back with ``.numpy()``). The three agree to round-off (the lesson
checks it, and that the vectorized gradient is ``tf.GradientTape``'s). Every time is the best of
three rounds (one round for loops over 10⁵ elements), with NumPy's BLAS (``np.dot``, ``@``)
held to one thread, one core against one core; the full run times the loop at every size
up to 10⁶, ``--fast`` stops at 10⁵. Timings on a shared machine are noisy; ratios of 10² to 10³
are not. Expect TensorFlow to be slower than NumPy at the small sizes: an eager op costs tens of
microseconds of dispatch before it computes anything, which is why TensorFlow runs training
steps as compiled graphs (``tf.function``).

The headline keys are the dot product's at the largest size: ``loop_seconds``,
``vectorized_seconds`` (NumPy), and ``speedup`` = loop / NumPy.

Broadcasting, the lecture's second half: NumPy stretches a (1, n) row or an (m, 1) column to
(m, n) instead of copying it, so the course's calories example (the percentage of each food's
calories from carbs, proteins and fats) is one line, ``100 * A / A.sum(axis=0, keepdims=True)``.
The lesson prints it and the course's warning about rank-1 arrays: ``np.random.randn(5)`` has
shape (5,), its transpose is itself, and ``a @ a.T`` is a number, not the (5, 5) outer product;
use ``(5, 1)`` column vectors (or ``keepdims=True``) and ``assert a.shape == (5, 1)``.

Finally, the model the lesson exports: the vectorized logistic regression itself, Keras's
``Dense(1, sigmoid)`` (whose gradient is the formula above, to round-off: checked at its
initial weights) trained briefly by full-batch gradient descent on the digits "3 against the
rest" (as in c1w2_logistic_regression). It is there because every lesson exports a model; the
lesson's claim is the timings.

Outputs: ``timings.png`` (time against size, log-log), ``speedups.png`` (loop / NumPy at the
largest size), ``results.json``, TensorBoard logs of the trained model, and that model exported
to ``saved_models/c1w2_vectorization/``.
"""
import keras
import numpy as np
import tensorflow as tf

from tfcourse import data, plots, vectorization
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy
from tfcourse.training import fit_steps, log_interval

SIZES = (10**3, 10**4, 10**5, 10**6)
FAST_SIZES = (10**3, 10**4, 10**5)
LOOP_CAP = 10**6          # the loop is timed at every size up to this one
LEARNING_RATE = 0.5       # the exported model's full-batch gradient descent
COURSE = {"loop_seconds": 0.474, "vectorized_seconds": 0.0015}  # the lecture's figures (10⁶)
# the lecture's calories per 100 g: rows carbs, proteins, fats; columns apples, beef, eggs, potatoes
CALORIES = np.array([[56.0, 0.0, 4.4, 68.0],
                     [1.2, 104.0, 52.0, 8.0],
                     [1.8, 135.0, 99.0, 0.9]])


def broadcasting(ctx):
    """The lecture's broadcasting examples, printed."""
    cal = CALORIES.sum(axis=0, keepdims=True)          # (1, 4): stretched over the 3 rows
    percentage = 100 * CALORIES / cal                  # (3, 4) / (1, 4) -> (3, 4)
    ctx.log("calories from carbs, proteins, fats (%), apples / beef / eggs / potatoes:")
    for row in percentage:
        ctx.log("   " + "  ".join(f"{v:6.2f}" for v in row))
    ctx.record("apples_carbs_percent", percentage[0, 0], course=94.9)
    column = np.array([[1.0], [2.0], [3.0], [4.0]])
    ctx.log(f"(4, 1) + 100 -> {(column + 100).ravel().tolist()}  (a number becomes a (4, 1))")
    m = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    ctx.log(f"(2, 3) + (1, 3) [100, 200, 300] -> {(m + [[100, 200, 300]]).tolist()}")
    ctx.log(f"(2, 3) + (2, 1) [100, 200]      -> {(m + [[100], [200]]).tolist()}")
    a = np.random.default_rng(ctx.seed).standard_normal(5)
    ctx.log(f"rank-1 array: a.shape = {a.shape}, a.T.shape = {a.T.shape}, "
            f"(a @ a.T).shape = {np.shape(a @ a.T)} (a number)")
    a = a.reshape(5, 1)
    ctx.log(f"column vector: a.shape = {a.shape}, (a @ a.T).shape = {(a @ a.T).shape}")


def run(ctx):
    sizes = FAST_SIZES if ctx.fast else SIZES
    largest = sizes[-1]

    ## The three implementations agree
    ctx.section("Loop, NumPy and TensorFlow give the same numbers")
    worst = 0.0
    for op in vectorization.OPERATIONS:
        inputs = vectorization.make_inputs(op, 10**4, seed=ctx.seed)
        out = {}
        for kind in vectorization.IMPLEMENTATIONS:
            fn, prepare = vectorization.implementation(op, kind)
            result = fn(*prepare(inputs))
            out[kind] = np.concatenate([np.ravel(r) for r in result]) \
                if isinstance(result, tuple) else np.ravel(result)
        diff = max(float(np.max(np.abs(out[k] - out["loop"]))) for k in ("numpy", "tensorflow"))
        worst = max(worst, diff)
        ctx.log(f"{op:>17}: largest difference from the loop {diff:.1e}")
    ctx.record("max_difference", worst)

    ## Timings
    ctx.section(f"Timings at sizes {', '.join(f'{s:.0e}' for s in sizes)}")
    total = len(sizes) * len(vectorization.OPERATIONS) * len(vectorization.IMPLEMENTATIONS)
    with ctx.progress("timing", total, unit="measurement") as bar:
        # --fast: shorter rounds (5 ms, not 20 ms), a smoke test of the same code
        rows = vectorization.benchmark(sizes, loop_cap=LOOP_CAP, seed=ctx.seed,
                                       min_seconds=0.005 if ctx.fast else 0.02,
                                       progress=lambda done, _: bar.update(done))
    for line in vectorization.table(rows).splitlines():
        ctx.log(line)
    secs = {(r.operation, r.size, r.kind): r.seconds for r in rows}
    ratios = vectorization.speedups(rows)
    ctx.record("largest_size", largest)
    ctx.record("loop_seconds", secs[("dot", largest, "loop")],
               course=COURSE["loop_seconds"] if largest == 10**6 else None)
    ctx.record("vectorized_seconds", secs[("dot", largest, "numpy")],
               course=COURSE["vectorized_seconds"] if largest == 10**6 else None)
    ctx.record("tensorflow_seconds", secs[("dot", largest, "tensorflow")])
    ctx.record("speedup", ratios[("dot", largest, "numpy")])
    for op in vectorization.OPERATIONS:
        ctx.record(f"speedup_{op}", ratios[(op, largest, "numpy")])
        ctx.record(f"tensorflow_speedup_{op}", ratios[(op, largest, "tensorflow")])
    ctx.record("loop_extrapolated", int(any(r.extrapolated for r in rows)))

    plots.timings({op: {kind: ([r.size for r in rows if r.operation == op and r.kind == kind],
                               [r.seconds for r in rows if r.operation == op and r.kind == kind],
                               [r.extrapolated for r in rows
                                if r.operation == op and r.kind == kind])
                        for kind in vectorization.IMPLEMENTATIONS}
                   for op in vectorization.OPERATIONS},
                  ctx.path("timings.png"), xlabel="size n (≈ multiplications)",
                  title="Python loop vs NumPy vs TensorFlow (best of 3, this machine)")
    plots.bars({op: ctx.results[f"speedup_{op}"] for op in vectorization.OPERATIONS},
               ctx.path("speedups.png"), ylabel=f"loop time / NumPy time at n = {largest:.0e}",
               title="How many times faster the vectorized version is")

    ## Broadcasting
    ctx.section("Broadcasting")
    broadcasting(ctx)

    ## The vectorized logistic regression, trained (the exported model)
    ctx.section(f"Vectorized logistic regression on digits '3 vs rest', {ctx.epochs} steps")
    ds = data.load_digits(binary=3, balance=True, seed=ctx.seed)
    model = keras.Sequential([keras.Input((ds.x_train.shape[1],)),
                              keras.layers.Dense(1, activation="sigmoid",
                                                 kernel_initializer=keras.initializers.
                                                 RandomNormal(stddev=0.01, seed=ctx.seed))],
                             name="vectorized_logistic_regression")
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="binary_crossentropy")
    # the course's formula, on the course's layout (features × examples), against the tape
    kernel, bias = (np.asarray(v, "float64") for v in model.get_weights())
    X, Y = ds.x_train.T.astype("float64"), ds.y_train[None, :].astype("float64")
    dw, db = vectorization.numpy_logistic_gradient(kernel, float(bias[0]), X, Y)
    with tf.GradientTape() as tape:
        loss = keras.losses.binary_crossentropy(ds.y_train[:, None].astype("float32"),
                                                model(ds.x_train))
        loss = tf.reduce_mean(loss)
    g_kernel, g_bias = tape.gradient(loss, model.trainable_variables)
    ctx.record("gradient_vs_tape_difference",
               max(float(np.max(np.abs(dw - g_kernel.numpy()))), abs(db - float(g_bias[0]))))
    ctx.log(f"dw, db of the formula vs the tape: largest difference "
            f"{ctx.results['gradient_vs_tape_difference']:.1e} (float32 model)")
    fit_steps(model, ds.x_train, ds.y_train, ctx.epochs, log_every=log_interval(ctx.epochs),
              callbacks=ctx.callbacks("logistic_regression"))
    ctx.record("model_train_accuracy", accuracy(model, ds.x_train, ds.y_train))
    ctx.record("model_test_accuracy", accuracy(model, ds.x_test, ds.y_test))
    ctx.log(f"train accuracy {ctx.results['model_train_accuracy']:.3f}, "
            f"test {ctx.results['model_test_accuracy']:.3f}")
    ctx.export(model, ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=500, fast_epochs=100,
                epochs_help="gradient-descent steps of the exported logistic regression",
                keys=("loop_seconds", "vectorized_seconds", "speedup", "largest_size",
                      *(f"speedup_{op}" for op in vectorization.OPERATIONS),
                      "max_difference", "apples_carbs_percent", "model_test_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
