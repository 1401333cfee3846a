"""The trust-region zoom of coarse to fine: a model of the scores decides where to zoom.

The course's coarse to fine zooms into the box around the best points of a random round. The
trust region (TuRBO, Eriksson et al., "Scalable global optimization via local Bayesian
optimization", NeurIPS 2019) keeps that idea and lets a model of the scores place and size
the box, one trial at a time:

1. Model. A Gaussian process (scikit-learn's ``GaussianProcessRegressor``; a Matérn-5/2
   kernel with one length scale per axis, kept in [0.05, 20] so that a few trials cannot make
   it bend around each one, times a constant, plus a ``WhiteKernel`` noise term) is fitted to
   the trials that scored, each at its position ``hp.value_to_prob(value)`` in [0, 1] on
   every axis (the hyperparameter's own scale: log for a learning rate). The scores enter
   through :func:`transform_scores`: where a plateau of equal scores is found (chance-level
   trials), their ranks (:func:`copula_scores`, a normal-scores transform), so that the
   plateau becomes one tied value instead of a cliff the model must bend around; otherwise a
   Yeo-Johnson power transform, which keeps how much better the best trials are.
   A failed trial (a diverged network) is entered as bad in a model of its own,
   :class:`Feasibility` (a Gaussian-process classifier: the probability that a trial there
   does not fail), instead of being dropped or ranked into the scores, where a cliff of
   failures next to the best networks would pull the model down on their side too.
2. Box. The box is centred on the trial with the best score *by the model* (the posterior
   mean, which does not chase one lucky noisy trial) and its side on axis i is
   ``L · w_i`` with ``w_i ∝ ℓ_i`` (the fitted length scale), normalised so that ∏ w_i = 1
   (:func:`region_box`): an axis along which the score barely changes (a long length scale)
   keeps a wide side, an axis that matters is zoomed. L starts at TuRBO's 0.8 (at most 1.6).
   A start near the whole space (L = 1.6, at most 3.2: global Bayesian optimization at
   first) was tried on the design tasks and did no better (worse on the noisy MLP table).
3. Next trial. The point of largest expected improvement over the best score so far
   (:func:`expected_improvement`), times P(feasible) once a trial has failed, among Sobol
   points of the box, Gaussian steps around its centre and a finer polish around the best of
   them (:func:`best_candidates`). A candidate with P(feasible) below ½ (:data:`FEASIBLE`)
   ranks after the likely successes (its acquisition × 10⁻³): on the design task with
   failing trials (Hartmann-6, 43 % failing, the optimum just inside) the plain product kept
   trying the extrapolated improvement beyond the cliff (median regret at 50 trials 0.16 →
   0.11, 22 seeds).
4. Grow and shrink. A trial that improves on the best so far is a success, else a failure;
   after ``success_tolerance`` successes in a row L doubles (at most ``length_max``), after
   ``failure_tolerance`` failures in a row it halves. When L falls below ``length_min`` the
   region has collapsed onto a point: the search restarts from a fresh round 0 (a new random
   Latin hypercube over the whole space) and a new model.
5. Recommendation. :meth:`CoarseToFineOracle.recommend` is the best observed trial, unless a
   model of all the scored trials fits a noise term above :data:`NOISY` of the scores'
   variance (:func:`noise_share`): then the observed trial with the best posterior mean.

Round 0, the random start of the search and of each restart, is a Latin hypercube of
max(5, d + 1) trials for d hyperparameters (at most a third of the budget): enough for a first
model, few enough to leave most of a budget of tens of trials to the model (Keras Tuner's
BayesianOptimization spends max(3d, 3) trials on random search).

What :class:`~tfcourse.tuning.CoarseToFineOracle` adds for Keras Tuner (pending trials, seeds,
resume) is described there. Course 2, week 3 (the course's coarse to fine, with a model).
"""
from __future__ import annotations

import warnings

import numpy as np


