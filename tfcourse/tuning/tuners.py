"""Keras Tuner's tuners that keep tfcourse's search policy (Course 2, week 3).

:class:`SearchMixin` is what every tfcourse tuner adds to a Keras Tuner tuner (a diverging
trial fails alone, a global dtype policy survives the search, the distributed chief leaves as
soon as its workers are done); :class:`RandomSearch`, :class:`BayesianOptimization` and
:class:`Hyperband` are Keras Tuner's with it, so that a comparison with
:class:`~tfcourse.tuning.CoarseToFine` differs only in how trials are chosen. :class:`Hyperband`
also gets a promoted trial's optimizer state back. :func:`keras_tuner_seed` is the one place
where a user's seed becomes a seed for Keras Tuner's own oracles.

Keras Tuner internals this file relies on (checked against keras-tuner 1.4.8, the version
``setup.cfg`` pins), each marked "Private:" where it is used: the overridden methods
``Tuner._try_build`` (``clear_session()`` then ``_build_hypermodel``),
``Tuner._build_hypermodel``, ``BaseTuner._try_run_and_update_trial`` and
``_run_and_update_trial``, ``Tuner._get_build_config_fname`` / ``_get_checkpoint_fname``, and
the modules ``keras_tuner.src.config`` (``DEBUG``), ``keras_tuner.src.backend`` and
``keras_tuner.src.utils`` (``load_json``), and ``keras_tuner.src.distribute.utils`` (the
chief/worker environment tests).
"""
from __future__ import annotations

import math
import time
import traceback

import keras_tuner
from keras_tuner.engine.trial import TrialStatus
# Private: is_chief_oracle(), whether KERASTUNER_TUNER_ID names this process the chief.
from keras_tuner.src.distribute import utils as dist_utils

from tfcourse.checks import check_int
from tfcourse.tuning.distribute import serve_oracle

COMPLETED = TrialStatus.COMPLETED
FAILED = TrialStatus.FAILED

# Keras Tuner's own message (keras_tuner.Tuner.__init__), which its check cannot give for
# tfcourse's tuners: SearchMixin overrides run_trial, so the check never fires.
MISSING_HYPERMODEL = ("Received `hypermodel=None`. We only allow not specifying `hypermodel` "
                      "if the user defines the search space in `Tuner.run_trial()` by "
                      "subclassing a `Tuner` class without using a `HyperModel` instance.")


def require_hypermodel(tuner, hypermodel) -> None:
    """Refuse ``hypermodel=None`` as Keras Tuner does, unless ``tuner`` has its own ``run_trial``.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through its tuners).
    """
    if hypermodel is None and type(tuner).run_trial is SearchMixin.run_trial:
        raise ValueError(f"{type(tuner).__name__}: {MISSING_HYPERMODEL}")


def keras_tuner_seed(seed: int, spacing: int = 1) -> int:
    """The seed to give Keras Tuner's own oracles for a user's ``seed`` (an int ≥ 0).

    Keras Tuner's oracles read a falsy seed as "no seed" (``seed or random.randint(...)``): a
    search with ``seed=0`` would not be reproducible. And ``RandomSearchOracle`` seeds
    hyperparameter i of trial t with ``seed + 3t + i``, so searches with nearby seeds replay
    the same stream shifted by a trial. This maps the user's seed s to ``spacing · s + 1``:
    never 0, and ``spacing`` apart (a benchmark that compares seeds gives ``spacing=1000``).
    :class:`~tfcourse.tuning.CoarseToFine` takes the user's seed as it is (0 is a seed there).

    >>> keras_tuner_seed(0), keras_tuner_seed(4), keras_tuner_seed(2, spacing=1000)
    (1, 5, 2001)

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    seed = check_int("seed", seed, low=0, owner="keras_tuner_seed")
    return check_int("spacing", spacing, low=1, owner="keras_tuner_seed") * seed + 1


def _non_finite_loss(results):
    """The first non-finite training loss (or objective) in a trial's results, else None."""
    items = results if isinstance(results, list) else [results]
    for item in items:
        history = getattr(item, "history", None)
        values = history.get("loss", []) if isinstance(history, dict) else []
        if isinstance(item, dict):
            values = list(item.values())
        elif isinstance(item, (int, float)):
            values = [item]
        for epoch, v in enumerate(values, 1):
            if isinstance(v, (int, float)) and not math.isfinite(v):
                return epoch, v
    return None


