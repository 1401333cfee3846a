"""tfcourse.optimizers: each course optimizer against its Keras twin and the course's formula.

Twin tests train the same model (same initial weights, same data, same batches) with ours and
with the Keras built-in under the documented mapping, and compare the weights after several
steps of `model.fit`. Formula tests feed a fixed gradient sequence to float64 variables and
compare with the course's formulas written in NumPy.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest

from tfcourse import optimizers as opt

TOL = dict(rtol=1e-5, atol=2e-6)  # float32 training, a few dozen steps


# -- helpers ---------------------------------------------------------------------------------

def _data(m=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, 3)).astype("float32")
    y = (x[:, 0] * x[:, 1] + x[:, 2] > 0).astype("float32")
    return x, y


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(5, activation="tanh"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])


def _train(optimizer, epochs=3, weights=None):
    """Fit a fresh model for `epochs` × 6 mini-batches; return (initial weights, final weights)."""
    x, y = _data()
    model = _model()
    if weights is not None:
        model.set_weights(weights)
    w0 = [w.copy() for w in model.get_weights()]
    model.compile(optimizer=optimizer, loss="binary_crossentropy", jit_compile=False)
    model.fit(x, y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    return w0, model.get_weights()


def _max_diff(a, b):
    return max(float(np.max(np.abs(p - q))) for p, q in zip(a, b))


# -- twin tests with model.fit ---------------------------------------------------------------

TWINS = {
    "gd": (lambda: opt.GradientDescent(0.3), lambda: keras.optimizers.SGD(0.3)),
    "momentum": (lambda: opt.Momentum(0.3, beta=0.9),
                 lambda: keras.optimizers.SGD(0.3 * (1 - 0.9), momentum=0.9)),
    "momentum_beta05": (lambda: opt.Momentum(0.2, beta=0.5),
                        lambda: keras.optimizers.SGD(0.2 * (1 - 0.5), momentum=0.5)),
    # epsilon -> 0 on both sides (Keras's sits under the root, hence its square).
    "rmsprop": (lambda: opt.RMSprop(0.01, beta=0.9, epsilon=1e-12),
                lambda: keras.optimizers.RMSprop(0.01, rho=0.9, epsilon=1e-24)),
    "adam": (lambda: opt.Adam(0.02, beta_1=0.9, beta_2=0.999, epsilon=1e-12),
             lambda: keras.optimizers.Adam(0.02, beta_1=0.9, beta_2=0.999, epsilon=1e-12)),
}


@pytest.mark.parametrize("name", sorted(TWINS))
def test_twin_with_keras_in_fit(name):
    ours, theirs = TWINS[name]
    w0, w_ours = _train(ours())
    _, w_keras = _train(theirs(), weights=w0)
    assert _max_diff(w_ours, w0) > 1e-2, "training did not move the weights: vacuous test"
    for a, b in zip(w_ours, w_keras):
        np.testing.assert_allclose(a, b, **TOL)


def test_momentum_without_the_mapping_differs():
    # Same lr on both sides is NOT the same optimizer: the (1 - beta) factor matters.
    w0, w_ours = _train(opt.Momentum(0.3, beta=0.9))
    _, w_keras = _train(keras.optimizers.SGD(0.3, momentum=0.9), weights=w0)
    assert _max_diff(w_ours, w_keras) > 1e-2


# -- the exact epsilon story, step by step ---------------------------------------------------

def _grad_sequence(steps=12, seed=1):
    rng = np.random.default_rng(seed)
    # Gradients with small entries, where epsilon placement matters.
    return [rng.normal(scale=10.0 ** rng.uniform(-4, 0), size=(4,)) for _ in range(steps)]


def _apply_all(optimizer, grads, w0, before_step=None):
    var = keras.Variable(np.array(w0, dtype="float64"), dtype="float64")
    optimizer.build([var])
    for t, g in enumerate(grads, start=1):
        if before_step:
            before_step(optimizer, t)
        optimizer.apply([keras.ops.convert_to_tensor(g, dtype="float64")], [var])
    return np.asarray(var)


def test_adam_equals_keras_with_time_varying_epsilon():
    # eps' = eps * sqrt(1 - beta_2^t) makes keras.optimizers.Adam the course's Adam exactly.
    # Keras computes beta^t from beta cast through float32 (ops.cast of a Python float), so the
    # betas here are exact in float32 (0.875, 1 - 2^-10) and the comparison is float64-tight.
    lr, b1, b2, eps = 0.01, 0.875, 1 - 2.0**-10, 1e-3
    grads, w0 = _grad_sequence(), [1.0, -2.0, 0.5, 3.0]
    ours = _apply_all(opt.Adam(lr, b1, b2, eps), grads, w0)

    def keras_eps(optimizer, t):
        optimizer.epsilon = eps * np.sqrt(1 - b2**t)

    mapped = _apply_all(keras.optimizers.Adam(lr, b1, b2, eps), grads, w0, before_step=keras_eps)
    np.testing.assert_allclose(ours, mapped, rtol=1e-12, atol=1e-12)
    same_eps = _apply_all(keras.optimizers.Adam(lr, b1, b2, eps), grads, w0)
    assert np.max(np.abs(ours - same_eps)) > 1e-4, "with the same epsilon they must differ"


def test_adam_matches_course_formula():
    lr, b1, b2, eps = 2.0**-7, 0.9, 0.999, 1e-3  # lr exact in float32 (the lr variable)
    grads, w = _grad_sequence(), np.array([1.0, -2.0, 0.5, 3.0])
    v = s = np.zeros(4)
    for t, g in enumerate(grads, start=1):
        v = b1 * v + (1 - b1) * g
        s = b2 * s + (1 - b2) * g**2
        v_hat, s_hat = v / (1 - b1**t), s / (1 - b2**t)
        w = w - lr * v_hat / (np.sqrt(s_hat) + eps)
    got = _apply_all(opt.Adam(lr, b1, b2, eps), grads, [1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-12)


def test_rmsprop_matches_course_formula_and_differs_from_keras_epsilon():
    lr, beta, eps = 2.0**-7, 0.999, 1e-3
    grads, w = _grad_sequence(), np.array([1.0, -2.0, 0.5, 3.0])
    s = np.zeros(4)
    for g in grads:
        s = beta * s + (1 - beta) * g**2
        w = w - lr * g / (np.sqrt(s) + eps)
    got = _apply_all(opt.RMSprop(lr, beta, eps), grads, [1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-12)
    # Keras puts epsilon under the root: same eps, different steps.
    keras_w = _apply_all(keras.optimizers.RMSprop(lr, rho=beta, epsilon=eps), grads,
                         [1.0, -2.0, 0.5, 3.0])
    assert np.max(np.abs(got - keras_w)) > 1e-4


def test_momentum_matches_course_formula():
    lr, beta = 2.0**-3, 0.9
    grads, w = _grad_sequence(), np.array([1.0, -2.0, 0.5, 3.0])
    v = np.zeros(4)
    for g in grads:
        v = beta * v + (1 - beta) * g
        w = w - lr * v
    got = _apply_all(opt.Momentum(lr, beta), grads, [1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(got, w, rtol=1e-12, atol=1e-12)


# -- base-class machinery: clipping, schedules, saving -------------------------------------

ALL = {
    "GradientDescent": lambda **kw: opt.GradientDescent(0.1, **kw),
    "Momentum": lambda **kw: opt.Momentum(0.1, beta=0.9, **kw),
    "RMSprop": lambda **kw: opt.RMSprop(0.01, beta=0.9, epsilon=1e-3, **kw),
    "Adam": lambda **kw: opt.Adam(0.01, epsilon=1e-3, **kw),
}


@pytest.mark.parametrize("name", sorted(ALL))
def test_clipnorm_clips_the_gradient(name):
    # A clipped optimizer given g must move exactly like an unclipped one given g·c/‖g‖.
    g = [np.array([3.0, -4.0, 0.0, 12.0])]  # norm 13
    clipped = _apply_all(ALL[name](clipnorm=1.3), g * 3, [0.0] * 4)
    manual = _apply_all(ALL[name](), [g[0] * 0.1] * 3, [0.0] * 4)
    unclipped = _apply_all(ALL[name](), g * 3, [0.0] * 4)
    np.testing.assert_allclose(clipped, manual, rtol=1e-12, atol=1e-14)
    if name in ("GradientDescent", "Momentum"):  # Adam/RMSprop are nearly scale-invariant
        assert np.max(np.abs(clipped - unclipped)) > 1e-3


def test_learning_rate_schedule_is_followed_step_by_step():
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.5, decay_steps=1, decay_rate=1.0)
    g = np.array([1.0, 2.0, -1.0, 0.5])
    got = _apply_all(opt.GradientDescent(schedule), [g] * 4, [0.0] * 4)
    rates = [0.5 / (1 + k) for k in range(4)]  # the schedule sees iterations 0, 1, 2, 3
    np.testing.assert_allclose(got, -g * sum(rates), rtol=1e-6)  # float32 schedule


@pytest.mark.parametrize("name", ["Momentum", "Adam"])
def test_schedule_in_fit_matches_keras_twin_where_exact(name):
    # With a schedule, GD and Adam (eps -> 0) still equal their twins; momentum does not (see
    # its docstring), so for it we only check that fit runs and the rate was followed by Keras.
    schedule = lambda: keras.optimizers.schedules.ExponentialDecay(0.05, 6, 0.5)  # noqa: E731
    if name == "Adam":
        w0, ours = _train(opt.Adam(schedule(), epsilon=1e-12))
        _, theirs = _train(keras.optimizers.Adam(schedule(), epsilon=1e-12), weights=w0)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, **TOL)
    else:
        o = opt.Momentum(schedule())
        w0, ours = _train(o)
        assert int(np.asarray(o.iterations)) == 18
        assert float(np.asarray(o.learning_rate)) == pytest.approx(0.05 * 0.5 ** 3)


SAVE_LOAD = textwrap.dedent(
    """
    import json, sys, numpy as np, keras
    import tfcourse.optimizers  # the registration is all a fresh process needs
    out = {}
    for name, path in json.loads(sys.argv[1]).items():
        o = keras.saving.load_model(path).optimizer
        assert type(o).__module__ == "tfcourse.optimizers" and type(o).__name__ == name, type(o)
        out[name] = [int(np.asarray(o.iterations))] + [float(np.sum(np.asarray(v)))
                                                       for v in o.variables]
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """One trained model per optimizer (clipnorm on), saved as .keras: {name: (model, path)}."""
    x, y = _data()
    root = tmp_path_factory.mktemp("saved")
    out = {}
    for name, make in ALL.items():
        model = _model()
        model.compile(optimizer=make(clipnorm=1.0), loss="binary_crossentropy", jit_compile=False)
        model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
        model.save(root / f"{name}.keras")
        out[name] = (model, root / f"{name}.keras")
    return out


