"""tfcourse.schedules: the course's worked values, hand-computed values, and the Keras pieces
agreeing with the pure functions step by step."""

import math

import keras
import numpy as np
import pytest

from tfcourse import schedules as S
from tfcourse.optimizers import GradientDescent


# -- the course's worked examples and values by hand ---------------------------------------

def test_course_worked_values():
    assert S.update_lr(0.5, 2, 1) == pytest.approx(0.16666666666666666, rel=1e-12)
    assert S.schedule_lr_decay(0.5, 100, 0.3, 100) == pytest.approx(0.38461538461538464, rel=1e-12)


def test_hand_computed_values():
    assert S.update_lr(0.1, 0, 1.0) == 0.1
    assert S.exponential_decay(0.2, 2) == pytest.approx(0.95**2 * 0.2)
    assert S.exponential_decay(0.2, 0) == 0.2
    assert S.sqrt_decay(0.2, 4, k=1.0) == pytest.approx(0.1)
    assert S.sqrt_decay(0.3, 1, k=0.5) == pytest.approx(0.15)
    assert S.staircase_decay(0.2, 9, drop=0.5, interval=10) == 0.2
    assert S.staircase_decay(0.2, 25, drop=0.5, interval=10) == pytest.approx(0.05)
    # Scheduled decay: constant inside an interval, one step down at each boundary.
    assert S.schedule_lr_decay(0.1, 999, 0.3, 1000) == 0.1
    assert S.schedule_lr_decay(0.1, 1000, 0.3, 1000) == pytest.approx(0.1 / 1.3)
    assert S.schedule_lr_decay(0.1, 9999, 0.3, 1000) == pytest.approx(0.1 / 3.7)


def test_decaying_every_epoch_collapses_the_rate():
    # The course's warning: over 10 000 epochs update_lr with rate 1 leaves ~1e-5 of the rate.
    assert S.update_lr(0.1, 9999, 1) / 0.1 < 1.1e-4
    assert S.schedule_lr_decay(0.1, 9999, 0.3, 1000) / 0.1 > 0.25


# -- Keras pieces -----------------------------------------------------------------------------

CASES = [
    (S.InverseTimeEpochDecay(0.5, 1.0, steps_per_epoch=3), S.update_lr, dict(decay_rate=1.0), 0),
    (S.ExponentialEpochDecay(0.2, 0.95, steps_per_epoch=2), S.exponential_decay, dict(base=0.95), 0),
    (S.SqrtEpochDecay(0.2, k=2.0, steps_per_epoch=4), S.sqrt_decay, dict(k=2.0), 1),
    (S.StaircaseEpochDecay(0.2, 0.5, interval=3, steps_per_epoch=2), S.staircase_decay,
     dict(drop=0.5, interval=3), 0),
    (S.ScheduledInverseTimeDecay(0.1, 0.3, time_interval=4, steps_per_epoch=5),
     S.schedule_lr_decay, dict(decay_rate=0.3, time_interval=4), 0),
]