def copula_scores(scores, failed=()):
    """Normal scores of the ranks: z_i = Φ⁻¹((rank_i − ½) / n), higher score → higher z.

    Ties share their average rank (so a plateau is one value), and the indices in ``failed``
    rank below every other trial (tied among themselves). ``scores`` are floats where higher is
    better; a failed trial's entry is ignored.

    >>> [round(float(z), 3) for z in copula_scores([0.1, 0.9, 0.1, 0.5])]
    [-0.674, 1.15, -0.674, 0.319]

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    from scipy.stats import norm, rankdata

    s = np.array(scores, dtype=float)
    bad = np.zeros(len(s), dtype=bool)
    bad[list(failed)] = True
    bad |= ~np.isfinite(s)
    if len(s) == 0:
        return s
    low = np.min(s[~bad]) - 1.0 if (~bad).any() else 0.0
    s[bad] = low
    ranks = rankdata(s)  # average ranks for ties
    return norm.ppf((ranks - 0.5) / len(s))


# A plateau: at least this many trials (and this share of them) with one same score.
PLATEAU = (3, 0.1)


def transform_scores(scores):
    """The scores as the model sees them: their ranks where there is a plateau, else a
    Yeo-Johnson power transform.

    Course formula: none (the course zooms by hand). Two transforms, both increasing, so the
    order of the trials is kept:

    - **Plateau** (the largest group of equal scores has at least max(3, 10 %) of the trials,
      e.g. networks stuck at chance-level accuracy, a discrete validation accuracy):
      :func:`copula_scores`, the normal scores of the ranks. The plateau becomes one tied
      value one rank below the next trial, instead of a cliff the model must bend around.
    - **Otherwise** (a score that varies smoothly: a validation loss, a noise-free
      objective): ``sklearn.preprocessing.PowerTransformer()`` (Yeo-Johnson, then
      standardised), which keeps how much better the best trials are. Ranks throw that away:
      a trial far better than the rest is only one rank above the next, and the expected
      improvement near it is underestimated. On the design tasks (30 seeds, 50 trials) this
      took the median normalised regret on Hartmann-6 from 0.18 to 0.004 and Branin and
      Hartmann-3 to their optimum; on the MLP table with a chance-level plateau (vehicle) the
      power transform alone was worse (p 0.03), hence the ranks there.

    With fewer than 3 trials, all scores equal, or a power transform that overflows (scores of
    wildly different sizes): the ranks.

    >>> z = transform_scores([0.0, 1.0, 2.0, 10.0])  # no plateau: magnitudes kept
    >>> bool(z[3] - z[2] > z[1] - z[0])
    True

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    s = np.asarray(scores, dtype=float)
    if len(s) < 3 or not np.all(np.isfinite(s)) or np.ptp(s) == 0:
        return copula_scores(s)
    _, counts = np.unique(s, return_counts=True)
    if counts.max() >= max(PLATEAU[0], PLATEAU[1] * len(s)):
        return copula_scores(s)
    from sklearn.preprocessing import PowerTransformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. overflow in the power for large scores
        z = PowerTransformer().fit_transform(s.reshape(-1, 1)).ravel()
    # Scores of wildly different sizes (e.g. 1e300 next to 1) overflow the power: the ranks.
    return z if np.all(np.isfinite(z)) else copula_scores(s)


def make_gp(dims: int, seed: int):
    """The Gaussian process of the trust region (unfitted): ARD Matérn-5/2 + white noise.

    The length scales start at 0.3 and stay in [0.05, 20] (a fraction of the axis: a length
    scale below 0.05 would let a model of tens of trials bend around every single one), the
    noise in [1e-6, 0.5] of the normalised scores.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    kernel = (ConstantKernel(1.0, (1e-2, 1e2))
              * Matern(length_scale=np.full(dims, 0.3), length_scale_bounds=(0.05, 20.0),
                       nu=2.5)
              + WhiteKernel(1e-2, (1e-6, 0.5)))
    return GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=0,
                                    random_state=seed % 2 ** 32)


def fit_gp(x, z, seed: int):
    """Fit :func:`make_gp` to positions ``x`` (n × d, in [0, 1]) and transformed scores ``z``.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    gp = make_gp(x.shape[1], seed)
    # One BLAS thread: the matrices are tiny (tens of trials), and a multithreaded BLAS that
    # spins up its threads at every call of the optimizer was 10x slower on a busy machine.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        gp.fit(x, z)
    return gp


class Feasibility:
    """P(a trial at x does not fail), from a Gaussian-process classifier of the failed trials.

    The failed trials (a diverged network) are entered as bad in a model of their own instead of
    in the model of the scores: a failure says "not here", not "a score worse than every other".
    Ranked into the scores, a cliff of failures next to the optimum pulls the smooth model of
    the scores down on the good side of the cliff too, and the region backs away from the best
    networks; multiplied into the expected improvement (constrained Bayesian optimization,
    Gardner et al. 2014), it only steers the next trials off the cliff. With no failure so far,
    P = 1 everywhere.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """

    def __init__(self, x, ok, seed: int):
        ok = np.asarray(ok, dtype=bool)
        self.model = None
        self.constant = 1.0 if ok.all() else 0.0
        if ok.all() or not ok.any():
            return
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.gaussian_process import GaussianProcessClassifier
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern
        from threadpoolctl import threadpool_limits

        kernel = ConstantKernel(1.0, (1e-1, 1e2)) * Matern(
            length_scale=np.full(x.shape[1], 0.3), length_scale_bounds=(0.05, 20.0), nu=2.5)
        self.model = GaussianProcessClassifier(kernel=kernel, random_state=seed % 2 ** 32)
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(np.asarray(x, dtype=float), ok.astype(int))

    def __call__(self, x):
        x = np.atleast_2d(np.asarray(x, dtype=float))
        if self.model is None:
            return np.full(len(x), self.constant)
        return self.model.predict_proba(x)[:, 1]


