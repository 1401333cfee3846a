"""Small helpers around ``model.fit`` that the lessons share.

The course trains with full-batch gradient descent for thousands of iterations. In Keras one
epoch per iteration would spend most of the time in per-epoch bookkeeping, so
:func:`fit_steps` runs ``steps`` gradient steps as ``model.fit`` over a repeated dataset with
``steps_per_epoch = log_every``: the same updates, logged every ``log_every`` steps.
"""
from __future__ import annotations

import numpy as np


def fit_steps(model, x, y, steps: int, batch_size: int | None = None, log_every: int = 100,
              validation_data=None, callbacks=(), shuffle_seed: int = 0):
    """Run ``steps`` gradient steps of ``model.fit`` and return its ``History``.

    ``batch_size=None`` is full-batch gradient descent (the course's setting). With a smaller
    batch, examples are reshuffled every pass (seeded). History entries are one per
    ``log_every`` steps (the last one possibly shorter is folded in by rounding ``steps`` up).
    """
    import tensorflow as tf

    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps!r}")
    x = np.asarray(x, "float32")
    y = np.asarray(y)
    m = len(x)
    bs = m if batch_size is None else min(int(batch_size), m)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if bs < m:
        ds = ds.shuffle(m, seed=shuffle_seed, reshuffle_each_iteration=True)
    ds = ds.batch(bs).repeat().prefetch(2)
    log_every = max(1, min(int(log_every), steps))
    epochs = -(-steps // log_every)
    return model.fit(ds, epochs=epochs, steps_per_epoch=log_every, verbose=0, shuffle=False,
                     validation_data=validation_data, callbacks=list(callbacks))


def __getattr__(name):
    # PEP 562: ``accuracy`` moved to tfcourse.metrics; the old path warns for one release.
    if name == "accuracy":
        import warnings

        from tfcourse.metrics import accuracy

        warnings.warn("tfcourse.training.accuracy moved to tfcourse.metrics.accuracy; the old "
                      "path goes in the next release", DeprecationWarning, stacklevel=2)
        return accuracy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
