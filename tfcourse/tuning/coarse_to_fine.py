"""Coarse to fine: zoom into the best region and sample again (Course 2, week 3).

Keras Tuner has no coarse-to-fine search: :class:`CoarseToFineOracle` adds it as a real
``keras_tuner.Oracle`` (one hook, ``populate_space``), so it works wherever Keras Tuner works
(resume, TensorBoard HParams, the chief/worker distributed mode), and :class:`CoarseToFine` is
its tuner, a thin wrapper as easy to use as ``keras_tuner.RandomSearch``. The zoom itself is
three pure functions a reader can check by hand: :func:`round_sizes`, :func:`zoom_box`,
:func:`value_width`.

Keras Tuner internals this file relies on (checked against keras-tuner 1.4.8, the version
``setup.cfg`` pins): ``Oracle._max_collisions`` and ``Oracle._duplicate(values)`` (the
collision budget and test of Keras Tuner's own oracles), ``Oracle._seed_state`` (kept equal to
``seed``), and ``HyperParameter._get_n_values()`` (the number of values of a stepped axis).
"""
from __future__ import annotations

import math
import random

import keras_tuner
import numpy as np
from keras_tuner.engine import hyperparameters as hp_types
from keras_tuner.engine.trial import TrialStatus

from tfcourse.checks import check_choice, check_int, check_number, invalid
from tfcourse.tuning import trust_region
from tfcourse.tuning.scales import SearchSpaceError, check_setting, check_space
from tfcourse.tuning.tuners import SearchMixin, require_hypermodel

RUNNING = TrialStatus.RUNNING
IDLE = TrialStatus.IDLE
STOPPED = TrialStatus.STOPPED
COMPLETED = TrialStatus.COMPLETED
ZOOMS = ("trust-region", "box")


