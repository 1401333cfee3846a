"""Vectorization in numbers: the same four computations as Python loops, NumPy and TensorFlow (Course 1, week 2).

The lecture "Vectorization" times ``for i in range(n): c += a[i]*b[i]`` against ``np.dot(a, b)``
(about 500 ms against 1.5 ms at n = 10⁶) and then vectorizes logistic regression's gradient.
This module has those computations three ways each, and the timing code the lesson
c1w2_vectorization uses:

====================  ================================  ==========================================
operation             size n                            vectorized form
====================  ================================  ==========================================
``dot``               vectors of n elements             ``np.dot(u, v)``
``outer``             vectors of k = round(√n) elements  ``np.outer(u, v)`` (k × k = ~n products)
``multiply``          vectors of n elements             ``u * v``
``logistic_gradient`` X of n elements: n_x = 100         ``A = σ(wᵀX + b); dZ = A − Y;``
                      features × m = n / 100 examples    ``dw = X·dZᵀ / m; db = Σ dZ / m``
====================  ================================  ==========================================

Each size n is about n multiplications for every operation, so the times are comparable across
rows and a loop's time grows linearly in n; that is what :func:`benchmark` uses to extrapolate a
loop above ``loop_cap`` (and says so in each row). The loops index NumPy arrays element by
element, as the course's loops do; the TensorFlow versions are eager ``tf`` ops on tensors made
beforehand, the result brought back with ``.numpy()``.
"""
from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from tfcourse.checks import check_choice, check_int, check_number, invalid

OPERATIONS = ("dot", "outer", "multiply", "logistic_gradient")
IMPLEMENTATIONS = ("loop", "numpy", "tensorflow")
FEATURES = 100  # n_x of the logistic-regression gradient's X (features × examples)


# -- the loops (the course's "non-vectorized" versions) ---------------------------------------

def loop_dot(u, v) -> float:
    """Σ u[i]·v[i] with a Python loop over the elements.

    Course 1, week 2; lesson c1w2_vectorization.
    """
    total = 0.0
    for i in range(len(u)):
        total += u[i] * v[i]
    return total


def loop_outer(u, v) -> np.ndarray:
    """The outer product u·vᵀ, one element at a time (out[i, j] = u[i]·v[j]).

    Course 1, week 2; lesson c1w2_vectorization.
    """
    out = np.zeros((len(u), len(v)))
    for i in range(len(u)):
        for j in range(len(v)):
            out[i, j] = u[i] * v[j]
    return out


def loop_multiply(u, v) -> np.ndarray:
    """The element-wise product, one element at a time.

    Course 1, week 2; lesson c1w2_vectorization.
    """
    out = np.zeros(len(u))
    for i in range(len(u)):
        out[i] = u[i] * v[i]
    return out


def loop_logistic_gradient(w, b, X, Y):
    """The course's logistic-regression gradient with explicit loops over examples and features.

    Course 1, week 2; lesson c1w2_vectorization.

    The lecture's "non-vectorized" pass, course layout: ``X`` is (n_x, m), ``w`` (n_x, 1),
    ``Y`` (1, m), ``b`` a float::

        for i in 1..m:  z = Σ_j w_j·x_ji + b;  a = σ(z);  dz = a − y_i
                        dw_j += x_ji·dz (every j);  db += dz
        dw /= m;  db /= m

    Returns ``(dw, db)``: an (n_x, 1) array and a float.
    """
    n_x, m = X.shape
    dw = np.zeros((n_x, 1))
    db = 0.0
    for i in range(m):
        z = b
        for j in range(n_x):
            z += w[j, 0] * X[j, i]
        dz = 1.0 / (1.0 + math.exp(-z)) - Y[0, i]
        for j in range(n_x):
            dw[j, 0] += X[j, i] * dz
        db += dz
    return dw / m, db / m


# -- the vectorized versions ------------------------------------------------------------------

def numpy_logistic_gradient(w, b, X, Y):
    """The course's vectorized gradient (``propagate`` without the cost): NumPy, course layout.

    Course 1, week 2; lesson c1w2_vectorization.

    ``A = σ(wᵀX + b)``, ``dZ = A − Y``, ``dw = X·dZᵀ / m``, ``db = Σ dZ / m``. Returns
    ``(dw, db)`` like :func:`loop_logistic_gradient`; equal to it to round-off, and to
    ``tf.GradientTape``'s gradient of the mean cross-entropy (tests/test_vectorization.py).
    """
    m = X.shape[1]
    A = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
    dZ = A - Y
    return X @ dZ.T / m, float(np.sum(dZ) / m)


