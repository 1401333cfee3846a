"""``tfcourse.training.fit_steps``: exactly the steps asked, one History entry per ``log_every``
steps, and the same weights as Keras's step-by-step ``model.fit`` (the fast path runs blocks of
steps per call, ``steps_per_execution``; it must not change a single update)."""
import keras
import numpy as np
import pytest

from tfcourse.training import _needs_every_batch, fit_steps


def _data(m=50):
    rng = np.random.RandomState(0)
    x = rng.randn(m, 2).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")
    return x, y


def _tiny_model(steps_per_execution=1, learning_rate=0.1, cls=keras.Sequential):
    keras.utils.set_random_seed(0)
    model = cls([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                 keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(learning_rate), "binary_crossentropy",
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)
    return model


def _assert_same_weights(a, b):
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)


class _CountBatches(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def on_train_batch_end(self, batch, logs=None):
        self.calls += 1


class _CountBlocks(_CountBatches):
    handles_steps_per_execution = True


@pytest.mark.parametrize("batch_size", [None, 8])
@pytest.mark.parametrize("steps, log_every, entries", [
    (23, 5, 5),   # four entries of 5 steps, one of 3: blocks of gcd(5, 3) = 1
    (26, 6, 5),   # four of 6, one of 2: blocks of 2
    (24, 6, 4),   # blocks of 6
    (7, 50, 1),   # log_every > steps: one entry of 7
])
def test_fit_steps_trains_exactly_the_steps_asked(batch_size, steps, log_every, entries):
    x, y = _data()
    model = _tiny_model()
    history = fit_steps(model, x, y, steps, log_every=log_every, batch_size=batch_size,
                        jit_compile=False)
    assert int(model.optimizer.iterations.numpy()) == steps
    assert len(history.history["loss"]) == entries
    # The same updates as one step per call and per entry (Keras's own loop, block 1): the
    # remainder continues the same stream, the blocks change nothing.
    twin = _tiny_model()
    fit_steps(twin, x, y, steps, log_every=1, batch_size=batch_size)
    _assert_same_weights(model, twin)


def test_full_batch_equals_plain_keras_fit():
    x, y = _data()
    model = _tiny_model()
    history = fit_steps(model, x, y, 40, log_every=10, jit_compile=False)
    twin = _tiny_model()
    plain = twin.fit(x, y, batch_size=len(x), epochs=40, shuffle=False, verbose=0)
    _assert_same_weights(model, twin)
    # Entry k is the mean over its 10 steps; the last step's loss is in both.
    assert history.history["loss"][0] == pytest.approx(np.mean(plain.history["loss"][:10]),
                                                       rel=1e-6)


@pytest.mark.parametrize("steps, log_every", [(40, 10), (26, 6)])
def test_full_batch_with_xla_equals_plain_keras_fit_to_round_off(steps, log_every):
    # A full batch's block compiled with XLA (the default from XLA_STEPS steps on), whose
    # kernels round differently: the same updates to float32 round-off, and as many.
    x, y = _data()
    model = _tiny_model()
    history = fit_steps(model, x, y, steps, log_every=log_every, jit_compile=True)
    assert int(model.optimizer.iterations.numpy()) == steps
    twin = _tiny_model()
    plain = twin.fit(x, y, batch_size=len(x), epochs=steps, shuffle=False, verbose=0)
    for u, v in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)
    assert history.history["loss"][0] == pytest.approx(
        np.mean(plain.history["loss"][:log_every]), rel=1e-5)


def test_a_step_xla_cannot_compile_runs_without_it():
    # An op with no XLA kernel (a py_function) is found when the block is first compiled,
    # before any step runs; the block then runs without XLA, the same steps.
    import tensorflow as tf

    class Opaque(keras.layers.Layer):
        def call(self, x):
            y = tf.py_function(lambda t: t, [x], tf.float32)
            return tf.ensure_shape(y, x.shape) + 0 * x

        def compute_output_shape(self, input_shape):
            return input_shape

    x, y = _data()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                              Opaque(), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    history = fit_steps(model, x, y, 20, log_every=10, jit_compile=True)
    assert int(model.optimizer.iterations.numpy()) == 20
    assert len(history.history["loss"]) == 2


def test_mini_batch_with_a_schedule_equals_step_by_step():
    # c2w2_optimization's case: mini-batches, a learning rate that changes every step, a model
    # compiled with its own steps_per_execution.
    x, y = _data(60)
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.5, decay_steps=3, decay_rate=1.0)
    model = _tiny_model(steps_per_execution=4, learning_rate=schedule)
    fit_steps(model, x, y, 30, batch_size=16, log_every=10, shuffle_seed=3)
    twin = _tiny_model(learning_rate=keras.optimizers.schedules.InverseTimeDecay(
        0.5, decay_steps=3, decay_rate=1.0))
    fit_steps(twin, x, y, 30, batch_size=16, log_every=1, shuffle_seed=3)
    _assert_same_weights(model, twin)
    assert model.steps_per_execution == 4  # the lesson's setting is back