def round_sizes(max_trials: int, rounds: int) -> list:
    """Split ``max_trials`` into ``rounds`` rounds as evenly as possible, earlier rounds first.

    ``round_sizes(30, 3) == [10, 10, 10]``, ``round_sizes(10, 3) == [4, 3, 3]``,
    ``round_sizes(2, 3) == [1, 1]`` (a round with no trial is dropped).

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
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

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
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

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    if isinstance(hp, hp_types.Int) and hp.step is None:
        return 1.0 / (hp.max_value - hp.min_value + 1)
    if isinstance(hp, (hp_types.Int, hp_types.Float)) and hp.step is not None:
        # Private: HyperParameter._get_n_values(), the count behind prob_to_value's bins.
        return 1.0 / max(1, hp._get_n_values())
    return 0.0


def _no_strata(index, name):
    return None


class CoarseToFineOracle(keras_tuner.Oracle):
    """Random search, then zoom into the best region and sample again (coarse to fine).

    Two zooms. ``zoom="trust-region"`` (the default) lets a model of the scores zoom
    (:mod:`tfcourse.tuning.trust_region`, after TuRBO): a small random round 0 (a Latin
    hypercube of max(5, d + 1) trials for d hyperparameters, at most a third of the budget:
    :meth:`initial_trials`),
    then one trial at a time, the point of largest expected improvement (times the probability
    of not failing, from a classifier of the failed trials) inside a box centred on the best
    trial by a Gaussian process fitted to the transformed scores
    (:func:`trust_region.transform_scores`), its side on each axis
    following the model's length scale there; the box doubles after
    ``success_tolerance`` improvements in a row, halves after ``failure_tolerance`` misses in a
    row, and a box shorter than ``length_min`` restarts the search from a fresh round 0.
    Trial i is chosen from the scores of trials 0 … i − 1 − ``pending``, the ``pending``
    latest ones entering at the model's own prediction (kriging believer) whether or not they
    have ended: a worker gets its trial at once (no barrier between rounds) and the choices are
    the same serially and on any number of workers, as long as at most ``pending + 1`` trials
    run at once (otherwise a worker waits, ``IDLE``, for a trial that old to end). The region's
    state (``region``; per trial, ``regions``: its box, length and restart) is part of the
    oracle's saved state, so a resumed search goes on exactly as an uninterrupted one.

    ``zoom="box"`` is the course's literal method, in rounds, as follows. The ``max_trials``
    budget is split into ``rounds`` rounds (:func:`round_sizes`). Round 0
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
    much better than with independent draws (benchmarks/README.md).

    The box is fixed for the whole round and a trial's values depend only on (seed, trial
    number, box), so a seeded search makes the same choices serially or across workers, and a
    resumed search continues exactly as an uninterrupted one: the boxes are part of the oracle's
    saved state. Unlike Keras Tuner's oracles, ``seed=0`` is a seed like any other.

    Course 2, week 3; lesson c2w3_hyperparameter_search.

    Args:
        objective: as for ``keras_tuner.Oracle`` (e.g. ``"val_accuracy"``).
        max_trials: total number of trials, at least 1.
        seed: random seed (an int ≥ 0); ``None`` draws one.
        hyperparameters, allow_new_entries, tune_new_entries, max_retries_per_trial,
        max_consecutive_failed_trials: as for ``keras_tuner.Oracle``.

    The arguments above come in ``keras_tuner.oracles.RandomSearchOracle``'s order; the
    coarse-to-fine settings are keyword-only:

        rounds: number of rounds (1 is plain random search).
        top_k: how many of the best trials so far define the next round's box.
        min_quality: of those, only trials whose score is at least this fraction of the way
            from the worst score so far to the best shape the box (0 ≤ min_quality ≤ 1; 0 keeps
            all ``top_k``, 1 only the best). Without it, a first round where one trial learned
            and the others stayed at chance would zoom onto the chance-level trials too.
        margin: how much the box is widened on each side, as a fraction of the full range of
            each hyperparameter on its own scale (0 ≤ margin ≤ 1).
        zoom: ``"trust-region"`` (default) or ``"box"`` (``top_k``, ``margin`` and
            ``min_quality`` and ``rounds`` apply to the box zoom only).
        pending: trust region: how many of the latest trials are chosen without their scores
            (default 1: two workers never wait; with N workers give N − 1, and the same value
            to a serial run that should reproduce it).

    Example::

        oracle = CoarseToFineOracle("val_accuracy", max_trials=30, rounds=3, seed=0)
        tuner = keras_tuner.Tuner(oracle=oracle, hypermodel=build, directory="runs/hp")
    """

    def __init__(self, objective=None, max_trials=10, seed=None, hyperparameters=None,
                 allow_new_entries=True, tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, *, rounds=3, top_k=3, margin=0.1,
                 min_quality=0.5, zoom="trust-region", pending=1):
        # Keras Tuner's RandomSearchOracle order for the arguments it shares, so that code
        # switched from it keeps its meaning; the coarse-to-fine settings are keyword-only.
        owner = type(self).__name__
        check_setting(check_int, "max_trials", max_trials, low=1, owner=owner)
        check_setting(check_int, "rounds", rounds, low=1, owner=owner)
        check_setting(check_int, "top_k", top_k, low=1, owner=owner)
        check_setting(check_number, "margin", margin, 0, 1, owner=owner)
        check_setting(check_number, "min_quality", min_quality, 0, 1, owner=owner)
        check_setting(check_choice, "zoom", zoom, ZOOMS, owner=owner)
        check_setting(check_int, "pending", pending, low=0, owner=owner)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise SearchSpaceError(str(invalid("seed", "a non-negative integer or None", seed,
                                               owner)))
        if hyperparameters is not None:
            check_space(hyperparameters)
        super().__init__(objective=objective, max_trials=max_trials,
                         hyperparameters=hyperparameters, allow_new_entries=allow_new_entries,
                         tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        if seed is not None:  # keras_tuner.Oracle does `seed or random.randint(...)`: keep 0
            # Private: Oracle._seed_state is the seed Keras Tuner saves and advances.
            self.seed = self._seed_state = int(seed)
        self.rounds = rounds
        self.top_k = top_k
        self.margin = float(margin)
        self.min_quality = float(min_quality)
        self.sizes = round_sizes(max_trials, rounds)
        # str(round) -> {hp name: [lo, hi] (positions) or {"values": [...]}}; JSON-friendly.
        self.boxes = {}
        self.zoom = zoom
        self.pending = pending
        # The trust region's settings (TuRBO's, with the failure tolerance capped for budgets of
        # tens of trials); instance attributes, so a test can make the region collapse quickly.
        self.length_init, self.length_min, self.length_max = 0.8, 0.5 ** 5, 1.6
        self.success_tolerance = 3
        self.failure_tolerance = None  # None: trust_region.default_failure_tolerance(d)
        self.candidates = 1024  # Sobol points of the box per choice (and 512 near its centre)
        # The trust region's state, saved with the oracle (get_state): the region's length,
        # the counters, the current restart and where it began, how many trials have been
        # taken into account; and per trial, the region it was drawn from.
        self.region = {"length": self.length_init, "successes": 0, "failures": 0,
                       "restart": 0, "start": 0, "absorbed": 0, "best": None}
        self.regions = {}

    # -- the rounds -------------------------------------------------------------------------
    def round_of(self, index: int) -> int:
        """The round of the ``index``-th trial (0-based, in creation order).

        With ``zoom="trust-region"``: 0 for a trial of a random round 0 (the first, or one
        after a restart), 1 for a trial the trust region chose.
        """
        if self.zoom == "trust-region":
            info = self.regions.get(str(index))
            return 0 if info is None or info.get("box") is None else 1
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
        if self.zoom == "trust-region":
            return self._populate_trust_region(index)
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

    def _sample(self, index: int, box, strata=None):
        # First try: the trial's cell of the round's Latin hypercube. A collision (the box can be
        # too small to hold a new combination, e.g. only integer choices left) retries with plain
        # uniform draws, then with the whole space; stop when even that is exhausted.
        attempt = 0
        for where in ((box, None) if box is not None else (None,)):
            # Private: Oracle._max_collisions and Oracle._duplicate, the collision budget and
            # test Keras Tuner's own oracles use (a new trial must not repeat an old one).
            for _ in range(self._max_collisions + 1):
                rng = random.Random(f"{self.seed}:{index}:{attempt}")
                hps = keras_tuner.HyperParameters()
                for hp in self.hyperparameters.space:
                    hps.merge([hp])
                    if hps.is_active(hp):
                        u = rng.random()  # one draw per hyperparameter: streams stay aligned
                        cell = ((strata or self._stratum)(index, hp.name) if attempt == 0
                                else None)
                        if cell is not None:
                            u = (cell[0] + u) / cell[1]
                        hps.values[hp.name] = self._draw(hp, u, where)
                attempt += 1
                if not self._duplicate(hps.values):
                    return hps.values
        return None


    # -- the trust region -------------------------------------------------------------------
    def _axes(self):
        """The hyperparameters the model sees: every one but the Fixed ones."""
        return [hp for hp in self.hyperparameters.space if not isinstance(hp, hp_types.Fixed)]

    def initial_trials(self) -> int:
        """Trials of a trust-region search's random round 0 (and of each restart's).

        max(5, d + 1) for d hyperparameters, at most a third of the budget (rounded up): 7 of
        30 on the lesson's 6 hyperparameters, 2 of 6. Above 3·max(5, d + 1) trials it does not
        depend on the budget: a search of 50 trials makes the same first 30 choices as one of 30.
        """
        return max(1, min(round_sizes(self.max_trials, 3)[0], max(5, len(self._axes()) + 1)))

    def _restart_stratum(self, index: int, name: str):
        """(stratum, n) of a trial of a restart's round 0: a Latin hypercube per restart.

        Restart 0 shuffles with the box zoom's round-0 key (the same trials as the box zoom
        when both round 0s have the same size).
        """
        r, start, n = self.region["restart"], self.region["start"], self.initial_trials()
        j = index - start
        if not 0 <= j < n:
            return None
        order = list(range(n))
        key = f"{self.seed}:0:{name}" if r == 0 else f"{self.seed}:restart{r}:{name}"
        random.Random(key).shuffle(order)
        return order[j], n

    def _score(self, trial):
        """The trial's score with higher better, or None for a failed (or unscored) trial."""
        if trial.status != COMPLETED or trial.score is None or not math.isfinite(trial.score):
            return None
        return trial.score if self.objective.direction == "max" else -trial.score

    def _position(self, values) -> list:
        """A trial's position in [0, 1]^d (an inactive hyperparameter sits at 0.5)."""
        return [hp.value_to_prob(values[hp.name]) if hp.name in values else 0.5
                for hp in self._axes()]

    def _absorb(self, upto: int) -> None:
        """Take trials ``absorbed .. upto − 1`` into the region's counters, in trial order.

        Only trials the current restart's region chose count: a success improves on the
        restart's best so far (by more than 1e-3 of its score range), anything else, a failed
        trial included, is a failure. A collapse starts a new restart at the trial being made.
        """
        reg = self.region
        dims = len(self._axes())
        fail_tol = self.failure_tolerance or trust_region.default_failure_tolerance(dims)
        for j in range(reg["absorbed"], upto):
            reg["absorbed"] = j + 1
            if j < reg["start"]:
                continue  # chosen by an earlier restart's region
            trial = self.trials[self._trial_id(j)]
            score = self._score(trial)
            info = self.regions.get(str(j), {})
            if info.get("box") is not None:
                seen = reg.setdefault("seen", [])
                span = (max(seen) - min(seen)) if len(seen) > 1 else 0.0
                if score is not None and (reg["best"] is None
                                          or score > reg["best"] + 1e-3 * span):
                    reg["successes"], reg["failures"] = reg["successes"] + 1, 0
                else:
                    reg["successes"], reg["failures"] = 0, reg["failures"] + 1
                if reg["successes"] >= self.success_tolerance:
                    reg["length"], reg["successes"] = min(2 * reg["length"], self.length_max), 0
                elif reg["failures"] >= fail_tol:
                    reg["length"], reg["failures"] = reg["length"] / 2, 0
            if score is not None:
                reg.setdefault("seen", []).append(score)
                if reg["best"] is None or score > reg["best"]:
                    reg["best"] = score
            if reg["length"] < self.length_min:  # collapsed: a fresh round 0 from the next trial
                reg.update(length=self.length_init, successes=0, failures=0, best=None, seen=[],
                           restart=reg["restart"] + 1, start=None)

    def _trial_id(self, index: int) -> str:
        return f"{{:0{len(str(self.max_trials))}d}}".format(index)

    def _populate_trust_region(self, index: int):
        reg = self.region
        if reg.get("start") is None:  # a restart waiting for its first trial
            reg["start"] = index
        n_init = self.initial_trials()
        if index - reg["start"] < n_init:  # round 0 of this restart: a Latin hypercube
            return self._chosen(index, self._sample(index, None, strata=self._restart_stratum),
                                None)
        # The model sees every trial up to `index − 1 − pending` (they must have ended: a worker
        # waits otherwise, rarely) and believes the `pending` latest ones, ended or not, score
        # what it predicts: the same information serially and on any number of workers.
        upto = index - self.pending
        ended = set(self.end_order)
        if any(self._trial_id(j) not in ended for j in range(reg["absorbed"], max(upto, 0))):
            return {"status": IDLE, "values": None}
        self._absorb(max(upto, 0))
        if reg.get("start") is None:  # the region just collapsed: restart here
            reg["start"] = index
            return self._populate_trust_region(index)
        return self._chosen(index, *self._propose(index, max(upto, 0)))

    def _chosen(self, index: int, values, box):
        """Record the region trial ``index`` was chosen in (``box`` None: a round 0) and
        return the oracle's answer for it."""
        self.regions[str(index)] = {"restart": self.region["restart"], "box": box,
                                    "length": self.region["length"]}
        if values is None:
            return {"status": STOPPED, "values": None}
        return {"status": RUNNING, "values": values}

    def _propose(self, index: int, upto: int):
        """The next trial inside the trust region: (values, box)."""
        reg, axes = self.region, self._axes()
        known = [self.trials[self._trial_id(j)] for j in range(reg["start"], upto)]
        running = [self.trials[self._trial_id(j)] for j in range(max(upto, reg["start"]), index)]
        x = np.array([self._position(t.hyperparameters.values) for t in known],
                     dtype=float).reshape(-1, len(axes))
        scores = [self._score(t) for t in known]
        ok = np.array([s is not None for s in scores], dtype=bool)
        rng = np.random.default_rng([self.seed, index])
        if ok.sum() < 2:
            return self._sample(index, None, strata=_no_strata), None  # nothing to model yet
        # The scores' model sees the trials that scored; the failed ones enter a model of
        # their own, P(feasible), which multiplies the expected improvement (and puts likely
        # failures last).
        xs = x[ok]
        z = trust_region.transform_scores([s for s in scores if s is not None])
        fit_seed = self.seed * 100_003 + index
        gp = trust_region.fit_gp(xs, z, seed=fit_seed)
        centre = xs[int(np.argmax(gp.predict(xs)))]
        min_half = [value_width(hp) for hp in axes]
        lo, hi = trust_region.region_box(centre, trust_region.length_scales(gp), reg["length"],
                                         min_half)
        box = {hp.name: [float(a), float(b)] for hp, a, b in zip(axes, lo, hi)}
        pend = np.array([self._position(t.hyperparameters.values) for t in running],
                        dtype=float).reshape(-1, len(axes))
        model, _ = trust_region.with_pending(gp, xs, z, pend)
        feasible = None if ok.all() else trust_region.Feasibility(x, ok, seed=fit_seed)
        cands = trust_region.best_candidates(model, lo, hi, float(np.max(z)), centre, rng,
                                             feasible, n_random=self.candidates)
        for position in cands:
            values = self._values_at(position)
            if values is not None and not self._duplicate(values):
                return values, box
        return self._sample(index, box, strata=_no_strata), box  # every candidate was tried

    def recommend(self, upto=None):
        """The trial this search recommends, or None: among its completed trials (the first
        ``upto`` in creation order, default all), the one to use.

        ``zoom="box"``: the best observed score (what ``get_best_trials(1)`` returns). With the
        trust region, a Gaussian process (:func:`trust_region.fit_gp`, the transformed
        scores of every trial that scored, all restarts together) is fitted first; where its noise term is a
        sizeable share of the scores' variance (:data:`trust_region.NOISY`, e.g. one training
        seed's validation accuracy per configuration), the trial with the best posterior mean
        is recommended: a configuration that scored high once by luck is not preferred to one
        the model, from the trials around it, believes better. With little fitted noise (a
        deterministic score) it is the best observed trial. Keras Tuner's
        ``get_best_trials`` is left as it is (the best observed scores).
        """
        ids = sorted(self.trials)
        if upto is not None:
            ids = [i for i in ids if int(i) < upto]
        done = [self.trials[i] for i in ids if self._score(self.trials[i]) is not None]
        if not done:
            return None
        scores = [self._score(t) for t in done]
        best = done[int(np.argmax(scores))]  # the first of equal best scores
        if self.zoom != "trust-region" or len(done) < 2 * (len(self._axes()) + 1):
            return best
        x = np.array([self._position(t.hyperparameters.values) for t in done], dtype=float)
        gp = trust_region.fit_gp(x, trust_region.transform_scores(scores),
                                 seed=self.seed * 100_003 + len(ids))
        if trust_region.noise_share(gp) < trust_region.NOISY:
            return best
        return done[int(np.argmax(gp.predict(x)))]

    def _values_at(self, position):
        """The hyperparameter values at ``position`` (active ones only), or None."""
        hps = keras_tuner.HyperParameters()
        u = dict(zip([hp.name for hp in self._axes()], position))
        for hp in self.hyperparameters.space:
            hps.merge([hp])
            if hps.is_active(hp):
                hps.values[hp.name] = (hp.value if isinstance(hp, hp_types.Fixed)
                                       else hp.prob_to_value(min(max(u[hp.name], 0.0),
                                                                 1 - 1e-12)))
        return hps.values

    # -- space and state --------------------------------------------------------------------
    def update_space(self, hyperparameters):
        super().update_space(hyperparameters)
        check_space(self.hyperparameters)

    def get_state(self):
        state = super().get_state()
        state["coarse_to_fine"] = {"boxes": self.boxes, "sizes": self.sizes,
                                   "top_k": self.top_k, "margin": self.margin,
                                   "min_quality": self.min_quality, "zoom": self.zoom,
                                   "pending": self.pending, "region": self.region,
                                   "regions": self.regions}
        return state

    def set_state(self, state):
        super().set_state(state)
        saved = state.get("coarse_to_fine", {})
        self.boxes = dict(saved.get("boxes", {}))
        if "region" in saved:
            self.region = dict(saved["region"])
            self.regions = dict(saved.get("regions", {}))