@pytest.mark.parametrize("name", sorted(ALL))
def test_keras_save_and_load(name, saved):
    model, path = saved[name]
    loaded = keras.saving.load_model(path)
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert int(np.asarray(loaded.optimizer.iterations)) == 6
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_training_resumes_identically_after_load(saved, tmp_path):
    # Adam's step depends on t: the restored iteration count must carry on, not restart.
    x, y = _data()
    model, path = saved["Adam"]
    loaded = keras.saving.load_model(path)
    model.save(tmp_path / "copy.keras")
    fresh = keras.saving.load_model(tmp_path / "copy.keras")  # leave the fixture's model alone
    fresh.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    loaded.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(fresh.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert _max_diff(fresh.get_weights(), model.get_weights()) > 1e-4


def test_keras_files_load_in_a_fresh_process(saved):
    paths = {name: str(path) for name, (_, path) in saved.items()}
    done = subprocess.run([sys.executable, "-c", SAVE_LOAD, json.dumps(paths)], check=True,
                          capture_output=True, text=True, env=_env())
    got = json.loads(done.stdout.strip().splitlines()[-1])
    for name, (model, _) in saved.items():
        here = [int(np.asarray(model.optimizer.iterations))]
        here += [float(np.sum(np.asarray(v))) for v in model.optimizer.variables]
        np.testing.assert_allclose(got[name], here, rtol=1e-6, err_msg=name)


def _env():
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.parametrize("name", sorted(ALL))
def test_config_round_trip(name):
    o = ALL[name](clipnorm=2.0)
    again = type(o).from_config(o.get_config())
    assert again.get_config() == o.get_config()


# -- argument checks -------------------------------------------------------------------------

BAD = [
    (opt.GradientDescent, {"learning_rate": -0.1}, "learning_rate", "-0.1"),
    (opt.GradientDescent, {"learning_rate": "fast"}, "learning_rate", "'fast'"),
    (opt.Momentum, {"learning_rate": -1}, "learning_rate", "-1"),
    (opt.Momentum, {"beta": 1.0}, "beta", "1.0"),
    (opt.Momentum, {"beta": -0.5}, "beta", "-0.5"),
    (opt.RMSprop, {"beta": 1.2}, "beta", "1.2"),
    (opt.RMSprop, {"epsilon": -1e-8}, "epsilon", "-1e-08"),
    (opt.RMSprop, {"learning_rate": float("nan")}, "learning_rate", "nan"),
    (opt.Adam, {"beta_1": 1.0}, "beta_1", "1.0"),
    (opt.Adam, {"beta_2": -0.001}, "beta_2", "-0.001"),
    (opt.Adam, {"epsilon": -1.0}, "epsilon", "-1.0"),
    (opt.Adam, {"learning_rate": -0.001}, "learning_rate", "-0.001"),
]


@pytest.mark.parametrize("cls,kwargs,arg,value", BAD, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_bad_arguments_name_argument_and_value(cls, kwargs, arg, value):
    with pytest.raises(ValueError) as info:
        cls(**kwargs)
    assert f"{arg}={value}" in str(info.value)


def test_integer_learning_rate_is_accepted():
    # keras.optimizers.SGD(1) raises; ours takes ints as floats.
    assert float(opt.GradientDescent(1).learning_rate.numpy()) == 1.0
