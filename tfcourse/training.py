"""Small helpers around ``model.fit`` that the lessons share.

The course trains with full-batch gradient descent for thousands of iterations. In Keras one
epoch per iteration would spend most of the time in per-epoch bookkeeping, so
:func:`fit_steps` runs ``steps`` gradient steps as ``model.fit`` over a repeated dataset with
``steps_per_epoch = log_every``: the same updates, logged every ``log_every`` steps.
"""
from __future__ import annotations

import keras
import numpy as np


def fit_steps(model, x, y, steps: int, batch_size: int | None = None, log_every: int = 100,
              validation_data=None, callbacks=(), shuffle_seed: int = 0):
    """Run exactly ``steps`` gradient steps of ``model.fit`` and return its ``History``.

    ``batch_size=None`` is full-batch gradient descent (the course's setting). With a smaller
    batch, examples are reshuffled every pass (seeded). History entries are one per
    ``log_every`` steps; when ``log_every`` does not divide ``steps``, the last entry covers the
    remaining ``steps % log_every`` steps.

    Course 1, weeks 2-4 and Course 2, weeks 1-2; lessons c1w2_logistic_regression,
    c1w3_planar_data, c1w4_deep_network, c2w1_initialization, c2w1_regularization,
    c2w2_optimization.
    """
    import tensorflow as tf

    from tfcourse.checks import check_int

    steps = check_int("steps", steps, low=1, owner="fit_steps")
    log_every = check_int("log_every", log_every, low=1, owner="fit_steps")
    x = np.asarray(x, "float32")
    y = np.asarray(y)
    m = len(x)
    bs = m if batch_size is None else min(check_int("batch_size", batch_size, low=1,
                                                    owner="fit_steps"), m)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if bs < m:
        ds = ds.shuffle(m, seed=shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.batch(bs).repeat().prefetch(2)
    log_every = min(log_every, steps)
    callbacks = list(callbacks)
    epochs = -(-steps // log_every)
    if steps % log_every:
        # The last epoch is shorter: one fit call (same optimizer state, same shuffled stream)
        # told to stop once ``steps`` batches are done; Keras checks after every batch.
        callbacks.insert(0, _StopAfter(steps))
    return model.fit(ds, epochs=epochs, steps_per_epoch=log_every, verbose=0, shuffle=False,
                     validation_data=validation_data, callbacks=callbacks)


def log_interval(steps: int) -> int:
    """Iterations per logged point of a ``steps``-iteration run: at most 100 points, and at
    least 10 iterations each (every logged point is a Keras epoch with its callbacks; one per
    iteration would cost more than the iterations themselves).

    >>> log_interval(2000), log_interval(2500), log_interval(50), log_interval(5)
    (20, 25, 10, 5)

    Course 1, weeks 2 and 4; lessons c1w2_logistic_regression, c1w4_deep_network.
    """
    return max(1, min(steps, 10), -(-steps // 100))


class _StopAfter(keras.callbacks.Callback):
    """Stop training after ``steps`` batches (Keras checks ``stop_training`` after each)."""

    def __init__(self, steps: int):
        super().__init__()
        self.steps, self.done = steps, 0

    def on_train_batch_end(self, batch, logs=None):
        self.done += 1
        if self.done >= self.steps:
            self.model.stop_training = True


def __getattr__(name):
    # PEP 562: ``accuracy`` moved to tfcourse.metrics; the old path warns for one release.
    if name == "accuracy":
        import warnings

        from tfcourse.metrics import accuracy

        warnings.warn("tfcourse.training.accuracy moved to tfcourse.metrics.accuracy; the old "
                      "path goes in the next release", DeprecationWarning, stacklevel=2)
        return accuracy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