class CoarseToFine(SearchMixin, keras_tuner.Tuner):
    """Coarse-to-fine search (:class:`CoarseToFineOracle`), as easy to use as ``RandomSearch``.

    Its arguments come in ``keras_tuner.RandomSearch``'s order (``hypermodel, objective,
    max_trials, seed, ...``), so that code switched from ``RandomSearch`` keeps its meaning;
    the coarse-to-fine settings are keyword-only. Like every Keras Tuner tuner, it refuses
    ``hypermodel=None`` unless a subclass defines the search in its own ``run_trial``.

    Course 2, week 3; lesson c2w3_hyperparameter_search.

    Args:
        hypermodel: a function ``build(hp) -> compiled keras.Model`` or a
            ``keras_tuner.HyperModel``.
        objective: e.g. ``"val_accuracy"``.
        max_trials, seed, hyperparameters, tune_new_entries, allow_new_entries,
        max_retries_per_trial, max_consecutive_failed_trials, and (keyword-only) rounds, top_k,
        margin, min_quality: see :class:`CoarseToFineOracle`.
        **kwargs: ``keras_tuner.Tuner`` arguments (``directory``, ``project_name``,
            ``overwrite``, ``distribution_strategy``, ``executions_per_trial``, ...).

    Example::

        tuner = CoarseToFine(build, "val_accuracy", max_trials=30, seed=0, directory="runs/hp")
        tuner.search(x, y, validation_data=(x_dev, y_dev), epochs=20)
        best_hp = tuner.get_best_hyperparameters()[0]
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, seed=None,
                 hyperparameters=None, tune_new_entries=True, allow_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, *, rounds=3,
                 top_k=3, margin=0.1, min_quality=0.5, zoom="trust-region", pending=1,
                 **kwargs):
        require_hypermodel(self, hypermodel)  # before the oracle: refused at once
        self.seed = seed
        oracle = CoarseToFineOracle(
            objective=objective, max_trials=max_trials, rounds=rounds, top_k=top_k,
            margin=margin, seed=seed, hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries, allow_new_entries=allow_new_entries,
            max_retries_per_trial=max_retries_per_trial,
            max_consecutive_failed_trials=max_consecutive_failed_trials, min_quality=min_quality,
            zoom=zoom, pending=pending)
        super().__init__(oracle, hypermodel, **kwargs)
