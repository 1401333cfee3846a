"""The diagnostic callbacks, each inside a real ``model.fit``: files written, numbers checked
against a direct computation (or the Keras twin), and a ``.keras`` save/load in between."""
import math
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfcourse.callbacks import (BiasVarianceReport, GradientNorms, LearningCurves,
                                LearningRateDecay, SmoothedLoss, WeightNorms)
from tfcourse.ewma import ewma
from tfcourse.metrics import classification_error


def data(m=160, n=6, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(m, n).astype("float32")
    y = (x[:, :3].sum(axis=1) > x[:, 3:].sum(axis=1)).astype("float32")
    return x, y


def mlp(hidden=(8,), activation="relu", lr=0.1, l2=0.0, seed=0, optimizer=None):
    keras.utils.set_random_seed(seed)
    reg = keras.regularizers.L2(l2) if l2 else None
    layers = [keras.Input((6,))]
    layers += [keras.layers.Dense(h, activation=activation, kernel_regularizer=reg,
                                  name=f"layer_{i + 1}") for i, h in enumerate(hidden)]
    layers += [keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=reg, name="output")]
    model = keras.Sequential(layers)
    model.compile(optimizer or keras.optimizers.SGD(lr), "binary_crossentropy",
                  metrics=["accuracy"])
    return model


def test_learning_curves_plot_and_history(tmp_path):
    x, y = data()
    model = mlp()
    curves = LearningCurves(tmp_path / "curves.png", every=2)
    history = model.fit(x, y, batch_size=32, epochs=3, validation_data=(x[:40], y[:40]),
                        verbose=0, callbacks=[curves])
    assert (tmp_path / "curves.png").stat().st_size > 0
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        np.testing.assert_allclose(curves.history[key], history.history[key], rtol=1e-6)
    assert curves._names(curves.history) == ["loss", "accuracy"]


def test_smoothed_loss_is_the_ewma_of_the_batch_losses(tmp_path):
    # Learning rate 0: the weights stay put, so each batch's loss can be recomputed directly.
    x, y = data()
    model = mlp(lr=0.0)
    smooth = SmoothedLoss(beta=0.9, path=tmp_path / "smooth.png")
    history = model.fit(x, y, batch_size=50, epochs=2, shuffle=False, verbose=0,
                        callbacks=[smooth])
    batches = [(x[i:i + 50], y[i:i + 50]) for i in range(0, len(x), 50)]  # last batch has 10
    direct = [float(model.compute_loss(x=bx, y=by, y_pred=model(bx))) for bx, by in batches] * 2
    np.testing.assert_allclose(smooth.raw, direct, rtol=1e-5)
    np.testing.assert_allclose(smooth.smoothed, ewma(direct, 0.9, bias_correction=True),
                               rtol=1e-5)
    assert history.history["smoothed_loss"][-1] == pytest.approx(smooth.smoothed[-1])
    # The raw batch losses are not the running mean Keras puts in logs["loss"].
    assert not np.isclose(smooth.raw[-1], history.history["loss"][-1])
    assert (tmp_path / "smooth.png").stat().st_size > 0


@pytest.mark.parametrize("beta", [-0.1, 1.0, 1.5])
def test_smoothed_loss_rejects_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        SmoothedLoss(beta=beta)


def test_learning_rate_decay_matches_keras_scheduler():
    def course_decay(epoch):  # α = α0 / (1 + decay_rate · epoch), α0 = 0.5, decay_rate = 1
        return 0.5 / (1 + 1.0 * epoch)

    x, y = data()
    ours, twin = mlp(), mlp()
    decay = LearningRateDecay(course_decay)
    h1 = ours.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0, callbacks=[decay])
    h2 = twin.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0,
                  callbacks=[keras.callbacks.LearningRateScheduler(course_decay)])
    np.testing.assert_allclose(decay.rates, [0.5, 0.25, 0.5 / 3])
    np.testing.assert_allclose(h1.history["learning_rate"], [0.5, 0.25, 0.5 / 3], rtol=1e-6)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-6)
    for a, b in zip(ours.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_learning_rate_decay_two_argument_schedule_and_bad_values():
    x, y = data(m=32)
    model = mlp(lr=0.2)
    halve = LearningRateDecay(lambda epoch, lr: lr * 0.5)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[halve])
    np.testing.assert_allclose(halve.rates, [0.1, 0.05], rtol=1e-6)
    from tfcourse.schedules import epoch_schedule  # the course's formulas, as pure functions
    course = LearningRateDecay(epoch_schedule("update_lr", 0.5, decay_rate=1))
    mlp().fit(x, y, epochs=3, verbose=0, callbacks=[course])
    np.testing.assert_allclose(course.rates, [0.5, 0.25, 0.5 / 3])  # update_lr(0.5, 2, 1)
    with pytest.raises(ValueError, match="schedule"):
        LearningRateDecay(0.1)
    with pytest.raises(ValueError, match="finite number"):
        mlp().fit(x, y, epochs=1, verbose=0,
                  callbacks=[LearningRateDecay(lambda epoch: float("nan"))])