def tensorflow_logistic_gradient(w, b, X, Y):
    """:func:`numpy_logistic_gradient` with TensorFlow ops (eager), tensors in, tensors out.

    Course 1, week 2; lesson c1w2_vectorization.
    """
    import tensorflow as tf

    m = tf.cast(tf.shape(X)[1], X.dtype)
    A = tf.sigmoid(tf.matmul(w, X, transpose_a=True) + b)
    dZ = A - Y
    return tf.matmul(X, dZ, transpose_b=True) / m, tf.reduce_sum(dZ) / m


# -- inputs and timing -------------------------------------------------------------------------

def make_inputs(operation: str, size: int, seed: int = 0) -> tuple:
    """NumPy float64 inputs of ``operation`` at ``size`` (see the module's table).

    Course 1, week 2; lesson c1w2_vectorization.
    """
    check_choice("operation", operation, OPERATIONS, owner="make_inputs")
    size = check_int("size", size, low=1, owner="make_inputs")
    rng = np.random.default_rng(seed)
    if operation == "outer":
        k = max(1, round(math.sqrt(size)))
        return rng.random(k), rng.random(k)
    if operation == "logistic_gradient":
        m = max(1, size // FEATURES)
        X = rng.standard_normal((FEATURES, m))
        w = rng.standard_normal((FEATURES, 1)) * 0.1
        Y = (rng.random((1, m)) < 0.5).astype("float64")
        return w, 0.1, X, Y
    return rng.random(size), rng.random(size)


def implementation(operation: str, kind: str):
    """``(function, prepare)`` for one of :data:`OPERATIONS` and one of :data:`IMPLEMENTATIONS`.

    Course 1, week 2; lesson c1w2_vectorization.

    ``prepare(inputs)`` turns :func:`make_inputs`'s arrays into what ``function`` takes (tensors
    for TensorFlow, made before any timing), and ``function(*prepared)`` returns NumPy values.
    """
    check_choice("operation", operation, OPERATIONS, owner="implementation")
    check_choice("kind", kind, IMPLEMENTATIONS, owner="implementation")
    if kind == "loop":
        fn = {"dot": loop_dot, "outer": loop_outer, "multiply": loop_multiply,
              "logistic_gradient": loop_logistic_gradient}[operation]
        return fn, tuple
    if kind == "numpy":
        fn = {"dot": np.dot, "outer": np.outer, "multiply": np.multiply,
              "logistic_gradient": numpy_logistic_gradient}[operation]
        return fn, tuple
    import tensorflow as tf

    tf_fn = {"dot": lambda u, v: tf.tensordot(u, v, 1),
             "outer": lambda u, v: tf.tensordot(u, v, 0),
             "multiply": tf.multiply,
             "logistic_gradient": tensorflow_logistic_gradient}[operation]

    def run(*args):
        out = tf_fn(*args)
        return tuple(o.numpy() for o in out) if isinstance(out, tuple) else out.numpy()

    def prepare(inputs):
        return tuple(tf.constant(a, tf.float64) for a in inputs)

    return run, prepare


def time_call(fn, args=(), repeat: int = 3, min_seconds: float = 0.02) -> float:
    """The best time of one call of ``fn(*args)``, in seconds.

    Course 1, week 2; lesson c1w2_vectorization.

    Each of ``repeat`` rounds runs the call as many times as needed to last ``min_seconds``
    (at least once) and takes the mean; the best round is returned, the usual way to time code
    on a shared machine (``timeit``'s advice: the minimum is the least disturbed).
    """
    repeat = check_int("repeat", repeat, low=1, owner="time_call")
    min_seconds = check_number("min_seconds", min_seconds, low=0, owner="time_call")
    best = math.inf
    for _ in range(repeat):
        calls, start = 0, time.perf_counter()
        while True:
            fn(*args)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = min(best, elapsed / calls)
    return best


@dataclasses.dataclass(frozen=True)
class Timing:
    """One measurement: an operation, a size, an implementation, seconds per call.

    Course 1, week 2; lesson c1w2_vectorization.

    ``extrapolated`` is true for a loop above the benchmark's ``loop_cap``: its ``seconds``
    are the time measured at ``measured_size`` scaled by ``size / measured_size``.
    """

    operation: str
    size: int
    kind: str
    seconds: float
    extrapolated: bool = False
    measured_size: int = 0


def benchmark(sizes=(10**3, 10**4, 10**5, 10**6), operations=OPERATIONS,
              kinds=IMPLEMENTATIONS, loop_cap: int = 10**6, repeat: int = 3,
              min_seconds: float = 0.02, seed: int = 0, progress=None,
              blas_threads: int | None = 1) -> list:
    """Time every operation at every size, each implementation; a list of :class:`Timing`.

    Course 1, week 2; lesson c1w2_vectorization.

    Loops run only at sizes <= ``loop_cap``; above it a loop's time is the one at the largest
    measured size scaled linearly (each operation does ~``size`` multiplications, see the
    module's table), marked ``extrapolated``. Loops above 10⁵ elements are timed once (one call
    already lasts a fraction of a second). ``progress(done, total)`` is called after each
    measurement.

    ``blas_threads`` (default 1) limits NumPy's BLAS library (``np.dot``, ``@``) to that many
    threads while timing (``threadpoolctl``, which scikit-learn brings); ``None`` leaves
    NumPy's own setting. One thread compares one core with one core, and keeps a loaded
    machine from stalling BLAS's worker threads: on a shared 2-core machine a multi-threaded
    ``np.dot`` of 10⁶ elements was measured at 28 ms against well under 1 ms alone.
    """
    owner = "benchmark"
    if blas_threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=check_int("blas_threads", blas_threads, low=1,
                                                owner=owner), user_api="blas"):
            return benchmark(sizes, operations, kinds, loop_cap, repeat, min_seconds, seed,
                             progress, blas_threads=None)
    sizes = tuple(sorted(check_int("sizes", s, low=1, owner=owner) for s in sizes))
    if not sizes:
        raise invalid("sizes", "at least one size", sizes, owner)
    for op in operations:
        check_choice("operations", op, OPERATIONS, owner=owner)
    for kind in kinds:
        check_choice("kinds", kind, IMPLEMENTATIONS, owner=owner)
    loop_cap = check_int("loop_cap", loop_cap, low=1, owner=owner)
    rows, done = [], 0
    total = len(sizes) * len(operations) * len(kinds)
    for op in operations:
        measured_loop = None  # (size, seconds) at the largest size a loop ran
        for size in sizes:
            inputs = make_inputs(op, size, seed)
            for kind in kinds:
                if kind == "loop" and size > loop_cap:
                    if measured_loop is None:
                        raise invalid("loop_cap", f"at least the smallest size {sizes[0]} "
                                      "(a loop must be measured once to extrapolate)",
                                      loop_cap, owner)
                    at, secs = measured_loop
                    rows.append(Timing(op, size, kind, secs * size / at, True, at))
                else:
                    fn, prepare = implementation(op, kind)
                    args = prepare(inputs)
                    fn(*args)  # warm-up (TensorFlow's first call of an op is slower)
                    slow = kind == "loop" and size > 10**5
                    secs = time_call(fn, args, repeat=1 if slow else repeat,
                                     min_seconds=0.0 if slow else min_seconds)
                    rows.append(Timing(op, size, kind, secs, False, size))
                    if kind == "loop":
                        measured_loop = (size, secs)
                done += 1
                if progress is not None:
                    progress(done, total)
    return rows


