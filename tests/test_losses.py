"""tfcourse.losses: the masked multi-task loss against Keras's and NumPy's, and a save/load."""
import keras
import numpy as np
import pytest

from tfcourse.losses import MaskedBinaryCrossentropy


def test_masked_loss_against_keras_and_numpy(tmp_path):
    rng = np.random.RandomState(0)
    p = rng.uniform(0.05, 0.95, (8, 3)).astype("float32")
    y = rng.randint(0, 2, (8, 3)).astype("float32")
    ours = MaskedBinaryCrossentropy()
    # Every label present: the sum over tasks = n_tasks × Keras's mean over tasks.
    keras_bce = keras.losses.BinaryCrossentropy()(y, p)
    assert float(ours(y, p)) == pytest.approx(3 * float(keras_bce), rel=1e-5)
    # Missing labels contribute nothing; the mean still divides by the batch size.
    y_missing = y.copy()
    y_missing[rng.rand(8, 3) < 0.4] = -1
    present = y_missing != -1
    per = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert float(ours(y_missing, p)) == pytest.approx(float((per * present).sum() / 8), rel=1e-5)
    # ... and get no gradient.
    import tensorflow as tf
    pv = tf.Variable(p)
    with tf.GradientTape() as tape:
        loss = ours(y_missing, pv)
    g = tape.gradient(loss, pv).numpy()
    assert np.all(g[~present] == 0) and np.all(g[present] != 0)
    with pytest.raises(ValueError, match="missing"):
        MaskedBinaryCrossentropy(missing=1)


def test_masked_loss_saves_with_the_model(tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="sigmoid")])
    model.compile("adam", loss=MaskedBinaryCrossentropy(missing=-2))
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    y = np.array([[1, 0, -2], [0, -2, 1]] * 4, dtype="float32")
    model.fit(x, y, epochs=1, verbose=0)  # a trained optimizer: saved and reloaded, no warning
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.loss, MaskedBinaryCrossentropy) and loaded.loss.missing == -2
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