def test_weight_norms_match_numpy_and_l2_shrinks_them(tmp_path):
    x, y = data()
    plain, l2 = mlp(hidden=(16,), lr=0.3), mlp(hidden=(16,), lr=0.3, l2=0.05)
    n_plain = WeightNorms(tmp_path / "plain.png", every=10)
    n_l2 = WeightNorms()
    plain.fit(x, y, batch_size=32, epochs=6, verbose=0, callbacks=[n_plain])
    l2.fit(x, y, batch_size=32, epochs=6, verbose=0, callbacks=[n_l2])
    assert (tmp_path / "plain.png").stat().st_size > 0
    kernels = [w for w in plain.trainable_weights if len(w.shape) == 2]
    assert list(n_plain.norms) == ["layer_1", "output"]
    for name, kernel in zip(n_plain.norms, kernels):
        assert n_plain.norms[name][-1] == pytest.approx(np.linalg.norm(kernel.numpy()), rel=1e-6)
    # Same initial weights; L2 ("weight decay") ends with smaller norms in every layer.
    for a, b in zip(n_l2.norms.values(), n_plain.norms.values()):
        assert a[-1] < b[-1]
    assert n_l2.norms["layer_1"][-1] < n_l2.norms["layer_1"][0]  # and they shrink as training goes


def test_gradient_norms_match_a_direct_tape(tmp_path):
    x, y = data()
    model = mlp(hidden=(8, 8), l2=0.01)
    grads = GradientNorms(x[:64], y[:64], tmp_path / "grads.png")
    model.fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=[grads])
    assert (tmp_path / "grads.png").stat().st_size > 0
    bce = keras.losses.BinaryCrossentropy()
    kernels = [w for w in model.trainable_weights if len(w.shape) == 2]
    with tf.GradientTape() as tape:
        loss = bce(y[:64], model(x[:64]))
        loss += sum(0.01 * tf.reduce_sum(tf.square(k)) for k in kernels)  # L2(0.01) = 0.01·Σw²
    direct = [np.linalg.norm(g.numpy()) for g in tape.gradient(loss, kernels)]
    got = [v[-1] for v in grads.norms.values()]
    np.testing.assert_allclose(got, direct, rtol=1e-4)


def test_deep_sigmoid_net_gradients_vanish_toward_the_input():
    x, y = data()
    keras.utils.set_random_seed(1)
    model = mlp(hidden=(16,) * 8, activation="sigmoid", lr=0.1)
    grads = GradientNorms(x[:64], y[:64], vanish_threshold=1e-4, explode_threshold=1e3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[grads])
    norms = [v[-1] for v in grads.norms.values()]
    assert norms[0] < norms[-1] / 100  # early layers learn orders of magnitude more slowly
    assert all(a < b for a, b in zip(norms[:-2], norms[1:-1]))  # shrinking toward the input
    vanished = {layer for _, layer, kind, _ in grads.alerts if kind == "vanishing"}
    assert "layer_1" in vanished and "output" not in vanished
    assert any("vanishing gradient in layer 'layer_1'" in str(w.message) for w in caught)


def test_gradient_norms_argument_checks():
    x, y = data(m=8)
    with pytest.raises(ValueError, match="vanish_threshold"):
        GradientNorms(x, y, vanish_threshold=-1)
    with pytest.raises(ValueError, match="explode_threshold"):
        GradientNorms(x, y, vanish_threshold=1.0, explode_threshold=0.5)
    with pytest.raises(ValueError, match="len"):
        GradientNorms(x, y[:4])


