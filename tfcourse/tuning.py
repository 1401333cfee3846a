"""Hyperparameter search the course's way, on Keras Tuner (Course 2, week 3).

The course's advice, in order:

1. Don't use a grid: sample at random, so that each of the few values of the important
   hyperparameter (the learning rate α) is tried many times over.
2. Sample on the right scale. The learning rate on a log scale::

       r = uniform(log10(α_min), log10(α_max));   α = 10**r        # e.g. r ∈ [−4, 0]

   and the momentum β through 1 − β on a log scale, because β = 0.9 → 0.9005 changes almost
   nothing (an average over ~10 values) while β = 0.999 → 0.9995 doubles the averaging window
   (1000 → 2000 values)::

       r = uniform(log10(1 − β_max), log10(1 − β_min));   β = 1 − 10**r   # e.g. r ∈ [−3, −1]

3. Coarse to fine: after a first random round, zoom into the region of the best points and
   sample again there.

Keras Tuner has (1) and a log scale for (2), but its ``sampling="reverse_log"`` over
[0.9, 0.999] is nearly linear (the ratio 0.999/0.9 is only 1.11): about 10 % of its samples have
β > 0.99, where the course's scale puts half of them. :func:`momentum_beta` declares the
hyperparameter the course's way, as ``one_minus_beta`` on a log scale. Keras Tuner has no (3):
:class:`CoarseToFineOracle` adds it as a real ``keras_tuner.Oracle``, so it works wherever Keras
Tuner works (resume, TensorBoard HParams, the chief/worker distributed mode), and
:class:`CoarseToFine` is the tuner, as easy to use as ``keras_tuner.RandomSearch``::

    def build(hp):
        lr = tuning.learning_rate(hp, min_value=1e-4, max_value=1.0)
        beta = tuning.momentum_beta(hp, min_value=0.9, max_value=0.999)
        ...
    tuner = tuning.CoarseToFine(build, objective="val_accuracy", max_trials=30, seed=1,
                                directory="runs/hp", project_name="c2f")
    tuner.search(x, y, validation_data=(x_dev, y_dev), epochs=20)

Reliability: a trial whose loss becomes NaN or infinite is stopped and recorded as FAILED (the
search goes on); a search run again with the same directory resumes (Keras Tuner's own reload,
plus the oracle's boxes); an impossible space raises :class:`SearchSpaceError` naming the
hyperparameter (a ``ValueError``, and a ``UsageError`` so the lessons' CLI exits with status 2).

Distributed ("caviar" rather than "pandas"): Keras Tuner's chief/worker mode is driven by the
environment variables ``KERASTUNER_TUNER_ID`` (``chief`` or a worker name),
``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``. :class:`LocalCluster` starts N workers
on this machine (one per GPU when there are GPUs) with the current process as the chief.
"""
from __future__ import annotations

import contextlib
import math
import os
import random
import socket
import subprocess
import threading
import time
import traceback
from pathlib import Path

import keras_tuner
from keras_tuner.src.distribute import utils as dist_utils
from keras_tuner.src.engine import trial as trial_module
from keras_tuner.src.engine.hyperparameters import hp_types

from tfcourse.errors import UsageError

RUNNING = trial_module.TrialStatus.RUNNING
IDLE = trial_module.TrialStatus.IDLE
STOPPED = trial_module.TrialStatus.STOPPED
COMPLETED = trial_module.TrialStatus.COMPLETED
FAILED = trial_module.TrialStatus.FAILED


class SearchSpaceError(UsageError, ValueError):
    """An impossible search space or search setting; the message names the culprit."""


# --------------------------------------------------------------------------------------------
# Scales
# --------------------------------------------------------------------------------------------


def log_uniform(rng, min_value: float, max_value: float, size=None):
    """The course's log-scale sample: r = uniform(log10 min, log10 max); return 10**r.

    ``rng`` is a ``numpy.random.Generator``. ``log_uniform(rng, 1e-4, 1)`` is the lecture's
    ``r = -4 * np.random.rand(); alpha = 10**r``.
    """
    check_range("value", min_value, max_value, log=True)
    r = rng.uniform(math.log10(min_value), math.log10(max_value), size)
    return 10.0 ** r


