"""BarzilaiBorwein: the closed-form steps on a quadratic, the safeguards, fit, saving, validation."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfcourse.optimizers import BarzilaiBorwein


def _quadratic(n=7, seed=0):
    rng = np.random.RandomState(seed)
    q, _ = np.linalg.qr(rng.randn(n, n))
    eigenvalues = np.linspace(0.5, 6.0, n)
    return (q * eigenvalues) @ q.T, rng.randn(n)  # A symmetric positive definite, x0


def _numpy_bb(a, x0, lr, variant, steps, min_step=1e-6, max_step=10.0):
    """The closed form: x_{k+1} = x_k − α_k·A·x_k with α_0 = lr and the BB step after."""
    x, alphas = x0.copy(), []
    x_prev = g_prev = None
    for k in range(steps):
        g = a @ x
        if k == 0:
            alpha = lr
        else:
            s, y = x - x_prev, g - g_prev
            alpha = s @ s / (s @ y) if variant == "long" else (s @ y) / (y @ y)
            alpha = min(max(alpha, min_step), max_step)
        alphas.append(alpha)
        x_prev, g_prev = x, g
        x = x - alpha * g
    return np.array(alphas), x


@pytest.mark.parametrize("variant", ["long", "short"])
def test_steps_equal_the_closed_form_on_a_quadratic(variant):
    """f(x) = ½xᵀAx with x split over two variables (a (3,) vector and a (2, 2) matrix): the
    BB products run over both jointly. float64 variables: equal to 1e-10."""
    a, x0 = _quadratic()
    expected, x_end = _numpy_bb(a, x0, 0.0625, variant, steps=8)
    v1 = keras.Variable(x0[:3], dtype="float64")
    v2 = keras.Variable(x0[3:].reshape(2, 2), dtype="float64")
    opt = BarzilaiBorwein(0.0625, variant=variant)  # a float32-exact rate
    got = []
    for _ in range(8):
        x = np.concatenate([np.asarray(v1), np.asarray(v2).ravel()])
        g = a @ x
        opt.apply([g[:3], g[3:].reshape(2, 2)], [v1, v2])
        got.append(float(opt.step_size))
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    np.testing.assert_allclose(np.concatenate([np.asarray(v1), np.asarray(v2).ravel()]), x_end,
                               rtol=1e-9, atol=1e-12)
    eig = np.linalg.eigvalsh(a)
    # on a quadratic every BB step is the inverse of a Rayleigh quotient of A
    assert all(1 / eig[-1] - 1e-12 <= s <= 1 / eig[0] + 1e-12 for s in got[1:])
    assert int(opt.fallbacks) == 0


def test_bounds_clip_the_step():
    a, x0 = _quadratic()
    expected, _ = _numpy_bb(a, x0, 0.0625, "long", steps=6, min_step=0.3, max_step=0.4)
    v = keras.Variable(x0, dtype="float64")
    opt = BarzilaiBorwein(0.0625, min_step=0.3, max_step=0.4)
    got = []
    for _ in range(6):
        opt.apply([a @ np.asarray(v)], [v])
        got.append(float(opt.step_size))
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    assert got[0] == 0.0625 and all(0.3 <= s <= 0.4 for s in got[1:])


@pytest.mark.parametrize("fallback, expected", [("previous", 0.25), ("initial", 0.125)])
def test_non_positive_curvature_falls_back(fallback, expected):
    """Gradients fed by hand, lr 0.125, x0 = 0: g0 = 1 (x1 = −0.125); g1 = 0.5 gives
    s = −0.125, y = −0.5, sᵀy = 0.0625 > 0, the BB step 0.015625 / 0.0625 = 0.25 (x2 = −0.25);
    g2 = 5 gives s = −0.125, y = 4.5: sᵀy < 0, a concave stretch, and the step falls back."""
    v = keras.Variable(np.zeros(1), dtype="float64")
    opt = BarzilaiBorwein(0.125, fallback=fallback)
    steps = []
    for g in (1.0, 0.5, 5.0):
        opt.apply([np.array([g])], [v])
        steps.append(float(opt.step_size))
    np.testing.assert_allclose(steps, [0.125, 0.25, expected], rtol=1e-12)
    assert int(opt.fallbacks) == 1
    np.testing.assert_allclose(np.asarray(v), [-0.25 - expected * 5.0], rtol=1e-12)


def test_nonconvex_function_keeps_the_fallback():
    """f(x) = −½‖x‖² (all curvature negative): sᵀy = −sᵀs < 0 at every step, so every step after
    the first is the fallback, and the iterates move away from the maximum at a fixed rate."""
    v = keras.Variable(np.ones(3), dtype="float64")
    opt = BarzilaiBorwein(0.125)
    for _ in range(5):
        opt.apply([-np.asarray(v)], [v])
    assert int(opt.fallbacks) == 4 and float(opt.step_size) == 0.125
    np.testing.assert_allclose(np.asarray(v), 1.125 ** 5, rtol=1e-12)


def _regression(seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(256, 4).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.3 + 0.05 * rng.randn(256)).astype("float32")
    return x, y[:, None]


@pytest.mark.parametrize("jit_compile", [False, True])
def test_trains_with_model_fit(jit_compile):
    """Full-batch least squares through model.fit (with and without XLA): BB converges far
    faster than SGD at the same first step (excess loss over least squares' optimum)."""
    x, y = _regression()

    def fit(optimizer):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(
            1, kernel_initializer="zeros")])
        model.compile(optimizer=optimizer, loss="mse", jit_compile=jit_compile)
        # 40 full-batch steps in one epoch (the per-epoch overhead would dominate otherwise)
        full_batch = tf.data.Dataset.from_tensors((x, y)).repeat()
        model.fit(full_batch, steps_per_epoch=40, epochs=1, verbose=0, shuffle=False)
        return float(np.mean((np.asarray(model(x)) - y) ** 2)), model

    xb = np.c_[x, np.ones(len(x))]
    best = float(np.mean((xb @ np.linalg.lstsq(xb, y, rcond=None)[0] - y) ** 2))  # the noise
    bb_loss, model = fit(BarzilaiBorwein(0.05))
    sgd_loss, _ = fit(keras.optimizers.SGD(0.05))
    assert bb_loss - best < 0.01 * (sgd_loss - best), (bb_loss, sgd_loss, best)
    assert float(model.optimizer.step_size) > 0.05  # the step adapted
    assert int(model.optimizer.iterations) == 40


def test_saves_and_loads_its_config(tmp_path):
    x, y = _regression()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=BarzilaiBorwein(0.02, variant="short", min_step=1e-4, max_step=3.0,
                                            fallback="initial"), loss="mse")
    model.fit(x, y, batch_size=256, epochs=3, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    opt = loaded.optimizer
    assert isinstance(opt, BarzilaiBorwein)
    assert (opt.variant, opt.min_step, opt.max_step, opt.fallback) == ("short", 1e-4, 3.0,
                                                                       "initial")
    assert float(opt.step_size) == pytest.approx(float(model.optimizer.step_size))


@pytest.mark.parametrize("kwargs, name", [
    ({"learning_rate": -1.0}, "learning_rate"),
    ({"variant": "bb1"}, "variant"),
    ({"min_step": 0.0}, "min_step"),
    ({"min_step": 1.0, "max_step": 0.5}, "max_step"),
    ({"fallback": "zero"}, "fallback"),
    ({"gradient_accumulation_steps": 2}, "gradient_accumulation_steps"),
])
def test_bad_arguments_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=rf"BarzilaiBorwein: argument `{name}` must be"):
        BarzilaiBorwein(**kwargs)
