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
              validation_data=None, callbacks=(), shuffle_seed: int = 0,
              jit_compile: bool | None = None):
    """Run exactly ``steps`` gradient steps of ``model.fit`` and return its ``History``.

    ``batch_size=None`` is full-batch gradient descent (the course's setting). With a smaller
    batch, examples are reshuffled every pass (seeded). History entries are one per
    ``log_every`` steps; when ``log_every`` does not divide ``steps``, the last entry covers the
    remaining ``steps % log_every`` steps.

    ``validation_data`` as arrays ``(x, y)`` is evaluated as one batch at each logged point.

    ``jit_compile``: ``True`` compiles a full batch's block of steps with XLA, ``False`` never;
    ``None`` (the default) does for full-batch runs of at least :data:`XLA_STEPS` steps, where
    the compile pays for itself, of a model without random layers (dropout: XLA's CPU random
    numbers are slow). XLA's kernels round differently from TensorFlow's, so its
    weights agree with Keras's step-by-step ``fit`` to float32 round-off rather than bit for
    bit; without XLA the updates are bit-identical.

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
    ds = _training_data(x, y, bs, shuffle_seed)
    log_every = min(log_every, steps)
    callbacks = list(callbacks)
    if isinstance(validation_data, (tuple, list)):
        # Keras would batch arrays by 32 and run `evaluate` (a new iterator, callback list and
        # test loop) at every logged point; the course evaluates its dev set in one pass: one
        # in-memory batch, one traced test step, run by a callback (see _DevSetEvaluation).
        dev = tuple(tf.constant(np.asarray(a, "float32" if i == 0 else None))
                    for i, a in enumerate(validation_data))
        callbacks.insert(0, _DevSetEvaluation(dev, callbacks))
        validation_data = None
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
    # XLA's compile (~0.3 s for the course's networks) pays for itself after a few thousand
    # steps (~85 µs saved per step); shorter full-batch runs skip it unless asked.
    # XLA's CPU random-number kernels are slow (a dropout network's step: ~8x slower than
    # without XLA), so a model that draws random numbers (a layer with a SeedGenerator) skips
    # it too unless asked.
    xla = full_batch and (jit_compile is True or (jit_compile is None and steps >= XLA_STEPS
                                                  and not _draws_random_numbers(model)))
    with _steps_per_execution(model, block, same_batch=full_batch, xla=xla,
                              sample=(x[:bs], y[:bs])):
        return model.fit(ds, epochs=epochs, steps_per_epoch=log_every, verbose=0,
                         shuffle=False, validation_data=validation_data, callbacks=callbacks)


def _training_data(x, y, batch_size: int, shuffle_seed: int):
    """The ``tf.data`` pipeline ``fit_steps`` trains on: the full batch repeated, or mini-batches
    reshuffled every pass (seeded), without tf.data's autotuning.

    Autotuning runs a background thread that wakes at growing intervals from the iterator's
    start (10 ms, 20 ms, 40 ms, ...), and deleting the iterator, as Keras does at the end of
    ``fit``, sometimes waits for its next wake-up: an iterator of this full batch deleted
    0.65 s after its start took 0.6 s to go, until 1.27 s = 10 + 20 + ... + 640 ms
    (throwaway script, TensorFlow 2.21, 2 cores); 2 of 15 of c1w4's fits ended that way,
    0.6 s added to a fit of 0.7 s. The course's data needs no tuning: a full batch is read
    once per fit, and mini-batches are prefetched two ahead.
    """
    import tensorflow as tf

    if batch_size >= len(x):
        # Every step sees the same batch: one tensor, repeated (no slicing, no batching).
        ds = tf.data.Dataset.from_tensors((x, y)).repeat()
    else:
        ds = tf.data.Dataset.from_tensor_slices((x, y))
        ds = ds.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size).repeat().prefetch(2)
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


XLA_STEPS = 3000  # full-batch runs this long are compiled with XLA by default (jit_compile=None)


def log_interval(steps: int) -> int:
    """Iterations per logged point of a ``steps``-iteration run: the course's cadence, a cost
    every 100 iterations (Course 1's assignments record ``costs`` every 100), with at most 50
    points for longer runs and at least 10 for shorter ones. Every logged point is a Keras epoch
    with its callbacks (~1.5-2.5 ms on 2 cores: resetting the metrics, History, TensorBoard,
    progress, the dev set), as long as ~15-25 steps of the course's networks.

    >>> log_interval(2000), log_interval(2500), log_interval(10_000), log_interval(50), log_interval(5)
    (100, 100, 200, 5, 1)

    Course 1, weeks 2-4; lessons c1w2_logistic_regression, c1w3_planar_data,
    c1w4_deep_network.
    """
    return max(1, -(-steps // 50), min(100, -(-steps // 10)))


def _draws_random_numbers(model) -> bool:
    """Whether a layer of ``model`` owns a ``keras.random.SeedGenerator`` (dropout and the
    like). Relies on Keras 3's ``Layer._seed_generators`` (keras/src/layers/layer.py, 3.15),
    the list a layer keeps of the generators set as its attributes."""
    return any(getattr(layer, "_seed_generators", None) for layer in model._flatten_layers())


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
def _steps_per_execution(model, block: int, same_batch: bool, xla: bool = False,
                         sample=None):
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
    train function already set. With ``xla`` and a full batch the block is one XLA
    computation (:class:`_CompiledFullBatchBlock`): on the course's [2, 4, 1] network a step
    costs ~15 µs instead of ~100 µs, for ~0.3 s of compiling per model.

    ``sample``, a batch ``(x, y)``, builds what the model has not built yet (its compiled
    metrics' and loss's state, the optimizer's variables) before the block is traced
    (:func:`_build_before_tracing`), so that the block is traced once rather than twice.

    The epoch's logs are the last block's own results (:class:`_LatestLogs`), not read again
    from the metrics, when the model's class keeps Keras's ``get_metrics_result``.

    The block is kept with the model (:func:`_kept_blocks`) and used again when
    ``fit_steps`` trains the same model again with the same block size, batching and XLA
    setting, the same optimizer, loss and metrics objects (a new ``compile`` makes a new
    block) and a batch of the same shape: restarting one compiled model from several
    initial weights costs one trace, not one per start.
    """
    saved = model.steps_per_execution
    model.steps_per_execution = block
    model.train_function = model.test_function = None
    if block > 1 and _lean_block_applies(model):
        key = (block, same_batch, xla)
        compiled = (model.optimizer, getattr(model, "_compile_loss", None),
                    getattr(model, "_compile_metrics", None))
        kept = _kept_blocks(model)
        if key in kept and all(a is b for a, b in zip(kept[key][0], compiled)):
            train_function = kept[key][1]
            if hasattr(train_function, "new_fit"):
                train_function.new_fit()
        else:
            if sample is not None:
                _build_before_tracing(model, sample)
            train_function = _lean_block(model, block, same_batch, xla)
            kept[key] = (compiled, train_function)
        if type(model)._get_metrics_result_or_logs is keras.Model._get_metrics_result_or_logs \
                and type(model).get_metrics_result is keras.Model.get_metrics_result:
            train_function = _LatestLogs(model, train_function).install()
        model.train_function = train_function
    try:
        yield
    finally:
        model.steps_per_execution = saved
        model.train_function = model.test_function = None
        vars(model).pop("_get_metrics_result_or_logs", None)


class _LatestLogs:
    """The epoch's logs from the block's own results, not read again from the metrics.

    At each epoch's end Keras's ``fit`` calls ``model._get_metrics_result_or_logs(logs)``
    (keras/src/backend/tensorflow/trainer.py, Keras 3.15), which reads every metric's result
    again, eagerly (``get_metrics_result()``: ~10 small ops and their Python, ~0.7 ms an epoch
    on 2 cores, as long as ~7 of c1w4's steps), in case the last block's logs are not the
    latest (asynchronous steps). The lean block returns ``model.get_metrics_result()``
    computed in the graph after its last step, and Keras calls it synchronously, so the logs
    of the last block run *are* the metrics' results: the same dict keys, the same values.
    For the length of ``fit_steps`` the model's ``_get_metrics_result_or_logs`` (an instance
    attribute, set past Keras's attribute tracking and removed on the way out) returns those
    logs when it is given them, and otherwise does what Keras's does. Applied only when the
    model's class keeps Keras's ``get_metrics_result`` and ``_get_metrics_result_or_logs``.
    """

    def __init__(self, model, train_function):
        self._model, self._train_function = model, train_function
        self._latest = None

    def install(self):
        """Set the model's ``_get_metrics_result_or_logs``; returns the train function to use."""
        object.__setattr__(self._model, "_get_metrics_result_or_logs",
                           self.metrics_result_or_logs)
        return self.train_function

    def train_function(self, iterator):
        self._latest = self._train_function(iterator)
        return self._latest

    def metrics_result_or_logs(self, logs):
        if logs is not None and logs is self._latest:
            return logs
        return keras.Model._get_metrics_result_or_logs(self._model, logs)


def _kept_blocks(model) -> dict:
    """The blocks kept for ``model``, ``{(block, same_batch, xla): (compiled, function)}``: a
    plain attribute of the model, set past Keras's and TensorFlow's attribute tracking
    (``object.__setattr__``) so that it is neither a tracked layer attribute nor saved with the
    model; it goes with the model (a reference cycle the garbage collector frees)."""
    kept = vars(model).get("_tfcourse_blocks")
    if kept is None:
        kept = {}
        object.__setattr__(model, "_tfcourse_blocks", kept)
    return kept


def _build_before_tracing(model, sample) -> None:
    """Create the state Keras would otherwise create while tracing the first train step.

    Without a distribution strategy, Keras 3's TensorFlow trainer defers building the
    compiled metrics (``accuracy``'s ``total`` and ``count``), the compiled loss and the
    optimizer's variables to the first trace of the train function
    (``TensorFlowTrainer._maybe_symbolic_build``, keras/src/backend/tensorflow/trainer.py,
    3.15). A ``tf.function`` whose first trace creates variables is traced a second time
    (``Function._get_concrete_function_garbage_collected``, TensorFlow 2.21): ~0.1 s of the
    ~0.5 s a course-sized model spends before its first step. Private: this calls the
    trainer's own ``_symbolic_build(data_batch=...)`` (keras/src/trainers/trainer.py), which
    builds the same state symbolically (zeros; nothing random is drawn), as ``fit`` does under
    a distribution strategy. A model it cannot build this way is left to Keras.
    """
    try:
        model._symbolic_build(data_batch=sample)
    except Exception:  # noqa: BLE001 - Keras builds it while tracing, as without this call
        pass


def _lean_block_applies(model) -> bool:
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return (not model.run_eagerly and not model.jit_compile
            and not tf.distribute.has_strategy()
            and model.distribute_strategy is tf.distribute.get_strategy()
            and type(model).train_step is keras.Model.train_step)


def _lean_block(model, block: int, same_batch: bool, xla: bool = False):
    import tensorflow as tf

    def steps(batch_or_iterator):
        def body(i):
            model.train_step(batch_or_iterator if same_batch else next(batch_or_iterator))
            return (i + 1,)

        # One step after the other (parallel_iterations=1): each reads the weights the last wrote.
        tf.while_loop(lambda i: i < block, body, (tf.constant(0),), parallel_iterations=1)
        return model.get_metrics_result()

    if not same_batch:
        def run_block(iterator):
            return steps(iterator)

        return tf.function(run_block, autograph=False, reduce_retracing=True)
    return _CompiledFullBatchBlock(steps, xla)


class _DevSetEvaluation(keras.callbacks.Callback):
    """The dev set's ``val_`` metrics at the end of every epoch, as ``fit(validation_data=)``
    computes them, for a dev set that is one in-memory batch.

    What Keras's ``fit`` does at each epoch's end (keras/src/backend/tensorflow/trainer.py,
    3.15) is ``evaluate``: a new iterator over the validation data, a callback list, a test
    loop, ~10 ms on the course's networks, as long as 100 full-batch steps. This callback does
    the same work once per epoch at the cost of one call: the model's own ``test_step``, traced
    once as a concrete function of the batch, between ``reset_metrics()`` (as ``evaluate``) and
    ``get_metrics_result()`` in the same call, the results added to the epoch's logs as
    ``val_<name>`` before any other callback sees them (it is first in the list), and the other
    callbacks' ``on_test_begin`` / ``on_test_batch_begin`` / ``on_test_batch_end`` /
    ``on_test_end`` called with the values ``evaluate`` gives them, so that TensorBoard,
    ``History``, ``EarlyStopping("val_loss")`` and ``ModelCheckpoint`` see what they see under
    Keras's validation.
    """

    handles_steps_per_execution = True

    def __init__(self, batch, callbacks):
        super().__init__()
        self._batch, self._callbacks = batch, callbacks
        self._run = None

    def on_epoch_end(self, epoch, logs=None):
        import tensorflow as tf

        model = self.model
        if self._run is None:
            def evaluate(batch):
                # What `evaluate` runs eagerly around its test step (reset the metrics, read
                # their results: ~10 small ops, ~2 ms on 2 cores), in the same graph call.
                model.reset_metrics()
                step_logs = model.test_step(batch)
                return step_logs, model.get_metrics_result()

            self._run = tf.function(evaluate, autograph=False).get_concrete_function(
                self._batch)
        others = [c for c in self._callbacks if c is not self]
        for callback in others:
            callback.on_test_begin()
        for callback in others:
            callback.on_test_batch_begin(0)
        step_logs, results = self._run(self._batch)
        for callback in others:
            callback.on_test_batch_end(0, step_logs)
        results = {name: float(value) for name, value in results.items()}
        for callback in others:
            callback.on_test_end(results)
        if logs is not None:
            logs.update({f"val_{name}": value for name, value in results.items()})


class _CompiledFullBatchBlock:
    """``model.train_function`` for a full batch: the block of steps compiled with XLA.

    Every element of ``fit_steps``'s full-batch dataset is the same tensor pair, so the batch is
    read from Keras's iterator once and the block (``train_step`` in a ``tf.while_loop``) is one
    XLA computation of that batch: the ops of a step fused, no per-op dispatch. On the course's
    tiny networks this is what brings Keras to the NumPy loop's speed (XLA's CPU kernels
    round differently from TensorFlow's, at float32 round-off). A model whose step XLA cannot
    compile (an op without an XLA kernel) is detected when the block is first compiled, before
    any step runs, and then runs the same block without XLA.
    """

    def __init__(self, steps, xla: bool = True):
        self._steps, self._xla = steps, xla
        self._run = None
        self._batch = self._spec = None

    def new_fit(self):
        """Another ``fit`` of the same model: its batch is read again (new data of the same
        shape reuses the compiled block; another shape compiles another)."""
        self._batch = None

    def __call__(self, iterator):
        if self._batch is None:
            # A full batch is read once per fit: every element of the dataset is the same.
            batch = next(iterator)
            if self._run is not None and _spec(batch) != self._spec:
                self._run = None
            self._batch = batch
        if self._run is None:
            self._spec = _spec(self._batch)
            self._run = self._first_compile(jit_compile=self._xla)
        return self._run(self._batch)

    def _first_compile(self, jit_compile: bool, retry: bool = True):
        """The block as a concrete function of the batch: traced once and called directly
        (calling the ``tf.function`` itself would trace a second time on its first call, for
        its variable-creation check, and compile that trace again: twice the start-up).

        An entry of the persistent XLA cache (``tfcourse.compile_cache``) that cannot be read
        (a file damaged outside TensorFlow, which writes entries atomically) fails the first
        call with ``OutOfRangeError``/``DataLossError`` before any step runs; Keras would take
        an ``OutOfRangeError`` for the end of the data and stop training silently. The block
        is then traced again as a new function (a new name, so a new cache key) and compiled
        afresh, with a warning that names the cache folder."""
        import tensorflow as tf

        function = tf.function(self._steps, autograph=False, jit_compile=jit_compile)
        concrete = function.get_concrete_function(self._batch)
        if not jit_compile:
            return concrete
        try:
            # XLA compiles (or loads from the persistent cache) on the first call, before the
            # first step runs.
            result = concrete(self._batch)
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError) as error:
            if "XLA" not in str(error) and "xla" not in str(error):
                raise
            return self._first_compile(jit_compile=False)
        except (tf.errors.OutOfRangeError, tf.errors.DataLossError) as error:
            from tfcourse import compile_cache

            folder = compile_cache.directory()
            if folder is None:
                raise
            import warnings

            warnings.warn(f"an XLA cache entry in {folder} could not be read "
                          f"({type(error).__name__}: {str(error).splitlines()[0]}); compiled "
                          "afresh ('python -m lessons cache --clear' empties the cache)",
                          RuntimeWarning, stacklevel=2)
            return self._first_compile(jit_compile=retry, retry=False)
        return _FirstResult(concrete, result)


def _spec(batch):
    import tensorflow as tf

    return [(tuple(t.shape), t.dtype) for t in tf.nest.flatten(batch)]


class _FirstResult:
    """A concrete function whose first call has already run (the XLA compile check)."""

    def __init__(self, concrete, result):
        self._concrete, self._result = concrete, result

    def __call__(self, batch):
        if self._result is not None:
            result, self._result = self._result, None
            return result
        return self._concrete(batch)


# ``accuracy`` moved to tfcourse.metrics; the old path warns for one release.
__getattr__ = moved_names(__name__, {"accuracy": "tfcourse.metrics"})