def one_minus_log_uniform(rng, min_value: float, max_value: float, size=None):
    """The course's sample for β: r = uniform(log10(1 − max), log10(1 − min)); β = 1 − 10**r.

    ``one_minus_log_uniform(rng, 0.9, 0.999)`` draws r in [−3, −1]: half the samples land in
    [0.99, 0.999], half in [0.9, 0.99].
    """
    check_range("beta", min_value, max_value)
    if not 0 <= min_value < max_value < 1:
        raise SearchSpaceError(f"beta: the range must lie in [0, 1), got "
                               f"[{min_value}, {max_value}]")
    return 1.0 - log_uniform(rng, 1.0 - max_value, 1.0 - min_value, size)


def check_range(name: str, min_value, max_value, log: bool = False) -> None:
    """Raise :class:`SearchSpaceError` naming ``name`` unless min < max (min > 0 on a log scale)."""
    for label, v in (("min_value", min_value), ("max_value", max_value)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise SearchSpaceError(f"hyperparameter {name!r}: {label} must be a finite number, "
                                   f"got {v!r}")
    if min_value >= max_value:
        raise SearchSpaceError(f"hyperparameter {name!r}: min_value must be less than max_value, "
                               f"got min_value={min_value!r}, max_value={max_value!r}")
    if log and min_value <= 0:
        raise SearchSpaceError(f"hyperparameter {name!r}: a log scale needs positive bounds, "
                               f"got min_value={min_value!r}")


def beta_hp_name(name: str = "beta") -> str:
    """The name under which :func:`momentum_beta` registers 1 − β (``one_minus_beta``)."""
    return f"one_minus_{name}"


def learning_rate(hp, name: str = "learning_rate", min_value: float = 1e-4,
                  max_value: float = 1.0, default: float | None = None) -> float:
    """Declare a learning rate sampled on a log scale; return its value for this trial.

    Keras Tuner's ``hp.Float(name, min, max, sampling="log")`` is exactly the course's
    α = 10**uniform(log10 min, log10 max); this helper only checks the bounds first.
    """
    check_range(name, min_value, max_value, log=True)
    return hp.Float(name, min_value, max_value, sampling="log", default=default)


def momentum_beta(hp, name: str = "beta", min_value: float = 0.9, max_value: float = 0.999,
                  default: float | None = None) -> float:
    """Declare an averaging β sampled through 1 − β on a log scale; return β for this trial.

    The hyperparameter Keras Tuner sees (and TensorBoard's HParams shows) is
    ``one_minus_<name>`` = 1 − β, a ``Float`` on a log scale over [1 − max, 1 − min]; the
    function returns β = 1 − that value. Compare ``hp.Float(name, 0.9, 0.999,
    sampling="reverse_log")``, which is Keras Tuner's built-in and nearly linear on this range.
    """
    check_range(name, min_value, max_value)
    if not 0 <= min_value < max_value < 1:
        raise SearchSpaceError(f"hyperparameter {name!r}: the range must lie in [0, 1), got "
                               f"min_value={min_value!r}, max_value={max_value!r}")
    one_minus = hp.Float(beta_hp_name(name), 1.0 - max_value, 1.0 - min_value, sampling="log",
                         default=None if default is None else 1.0 - default)
    return 1.0 - one_minus


def power_of_two(hp, name: str, min_value: int, max_value: int, default: int | None = None) -> int:
    """Declare an integer that is a power of 2 (a mini-batch size), uniform over the exponents."""
    for label, v in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(v, int) or v < 1 or v & (v - 1):
            raise SearchSpaceError(f"hyperparameter {name!r}: {label} must be a power of 2, "
                                   f"got {v!r}")
    check_range(name, min_value, max_value, log=True)
    return hp.Int(name, min_value, max_value, step=2, sampling="log", default=default)


def check_space(hyperparameters) -> None:
    """Raise :class:`SearchSpaceError` for an impossible range in a ``HyperParameters`` space."""
    for hp in hyperparameters.space:
        if isinstance(hp, (hp_types.Float, hp_types.Int)):
            check_range(hp.name, hp.min_value, hp.max_value,
                        log=hp.sampling in ("log", "reverse_log"))
        elif isinstance(hp, hp_types.Choice) and not hp.values:
            raise SearchSpaceError(f"hyperparameter {hp.name!r}: no values to choose from")


# --------------------------------------------------------------------------------------------
# Coarse to fine
# --------------------------------------------------------------------------------------------


def round_sizes(max_trials: int, rounds: int) -> list:
    """Split ``max_trials`` into ``rounds`` rounds as evenly as possible, earlier rounds first.

    ``round_sizes(30, 3) == [10, 10, 10]``, ``round_sizes(10, 3) == [4, 3, 3]``,
    ``round_sizes(2, 3) == [1, 1]`` (a round with no trial is dropped).
    """
    base, extra = divmod(max_trials, rounds)
    return [n for n in (base + (i < extra) for i in range(rounds)) if n > 0]


def zoom_box(probs, margin: float):
    """The coarse-to-fine zoom along one axis, in the hyperparameter's own warped scale.

    ``probs`` are the best trials' positions on the axis, each in [0, 1] (0 is ``min_value``,
    1 is ``max_value``, on the hyperparameter's scale: log for a log-scale learning rate, so a
    position is a fraction of the decades). The box is

        1. lo, hi = min(probs), max(probs)           # the smallest box holding the best points
        2. lo, hi = lo − margin, hi + margin          # widened by `margin` of the full range
        3. lo, hi = max(lo, 0), min(hi, 1)            # kept inside the space

    Worked example: α ∈ [1e-4, 1] (4 decades), best points at α = 1e-2, 3e-2, 1e-1 sit at
    positions 0.5, 0.62, 0.75; with margin 0.1 the box is [0.4, 0.85], i.e. α ∈ [4e-3, 0.25].
    """
    lo, hi = min(probs), max(probs)
    return max(lo - margin, 0.0), min(hi + margin, 1.0)


def value_width(hp) -> float:
    """The width of one value on a discrete axis, as a fraction of the axis (0 if continuous).

    Keras Tuner maps an ``Int`` (or a ``Float`` with a ``step``) with n possible values onto
    [0, 1] as n equal bins, a value sitting at the centre of its bin. A margin narrower than one
    bin would not widen the box at all on such an axis, so :class:`CoarseToFineOracle` widens
    it by at least this width: the values next to the best ones stay in play (e.g. with
    units ∈ {16, 32, 64, 128, 256} and the best trials at 32, round r samples 16, 32 and 64).
    """
    if isinstance(hp, hp_types.Int) and hp.step is None:
        return 1.0 / (hp.max_value - hp.min_value + 1)
    if isinstance(hp, (hp_types.Int, hp_types.Float)) and hp.step is not None:
        return 1.0 / max(1, hp._get_n_values())
    return 0.0


class CoarseToFineOracle(keras_tuner.Oracle):
    """Random search, then zoom into the best region and sample again (coarse to fine).

    The ``max_trials`` budget is split into ``rounds`` rounds (:func:`round_sizes`). Round 0
    samples uniformly over the whole space, each hyperparameter on its own scale. Before round
    r > 0 starts, the oracle waits until every trial of the earlier rounds has ended (in a
    distributed search, ``populate_space`` answers ``"IDLE"`` meanwhile), then takes the
    ``top_k`` best completed trials so far, keeps those whose score is clearly good (at least
    ``min_quality`` of the way from the worst score seen to the best; the best always counts:
    :meth:`box_trials`), and builds the round's box around them: for every numerical
    hyperparameter, :func:`zoom_box` of their positions ``hp.value_to_prob(value)`` widened by
    ``margin`` (on a discrete axis such as an ``Int``, by at least one value:
    :func:`value_width`); for a ``Choice`` or ``Boolean``, the values those trials used. The
    round samples uniformly inside its box (``hp.prob_to_value``). A hyperparameter none of the
    best trials used (an inactive conditional one) keeps its whole range.

    Within a round, the trials form a Latin hypercube of the round's box: on every axis, the
    round's n trials fall one into each of the n equal strata (on the axis's own scale), each
    at a uniform position inside its stratum, the strata shuffled independently per axis. Each
    trial is still uniform over the box, as the course asks, but no stretch of an axis is left
    out by chance: with 10 trials over α ∈ [1e-4, 1], exactly one lands in each 0.4 decade, so
    round 0 always tries α above 0.4, where the lesson's best networks are, and each of 5
    batch sizes exactly twice. On the lesson's search it makes coarse-to-fine's worst seeds
    much better than with independent draws (README, Benchmarks).

    The box is fixed for the whole round and a trial's values depend only on (seed, trial
    number, box), so a seeded search makes the same choices serially or across workers, and a
    resumed search continues exactly as an uninterrupted one: the boxes are part of the oracle's
    saved state. Unlike Keras Tuner's oracles, ``seed=0`` is a seed like any other.

    Args:
        objective: as for ``keras_tuner.Oracle`` (e.g. ``"val_accuracy"``).
        max_trials: total number of trials, at least 1.
        rounds: number of rounds (1 is plain random search).
        top_k: how many of the best trials so far define the next round's box.
        min_quality: of those, only trials whose score is at least this fraction of the way
            from the worst score so far to the best shape the box (0 ≤ min_quality ≤ 1; 0 keeps
            all ``top_k``, 1 only the best). Without it, a first round where one trial learned
            and the others stayed at chance would zoom onto the chance-level trials too.
        margin: how much the box is widened on each side, as a fraction of the full range of
            each hyperparameter on its own scale (0 ≤ margin ≤ 1).
        seed: random seed (an int ≥ 0); ``None`` draws one.
        hyperparameters, allow_new_entries, tune_new_entries, max_retries_per_trial,
        max_consecutive_failed_trials: as for ``keras_tuner.Oracle``.

    Example::

        oracle = CoarseToFineOracle("val_accuracy", max_trials=30, rounds=3, seed=0)
        tuner = keras_tuner.Tuner(oracle=oracle, hypermodel=build, directory="runs/hp")
    """

    def __init__(self, objective=None, max_trials=10, rounds=3, top_k=3, margin=0.1, seed=None,
                 hyperparameters=None, allow_new_entries=True, tune_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, min_quality=0.5):
        def positive_int(name, value):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SearchSpaceError(f"{name} must be a positive integer, got {value!r}")

        positive_int("max_trials", max_trials)
        positive_int("rounds", rounds)
        positive_int("top_k", top_k)
        if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not 0 <= margin <= 1:
            raise SearchSpaceError(f"margin must be a number in [0, 1], got {margin!r}")
        if (isinstance(min_quality, bool) or not isinstance(min_quality, (int, float))
                or not 0 <= min_quality <= 1):
            raise SearchSpaceError(f"min_quality must be a number in [0, 1], got {min_quality!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise SearchSpaceError(f"seed must be a non-negative integer or None, got {seed!r}")
        if hyperparameters is not None:
            check_space(hyperparameters)
        super().__init__(objective=objective, max_trials=max_trials,
                         hyperparameters=hyperparameters, allow_new_entries=allow_new_entries,
                         tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        if seed is not None:  # keras_tuner.Oracle does `seed or random.randint(...)`: keep 0
            self.seed = self._seed_state = int(seed)
        self.rounds = rounds
        self.top_k = top_k
        self.margin = float(margin)
        self.min_quality = float(min_quality)
        self.sizes = round_sizes(max_trials, rounds)
        # str(round) -> {hp name: [lo, hi] (positions) or {"values": [...]}}; JSON-friendly.
        self.boxes = {}

    # -- the rounds -------------------------------------------------------------------------
    def round_of(self, index: int) -> int:
        """The round of the ``index``-th trial (0-based, in creation order)."""
        end = 0
        for r, n in enumerate(self.sizes):
            end += n
            if index < end:
                return r
        return len(self.sizes) - 1

    def ranked_trials(self):
        """Completed trials with a finite score, best first (ties: earlier trial first)."""
        done = [t for t in self.trials.values()
                if t.status == COMPLETED and t.score is not None and math.isfinite(t.score)]
        sign = -1.0 if self.objective.direction == "max" else 1.0
        return sorted(done, key=lambda t: (sign * t.score, t.trial_id))

    def box_trials(self):
        """The trials that shape the next box: the ``top_k`` best, less those not clearly good.

        With scores s (higher is better after the objective's direction), a trial among the
        ``top_k`` counts if s ≥ worst + min_quality · (best − worst), the worst and best taken
        over every completed trial so far. Example: best 0.74, worst 0.08, the next ones 0.19
        and 0.18 (a network at chance) and min_quality 0.5: only the 0.74 trial counts.
        """
        ranked = self.ranked_trials()
        if not ranked:
            return []
        sign = 1.0 if self.objective.direction == "max" else -1.0
        best, worst = sign * ranked[0].score, sign * ranked[-1].score
        bar = worst + self.min_quality * (best - worst)
        return [t for i, t in enumerate(ranked[: self.top_k])
                if i == 0 or sign * t.score >= bar - 1e-12]

    def _build_box(self) -> dict:
        best = self.box_trials()
        box = {}
        for hp in self.hyperparameters.space:
            if isinstance(hp, hp_types.Fixed):
                continue
            used = [t.hyperparameters.values[hp.name] for t in best
                    if hp.name in t.hyperparameters.values]
            if not used:
                continue
            if isinstance(hp, (hp_types.Choice, hp_types.Boolean)):
                box[hp.name] = {"values": list(dict.fromkeys(used))}
            else:
                probs = [hp.value_to_prob(v) for v in used]
                box[hp.name] = list(zoom_box(probs, max(self.margin, value_width(hp))))
        return box

    def _earlier_rounds_ended(self) -> bool:
        ended = set(self.end_order)
        return all(trial_id in ended for trial_id in self.trials)

    def populate_space(self, trial_id):
        check_space(self.hyperparameters)
        index = len(self.trials)
        r = self.round_of(index)
        if r > 0 and str(r) not in self.boxes:
            if not self._earlier_rounds_ended():
                return {"status": IDLE, "values": None}
            self.boxes[str(r)] = self._build_box()
        values = self._sample(index, self.boxes.get(str(r)))
        if values is None:
            return {"status": STOPPED, "values": None}
        return {"status": RUNNING, "values": values}

    # -- sampling ---------------------------------------------------------------------------
    def _draw(self, hp, u, box):
        """The value at position ``u`` ∈ [0, 1) of ``hp``'s axis inside ``box`` (its own scale)."""
        entry = box.get(hp.name) if box else None
        if entry is None:
            return hp.prob_to_value(u)
        if isinstance(entry, dict):
            values = entry["values"]
            return values[min(int(u * len(values)), len(values) - 1)]
        lo, hi = entry
        return hp.prob_to_value(lo + u * (hi - lo))

    def _stratum(self, index: int, name: str):
        """(stratum, n) of the ``index``-th trial on axis ``name``: a Latin hypercube per round.

        The round's n trials take the n strata of each axis once each, in an order shuffled per
        (seed, round, hyperparameter), so a trial's stratum depends only on its number.
        """
        r = self.round_of(index)
        j, n = index - sum(self.sizes[:r]), self.sizes[r]
        if not 0 <= j < n:  # past the budget's split (not reached with max_trials): plain random
            return None
        order = list(range(n))
        random.Random(f"{self.seed}:{r}:{name}").shuffle(order)
        return order[j], n

    def _sample(self, index: int, box):
        # First try: the trial's cell of the round's Latin hypercube. A collision (the box can be
        # too small to hold a new combination, e.g. only integer choices left) retries with plain
        # uniform draws, then with the whole space; stop when even that is exhausted.
        attempt = 0
        for where in ((box, None) if box is not None else (None,)):
            for _ in range(self._max_collisions + 1):
                rng = random.Random(f"{self.seed}:{index}:{attempt}")
                hps = keras_tuner.HyperParameters()
                for hp in self.hyperparameters.space:
                    hps.merge([hp])
                    if hps.is_active(hp):
                        u = rng.random()  # one draw per hyperparameter: streams stay aligned
                        cell = self._stratum(index, hp.name) if attempt == 0 else None
                        if cell is not None:
                            u = (cell[0] + u) / cell[1]
                        hps.values[hp.name] = self._draw(hp, u, where)
                attempt += 1
                if not self._duplicate(hps.values):
                    return hps.values
        return None

    # -- space and state --------------------------------------------------------------------
    def update_space(self, hyperparameters):
        super().update_space(hyperparameters)
        check_space(self.hyperparameters)

    def get_state(self):
        state = super().get_state()
        state["coarse_to_fine"] = {"boxes": self.boxes, "sizes": self.sizes,
                                   "top_k": self.top_k, "margin": self.margin,
                                   "min_quality": self.min_quality}
        return state

    def set_state(self, state):
        super().set_state(state)
        self.boxes = dict(state.get("coarse_to_fine", {}).get("boxes", {}))


# --------------------------------------------------------------------------------------------
# Tuners
# --------------------------------------------------------------------------------------------


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
    """

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

    def _build_hypermodel(self, hp):
        self._restore_dtype_policy()
        return super()._build_hypermodel(hp)

    def run_trial(self, trial, *args, **kwargs):
        import keras

        callbacks = list(kwargs.pop("callbacks", None) or [])
        if not any(isinstance(c, keras.callbacks.TerminateOnNaN) for c in callbacks):
            callbacks.append(keras.callbacks.TerminateOnNaN())
        results = super().run_trial(trial, *args, callbacks=callbacks, **kwargs)
        bad = _non_finite_loss(results)
        if bad is not None:
            raise keras_tuner.errors.FailedTrialError(
                f"diverged: the loss became {bad[1]} in epoch {bad[0]}")
        return results

    def _try_run_and_update_trial(self, trial, *fit_args, **fit_kwargs):
        # Keras Tuner prints a full traceback for every failed trial; a diverged trial is an
        # expected outcome of a search, so it gets one line (the traceback stays in
        # trial.message, saved in trial.json). Other errors keep Keras Tuner's traceback.
        from keras_tuner.src import config as kt_config

        try:
            self._run_and_update_trial(trial, *fit_args, **fit_kwargs)
            trial.status = COMPLETED
            return
        except keras_tuner.errors.FatalError:
            raise
        except Exception as e:  # Keras Tuner's own handling, less the traceback for FAILED
            failed = isinstance(e, keras_tuner.errors.FailedTrialError)
            trial.status = FAILED if failed else trial_module.TrialStatus.INVALID
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

    def search(self, *fit_args, **fit_kwargs):
        if dist_utils.is_chief_oracle():
            if "verbose" in fit_kwargs:
                self.oracle.verbose = fit_kwargs["verbose"]
            self.save()
            serve_oracle(self.oracle, alive=getattr(self, "workers_alive", None),
                         dead=getattr(self, "workers_dead", None),
                         trial_timeout=getattr(self, "trial_timeout", None))
            return
        super().search(*fit_args, **fit_kwargs)


class CoarseToFine(SearchMixin, keras_tuner.Tuner):
    """Coarse-to-fine search (:class:`CoarseToFineOracle`), as easy to use as ``RandomSearch``.

    Args:
        hypermodel: a function ``build(hp) -> compiled keras.Model`` or a
            ``keras_tuner.HyperModel``.
        objective: e.g. ``"val_accuracy"``.
        max_trials, rounds, top_k, margin, min_quality, seed, hyperparameters, tune_new_entries,
        allow_new_entries, max_retries_per_trial, max_consecutive_failed_trials: see
            :class:`CoarseToFineOracle`.
        **kwargs: ``keras_tuner.Tuner`` arguments (``directory``, ``project_name``,
            ``overwrite``, ``distribution_strategy``, ``executions_per_trial``, ...).

    Example::

        tuner = CoarseToFine(build, "val_accuracy", max_trials=30, seed=0, directory="runs/hp")
        tuner.search(x, y, validation_data=(x_dev, y_dev), epochs=20)
        best_hp = tuner.get_best_hyperparameters()[0]
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, rounds=3, top_k=3,
                 margin=0.1, seed=None, hyperparameters=None, tune_new_entries=True,
                 allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, min_quality=0.5, **kwargs):
        self.seed = seed
        oracle = CoarseToFineOracle(
            objective=objective, max_trials=max_trials, rounds=rounds, top_k=top_k,
            margin=margin, seed=seed, hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries, allow_new_entries=allow_new_entries,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials, min_quality=min_quality)
        super().__init__(oracle, hypermodel, **kwargs)


class RandomSearch(SearchMixin, keras_tuner.RandomSearch):
    """``keras_tuner.RandomSearch`` with the same failure handling as :class:`CoarseToFine`.

    (So that a comparison of the two differs only in how trials are chosen. Note that Keras
    Tuner's own oracles treat ``seed=0`` as "no seed".)
    """


class BayesianOptimization(SearchMixin, keras_tuner.BayesianOptimization):
    """``keras_tuner.BayesianOptimization`` with :class:`CoarseToFine`'s failure handling."""


class Hyperband(SearchMixin, keras_tuner.Hyperband):
    """``keras_tuner.Hyperband`` with the same failure handling as :class:`CoarseToFine`.

    One fix: a trial that continues an earlier one (a model promoted to the next bracket round)
    also gets its optimizer's state back. Keras Tuner loads the saved checkpoint into a freshly
    compiled model whose optimizer is not built yet, so Keras 3 skips the optimizer's variables
    ("Skipping variable loading for optimizer ...", for every optimizer, Keras's own included):
    momentum's velocities restart at 0 and ``iterations`` at 0, which restarts a learning-rate
    schedule (the lesson's decay) from its first step. Here the optimizer is built before the
    checkpoint is loaded, so training continues where it stopped.
    """

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


# --------------------------------------------------------------------------------------------
# Distributed search: Keras Tuner's chief/worker mode
# --------------------------------------------------------------------------------------------

ENV_VARS = ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT")


def role() -> str:
    """``"chief"``, ``"worker"`` or ``"solo"``, from Keras Tuner's environment variables."""
    if not dist_utils.has_chief_oracle():
        return "solo"
    return "chief" if dist_utils.is_chief_oracle() else "worker"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def oracle_lock(oracle):
    """Hold the lock Keras Tuner's ``@synchronized`` oracle methods take (re-entrant per thread)."""
    from keras_tuner.src.engine import oracle as oracle_module

    name = threading.current_thread().name
    need = oracle_module.THREADS[oracle] != name
    if need:
        oracle_module.LOCKS[oracle].acquire()
        oracle_module.THREADS[oracle] = name
    try:
        yield
    finally:
        if need:
            oracle_module.THREADS[oracle] = None
            oracle_module.LOCKS[oracle].release()


def requeue_trial(oracle, tuner_id: str, reason: str) -> None:
    """Take the trial ``tuner_id`` holds away from it: the worker died or stopped reporting.

    The trial goes back to the oracle's retry queue, so the next worker that asks for a trial
    runs it (this is what Keras Tuner's own ``Oracle.reload`` does with trials that were running
    when a chief was restarted); a trial taken away twice is recorded as FAILED instead, since it
    may be what kills its workers. The worker is forgotten, so that the chief does not wait for
    it to be told to stop. Call it holding :func:`oracle_lock` when a server is running.
    """
    trial = oracle.ongoing_trials.pop(tuner_id, None)
    oracle.tuner_ids.discard(tuner_id)
    if trial is None:
        return
    taken = getattr(oracle, "_requeued", {})
    oracle._requeued = taken
    taken[trial.trial_id] = taken.get(trial.trial_id, 0) + 1
    if taken[trial.trial_id] >= 2:
        trial.status = FAILED
        trial.message = f"{reason}, for the second time with this trial: recorded as failed"
        print(f"Trial {trial.trial_id}: {trial.message}", flush=True)
        oracle.end_trial(trial)
        return
    oracle._retry_queue.append(trial.trial_id)
    oracle.save()
    print(f"Trial {trial.trial_id}: {reason}; another worker will run it", flush=True)


def serve_oracle(oracle, poll: float = 0.1, alive=None, dead=None,
                 trial_timeout: float | None = None) -> None:
    """Serve ``oracle`` to the workers until the search is done (Keras Tuner's chief).

    The same gRPC servicer as ``keras_tuner``'s ``oracle_chief.start_server``, at
    ``KERASTUNER_ORACLE_IP:KERASTUNER_ORACLE_PORT``; it returns once a worker has been told to
    stop and no worker holds a trial any more. Keras Tuner's own chief waits forever for a worker
    that died holding a trial (and a coarse-to-fine round never ends); here:

    - ``alive`` (optional) is a function that says whether any worker process is still running:
      if none is and trials remain, the search cannot finish and a ``RuntimeError`` is raised.
    - ``dead`` (optional) is a function that returns the ids (``KERASTUNER_TUNER_ID``) of
      workers known to have exited (:meth:`LocalCluster.dead`); the trial such a worker held is
      run again by another worker (:func:`requeue_trial`).
    - ``trial_timeout`` (seconds, optional): a worker that holds a trial and has not reported
      for that long (workers report at every epoch's end) is treated as dead: the right setting
      for workers on other machines, whose processes the chief cannot see. Make it longer than
      the slowest epoch. A report that arrives later from such a worker is ignored.
    """
    from concurrent import futures

    import grpc
    from keras_tuner.src import protos
    from keras_tuner.src.distribute import oracle_chief

    if trial_timeout is not None and not (isinstance(trial_timeout, (int, float))
                                          and trial_timeout > 0):
        raise UsageError(f"trial_timeout must be a positive number of seconds, "
                         f"got {trial_timeout!r}")
    heard = {}  # tuner id -> (trial id, time of its last report)

    class Servicer(oracle_chief.OracleServicer):
        def UpdateTrial(self, request, context):
            with oracle_lock(oracle):
                for tuner_id, trial in list(oracle.ongoing_trials.items()):
                    if trial.trial_id == request.trial_id:
                        heard[tuner_id] = (trial.trial_id, time.monotonic())
                return super().UpdateTrial(request, context)

        def EndTrial(self, request, context):
            trial_id = request.trial.trial_id
            with oracle_lock(oracle):
                if not any(t.trial_id == trial_id for t in oracle.ongoing_trials.values()):
                    # Taken from a worker that stopped reporting (or already ended): ignore.
                    return protos.get_proto().EndTrialResponse()
                return super().EndTrial(request, context)

    address = f"{os.environ['KERASTUNER_ORACLE_IP']}:{os.environ['KERASTUNER_ORACLE_PORT']}"
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = Servicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError:
        bound = 0
    if not bound:
        raise UsageError(f"the chief cannot listen on {address} (port in use?)")
    server.start()

    def reap():
        now = time.monotonic()
        gone = set(dead()) if dead is not None else set()
        for tuner_id in gone & (set(oracle.tuner_ids) | set(oracle.ongoing_trials)):
            requeue_trial(oracle, tuner_id, f"worker {tuner_id} exited while holding it")
        if trial_timeout is None:
            return
        for tuner_id, trial in list(oracle.ongoing_trials.items()):
            last = heard.get(tuner_id)
            if last is None or last[0] != trial.trial_id:
                heard[tuner_id] = (trial.trial_id, now)  # first seen now
            elif now - last[1] > trial_timeout:
                requeue_trial(oracle, tuner_id, f"worker {tuner_id} sent no report for "
                                                f"{trial_timeout:g} s")

    try:
        while True:
            time.sleep(poll)
            with oracle_lock(oracle):
                reap()
            if servicer.stop_triggered and oracle_chief.exit_chief(oracle):
                return
            if alive is not None and not alive():
                time.sleep(poll)  # a last request may be in flight
                with oracle_lock(oracle):
                    reap()
                if servicer.stop_triggered and oracle_chief.exit_chief(oracle):
                    return
                raise RuntimeError(f"every worker exited with {oracle.remaining_trials()} "
                                   f"trials left; see the worker logs")
    finally:
        server.stop(grace=1)


class LocalCluster:
    """A chief (this process) and N worker processes on this machine, for ``with`` blocks.

    Inside the block the chief's environment variables are set, so a tuner made there is the
    chief; ``cluster.watch(tuner)`` lets it notice workers that die (their trials go to the
    other workers; with none left the search stops with an error instead of waiting). Each
    worker runs ``command(k)`` (a list for ``subprocess.Popen``) with
    ``KERASTUNER_TUNER_ID=tuner<k>`` and, where there are GPUs, only GPU ``k mod n_gpus``
    visible: one trial at a time per GPU. Worker output goes to
    ``<log_dir>/tuner<k>.log``. On exit the environment is restored and the workers are waited
    for (and stopped after ``timeout`` seconds).

    The same variables launch a search over several machines: see the lesson
    ``c2w3_hyperparameter_search``.
    """

    def __init__(self, workers: int, command, log_dir, host: str = "127.0.0.1", port=None,
                 gpus: int = 0, cwd=None, timeout: float = 60.0):
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise UsageError(f"workers must be a positive integer, got {workers!r}")
        if dist_utils.has_chief_oracle():
            raise UsageError("KERASTUNER_ORACLE_IP is already set: a local cluster starts its own "
                             "chief; unset the KERASTUNER_* variables or launch by hand")
        self.workers, self.command, self.log_dir = workers, command, Path(log_dir)
        self.host, self.port = host, port or free_port(host)
        self.gpus, self.cwd, self.timeout = gpus, cwd, timeout
        self.procs = []
        self._saved = {}

    def __enter__(self):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {"KERASTUNER_ORACLE_IP": self.host, "KERASTUNER_ORACLE_PORT": str(self.port)}
        self._saved = {k: os.environ.get(k) for k in ENV_VARS}
        os.environ.update(env, KERASTUNER_TUNER_ID="chief")
        for k in range(self.workers):
            worker_env = {**os.environ, **env, "KERASTUNER_TUNER_ID": f"tuner{k}"}
            if self.gpus:
                worker_env["CUDA_VISIBLE_DEVICES"] = str(k % self.gpus)
            log = open(self.log_dir / f"tuner{k}.log", "w")
            self.procs.append(subprocess.Popen(self.command(k), env=worker_env, cwd=self.cwd,
                                               stdout=log, stderr=subprocess.STDOUT))
            log.close()
        return self

    def alive(self) -> bool:
        """Whether any worker process is still running."""
        return any(p.poll() is None for p in self.procs)

    def dead(self) -> list:
        """The tuner ids (``tuner<k>``) of the workers that have exited."""
        return [f"tuner{k}" for k, p in enumerate(self.procs) if p.poll() is not None]

    def watch(self, tuner, trial_timeout: float | None = None):
        """Let the chief ``tuner`` notice workers that exit (and, optionally, go silent)."""
        tuner.workers_alive, tuner.workers_dead = self.alive, self.dead
        tuner.trial_timeout = trial_timeout
        return tuner

    def __exit__(self, *exc):
        for k, v in self._saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        # After a failure in the chief, nobody will answer the workers: stop them now.
        deadline = time.time() + (0 if exc[0] is not None else self.timeout)
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.terminate()
                p.wait(timeout=10)
        self.returncodes = [p.returncode for p in self.procs]
        return False

    def log_tail(self, k: int, n: int = 20) -> str:
        lines = (self.log_dir / f"tuner{k}.log").read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])
