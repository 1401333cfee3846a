"""Small helpers around ``model.fit`` that the lessons share.

The course trains with full-batch gradient descent for thousands of iterations of a tiny
network. In Keras one call per iteration would spend almost all the time in per-step overhead
(Python, callbacks, a function call per step), so :func:`fit_steps` runs ``steps`` gradient
steps as ``model.fit`` over a repeated dataset with ``steps_per_epoch = log_every`` (one Keras
epoch, one ``History`` entry, per logged point) and runs a block of steps per call
(``steps_per_execution``): the same updates, in the same order, on the same batches.
"""
from __future__ import annotations

import contextlib
import math

import keras
import numpy as np

from tfcourse._deprecation import moved_names


def fit_steps(model, x, y, steps: int, batch_size: int | None = None, log_every: int = 100,
              validation_data=None, callbacks=(), shuffle_seed: int = 0):
    """Run exactly ``steps`` gradient steps of ``model.fit`` and return its ``History``.

    ``batch_size=None`` is full-batch gradient descent (the course's setting). With a smaller
    batch, examples are reshuffled every pass (seeded). History entries are one per
    ``log_every`` steps; when ``log_every`` does not divide ``steps``, the last entry covers the
    remaining ``steps % log_every`` steps.

    Fast, with the same updates: the full batch is one in-memory tensor
    (``Dataset.from_tensors(...).repeat()``), and ``model.fit`` runs ``k`` steps per call,
    ``k = gcd(log_every, steps % log_every)`` (``log_every`` when it divides ``steps``), as
    Keras's ``steps_per_execution``; the model's own setting is restored afterwards. Callbacks
    therefore see ``on_train_batch_begin/end`` once per block of ``k`` steps (``batch`` = the
    block's last step in the epoch; ``self.params["steps"]`` is ``log_every`` and
    ``self.params["epochs"]`` the number of entries). A callback whose class overrides a batch
    hook and is not one of Keras's own (``SmoothedLoss``) gets every batch: then ``k = 1``. A
    callback that copes with blocks says so with a class attribute
    ``handles_steps_per_execution = True``, or by having a ``count_steps(total)`` method
    (``tfcourse.callbacks.Progress``), which is called with ``steps`` before the ``fit``.

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
    full_batch = bs >= m
    if full_batch:
        # Every step sees the same batch: one tensor, repeated (no slicing, no batching).
        ds = tf.data.Dataset.from_tensors((x, y)).repeat()
    else:
        ds = tf.data.Dataset.from_tensor_slices((x, y))
        ds = ds.shuffle(m, seed=shuffle_seed, reshuffle_each_iteration=True)
        ds = ds.batch(bs).repeat().prefetch(2)
    log_every = min(log_every, steps)
    callbacks = list(callbacks)
    for callback in callbacks:
        if callable(getattr(callback, "count_steps", None)):
            callback.count_steps(steps)  # a progress callback: count `steps` steps, not epochs
    epochs = -(-steps // log_every)
    rest = steps % log_every
    block = 1 if any(map(_needs_every_batch, callbacks)) else math.gcd(log_every, rest)
    if rest:
        # The last epoch is shorter: one fit call (same optimizer state, same shuffled stream)
        # told to stop once ``steps`` steps are done; Keras checks after every block.
        callbacks.insert(0, _StopAfter(steps, block))
    with _steps_per_execution(model, block, same_batch=full_batch):
        return model.fit(ds, epochs=epochs, steps_per_epoch=log_every, verbose=0,
                         shuffle=False, validation_data=validation_data, callbacks=callbacks)


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
    """Stop training after ``steps`` steps run in blocks of ``block`` (Keras checks
    ``stop_training`` after each block; ``block`` divides the steps left at the end)."""

    handles_steps_per_execution = True

    def __init__(self, steps: int, block: int = 1):
        super().__init__()
        self.steps, self.block, self.done = steps, block, 0

    def on_train_batch_end(self, batch, logs=None):
        self.done += self.block
        if self.done >= self.steps:
            self.model.stop_training = True


_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")


def _needs_every_batch(callback) -> bool:
    """Whether ``callback`` must see every step (it overrides a training-batch hook), rather
    than one call per ``steps_per_execution`` block. Keras's own callbacks (TensorBoard,
    ProgbarLogger, TerminateOnNaN, ...) are written for blocks; others opt in with a class
    attribute ``handles_steps_per_execution = True`` or a ``count_steps`` method (a progress
    callback that counts steps from the ``batch`` index Keras passes)."""
    cls = type(callback)
    if getattr(callback, "handles_steps_per_execution", False) or \
            callable(getattr(callback, "count_steps", None)) or \
            cls.__module__.split(".")[0] == "keras":
        return False
    return any(getattr(cls, hook) is not getattr(keras.callbacks.Callback, hook)
               for hook in _BATCH_HOOKS)


@contextlib.contextmanager
def _steps_per_execution(model, block: int, same_batch: bool):
    """Run ``model.fit`` with ``block`` steps per call, restoring the model's setting after.

    Relies on Keras 3's trainer (keras/src/trainers/trainer.py and
    keras/src/backend/tensorflow/trainer.py, Keras 3.15): ``compile(steps_per_execution=)``
    only stores the public attribute ``model.steps_per_execution``, which ``fit`` reads when it
    builds its epoch iterator and which the train/test functions read when they are traced;
    ``fit`` and ``evaluate`` trace them again when ``model.train_function`` /
    ``model.test_function`` are None (what ``compile`` itself does). So: set the attribute,
    clear the traced functions, and do both again on the way out.

    On the TensorFlow backend without XLA or a distribution strategy and with Keras's own
    ``train_step``, ``model.train_function`` is a leaner block than Keras's (measured ~1.5x
    faster per step on the course's [2, 4, 1] network, bit-identical weights): ``train_step``
    inlined in one ``tf.while_loop`` instead of a nested ``tf.function`` call, an ``Optional``
    and a ``tf.cond`` per step; for a full batch (every element of the dataset the same) the
    batch is read once per block. It returns ``model.get_metrics_result()``, which is what
    Keras's ``train_step`` returns. ``fit`` calls ``make_train_function()``, which keeps a
    train function already set.
    """
    saved = model.steps_per_execution
    model.steps_per_execution = block
    model.train_function = model.test_function = None
    if block > 1 and _lean_block_applies(model):
        model.train_function = _lean_block(model, block, same_batch)
    try:
        yield
    finally:
        model.steps_per_execution = saved
        model.train_function = model.test_function = None


def _lean_block_applies(model) -> bool:
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return (not model.run_eagerly and not model.jit_compile
            and not tf.distribute.has_strategy()
            and model.distribute_strategy is tf.distribute.get_strategy()
            and type(model).train_step is keras.Model.train_step)


def _lean_block(model, block: int, same_batch: bool):
    import tensorflow as tf

    def run_block(iterator):
        batch = next(iterator) if same_batch else None

        def body(i):
            model.train_step(batch if same_batch else next(iterator))
            return (i + 1,)

        # One step after the other (parallel_iterations=1): each reads the weights the last wrote.
        tf.while_loop(lambda i: i < block, body, (tf.constant(0),), parallel_iterations=1)
        return model.get_metrics_result()

    return tf.function(run_block, autograph=False, reduce_retracing=True)


# ``accuracy`` moved to tfcourse.metrics; the old path warns for one release.
__getattr__ = moved_names(__name__, {"accuracy": "tfcourse.metrics"})
