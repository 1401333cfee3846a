"""Keras's TensorBoard callback, with its per-epoch scalars written without TensorFlow ops.

Every lesson. The course's trainings are thousands of tiny steps logged at ~100 points, and
at that size Keras's ``TensorBoard`` callback costs more than the steps between two points:
each scalar is an eager ``tf.summary.scalar`` op (~0.6 ms of CPU), and with
``update_freq="epoch"`` the callback still builds a ``batch_<metric>`` summary after every
training call, which no writer records (Keras sets a default writer for batch summaries only
when ``update_freq`` is a number). Measured on the course's [2, 4, 1] network, 10 000 steps
logged 100 times: Keras's callback added ~0.5 s to a ~1 s training.
"""
from __future__ import annotations

import os
import time

import keras


class TensorBoard(keras.callbacks.TensorBoard):
    """``keras.callbacks.TensorBoard`` whose epoch scalars cost microseconds.

    The same folders (``<log_dir>/train``, ``<log_dir>/validation``), tags (``epoch_loss``,
    ``epoch_<metric>``, ``epoch_learning_rate``, ``evaluation_<metric>_vs_iterations``), steps
    and values as Keras's callback with ``update_freq="epoch"``, written as TensorBoard event
    protos (the ``tensorboard`` package's record format and file names) instead of one
    TensorFlow op each. They are written in the calling thread and the file is flushed after
    every epoch, so an interrupted run keeps every epoch it logged (the ``tensorboard``
    package's own ``EventFileWriter`` hands each event to a writer thread through a queue: on
    2 cores a thread wake-up per scalar, ~1 ms an epoch, as long as 100 of the course's
    steps). The batch summaries that Keras builds and drops under ``update_freq="epoch"`` are
    not built.

    Everything else is Keras's: graphs, weight histograms, embeddings, profiling and
    ``update_freq`` as a number of batches take Keras's own path unchanged.

    Args:
        log_dir: the run's log folder.
        **kwargs: ``keras.callbacks.TensorBoard``'s arguments.

    Example::

        model.fit(x, y, epochs=100, callbacks=[tfcourse.callbacks.TensorBoard("logs/run")])

    Courses 1-5; every lesson (through ``Context.callbacks``).
    """

    # Writes once per epoch; with blocks of steps per call (``fit_steps``) nothing changes.
    handles_steps_per_execution = True

    def __init__(self, log_dir="logs", **kwargs):
        super().__init__(log_dir=log_dir, **kwargs)
        self._event_writers = {}

    def _lean(self) -> bool:
        return self.update_freq == "epoch" and not self.write_steps_per_second

    def on_train_batch_end(self, batch, logs=None):
        if self._lean() and not self._should_trace and not self._should_write_train_graph:
            return  # Keras's batch summaries have no writer under update_freq="epoch"
        super().on_train_batch_end(batch, logs)

    def on_test_end(self, logs=None):
        if not self._lean():
            return super().on_test_end(logs)
        optimizer = self.model.optimizer
        if optimizer is not None and hasattr(optimizer, "iterations") and logs:
            step = int(keras.ops.convert_to_numpy(optimizer.iterations))
            self._write(self._val_dir, {f"evaluation_{k}_vs_iterations": v
                                        for k, v in logs.items()}, step)

    def _log_epoch_metrics(self, epoch, logs):
        if not self._lean():
            return super()._log_epoch_metrics(epoch, logs)
        if not logs:
            return
        train = self._collect_learning_rate({k: v for k, v in logs.items()
                                             if not k.startswith("val_")})
        self._write(self._train_dir, {f"epoch_{k}": v for k, v in train.items()}, epoch)
        self._write(self._val_dir, {f"epoch_{k[4:]}": v for k, v in logs.items()
                                    if k.startswith("val_")}, epoch)

    def _write(self, folder, scalars: dict, step: int):
        if not scalars:
            return
        from tensorboard.compat.proto import event_pb2
        from tensorboard.plugins.scalar.summary_v2 import scalar_pb

        writer = self._event_writers.get(folder)
        if writer is None:
            writer = self._event_writers[folder] = _EventFile(folder)
        now = time.time()
        for tag, value in scalars.items():
            value = float(keras.ops.convert_to_numpy(value))
            writer.add_event(event_pb2.Event(wall_time=now, step=int(step),
                                             summary=scalar_pb(tag, value)))
        writer.flush()

    def on_train_end(self, logs=None):
        super().on_train_end(logs)
        for writer in self._event_writers.values():
            writer.close()
        self._event_writers = {}


class _EventFile:
    """A TensorBoard event file written synchronously: the ``tensorboard`` package's record
    format (``RecordWriter``: length, masked CRC-32C, data, CRC) and file name
    (``events.out.tfevents.<time>.<host>.<pid>.<n>``), opening with the ``brain.Event:2``
    version event as its ``EventFileWriter`` does, without its writer thread."""

    _count = 0

    def __init__(self, folder):
        import socket

        from tensorboard.compat.proto import event_pb2
        from tensorboard.summary.writer.record_writer import RecordWriter

        os.makedirs(folder, exist_ok=True)
        _EventFile._count += 1
        name = "events.out.tfevents.%010d.%s.%s.%s" % (time.time(), socket.gethostname(),
                                                       os.getpid(), _EventFile._count)
        self._records = RecordWriter(open(os.path.join(folder, name), "wb"))
        self.add_event(event_pb2.Event(
            wall_time=time.time(), file_version="brain.Event:2",
            source_metadata=event_pb2.SourceMetadata(writer="tfcourse.callbacks.TensorBoard")))
        self.flush()

    def add_event(self, event):
        self._records.write(event.SerializeToString())

    def flush(self):
        self._records.flush()

    def close(self):
        self._records.close()