class SearchMixin:
    """What every tfcourse tuner adds to a Keras Tuner tuner.

    - A diverging trial (NaN or infinite loss) is stopped at once (``TerminateOnNaN``) and
      recorded as FAILED, with no retry; the search goes on.
    - A worker told to wait (``IDLE``, between coarse-to-fine rounds) asks again after a short,
      growing pause instead of spinning.
    - In a distributed search the chief serves the oracle with Keras Tuner's own servicer and
      leaves as soon as every worker is done (:func:`serve_oracle`), rather than polling every
      20 s. A trial held by a worker that died (``tuner.workers_dead``, set by
      :meth:`LocalCluster.watch`) or that has not reported for ``tuner.trial_timeout`` seconds
      is given to another worker instead of stalling the search.
    - A global dtype policy survives the search. Keras Tuner calls ``clear_session()`` before it
      builds each model, and in Keras 3 that also resets the global dtype policy (it lives in
      Keras's global state): ``keras.mixed_precision.set_global_policy("mixed_float16")``
      followed by ``tuner.search(...)`` would silently build every trial, and every model
      built after the search, in float32. The policy in effect when a build starts is kept.
    - Building one without a hypermodel (and without a ``run_trial`` of its own) raises
      Keras Tuner's ``ValueError`` at once (:func:`require_hypermodel`).

    Course 2, week 3; lesson c2w3_hyperparameter_search (through its tuners).
    """

    # Private: Tuner._try_build(hp) calls clear_session() and then _build_hypermodel(hp).
    def _try_build(self, hp):
        import keras

        self._dtype_policy = keras.config.dtype_policy()
        try:
            return super()._try_build(hp)  # clear_session(), then _build_hypermodel(hp)
        finally:
            self._restore_dtype_policy()

    def _restore_dtype_policy(self):
        import keras

        policy = getattr(self, "_dtype_policy", None)
        if policy is not None:
            keras.config.set_dtype_policy(policy)

    # Private: Tuner._build_hypermodel(hp) builds (and wraps) the trial's model.
    def _build_hypermodel(self, hp):
        self._restore_dtype_policy()
        return super()._build_hypermodel(hp)

    def run_trial(self, trial, *args, **kwargs):
        import keras

        callbacks = list(kwargs.pop("callbacks", None) or [])
        # The trial's trainings show inside the search's line (a worker, which has none, labels
        # them with the trial).
        callbacks = [_nested(c, getattr(self, "_trial_bar", None), trial) for c in callbacks]
        if not any(isinstance(c, keras.callbacks.TerminateOnNaN) for c in callbacks):
            callbacks.append(keras.callbacks.TerminateOnNaN())
        results = super().run_trial(trial, *args, callbacks=callbacks, **kwargs)
        bad = _non_finite_loss(results)
        if bad is not None:
            raise keras_tuner.errors.FailedTrialError(
                f"diverged: the loss became {bad[1]} in epoch {bad[0]}")
        return results

    # Private: BaseTuner._try_run_and_update_trial, which runs _run_and_update_trial and turns
    # an exception into the trial's status; this copy of it keeps its logic.
    def _try_run_and_update_trial(self, trial, *fit_args, **fit_kwargs):
        # Keras Tuner prints a full traceback for every failed trial; a diverged trial is an
        # expected outcome of a search, so it gets one line (the traceback stays in
        # trial.message, saved in trial.json). Other errors keep Keras Tuner's traceback.
        from keras_tuner.src import config as kt_config  # Private: DEBUG (print or not)

        try:
            self._run_and_update_trial(trial, *fit_args, **fit_kwargs)
            trial.status = COMPLETED
            return
        except keras_tuner.errors.FatalError:
            raise
        except Exception as e:  # Keras Tuner's own handling, less the traceback for FAILED
            failed = isinstance(e, keras_tuner.errors.FailedTrialError)
            trial.status = FAILED if failed else TrialStatus.INVALID
            trial.message = traceback.format_exc()
            if kt_config.DEBUG:
                if failed:
                    print(f"Trial {trial.trial_id} failed: {e}", flush=True)
                else:
                    traceback.print_exc()

    def pre_create_trial(self):
        super().pre_create_trial()
        self._asks = getattr(self, "_asks", 0) + 1
        if self._asks > 1:  # the previous request was answered IDLE
            time.sleep(min(1.0, 0.02 * 2 ** (self._asks - 2)))

    def on_trial_begin(self, trial):
        self._asks = 0
        super().on_trial_begin(trial)

    # -- progress: "trial k/N, best so far" through tfcourse.callbacks.progress ---------------
    def on_search_begin(self):
        super().on_search_begin()
        if getattr(self, "_progress", None) is not None:
            self.oracle.verbose = 0  # Keras Tuner's own per-trial printout would say it twice
            if not dist_utils.has_chief_oracle():  # a worker: the chief shows the search
                self._trial_bar = trial_progress_bar(self.oracle, self._progress)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)  # the oracle records the trial's status and score
        update_trial_progress(getattr(self, "_trial_bar", None), self.oracle)

    def on_search_end(self):
        super().on_search_end()
        bar, self._trial_bar = getattr(self, "_trial_bar", None), None
        if bar is not None:
            update_trial_progress(bar, self.oracle)
            bar.close()

    def search(self, *fit_args, **fit_kwargs):
        from tfcourse.callbacks.progress import Progress

        self._progress = next((c for c in fit_kwargs.get("callbacks") or []
                               if isinstance(c, Progress)), None)
        if dist_utils.is_chief_oracle():
            if "verbose" in fit_kwargs:
                self.oracle.verbose = fit_kwargs["verbose"]
            bar = None
            if self._progress is not None:
                self.oracle.verbose = 0
                bar = trial_progress_bar(self.oracle, self._progress)
            self.save()
            try:
                serve_oracle(self.oracle, alive=getattr(self, "workers_alive", None),
                             dead=getattr(self, "workers_dead", None),
                             trial_timeout=getattr(self, "trial_timeout", None),
                             progress=None if bar is None else
                             lambda: update_trial_progress(bar, self.oracle))
            finally:
                if bar is not None:
                    update_trial_progress(bar, self.oracle)
                    bar.close()
            return
        super().search(*fit_args, **fit_kwargs)


