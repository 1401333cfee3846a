"""``tfcourse.callbacks.TensorBoard`` writes what Keras's TensorBoard callback writes (the same
folders, tags, steps and values with ``update_freq="epoch"``), without a TensorFlow op per
scalar; and it does not make ``fit_steps`` fall back to one step per call."""
from pathlib import Path

import keras
import numpy as np
import pytest

from tfcourse.callbacks import TensorBoard
from tfcourse.training import _needs_every_batch, fit_steps


def _scalars(folder: Path) -> dict:
    """{(subfolder, tag): [(step, value), ...]} from every event file under ``folder``."""
    import tensorflow as tf
    from tensorboard.util import tensor_util

    found = {}
    for path in sorted(folder.rglob("events.out.tfevents*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                number = float(tensor_util.make_ndarray(value.tensor)) if value.HasField(
                    "tensor") else value.simple_value
                found.setdefault((path.parent.name, value.tag), []).append(
                    (event.step, number))
    return {k: sorted(v) for k, v in found.items()}


def _train(callback_class, log_dir):
    keras.utils.set_random_seed(0)
    rng = np.random.RandomState(0)
    x = rng.randn(40, 2).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=8, epochs=3, validation_data=(x[:10], y[:10]), verbose=0,
              callbacks=[callback_class(log_dir=str(log_dir), write_graph=False,
                                        profile_batch=0)])


def test_the_same_scalars_as_keras(tmp_path):
    _train(keras.callbacks.TensorBoard, tmp_path / "keras")
    _train(TensorBoard, tmp_path / "ours")
    theirs, ours = _scalars(tmp_path / "keras"), _scalars(tmp_path / "ours")
    assert set(ours) == set(theirs)
    assert ("train", "epoch_loss") in ours and ("validation", "epoch_accuracy") in ours
    assert ("validation", "evaluation_loss_vs_iterations") in ours
    for key, series in theirs.items():
        assert [s for s, _ in ours[key]] == [s for s, _ in series], key
        np.testing.assert_allclose([v for _, v in ours[key]], [v for _, v in series],
                                   rtol=1e-6, err_msg=str(key))


def test_it_keeps_fit_steps_blocks(tmp_path):
    callback = TensorBoard(log_dir=str(tmp_path), write_graph=False, profile_batch=0)
    assert not _needs_every_batch(callback)
    x = np.random.RandomState(1).randn(20, 2).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    fit_steps(model, x, (x[:, 0] > 0).astype("float32"), 50, log_every=10,
              callbacks=[callback])
    assert [s for s, _ in _scalars(tmp_path)[("train", "epoch_loss")]] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("kwargs", [{"update_freq": 2}, {"write_steps_per_second": True}])
def test_other_settings_take_keras_path(tmp_path, kwargs):
    callback = TensorBoard(log_dir=str(tmp_path), **kwargs)
    assert not callback._lean()
