"""Run a NumPy function in a helper process while the lesson goes on (Courses 1-2).

A lesson's Keras trainings keep one core busy; on the 2-core machines the course is taught on
the other is mostly idle. The course's own NumPy reference runs (``tfcourse.scratch``), which
need nothing from Keras, can run there at the same time:

>>> job = background.call(planar.nn_model, X, Y, 4, 10_000, return_costs=True)  # doctest: +SKIP
>>> ...  # the Keras trainings                                                  # doctest: +SKIP
>>> (parameters, costs), seconds = job.result()                                 # doctest: +SKIP

The helper is a fresh Python that imports the function's module with ``TFCOURSE_NUMPY_ONLY=1``
(``import tfcourse`` then skips TensorFlow and Keras: the helper starts in a fraction of a
second), calls it on the pickled arguments, and returns the pickled value and the call's own
wall time (``time.perf_counter`` around the call alone, as the lesson would time it in place).
The value is the one an in-process call gives: the same code on the same arrays. Anything the
helper cannot do (arguments or a value that do not pickle, a helper that fails to start, an
exception in the call) makes :meth:`Job.result` call the function in place instead, so the
caller always gets the in-process value (and an exception of the function itself is raised
there, with its own traceback).
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = "TFCOURSE_NUMPY_ONLY"

_HELPER = r"""
import importlib, os, pickle, sys, time, traceback
job = sys.argv[1]
try:
    with open(job + ".in", "rb") as f:
        module, name, args, kwargs = pickle.load(f)
    function = getattr(importlib.import_module(module), name)
    start = time.perf_counter()
    value = function(*args, **kwargs)
    seconds = time.perf_counter() - start
    with open(job + ".out.tmp", "wb") as f:
        pickle.dump((value, seconds), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(job + ".out.tmp", job + ".out")
except BaseException:
    with open(job + ".err", "w") as f:
        f.write(traceback.format_exc())
"""


class Job:
    """A call running in a helper process; :meth:`result` waits for it.

    Course 1, week 3; lesson c1w3_planar_data (the side-by-side's NumPy network).
    """

    def __init__(self, function, args, kwargs, in_helper: bool = True):
        self._function, self._args, self._kwargs = function, args, kwargs
        self._dir = tempfile.TemporaryDirectory(prefix="tfcourse-job-")
        self._job = str(Path(self._dir.name) / "job")
        self._proc = None
        self.in_helper = False  # whether the value came from the helper
        if not in_helper or "." in function.__qualname__ or function.__module__ == "__main__":
            return  # switched off, a method, a nested or a script's function: run in place
        try:
            payload = pickle.dumps((function.__module__, function.__qualname__, args, kwargs),
                                   protocol=pickle.HIGHEST_PROTOCOL)
            Path(self._job + ".in").write_bytes(payload)
            env = {**os.environ, ENV: "1"}
            self._proc = subprocess.Popen([sys.executable, "-c", _HELPER, self._job], env=env,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)
        except Exception:  # noqa: BLE001 - unpicklable arguments, no process: run in place
            self._proc = None

    def result(self):
        """``(value, seconds)``: the function's value and the wall time of the call alone."""
        try:
            if self._proc is not None:
                self._proc.wait()
                out = Path(self._job + ".out")
                if self._proc.returncode == 0 and out.exists():
                    with open(out, "rb") as f:
                        value, seconds = pickle.load(f)
                    self.in_helper = True
                    return value, seconds
            start = time.perf_counter()
            value = self._function(*self._args, **self._kwargs)
            return value, time.perf_counter() - start
        finally:
            self._dir.cleanup()

    def cancel(self) -> None:
        """Stop the helper (its value is not wanted)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._dir.cleanup()


def call(function, *args, **kwargs) -> Job:
    """Start ``function(*args, **kwargs)`` in a helper process; return its :class:`Job`.

    ``function`` must be a module-level function whose module needs no Keras (the course's
    NumPy code in ``tfcourse.scratch``). With ``TFCOURSE_BACKGROUND=off``, or on a 1-core
    machine, the call runs in place when :meth:`Job.result` is called.

    Course 1, week 3; lesson c1w3_planar_data (the side-by-side's NumPy network).
    """
    return Job(function, args, kwargs, in_helper=helpers_allowed("TFCOURSE_BACKGROUND"))


def helpers_allowed(variable: str) -> bool:
    """Whether helper processes may run: not on a 1-core machine, nor where the environment
    variable ``variable`` says ``off`` (or ``0``, ``false``, ``no``). Shared by this module
    (``TFCOURSE_BACKGROUND``) and ``tfcourse.plots.background`` (``TFCOURSE_PLOT_HELPER``).

    Courses 1-5 (every lesson: its figures; c1w3_planar_data: its NumPy network).
    """
    setting = os.environ.get(variable, "").strip().lower()
    return setting not in {"0", "off", "false", "no"} and (os.cpu_count() or 1) >= 2
