"""tfcourse.vectorization: the three implementations agree; the gradient is the tape's; timing."""
import numpy as np
import pytest

from tfcourse import vectorization as vec


@pytest.mark.parametrize("operation", vec.OPERATIONS)
def test_loop_numpy_and_tensorflow_agree(operation):
    inputs = vec.make_inputs(operation, 2000, seed=3)
    results = []
    for kind in vec.IMPLEMENTATIONS:
        fn, prepare = vec.implementation(operation, kind)
        results.append(fn(*prepare(inputs)))
    for other in results[1:]:
        if operation == "logistic_gradient":
            np.testing.assert_allclose(other[0], results[0][0], rtol=1e-10, atol=1e-14)
            assert float(other[1]) == pytest.approx(results[0][1], rel=1e-10)
        else:
            np.testing.assert_allclose(other, results[0], rtol=1e-10)


def test_sizes_are_about_n_multiplications():
    u, v = vec.make_inputs("outer", 10**4)
    assert u.shape == v.shape == (100,)
    w, b, X, Y = vec.make_inputs("logistic_gradient", 10**4)
    assert X.shape == (vec.FEATURES, 100) and w.shape == (vec.FEATURES, 1) and Y.shape == (1, 100)
    assert vec.make_inputs("dot", 10**3)[0].shape == (1000,)


def test_logistic_gradient_equals_the_tape_gradient_of_the_cost():
    """dw, db of the course's vectorized formula = tf.GradientTape's gradient of
    J = −(1/m) Σ [y·log a + (1 − y)·log(1 − a)] (float64)."""
    import tensorflow as tf

    w, b, X, Y = vec.make_inputs("logistic_gradient", 3000, seed=1)
    wt, bt = tf.Variable(w), tf.Variable(b, dtype=tf.float64)
    with tf.GradientTape() as tape:
        z = tf.matmul(wt, X, transpose_a=True) + bt
        cost = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=z))
    dw_tape, db_tape = tape.gradient(cost, [wt, bt])
    dw, db = vec.numpy_logistic_gradient(w, b, X, Y)
    np.testing.assert_allclose(dw, dw_tape.numpy(), rtol=1e-12, atol=1e-15)
    assert db == pytest.approx(float(db_tape), rel=1e-12)


def test_benchmark_extrapolates_loops_above_the_cap_and_says_so():
    rows = vec.benchmark(sizes=(100, 400), operations=("dot", "multiply"),
                         loop_cap=100, repeat=1, min_seconds=0.0)
    assert len(rows) == 2 * 2 * 3
    loops = {(r.operation, r.size): r for r in rows if r.kind == "loop"}
    for op in ("dot", "multiply"):
        assert not loops[(op, 100)].extrapolated
        big = loops[(op, 400)]
        assert big.extrapolated and big.measured_size == 100
        assert big.seconds == pytest.approx(4 * loops[(op, 100)].seconds)
    ratios = vec.speedups(rows)
    assert set(ratios) == {(op, s, k) for op in ("dot", "multiply") for s in (100, 400)
                           for k in ("numpy", "tensorflow")}
    text = vec.table(rows)
    assert "extrapolated" in text and "dot" in text


def test_time_call_takes_the_best_round():
    calls = []
    assert vec.time_call(lambda: calls.append(1), repeat=2, min_seconds=0.0) >= 0
    assert len(calls) == 2


@pytest.mark.parametrize("call, name", [
    (lambda: vec.make_inputs("divide", 10), "operation"),
    (lambda: vec.make_inputs("dot", 0), "size"),
    (lambda: vec.implementation("dot", "cython"), "kind"),
    (lambda: vec.benchmark(sizes=(10,), loop_cap=0), "loop_cap"),
    (lambda: vec.benchmark(sizes=(100,), loop_cap=10), "loop_cap"),
    (lambda: vec.time_call(print, repeat=0), "repeat"),
    (lambda: vec.benchmark(sizes=(10,), blas_threads=0), "blas_threads"),
])
def test_bad_arguments_name_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"argument `{name}` must be"):
        call()
