"""The lesson runner: command-line flags, output folder, seeding, results, export.

A lesson module is a narrative (its docstring) plus one function ``run(ctx)``; the module ends
with::

    LESSON = Lesson(__file__, __doc__, run, epochs=10_000, fast_epochs=200)

    if __name__ == "__main__":
        LESSON.cli()

and ``python -m lessons.<name>`` (or ``python -m lessons <name>``) runs it. Every lesson gets the
same flags (``--epochs``, ``--seed``, ``--out``, ``--fast``, ``--data``/``--data-path`` where it
has a choice, ``--export-dir``, ``--no-export``), writes ``<out>/results.json``, PNG plots and
TensorBoard logs under ``<out>/``, exports its final model to ``saved_models/<name>/``, and ends
with ``<out>/report.html`` (tfcourse.report_html): the run on one self-contained page.

Bad input (a flag value, a missing or corrupt data file) is one line on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import platform
import shlex
import sys
import time
from pathlib import Path
from typing import Callable

from tfcourse.errors import UsageError
from tfcourse.report import fmt as _fmt

DEFAULT_SEED = 1


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag is one line (``prog: error: ...``) and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def int_arg(low: int | None = None, high: int | None = None):
    """An argparse ``type``: an integer in [low, high]; a bad value is argparse's one-line error.

    Lessons use it for their own flags: ``parser.add_argument("--trials", type=int_arg(1))``.
    """
    if low == 1 and high is None:
        wanted = "a positive integer"
    elif low == 0 and high is None:
        wanted = "a non-negative integer"
    elif low is not None and high is not None:
        wanted = f"an integer {low}-{high}"
    elif low is not None:
        wanted = f"an integer >= {low}"
    else:
        wanted = "an integer" if high is None else f"an integer <= {high}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {value}")
        return value

    return parse


def number_arg(text: str) -> float:
    """An argparse ``type``: a finite number."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def positive_number_arg(text: str) -> float:
    """An argparse ``type``: a finite number > 0 (a learning rate, a margin)."""
    value = number_arg(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text}")
    return value


def _readable_path(text: str) -> Path:
    p = Path(text).expanduser()
    if not p.exists():
        raise argparse.ArgumentTypeError(f"no such file or folder: {text}")
    if not os.access(p, os.R_OK):
        raise argparse.ArgumentTypeError(f"not readable: {text}")
    return p


def _writable_folder(path: Path, flag: str, what: str, keep: bool = True) -> None:
    """Check that ``path`` can be created and written in (else UsageError).

    The folders that did not exist are created to find out (the only reliable test: as root,
    ``os.access`` says yes to ``/proc``); with ``keep=False`` they are removed again, so that a
    run stopped later by bad input leaves nothing behind.
    """
    missing = []
    for parent in [path, *path.parents]:
        if parent.exists():
            break
        missing.append(parent)
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not path.is_dir():
            raise UsageError(f"{flag}: {path} is not a folder")
        probe = path / f".tfcourse-write-check-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"{flag}: cannot write in {what} {path}: {exc.strerror or exc}") from None
    finally:
        if not keep:
            for folder in missing:  # deepest first
                with contextlib.suppress(OSError):
                    folder.rmdir()