def test_bias_variance_report_matches_direct_errors(capsys):
    x, y = data(m=240)
    (xt, yt), (xtd, ytd), (xd, yd) = (x[:160], y[:160]), (x[160:200], y[160:200]), (x[200:],
                                                                                   y[200:])
    xd = xd + 0.3  # a shifted dev distribution
    model = mlp(hidden=(16,), lr=0.5)
    report = BiasVarianceReport(0.02, train_data=(xt, yt), train_dev_data=(xtd, ytd),
                                dev_data=(xd, yd))
    model.fit(xt, yt, batch_size=32, epochs=5, verbose=0, callbacks=[report])
    r = report.report

    def err(a, b):
        return float(np.mean((model.predict(a, verbose=0)[:, 0] > 0.5) != b))

    assert r["train_error"] == pytest.approx(err(xt, yt))
    assert r["train_dev_error"] == pytest.approx(err(xtd, ytd))
    assert r["dev_error"] == pytest.approx(err(xd, yd))
    assert r["avoidable_bias"] == pytest.approx(r["train_error"] - 0.02)
    assert r["variance"] == pytest.approx(r["train_dev_error"] - r["train_error"])
    assert r["data_mismatch"] == pytest.approx(r["dev_error"] - r["train_dev_error"])
    gaps = {"avoidable bias": r["avoidable_bias"], "variance": r["variance"],
            "data mismatch": r["data_mismatch"]}
    assert r["diagnosis"] == max(gaps, key=gaps.get)
    assert "largest gap" in capsys.readouterr().out


def test_bias_variance_report_falls_back_on_logs():
    x, y = data()
    model = mlp()
    report = BiasVarianceReport(0.0, verbose=0)
    history = model.fit(x, y, epochs=2, validation_data=(x[:40], y[:40]), verbose=0,
                        callbacks=[report])
    assert report.report["train_error"] == pytest.approx(1 - history.history["accuracy"][-1])
    assert report.report["dev_error"] == pytest.approx(1 - history.history["val_accuracy"][-1])
    assert report.report["data_mismatch"] is None


@pytest.mark.parametrize("value", [-0.01, 1.5, float("nan"), "5%"])
def test_bias_variance_report_rejects_human_level_error(value):
    with pytest.raises(ValueError, match="human_level_error"):
        BiasVarianceReport(value)


def test_bias_variance_report_rejects_bad_data():
    with pytest.raises(ValueError, match="train_dev_data"):
        BiasVarianceReport(0.01, train_dev_data=np.zeros((3, 2)))


def test_callbacks_survive_keras_save_and_load(tmp_path):
    """fit, save as .keras, load, fit again with the same callback objects."""
    x, y = data()
    model = mlp(hidden=(8,), l2=0.001)
    cbs = [SmoothedLoss(0.9, tmp_path / "s.png"), LearningCurves(tmp_path / "c.png", every=9),
           LearningRateDecay(lambda epoch: 0.2 / (1 + epoch)),
           WeightNorms(tmp_path / "w.png", every=9),
           GradientNorms(x[:32], y[:32], tmp_path / "g.png", every=9),
           BiasVarianceReport(0.01, train_data=(x, y), dev_data=(x[:40], y[:40]), verbose=0)]
    model.fit(x, y, batch_size=32, epochs=2, validation_data=(x[:40], y[:40]), verbose=0,
              callbacks=cbs)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    history = loaded.fit(x, y, batch_size=32, epochs=4, initial_epoch=2, verbose=0,
                         validation_data=(x[:40], y[:40]), callbacks=cbs)
    smooth, curves, decay, norms, grads, report = cbs
    assert curves.series.epochs == [0, 1, 2, 3]  # continued from the first fit
    assert decay.rates == pytest.approx([0.2, 0.1, 0.2 / 3, 0.05])
    assert len(norms.norms["layer_1"]) == 4 and len(grads.norms["layer_1"]) == 4
    kernel = loaded.get_layer("layer_1").kernel.numpy()
    assert norms.norms["layer_1"][-1] == pytest.approx(np.linalg.norm(kernel), rel=1e-6)
    assert len(smooth.raw) == 2 * 5  # this fit's batches
    np.testing.assert_allclose(curves.history["loss"][2:], history.history["loss"], rtol=1e-6)
    pred = loaded.predict(x, verbose=0)
    assert report.report["train_error"] == pytest.approx(classification_error(y, pred))
    for name in ("s", "c", "w", "g"):
        assert (tmp_path / f"{name}.png").is_file()
    assert all(math.isfinite(v) for v in grads.norms["output"])