def test_the_model_is_left_as_compiled():
    x, y = _data()
    model = _tiny_model(steps_per_execution=3)
    model.fit(x, y, epochs=1, verbose=0)       # a train function traced for blocks of 3
    fit_steps(model, x, y, 20, log_every=10)
    assert model.steps_per_execution == 3
    before = int(model.optimizer.iterations.numpy())
    model.fit(x, y, batch_size=10, epochs=1, verbose=0)   # 5 batches, in blocks of 3 then 2
    assert int(model.optimizer.iterations.numpy()) == before + 5


@pytest.mark.parametrize("batch_size", [None, 16])
def test_each_entry_is_the_metrics_result_at_its_end(batch_size):
    # Keras reads the metrics again at each epoch's end; fit_steps takes the block's own
    # results, computed after its last step (_LatestLogs): they must be the same values.
    x, y = _data(64)
    model = _tiny_model()
    seen = []
    read = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(
        {k: float(v) for k, v in model.get_metrics_result().items()}))
    history = fit_steps(model, x, y, 30, batch_size=batch_size, log_every=10,
                        callbacks=[read], jit_compile=False)
    assert [{k: v[i] for k, v in history.history.items()} for i in range(3)] == seen
    assert "_get_metrics_result_or_logs" not in vars(model)   # nothing left on the model


def test_the_training_data_is_not_autotuned():
    # tf.data's autotuning thread can hold up the iterator's deletion at the end of `fit` by
    # up to ~0.6 s on a fit of 0.7 s (training._training_data's docstring).
    from tfcourse.training import _training_data

    x, y = _data()
    for batch_size in (len(x), 8):
        assert _training_data(x, y, batch_size, 0).options().autotune.enabled is False


def test_validation_entries_are_the_dev_loss_after_each_entry():
    x, y = _data()
    xd, yd = _data(30)
    model = _tiny_model()
    history = fit_steps(model, x, y, 30, log_every=10, validation_data=(xd, yd))
    assert len(history.history["val_loss"]) == 3
    loss = model.evaluate(xd, yd, verbose=0)[0]
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-6)