@dataclasses.dataclass
class Lesson:
    """A runnable lesson: its narrative, its ``run(ctx)`` and its default budget.

    Args:
        file: the lesson module's ``__file__`` (its stem is the lesson's name).
        doc: the module docstring; its first line is the summary ``python -m lessons`` lists.
        run: ``run(ctx: Context) -> None``; records results with ``ctx.record``.
        epochs: the full run's default budget (epochs, or gradient steps where the lesson says).
        fast_epochs: the ``--fast`` budget: a smoke test that finishes in seconds.
        data: the ``--data`` choices, default first (empty: the lesson has no choice).
        add_arguments: adds lesson-specific flags to the parser.
        epochs_help: what ``--epochs`` counts in this lesson.
        keys: the results keys the lesson promises (checked when it finishes; the tests read
            them too).
    """

    file: str
    doc: str
    run: Callable
    epochs: int
    fast_epochs: int
    data: tuple = ()
    add_arguments: Callable | None = None
    epochs_help: str = "training epochs"
    keys: tuple = ()

    @property
    def name(self) -> str:
        return Path(self.file).stem

    @property
    def summary(self) -> str:
        return (self.doc or "").strip().splitlines()[0] if self.doc else self.name

    def parser(self) -> argparse.ArgumentParser:
        p = _Parser(prog=f"python -m lessons.{self.name}", description=self.doc,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--epochs", type=int_arg(1), default=None,
                       help=f"{self.epochs_help} (default {self.epochs}; {self.fast_epochs} with --fast)")
        p.add_argument("--seed", type=int_arg(0), default=DEFAULT_SEED,
                       help=f"random seed; the same seed gives the same results.json (default {DEFAULT_SEED})")
        p.add_argument("--out", type=Path, default=None,
                       help=f"output folder for results.json, plots and logs (default runs/{self.name}/)")
        p.add_argument("--fast", action="store_true",
                       help="a tiny budget: a smoke test that finishes in seconds")
        if self.data:
            p.add_argument("--data", choices=self.data, default=self.data[0],
                           help=f"data set (default {self.data[0]})")
            p.add_argument("--data-path", type=_readable_path, default=None,
                           help="a local copy of the data set (file or folder) for --data")
        p.add_argument("--export-dir", type=Path, default=Path("saved_models"),
                       help="where the final model is exported (default saved_models/)")
        p.add_argument("--no-export", action="store_true", help="do not export the final model")
        p.add_argument("--quiet", action="store_true",
                       help="no progress bars or progress lines (the lesson's own messages and "
                            "its results table still print)")
        if self.add_arguments:
            self.add_arguments(p)
        return p

    def argv(self, args: argparse.Namespace, **changes) -> list:
        """The command-line flags that reproduce ``args``, with ``changes`` applied.

        ``changes`` maps a flag's destination (``out``, ``no_export``) to a new value; ``None``
        or ``False`` leaves the flag out. A lesson uses it to start copies of itself (the
        hyperparameter search's workers) with exactly its own settings.
        """
        values = {**vars(args), **changes}
        out = []
        for action in self.parser()._actions:
            if not action.option_strings or action.dest == "help":
                continue
            value = values.get(action.dest)
            if value is None or value is False:
                continue
            flag = action.option_strings[-1] if action.option_strings[-1].startswith("--") \
                else action.option_strings[0]
            if value is True and action.nargs == 0:
                out.append(flag)
            else:
                out += [flag, str(value)]
        return out

    def cli(self, argv=None) -> None:
        """Parse ``argv``, run the lesson, exit with its status (2 for bad input).

        The process ends with ``os._exit`` once the run has closed everything it wrote
        (results, plots, report, TensorBoard files, export) and the output is flushed: Python's
        own shutdown would then spend ~1 s (on 2 cores) tearing down TensorFlow's modules and
        runtime, a twentieth of the main lesson's run, for nothing a user keeps.
        """
        status = self.main(argv)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)

    def main(self, argv=None) -> int:
        args = self.parser().parse_args(argv)
        from tfcourse import plots

        try:
            ctx = Context(self, args)
            print(f"== {self.name}: {self.summary}")
            # Figures are encoded by a helper process while the lesson goes on (tfcourse.plots).
            with plots.background():
                ctx.setup()
                self.run(ctx)
                ctx.finish()
        except UsageError as exc:
            print(f"{self.parser().prog}: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"\n{self.name}: interrupted; earlier results and exported models were left "
                  f"as they were", file=sys.stderr)
            return 130
        return 0


