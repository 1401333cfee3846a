"""Progress of a training, a search or a long loop, shown the way Keras users expect it.

Courses 1-5; every lesson (through ``Context.callbacks``) and the hyperparameter search.

One renderer, :class:`ProgressBar`, and three ways to use it:

- :class:`Progress`, a Keras callback: what is training (its label), step or epoch out of the
  total, the current loss, the elapsed time and an ETA.
- :func:`track` / ``ProgressBar`` as a context manager, for a plain loop (sampling, a sweep).
- ``tfcourse.tuning``'s tuners: "trial k/N, best so far ...", the trainings of each trial
  nested in it.

Where it goes depends on the output, decided by :func:`output_mode`:

- ``"bar"`` when the stream is a terminal: one line redrawn in place (``\\r``), at most ten
  times a second, and left on screen, complete, when the work ends;
- ``"lines"`` when it is not (a pipe, a CI log): one line at each tenth of the way (and one at
  the end), never a carriage return;
- ``"quiet"`` after :func:`set_quiet` (the lessons' ``--quiet``): nothing at all.

>>> import io
>>> out = io.StringIO()                   # not a terminal: lines at 10 %, 20 %, ... 100 %
>>> with ProgressBar("demo", total=20, unit="step", stream=out) as bar:
...     for i in range(20):
...         bar.update(i + 1, loss=1 / (i + 1))
>>> len(out.getvalue().splitlines())
10
>>> out.getvalue().splitlines()[-1].startswith("demo: step 20/20 (100%)  loss 0.05")
True
"""
from __future__ import annotations

import math
import sys
import threading
import time

import keras

from tfcourse.checks import check_choice, check_int, invalid

MODES = ("bar", "lines", "quiet")
UNITS = ("auto", "epoch", "step")

# The process-wide setting: lessons set it from ``--quiet`` (every bar made after that reads
# it), so that no lesson passes a flag down to its trainings.
_quiet = False


def set_quiet(quiet: bool = True) -> None:
    """Silence (or restore) every progress bar of this process made from now on.

    Courses 1-5; every lesson (``--quiet``).
    """
    global _quiet
    _quiet = bool(quiet)


def is_quiet() -> bool:
    """Whether :func:`set_quiet` silenced progress in this process.

    Courses 1-5; every lesson (``--quiet``).
    """
    return _quiet


def output_mode(stream=None, quiet: bool | None = None) -> str:
    """``"quiet"``, ``"bar"`` (``stream`` is a terminal) or ``"lines"`` (a pipe, a log file).

    ``stream`` defaults to ``sys.stdout`` as it is now; ``quiet=None`` reads :func:`is_quiet`.

    Courses 1-5; every lesson.
    """
    if _quiet if quiet is None else quiet:
        return "quiet"
    stream = sys.stdout if stream is None else stream
    try:
        return "bar" if stream.isatty() else "lines"
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return "lines"