def test_dev_set_entries_and_hooks_are_those_of_keras_validation(tmp_path):
    """The dev set runs as a callback (one traced test step per epoch, not Keras's
    ``evaluate``): the same ``val_`` entries as ``model.fit(validation_data=)``, in the logs
    other callbacks see at ``on_epoch_end``, and their test hooks called as ``evaluate`` calls
    them (so TensorBoard writes its validation scalars and EarlyStopping can watch val_loss)."""
    x, y = _data()
    xd, yd = _data(30)

    class Watch(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seen, self.hooks = [], []

        def on_test_begin(self, logs=None):
            self.hooks.append("begin")

        def on_test_end(self, logs=None):
            self.hooks.append(("end", round(logs["loss"], 6)))

        def on_epoch_end(self, epoch, logs=None):
            self.seen.append(logs["val_loss"])

    ours, watch = _tiny_model(), Watch()
    history = fit_steps(ours, x, y, 40, log_every=10, validation_data=(xd, yd),
                        callbacks=[watch])
    keras_model = _tiny_model()
    reference = keras_model.fit(x, y, batch_size=len(x), epochs=40, verbose=0,
                                validation_data=(xd, yd), validation_batch_size=len(xd))
    np.testing.assert_allclose(history.history["val_loss"],
                               reference.history["val_loss"][9::10], rtol=1e-6)
    np.testing.assert_allclose(history.history["val_accuracy"],
                               reference.history["val_accuracy"][9::10], rtol=1e-6)
    assert watch.seen == history.history["val_loss"]
    assert watch.hooks[0] == "begin" and len(watch.hooks) == 8
    assert watch.hooks[-1] == ("end", round(history.history["val_loss"][-1], 6))
    stop = keras.callbacks.EarlyStopping("val_loss", patience=0, min_delta=10.0)
    short = fit_steps(_tiny_model(), x, y, 40, log_every=10, validation_data=(xd, yd),
                      callbacks=[stop])
    assert len(short.history["val_loss"]) == 2  # stopped after the first epoch that did not gain


def test_a_per_batch_callback_sees_every_step():
    x, y = _data()
    every, blocks = _CountBatches(), _CountBlocks()
    fit_steps(_tiny_model(), x, y, 30, log_every=10, callbacks=[every])
    fit_steps(_tiny_model(), x, y, 30, log_every=10, callbacks=[blocks])
    assert every.calls == 30   # it overrides on_train_batch_end: blocks of 1
    assert blocks.calls == 3   # it copes with blocks: one call per 10 steps


class _StepProgress(_CountBatches):
    """Like tfcourse.callbacks.Progress: told the total by fit_steps, counts from ``batch``."""

    def count_steps(self, total):
        self.total = total

    def on_train_begin(self, logs=None):
        self.last = []

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(batch, logs)
        self.last.append(batch)


def test_a_progress_callback_is_told_the_steps_and_sees_blocks():
    x, y = _data()
    progress = _StepProgress()
    fit_steps(_tiny_model(), x, y, 26, log_every=6, callbacks=[progress])
    assert progress.total == 26
    assert progress.calls == 13                  # blocks of gcd(6, 2) = 2 steps
    assert progress.last[:3] == [1, 3, 5]        # the last step of each block, in its epoch


def test_which_callbacks_need_every_batch(tmp_path):
    from tfcourse.callbacks import (GradientNorms, LearningCurves, LearningRateDecay,
                                    SmoothedLoss, WeightNorms)

    x, y = _data()
    assert _needs_every_batch(SmoothedLoss())
    assert _needs_every_batch(_CountBatches())
    for callback in (keras.callbacks.TensorBoard(str(tmp_path)), keras.callbacks.TerminateOnNaN(),
                     LearningCurves(tmp_path / "c.png"), WeightNorms(), GradientNorms(x, y),
                     LearningRateDecay(lambda epoch: 0.1), _CountBlocks(), _StepProgress()):
        assert not _needs_every_batch(callback), type(callback).__name__


def test_a_custom_train_step_trains_exactly_the_steps_asked():
    class Custom(keras.Sequential):
        def train_step(self, data):
            self.custom_calls.assign_add(1)
            return super().train_step(data)

    x, y = _data()
    model = _tiny_model(cls=Custom)
    model.custom_calls = keras.Variable(0, trainable=False)
    history = fit_steps(model, x, y, 26, log_every=6)
    assert int(model.optimizer.iterations.numpy()) == 26 == int(model.custom_calls.numpy())
    assert len(history.history["loss"]) == 5


def test_fit_steps_rejects_bad_steps():
    with pytest.raises(ValueError, match=r"argument `steps` must be a positive integer. "
                                         r"Received: steps=0"):
        fit_steps(_tiny_model(), np.zeros((4, 2)), np.zeros(4), 0)


def test_xla_by_default_for_long_full_batch_runs_without_random_layers():
    from tfcourse.layers import InvertedDropout
    from tfcourse.training import XLA_STEPS, _CompiledFullBatchBlock, _draws_random_numbers

    seen = []
    original = _CompiledFullBatchBlock.__init__

    def spy(self, steps, xla=True):
        seen.append(xla)
        original(self, steps, xla)

    x, y = _data()
    plain = _tiny_model()
    dropout = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh"),
                                InvertedDropout(0.2, seed=1),
                                keras.layers.Dense(1, activation="sigmoid")])
    dropout.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    assert not _draws_random_numbers(plain) and _draws_random_numbers(dropout)
    _CompiledFullBatchBlock.__init__ = spy
    try:
        fit_steps(plain, x, y, XLA_STEPS, log_every=XLA_STEPS)
        fit_steps(_tiny_model(), x, y, 40, log_every=10)
        fit_steps(dropout, x, y, XLA_STEPS, log_every=XLA_STEPS)
    finally:
        _CompiledFullBatchBlock.__init__ = original
    assert seen == [True, False, False]


def test_a_model_trained_again_reuses_its_block_and_matches_a_fresh_model():
    """Restarting one compiled model from new weights reuses its traced block (no new trace)
    and trains exactly as a freshly built model from those weights; a new compile, another
    batch shape or another block size gets a new block."""
    from tfcourse.training import _kept_blocks

    x, y = _data()
    model = _tiny_model()
    start = model.get_weights()
    fit_steps(model, x, y, 30, log_every=10)
    (key, (_, block)), = _kept_blocks(model).items()
    model.set_weights(start)
    fit_steps(model, x, y, 30, log_every=10)
    assert list(_kept_blocks(model)) == [key] and _kept_blocks(model)[key][1] is block
    fresh = _tiny_model()
    fresh.set_weights(start)
    fit_steps(fresh, x, y, 30, log_every=10)
    _assert_same_weights(model, fresh)
    fit_steps(model, x[:20], y[:20], 30, log_every=10)   # another batch shape: retraced
    model.set_weights(start)
    fit_steps(model, x, y, 30, log_every=10)
    _assert_same_weights(model, fresh)
    fit_steps(model, x, y, 20, log_every=5)              # another block size: a second block
    assert len(_kept_blocks(model)) == 2
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    fit_steps(model, x, y, 20, log_every=5)              # a new compile: a new block
    assert _kept_blocks(model)[(5, True, False)][0][0] is model.optimizer