class Context:
    """What a lesson's ``run`` works with: settings, output paths, results, export."""

    def __init__(self, lesson: Lesson, args: argparse.Namespace):
        self.lesson = lesson
        self.args = args
        self.name = lesson.name
        self.fast: bool = args.fast
        self.epochs: int = args.epochs or (lesson.fast_epochs if args.fast else lesson.epochs)
        self.seed: int = args.seed
        self.data: str | None = getattr(args, "data", None)
        self.data_path: Path | None = getattr(args, "data_path", None)
        self.out: Path = Path(args.out) if args.out else Path("runs") / lesson.name
        self.export_dir: Path = args.export_dir
        self.results: dict = {}
        self.course: dict = {}
        self.timings: dict = {}
        self.claims_results = True  # False: a helper process (a search's worker), see no_results
        self._started = time.time()
        self._device = "not set up"
        self._export: dict | None = None  # what report.html says about the export

    # -- set-up ---------------------------------------------------------------------------
    def setup(self) -> None:
        from tfcourse.device import configure_devices

        # Both folders are checked before any work, so that a bad path is one line and exit
        # status 2 now rather than a traceback after the training.
        _writable_folder(self.out, "--out", "output folder")
        if not self.args.no_export:
            _writable_folder(self.export_dir, "--export-dir", "export folder", keep=False)
        devices = configure_devices()
        self._device = _device_details(devices)
        import keras
        import tensorflow as tf

        keras.utils.set_random_seed(self.seed)
        tf.config.experimental.enable_op_determinism()
        print(f"   seed {self.seed}, {self.epochs} {self.lesson.epochs_help.split(' (')[0]}, "
              f"device {devices}, output {self.out}/")

    # -- helpers for run(ctx) ---------------------------------------------------------------
    def path(self, filename: str) -> Path:
        """A file in the output folder."""
        return self.out / filename

    def section(self, title: str) -> None:
        print(f"\n-- {title}")

    def log(self, message: str) -> None:
        print(f"   {message}")

    def callbacks(self, run: str, *extra) -> list:
        """Callbacks every training run gets: its progress (:class:`tfcourse.callbacks.Progress`,
        labelled ``run``; none with ``--quiet``) and TensorBoard logs under ``<out>/logs/<run>/``.

        ``extra`` callbacks come first, so that values they add to ``logs`` (a weight norm, a
        smoothed loss) reach TensorBoard too.
        """
        from tfcourse.callbacks.progress import Progress
        from tfcourse.callbacks.tensorboard import TensorBoard

        quiet = getattr(self.args, "quiet", False)
        return [*extra, Progress(run, mode="quiet" if quiet else None),
                TensorBoard(log_dir=str(self.out / "logs" / run), write_graph=False,
                            profile_batch=0)]

    def progress(self, label: str, total: int, unit: str = "step"):
        """A progress bar for a plain loop (not a ``fit``): ``with ctx.progress("sampling", n)
        as bar: ... bar.update(i + 1)``; the same renderer as the trainings', quiet with
        ``--quiet``."""
        from tfcourse.callbacks.progress import ProgressBar

        quiet = getattr(self.args, "quiet", False)
        return ProgressBar(label, total, unit=unit, mode="quiet" if quiet else None)

    def record(self, key: str, value, course=None) -> None:
        """Record a result (a number, or a short string); ``course`` is the course's figure."""
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float):
            # Six significant digits: readable, stable across runs, and a gradient-check
            # difference of 1e-17 stays 1e-17 instead of rounding to 0.
            value = float(f"{value:.6g}")
        self.results[key] = value
        if course is not None:
            self.course[key] = course

    def timing(self, key: str, seconds: float) -> None:
        """Record a measured duration. Wall times are not fixed by ``--seed``, so they go to
        ``<out>/timings.json`` and the report page, not to ``results.json`` (which the same
        seed reproduces)."""
        self.timings[key] = float(f"{seconds:.4g}")

    def export(self, model, x_sample) -> Path | None:
        """Export the final model (unless ``--no-export``) and keep a sample of its predictions.

        ``<out>/export_sample.npz`` holds ``x`` and ``y`` (``model.predict(x)``), so the export can
        be checked from a process that does not import tfcourse.
        """
        if self.args.no_export:
            return None
        import numpy as np

        from tfcourse.export import export_model

        x_sample = np.asarray(x_sample, "float32")
        path = export_model(model, self.name, self.export_dir)
        np.savez(self.path("export_sample.npz"), x=x_sample,
                 y=np.asarray(model.predict(x_sample, verbose=0)))
        self.log(f"exported {path}/ and {path}.keras")
        self.results["saved_model"] = str(path)
        self._export = {"saved_model": str(path), "keras": f"{path}.keras",
                        "signature": _serving_signature(path),
                        "sample": str(self.path("export_sample.npz"))}
        return path

    def no_results(self, reason: str) -> None:
        """This process claims none of the lesson's results (a search's worker: the chief has
        them). Its ``results.json`` holds only its settings, and the keys check is skipped."""
        self.claims_results = False
        self.log(reason)

    # -- the end ----------------------------------------------------------------------------
    def settings(self) -> dict:
        s = {"lesson": self.name, "epochs": self.epochs, "seed": self.seed, "fast": self.fast}
        for k, v in vars(self.args).items():
            if k in {"epochs", "seed", "fast", "out", "export_dir", "no_export", "quiet"}:
                continue
            s[k] = str(v) if isinstance(v, Path) else v
        return s

    def finish(self) -> None:
        if self.claims_results:
            missing = [k for k in self.lesson.keys if k not in self.results]
            if missing:  # a bug in the lesson, not bad input: fail loudly
                raise RuntimeError(f"{self.name} did not record its results keys {missing}")
        elif self.results:
            raise RuntimeError(f"{self.name} recorded results in a process that claims none")
        # ``headline`` and ``course`` let ``python -m lessons report`` print the measured-vs-
        # course table from this file alone.
        payload = {**self.results, "headline": list(self.lesson.keys), "course": self.course,
                   "settings": self.settings()} if self.claims_results else \
            {"settings": self.settings()}
        tmp = self.path("results.json.tmp")
        tmp.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
        os.replace(tmp, self.path("results.json"))
        if self.timings:
            tmp = self.path("timings.json.tmp")
            tmp.write_text(json.dumps(self.timings, indent=2) + "\n")
            os.replace(tmp, self.path("timings.json"))
        from tfcourse import plots

        plots.flush()  # every figure on disk before the report lists them
        seconds = time.time() - self._started
        print()
        print(results_table(self.results, self.course))
        print(f"\n   results: {self.path('results.json')}  ({seconds:.0f} s)")
        if self.claims_results:  # a search's worker has no page of its own: the chief's has it
            print(f"   report:  {self._write_report(payload, seconds)}")

    def _write_report(self, payload: dict, seconds: float) -> Path:
        """``<out>/report.html``: results, this run's plots, narrative, export and settings."""
        from tfcourse import report_html

        # Only the plots this run wrote: a PNG left in --out by an earlier run with other flags
        # would otherwise be shown as this run's. (2 s of slack for coarse file-system clocks.)
        plots = sorted(p for p in self.out.glob("*.png")
                       if p.stat().st_mtime >= self._started - 2)
        command = shlex.join(["python", "-m", f"lessons.{self.name}",
                              *self.lesson.argv(self.args)])
        page = report_html.run_page(payload=payload, narrative=self.lesson.doc,
                                    environment=self._environment(seconds), plots=plots,
                                    export=self._export, command=command)
        return report_html.write_atomic(self.path("report.html"), page)

    def _environment(self, seconds: float) -> dict:
        import keras
        import numpy
        import tensorflow as tf

        import tfcourse

        return {"Python": platform.python_version(), "TensorFlow": tf.__version__,
                "Keras": keras.__version__, "NumPy": numpy.__version__,
                "tfcourse": tfcourse.__version__, "Device": self._device,
                "Machine": f"{platform.platform()}, {os.cpu_count()} CPU cores",
                "Started": time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(self._started)),
                "Wall time": f"{seconds:.1f} s",
                **{f"Timing: {k}": f"{v:g} s" for k, v in self.timings.items()}}


