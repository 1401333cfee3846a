"""The lesson's search space and hypermodel: an MLP on the 8×8 digits (Course 2, week 3).

Shared by the lesson ``c2w3_hyperparameter_search`` and ``benchmarks/bench_tuners.py`` (which
runs the lesson's real search with several tuners). The search space: learning rate α (log),
momentum β (1 − β log), hidden units (powers of 2), number of hidden layers, mini-batch size
(powers of 2) and the decay rate of α = α0 / (1 + decay_rate · epoch) (the course's formula,
``InverseTimeDecay`` with staircase). The optimizer is the course's momentum,
``tfcourse.optimizers.Momentum``: v = β·v + (1 − β)·dW, W = W − α·v.
"""
from __future__ import annotations

import math
import zlib

import keras_tuner

from tfcourse.tuning import scales

# Epochs per trial. With 20, most reasonable configurations reach 98–99 % on the 359 dev
# images and the ranking is mostly dev-set noise; at 5 the learning rate, β, the batch size and
# the decay still separate the configurations.
EPOCHS = 5

# The default search space, as plain (min, max) pairs; checked when the hypermodel declares it.
SPACE = {
    "lr": (1e-4, 1.0),            # learning rate α, log scale
    "beta": (0.9, 0.999),         # momentum β, through 1 − β on a log scale
    "units": (16, 256),           # hidden units, powers of 2
    "layers": (1, 3),             # hidden layers
    "batch_size": (16, 256),      # mini-batch size, powers of 2
    "decay": (0.0, 1.0),          # decay_rate; (0, 0): no decay
}


def search_space(lr=SPACE["lr"], beta=SPACE["beta"], units=SPACE["units"],
                 max_layers=SPACE["layers"][1], batch_size=SPACE["batch_size"],
                 max_decay=SPACE["decay"][1]) -> dict:
    """The search space as plain values, in the form :class:`DigitsHyperModel` takes.

    ``search_space()`` is :data:`SPACE`; the lesson passes its flags.

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    return {"lr": tuple(lr), "beta": tuple(beta), "units": tuple(units),
            "layers": (1, max_layers), "batch_size": tuple(batch_size),
            "decay": (0.0, max_decay)}


class DigitsHyperModel(keras_tuner.HyperModel):
    """An MLP on the digits; every hyperparameter of the course's list is tuned.

    Each trial's weights are seeded from its configuration (and ``seed``), so a trial gives the
    same score serially, on a worker or after a resume.

    Course 2, week 3; lesson c2w3_hyperparameter_search.

    Args:
        space: :func:`search_space`'s dict.
        n_train: training examples (the decay counts epochs of ⌈n_train / batch_size⌉ steps).
        n_classes: output classes.
        seed: the run's seed.
        mixed_precision: wrap the optimizer in a ``LossScaleOptimizer``.
    """

    def __init__(self, space, n_train, n_classes, seed, mixed_precision=False):
        super().__init__()
        self.space, self.n_train, self.n_classes = space, n_train, n_classes
        self.seed, self.mixed_precision = seed, mixed_precision

    def build(self, hp):
        import keras

        from tfcourse.optimizers import Momentum

        space, seed = self.space, self.seed
        lr = scales.learning_rate(hp, min_value=space["lr"][0], max_value=space["lr"][1])
        beta = scales.momentum_beta(hp, min_value=space["beta"][0], max_value=space["beta"][1])
        units = scales.power_of_two(hp, "units", *space["units"])
        layers = hp.Int("layers", *space["layers"]) if space["layers"][1] > 1 else 1
        batch_size = scales.power_of_two(hp, "batch_size", *space["batch_size"])
        decay = 0.0
        if space["decay"][1] != 0:
            scales.check_range("decay_rate", *space["decay"])
            decay = hp.Float("decay_rate", *space["decay"])
        # The trial's seed is a function of its configuration only.
        config = repr(sorted(hp.values.items())).encode()
        keras.utils.set_random_seed((seed * 1_000_003 + zlib.crc32(config)) % 2 ** 32)
        model = keras.Sequential([keras.Input((64,))], name="digits_mlp")
        for i in range(layers):
            model.add(keras.layers.Dense(units, activation="relu", name=f"hidden_{i + 1}"))
        # Keep the softmax in float32 under mixed precision (float16 probabilities round).
        model.add(keras.layers.Dense(self.n_classes, activation="softmax", dtype="float32",
                                     name="output"))
        # α = α0 / (1 + decay_rate · epoch), epoch = ⌊step / steps_per_epoch⌋
        schedule = keras.optimizers.schedules.InverseTimeDecay(
            lr, decay_steps=math.ceil(self.n_train / batch_size), decay_rate=decay,
            staircase=True)
        optimizer = Momentum(schedule, beta=beta)
        if self.mixed_precision:
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    def fit(self, hp, model, *args, **kwargs):
        return model.fit(*args, batch_size=hp.get("batch_size"), **kwargs)


def make_hypermodel(space, n_train, n_classes, seed, mixed_precision=False) -> DigitsHyperModel:
    """The lesson's hypermodel over ``space`` (:func:`search_space`).

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    return DigitsHyperModel(space, n_train, n_classes, seed, mixed_precision)