def speedups(rows, baseline: str = "loop") -> dict:
    """``{(operation, size, kind): baseline seconds / kind seconds}`` for every row not the baseline.

    Course 1, week 2; lesson c1w2_vectorization.
    """
    base = {(r.operation, r.size): r.seconds for r in rows if r.kind == baseline}
    return {(r.operation, r.size, r.kind): base[(r.operation, r.size)] / r.seconds
            for r in rows if r.kind != baseline and (r.operation, r.size) in base}


def table(rows) -> str:
    """The timings as a text table: one line per operation and size, the speed-ups at the end.

    Course 1, week 2; lesson c1w2_vectorization.
    """
    kinds = [k for k in IMPLEMENTATIONS if any(r.kind == k for r in rows)]
    by = {(r.operation, r.size, r.kind): r for r in rows}
    ratio = speedups(rows) if "loop" in kinds else {}
    header = f"{'operation':<18} {'size':>9} " + " ".join(f"{k + ' (s)':>15}" for k in kinds)
    header += "".join(f" {'loop/' + k:>14}" for k in kinds if k != "loop" and ratio)
    lines = [header, "-" * len(header)]
    for op in dict.fromkeys(r.operation for r in rows):
        for size in sorted({r.size for r in rows if r.operation == op}):
            cells = []
            for k in kinds:
                r = by.get((op, size, k))
                cells.append(f"{'':>15}" if r is None else
                             f"{r.seconds:>14.3g}{'*' if r.extrapolated else ' '}")
            line = f"{op:<18} {size:>9.0e} " + " ".join(cells)
            line += "".join(f" {ratio[(op, size, k)]:>13.3g}x" for k in kinds
                            if k != "loop" and (op, size, k) in ratio)
            lines.append(line)
    if any(r.extrapolated for r in rows):
        lines.append("* extrapolated linearly from the largest size the loop ran at")
    return "\n".join(lines)