@pytest.mark.parametrize("schedule,fn,kwargs,offset", CASES, ids=lambda c: type(c).__name__)
def test_schedule_follows_pure_function_per_step(schedule, fn, kwargs, offset):
    spe = schedule.steps_per_epoch
    for step in range(0, 60):
        expected = fn(schedule.initial_learning_rate, step // spe + offset, **kwargs)
        got = float(keras.ops.convert_to_numpy(schedule(step)))
        assert got == pytest.approx(expected, rel=1e-6), (step, got, expected)
    # The rate actually decays over those steps (not a constant schedule).
    assert float(schedule(59)) < float(schedule(0))


def test_scheduled_decay_matches_keras_inverse_time_for_interval_one():
    ours = S.InverseTimeEpochDecay(0.3, 0.7, steps_per_epoch=4)
    keras_twin = keras.optimizers.schedules.InverseTimeDecay(0.3, 4, 0.7, staircase=True)
    steps = np.arange(40)
    np.testing.assert_allclose([float(ours(s)) for s in steps],
                               [float(keras_twin(s)) for s in steps], rtol=1e-6)


@pytest.mark.parametrize("schedule", [c[0] for c in CASES], ids=lambda c: type(c).__name__)
def test_schedule_serializes(schedule):
    config = keras.optimizers.schedules.serialize(schedule)
    again = keras.optimizers.schedules.deserialize(config)
    assert type(again) is type(schedule)
    assert again.get_config() == schedule.get_config()
    assert float(again(17)) == float(schedule(17))


def test_schedule_inside_an_optimizer_config_round_trip():
    o = GradientDescent(S.ScheduledInverseTimeDecay(0.1, 0.3, 1000, steps_per_epoch=5))
    again = GradientDescent.from_config(o.get_config())
    assert isinstance(again._learning_rate, S.ScheduledInverseTimeDecay)
    assert again._learning_rate.get_config() == o._learning_rate.get_config()


def test_step_schedule_and_epoch_callback_drive_fit():
    # Two optimizers, one with a per-step schedule (3 batches per epoch), one set per epoch by
    # LearningRateScheduler: after 4 epochs both hold the rate of epoch index 3.
    x = np.random.default_rng(0).normal(size=(48, 2)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    rates = {}
    for kind in ("step", "callback"):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
        if kind == "step":
            o = GradientDescent(S.InverseTimeEpochDecay(0.5, 1.0, steps_per_epoch=3))
            callbacks = []
        else:
            o = GradientDescent(0.5)
            callbacks = [keras.callbacks.LearningRateScheduler(
                S.epoch_schedule("update_lr", 0.5, decay_rate=1.0))]
        model.compile(optimizer=o, loss="binary_crossentropy", jit_compile=False)
        model.fit(x, y, batch_size=16, epochs=4, verbose=0, shuffle=False, callbacks=callbacks)
        if kind == "step":  # the optimizer evaluates the schedule at its next step (12)
            rates[kind] = float(o._learning_rate(o.iterations - 1))
        else:
            rates[kind] = float(np.asarray(o.learning_rate))
    assert rates["step"] == pytest.approx(0.5 / 4, rel=1e-6)
    assert rates["callback"] == pytest.approx(0.5 / 4, rel=1e-6)


def test_epoch_schedule_sqrt_counts_from_one():
    f = S.epoch_schedule(S.sqrt_decay, 0.2, k=1.0)
    assert f(0, None) == pytest.approx(0.2)
    assert f(3, None) == pytest.approx(0.1)


# -- argument checks -------------------------------------------------------------------------

BAD = [
    (lambda: S.update_lr(-0.5, 2, 1), "learning_rate0=-0.5"),
    (lambda: S.update_lr(0.5, -1, 1), "epoch_num=-1"),
    (lambda: S.update_lr(0.5, 2, -1), "decay_rate=-1"),
    (lambda: S.exponential_decay(0.5, 2, base=1.5), "base=1.5"),
    (lambda: S.sqrt_decay(0.5, 0), "epoch_num=0"),
    (lambda: S.sqrt_decay(0.5, 2, k=0), "k=0"),
    (lambda: S.staircase_decay(0.5, 2, drop=0.0), "drop=0.0"),
    (lambda: S.staircase_decay(0.5, 2, interval=0), "interval=0"),
    (lambda: S.schedule_lr_decay(0.5, 100, 0.3, 0), "time_interval=0"),
    (lambda: S.schedule_lr_decay(0.5, 100, 0.3, 2.5), "time_interval=2.5"),
    (lambda: S.schedule_lr_decay("0.5", 100, 0.3, 10), "learning_rate0='0.5'"),
    (lambda: S.InverseTimeEpochDecay(0.1, 1.0, steps_per_epoch=0), "steps_per_epoch=0"),
    (lambda: S.ScheduledInverseTimeDecay(-0.1, 0.3), "initial_learning_rate=-0.1"),
    (lambda: S.ScheduledInverseTimeDecay(0.1, -0.3), "decay_rate=-0.3"),
    (lambda: S.epoch_schedule("nope", 0.1), "formula='nope'"),
    (lambda: S.epoch_schedule("update_lr", 0.1, decay_rate=-2), "decay_rate=-2"),
]


@pytest.mark.parametrize("call,message", BAD, ids=[m for _, m in BAD])
def test_bad_arguments_name_argument_and_value(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_nan_rejected():
    with pytest.raises(ValueError, match="learning_rate0=nan"):
        S.update_lr(math.nan, 1, 1)