def _device_details(devices: str) -> str:
    """``configure_devices``'s summary, with the GPUs' names where TensorFlow knows them."""
    import tensorflow as tf

    names = []
    for gpu in tf.config.list_physical_devices("GPU"):
        with contextlib.suppress(Exception):  # details are optional: not every build has them
            names.append(tf.config.experimental.get_device_details(gpu).get("device_name", ""))
    names = [n for n in names if n]
    return f"{devices} ({', '.join(names)})" if names else devices


def _serving_signature(path: Path) -> dict | None:
    """The ``serve`` endpoint's input and output specs, read back from the SavedModel itself.

    Reading the exported folder (rather than the Keras model) shows what a server will see, for
    functional and subclassed models alike, and checks on the way that the export loads.
    """
    import tensorflow as tf

    fn = tf.saved_model.load(str(path)).signatures.get("serve")
    if fn is None:
        return None

    def specs(structure):
        return [{"name": n, "dtype": t.dtype.name,
                 "shape": t.shape.as_list() if t.shape.rank is not None else None}
                for n, t in sorted(structure.items())]

    outputs = fn.structured_outputs
    return {"endpoint": "serve", "inputs": specs(fn.structured_input_signature[1]),
            "outputs": specs(outputs if isinstance(outputs, dict) else {"output_0": outputs})}


def results_table(results: dict, course: dict | None = None) -> str:
    """Format results as a two- or three-column table (measured, and the course's figure)."""
    course = course or {}
    rows = [(k, _fmt(v), _fmt(course[k]) if k in course else "") for k, v in results.items()
            if k != "saved_model"]
    if not rows:
        return "(no results)"
    w0 = max(len("result"), *(len(r[0]) for r in rows))
    w1 = max(len("measured"), *(len(r[1]) for r in rows))
    header = f"{'result':<{w0}}  {'measured':>{w1}}" + ("  course" if course else "")
    lines = [header, "-" * len(header)]
    for k, v, c in rows:
        lines.append(f"{k:<{w0}}  {v:>{w1}}" + (f"  {c}" if course else ""))
    return "\n".join(lines)