def _nested(callback, bar, trial):
    """A search's ``Progress`` callback, made to show one trial's training inside ``bar``."""
    from tfcourse.callbacks.progress import Progress

    if not isinstance(callback, Progress):
        return callback
    label = f"trial {trial.trial_id}" if bar is None else f"trial {int(bar.done + 1e-9) + 1}"
    return Progress(label, callback.unit, callback.total, callback.stream, callback.mode,
                    callback.interval, parent=bar)


def trial_progress_bar(oracle, progress):
    """The search's progress line, "trial k/N ... best <objective> <score>", or None.

    ``progress`` is the :class:`tfcourse.callbacks.Progress` the search was given: its label
    (``ctx.callbacks("search")``: ``"search"``), stream and mode (``--quiet``: nothing) are the
    search's. None when the oracle has no trial budget (``max_trials=None``).

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    from tfcourse.callbacks.progress import ProgressBar, output_mode

    total = getattr(oracle, "max_trials", None)
    if not total:
        return None
    bar = ProgressBar(progress.label, total, unit="trial", stream=progress.stream,
                      mode=progress.mode or output_mode(progress.stream),
                      interval=progress.interval)
    update_trial_progress(bar, oracle, force=True)  # a resumed search starts where it was
    return bar


def update_trial_progress(bar, oracle, force: bool = False) -> None:
    """Move ``bar`` to the oracle's trials done (completed, failed or invalid), with the best
    score so far (Keras Tuner's ``get_best_trials``: completed trials, the objective's direction).

    Course 2, week 3; lesson c2w3_hyperparameter_search.
    """
    if bar is None:
        return
    trials = list(oracle.trials.values())
    done = sum(t.status not in (TrialStatus.RUNNING, TrialStatus.IDLE) for t in trials)
    failed = sum(t.status in (FAILED, TrialStatus.INVALID) for t in trials)
    best = oracle.get_best_trials(1)  # (the chief calls this ten times a second: cheap)
    name = oracle.objective.name if hasattr(oracle.objective, "name") else "score"
    info = f"best {name} {best[0].score:.4f}" if best and best[0].score is not None else \
        f"best {name} -"
    if failed:
        info += f" · {failed} failed"
    if force or done != int(bar.done + 1e-9) or info != bar.info:
        bar.update(done, info=info, force=True)


class RandomSearch(SearchMixin, keras_tuner.RandomSearch):
    """``keras_tuner.RandomSearch`` with the same failure handling as :class:`CoarseToFine`.

    (So that a comparison of the two differs only in how trials are chosen. Note that Keras
    Tuner's own oracles treat ``seed=0`` as "no seed": see :func:`keras_tuner_seed`.)

    Course 2, week 3; lesson c2w3_hyperparameter_search (``--tuner random``).
    """

    def __init__(self, hypermodel=None, *args, **kwargs):
        require_hypermodel(self, hypermodel)
        super().__init__(hypermodel, *args, **kwargs)


class BayesianOptimization(SearchMixin, keras_tuner.BayesianOptimization):
    """``keras_tuner.BayesianOptimization`` with :class:`CoarseToFine`'s failure handling.

    Course 2, week 3; used by no lesson yet (benchmarks/bench_tuners.py compares it).
    """

    def __init__(self, hypermodel=None, *args, **kwargs):
        require_hypermodel(self, hypermodel)
        super().__init__(hypermodel, *args, **kwargs)


class Hyperband(SearchMixin, keras_tuner.Hyperband):
    """``keras_tuner.Hyperband`` with the same failure handling as :class:`CoarseToFine`.

    One fix: a trial that continues an earlier one (a model promoted to the next bracket round)
    also gets its optimizer's state back. Keras Tuner loads the saved checkpoint into a freshly
    compiled model whose optimizer is not built yet, so Keras 3 skips the optimizer's variables
    ("Skipping variable loading for optimizer ...", for every optimizer, Keras's own included):
    momentum's velocities restart at 0 and ``iterations`` at 0, which restarts a learning-rate
    schedule (the lesson's decay) from its first step. Here the optimizer is built before the
    checkpoint is loaded, so training continues where it stopped.

    Course 2, week 3; used by no lesson yet (benchmarks/bench_tuners.py compares it).
    """

    def __init__(self, hypermodel=None, *args, **kwargs):
        require_hypermodel(self, hypermodel)
        super().__init__(hypermodel, *args, **kwargs)

    # Private: a copy of keras_tuner.Hyperband._build_hypermodel (1.4.8) with the optimizer
    # built before load_weights; it relies on Tuner._build_hypermodel (called past Hyperband's
    # in the MRO), Tuner._get_build_config_fname / _get_checkpoint_fname (where Keras Tuner
    # saved the trial), keras_tuner.src.backend.config.multi_backend() and utils.load_json.
    def _build_hypermodel(self, hp):
        from keras_tuner.src import backend as kt_backend
        from keras_tuner.src import utils as kt_utils

        self._restore_dtype_policy()
        model = super(keras_tuner.Hyperband, self)._build_hypermodel(hp)
        if "tuner/trial_id" in hp.values:
            trial_id = hp.values["tuner/trial_id"]
            if kt_backend.config.multi_backend():
                model.build_from_config(
                    kt_utils.load_json(self._get_build_config_fname(trial_id)))
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and not optimizer.built and model.built:
                optimizer.build(model.trainable_variables)
            model.load_weights(self._get_checkpoint_fname(trial_id))
        return model