def format_seconds(seconds: float) -> str:
    """``4.2s``, ``37s``, ``2:05``, ``1:02:05``: elapsed and remaining times, short.

    >>> format_seconds(4.24), format_seconds(37.4), format_seconds(125), format_seconds(3725)
    ('4.2s', '37s', '2:05', '1:02:05')

    Courses 1-5; every lesson.
    """
    if not math.isfinite(seconds):
        return "?"
    if seconds < 9.95:
        return f"{seconds:.1f}s"
    if seconds < 59.5:
        return f"{seconds:.0f}s"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _format_value(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e-3 or abs(value) >= 1e4 else f"{value:.4f}"


class ProgressBar:
    """The one renderer: ``label``, done out of ``total`` ``unit``\\ s, loss, elapsed, ETA.

    Courses 1-5; every lesson, and the searches of lesson c2w3_hyperparameter_search.

    Args:
        label: what is working, e.g. ``"n_h = 4"`` or ``"search"``.
        total: how many units make the whole (an int ≥ 1).
        unit: the unit's name (``"epoch"``, ``"step"``, ``"trial"``, ``"sample"``).
        stream: where to write (default ``sys.stdout`` as it is when the bar is made).
        mode: ``"bar"``, ``"lines"`` or ``"quiet"``; default :func:`output_mode` of the stream.
        interval: a terminal bar is redrawn at most once per ``interval`` seconds.
        width: the bar's width in characters.

    ``update(done, loss=..., info=...)`` moves it (``done`` may be fractional: the bar's
    position; the count shown is the whole units done); ``detail(text)`` shows a nested line's
    text after the bar (a terminal only); ``close()`` writes the final state once. The ETA is
    the pace since the first update (time per unit) × the units left, less the time since the
    last update: a run resumed half-way, or a first step that includes tracing, does not skew
    it.
    """

    def __init__(self, label: str, total: int, unit: str = "step", stream=None,
                 mode: str | None = None, interval: float = 0.1, width: int = 24):
        self.label = str(label)
        self.total = check_int("total", total, low=1, owner="ProgressBar")
        self.unit = str(unit)
        self.stream = sys.stdout if stream is None else stream
        self.mode = output_mode(self.stream) if mode is None else \
            check_choice("mode", mode, MODES, owner="ProgressBar")
        self.interval = float(interval)
        self.width = int(width)
        self.done = 0.0
        self.loss = None
        self.info = ""
        self._detail = ""
        self._start = time.monotonic()
        self._first = None  # ``done`` at the first update: the ETA counts from there
        self._first_time = self._updated = self._start
        self._drawn = -math.inf  # time of the last terminal redraw
        self._decile = 0  # tenths already printed in "lines" mode
        self._last_len = 0
        self._closed = False
        self._lock = threading.Lock()

    # -- what it shows ---------------------------------------------------------------------
    def _eta(self, now: float) -> float:
        # The pace from the first update to the latest, minus the time since the latest: a
        # redraw between updates (a search's trial training) counts down instead of up.
        first = self._first or 0.0
        if self.done >= self.total:
            return 0.0
        if self.done <= first:
            return math.nan
        pace = (self._updated - self._first_time) / (self.done - first)
        return max(0.0, pace * (self.total - self.done) - (now - self._updated))

    def text(self, final: bool = False, now: float | None = None) -> str:
        """The line as the current mode shows it (without ``\\r`` or newline)."""
        now = time.monotonic() if now is None else now
        n = int(self.done + 1e-9)
        frac = min(1.0, max(0.0, self.done / self.total))
        values = ([f"loss {_format_value(self.loss)}"] if self.loss is not None else []) + \
            ([self.info] if self.info else [])
        elapsed = format_seconds(now - self._start)
        if self.mode == "bar":
            full = int(frac * self.width + 1e-9)
            bar = "=" * full + (">" + " " * (self.width - full - 1) if full < self.width else "")
            times = elapsed if final else f"{elapsed} · ETA {format_seconds(self._eta(now))}"
            line = f"{self.label}  {n}/{self.total} {self.unit}s [{bar}] " + \
                " · ".join([*values, times])
            return line + (f"  | {self._detail}" if self._detail and not final else "")
        times = f"elapsed {elapsed}" + ("" if final else
                                        f"  ETA {format_seconds(self._eta(now))}")
        return f"{self.label}: {self.unit} {n}/{self.total} ({100 * frac:.0f}%)  " + \
            "  ".join([*values, times])

    # -- moving it -------------------------------------------------------------------------
    def update(self, done: float, loss: float | None = None, info: str | None = None,
               force: bool = False) -> None:
        """Set the units done so far (and the current loss, an extra ``info`` text)."""
        if self.mode == "quiet" or self._closed:
            return
        with self._lock:
            now = time.monotonic()
            if self._first is None:
                self._first, self._first_time = float(done), now
            if done != self.done:
                self._updated = now
            self.done = float(min(done, self.total))
            if loss is not None:
                self.loss = float(loss)
            if info is not None:
                self.info = info
            if self.mode == "bar":
                if force or now - self._drawn >= self.interval or self.done >= self.total:
                    self._redraw(now)
            else:
                decile = int(10 * self.done / self.total + 1e-9)
                if decile > self._decile:
                    self._decile = decile
                    self._write(self.text(final=decile >= 10, now=now) + "\n")

    def detail(self, text: str) -> None:
        """Text from a nested progress (a trial's epochs), shown after the bar on a terminal."""
        if self.mode != "bar" or self._closed:
            return
        with self._lock:
            self._detail = text
            now = time.monotonic()
            if now - self._drawn >= self.interval or not text:
                self._redraw(now)

    def close(self, info: str | None = None) -> None:
        """Write the final state (once): the bar completed on its line, or the last line."""
        if self._closed:
            return
        with self._lock:
            self._closed = True
            if info is not None:
                self.info = info
            if self.mode == "bar":
                self._detail = ""
                self._redraw(time.monotonic(), final=True)
                self._write("\n")
            elif self.mode == "lines" and self._decile < 10:
                self._write(self.text(final=True) + "\n")

    def _redraw(self, now: float, final: bool = False) -> None:
        line = self.text(final=final, now=now)
        pad = max(0, self._last_len - len(line))  # clear what a longer line left behind
        self._last_len = len(line)
        self._drawn = now
        self._write("\r" + line + " " * pad)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed pipe: progress is not worth a crash
            self.mode = "quiet"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def track(iterable, label: str, total: int | None = None, unit: str = "step", **kwargs):
    """Iterate over ``iterable`` with a :class:`ProgressBar` (``total`` default: ``len``).

    >>> import io
    >>> out = io.StringIO()
    >>> sum(track(range(5), "sum", stream=out)), out.getvalue().count("\\n")
    (10, 5)

    Courses 1-5; every lesson's long plain loops (through ``Context.progress``).
    """
    total = len(iterable) if total is None else total
    with ProgressBar(label, total, unit=unit, **kwargs) as bar:
        for i, item in enumerate(iterable):
            yield item
            bar.update(i + 1)


class Progress(keras.callbacks.Callback):
    """Training progress: label, step or epoch out of the total, loss, elapsed time, ETA.

    Courses 1-5; every lesson (``Context.callbacks`` adds one to every training).

    On a terminal, a live bar redrawn in place at most ten times a second; in a pipe or a log,
    one line at each tenth of the training; with ``--quiet`` (:func:`set_quiet`), nothing. See
    :mod:`tfcourse.callbacks.progress`.

    Args:
        label: what is training (``"n_h = 4"``, the run's name).
        unit: ``"epoch"``: count epochs (Keras's own ``Epoch 3/100``); ``"step"``: count
            gradient steps, ``epochs × steps per epoch``; ``"auto"`` (default): steps for a
            :func:`tfcourse.training.fit_steps` run (its epochs are just logging intervals),
            epochs otherwise.
        total: the total number of steps, when known better than ``epochs × steps per
            epoch`` (``fit_steps`` with a short last epoch); implies ``unit="step"``.
        stream, mode, interval: as for :class:`ProgressBar`; ``mode=None`` decides when the
            training starts (:func:`output_mode`).

    Steps are counted from the ``batch`` index Keras passes and from epoch boundaries, never by
    counting calls, so ``steps_per_execution = k`` (a call every k steps) counts right. The
    callback is ``async_safe``: it does not stop Keras from dispatching batch-end callbacks
    in the background, and it redraws at most every ``interval`` seconds.

    Example::

        model.fit(x, y, epochs=100, verbose=0, callbacks=[Progress("softmax")])
    """

    async_safe = True  # reads only ``batch`` and ``logs``; its writes are locked

    def __init__(self, label: str = "training", unit: str = "auto", total: int | None = None,
                 stream=None, mode: str | None = None, interval: float = 0.1, parent=None):
        super().__init__()
        if not isinstance(label, str) or not label:
            raise invalid("label", "a non-empty string", label, "Progress")
        self.label = label
        self.unit = check_choice("unit", unit, UNITS, owner="Progress")
        self.total = None if total is None else check_int("total", total, low=1,
                                                          owner="Progress")
        if mode is not None:
            check_choice("mode", mode, MODES, owner="Progress")
        self.stream, self.mode, self.interval = stream, mode, float(interval)
        self.parent = parent  # a ProgressBar this training is one part of (a search's trial)
        self.bar: ProgressBar | None = None
        self._steps_total = None  # set by count_steps (fit_steps)

    def count_steps(self, total: int) -> None:
        """Count this callback's next ``fit`` in steps, ``total`` of them (for ``fit_steps``)."""
        self._steps_total = check_int("total", total, low=1, owner="Progress.count_steps")

    def __deepcopy__(self, memo):
        # Keras Tuner deep-copies a search's callbacks for every trial; a stream and a lock do
        # not copy, and nothing of one fit's state should reach the next: a fresh callback.
        new = type(self)(self.label, self.unit, self.total, self.stream, self.mode,
                         self.interval, self.parent)
        new._steps_total = self._steps_total
        return new

    # -- Keras hooks -----------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        params = self.params or {}
        epochs = int(params.get("epochs") or 1)
        self._per_epoch = params.get("steps") or None
        total = self.total or self._steps_total
        self._steps_total = None  # told for one fit only
        if total is None and self.unit == "step" and self._per_epoch:
            total = epochs * self._per_epoch
        self._in_steps = total is not None
        if not self._in_steps:
            total = epochs
        self._epoch = 0
        mode = self.mode or output_mode(self.stream)
        if self.parent is not None:  # a trial of a search: the search's line shows it
            mode = "quiet" if self.parent.mode != "bar" else mode
        self.bar = ProgressBar(self.label, total, unit="step" if self._in_steps else "epoch",
                               stream=self.stream, mode=mode, interval=self.interval)
        self._next = 0.0  # earliest time of the next batch-end update

    def _done(self, epoch: int, batch: int | None) -> float | None:
        per = self._per_epoch
        if self._in_steps:
            if per is None:
                return None
            return epoch * per + (per if batch is None else batch + 1)
        if batch is None:
            return epoch + 1
        return epoch + (batch + 1) / per if per else None

    def _show(self, done, logs, force=False):
        bar = self.bar
        loss = (logs or {}).get("loss")
        info = None
        if logs and "val_loss" in logs:
            info = f"val_loss {_format_value(float(logs['val_loss']))}"
        if self.parent is not None and bar.mode == "bar":
            bar.done = min(float(done), bar.total)
            bar.loss = None if loss is None else float(loss)
            self.parent.detail(f"{self.label}: {int(bar.done + 1e-9)}/{bar.total} {bar.unit}s"
                               + ("" if loss is None else f" loss {_format_value(loss)}"))
        else:
            bar.update(done, loss=loss, info=info, force=force)

    def on_train_batch_end(self, batch, logs=None):
        bar = self.bar
        if bar is None or bar.mode == "quiet":
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + max(self.interval, 0.25)
        done = self._done(self._epoch, batch)
        if done is not None:
            self._show(done, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        bar = self.bar
        if bar is None or bar.mode == "quiet":
            return
        done = self._done(epoch, None)
        if done is None:  # steps per epoch unknown (a dataset of unknown length)
            done = (epoch + 1) / (self.params.get("epochs") or 1) * bar.total
        self._show(done, logs)

    def on_train_end(self, logs=None):
        if self.bar is None:
            return
        if self.parent is not None and self.bar.mode == "bar":
            self.parent.detail("")
        else:
            self.bar.close()