def length_scales(gp) -> np.ndarray:
    """The fitted per-axis length scales of :func:`make_gp`'s kernel.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    matern = gp.kernel_.k1.k2
    return np.atleast_1d(np.asarray(matern.length_scale, dtype=float))


# The share of the scores' variance above which a fitted model counts as noisy (recommend()).
NOISY = 0.1


def noise_share(gp) -> float:
    """The fitted noise's share of the model's variance: noise / (signal + noise), in [0, 1].

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    signal = float(gp.kernel_.k1.k1.constant_value)
    noise = float(gp.kernel_.k2.noise_level)
    return noise / (signal + noise)


def with_pending(gp, x, z, pending):
    """The same model with ``pending`` positions added at its own predictions (kriging believer).

    A trial that is still running is believed to score what the model predicts: the model's
    uncertainty there collapses, so the next trial goes elsewhere, and no worker waits for
    another's result. The kernel is kept as fitted (no new fit).
    
    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    from sklearn.gaussian_process import GaussianProcessRegressor

    if len(pending) == 0:
        return gp, z
    pending = np.asarray(pending, dtype=float)
    believed = gp.predict(pending)
    x2, z2 = np.vstack([x, pending]), np.concatenate([z, believed])
    gp2 = GaussianProcessRegressor(kernel=gp.kernel_, normalize_y=True, optimizer=None)
    gp2.fit(x2, z2)
    return gp2, z2


def region_box(centre, scales, length: float, min_half=None):
    """The trust region: [lo, hi] per axis, side ``length · w_i``, w ∝ length scales, ∏w = 1.

    ``min_half`` (optional, per axis) is the smallest half-side (a discrete axis keeps at least
    its neighbouring values). Clipped to [0, 1].

    >>> lo, hi = region_box([0.5, 0.5], [0.1, 0.4], 0.8)
    >>> [round(float(v), 2) for v in hi - lo]
    [0.4, 1.0]

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    centre = np.asarray(centre, dtype=float)
    w = np.clip(np.asarray(scales, dtype=float), 1e-2, 2.0)
    w = w / np.exp(np.mean(np.log(w)))
    half = 0.5 * length * w
    if min_half is not None:
        half = np.maximum(half, np.asarray(min_half, dtype=float))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def expected_improvement(gp, x, best: float) -> np.ndarray:
    """E[max(f(x) − best, 0)] under the model (maximisation): (μ − best)·Φ(u) + σ·φ(u).

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    from scipy.stats import norm

    mu, sigma = gp.predict(x, return_std=True)
    sigma = np.maximum(sigma, 1e-12)
    u = (mu - best) / sigma
    return (mu - best) * norm.cdf(u) + sigma * norm.pdf(u)


# Candidates less likely than this to succeed are tried only when no other is left.
FEASIBLE = 0.5


def best_candidates(gp, lo, hi, best: float, centre, rng, feasible=None, n_random=1024,
                    n_local=512, n_refine=256):
    """Positions inside the box [lo, hi], best first by expected improvement × P(feasible)
    (× 10⁻³ where P(feasible) < :data:`FEASIBLE`).

    The acquisition is maximised in three vectorised steps: ``n_random`` scrambled-Sobol points
    of the box (they cover it more evenly than uniform draws), ``n_local`` Gaussian steps from
    ``centre`` (a tenth of the box's side: the neighbourhood of the best point, where the
    improvement usually is), then ``n_refine`` smaller steps (a fiftieth of the side) from the
    best of those, a cheap local polish. All are returned, sorted, so that the caller can skip
    a configuration already tried.

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    from scipy.stats import qmc

    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    d = len(lo)

    def acquisition(c):
        a = expected_improvement(gp, c, best)
        if feasible is None:
            return a
        p = feasible(c)
        # Likely failures (P < ½) rank after every likely success: the expected improvement
        # beyond a cliff of failures, extrapolated upwards by the scores' model, can be large
        # enough to outweigh a small P, and a trial that fails is a trial lost.
        return a * p * np.where(p >= FEASIBLE, 1.0, 1e-3)

    def steps(start, scale, n):
        return np.clip(np.asarray(start, dtype=float)
                       + scale * (hi - lo) * rng.standard_normal((n, d)), lo, hi)

    sobol = qmc.Sobol(d, scramble=True, seed=rng).random(n_random)
    cands = np.vstack([lo + (hi - lo) * sobol, steps(centre, 0.1, n_local)])
    a = acquisition(cands)
    if n_refine:
        polish = steps(cands[int(np.argmax(a))], 0.02, n_refine)
        cands, a = np.vstack([cands, polish]), np.concatenate([a, acquisition(polish)])
    return cands[np.argsort(-a, kind="stable")]


def default_failure_tolerance(dims: int) -> int:
    """Failures in a row before the region halves: TuRBO's max(4, d), capped at 6 here (a
    Keras Tuner search has tens of trials, not thousands).

    Course 2, week 3; lesson c2w3_hyperparameter_search (through :class:`CoarseToFineOracle`).
    """
    return int(min(6, max(4, dims)))

