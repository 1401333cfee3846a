"""Hyperparameter search the course's way, on Keras Tuner (Course 2, week 3).

Lesson: ``c2w3_hyperparameter_search``. The course's advice, in order:

1. Don't use a grid: sample at random, so that each of the few values of the important
   hyperparameter (the learning rate α) is tried many times over.
2. Sample on the right scale: α on a log scale, the momentum β through 1 − β on a log scale
   (:mod:`~tfcourse.tuning.scales`: :func:`learning_rate`, :func:`momentum_beta`,
   :func:`power_of_two`; Keras Tuner's ``reverse_log`` is nearly linear over [0.9, 0.999]).
3. Coarse to fine: after a first random round, zoom into the region of the best points and
   sample again there (:mod:`~tfcourse.tuning.coarse_to_fine`: :class:`CoarseToFineOracle`, a
   real ``keras_tuner.Oracle``, and :class:`CoarseToFine`, its tuner, as easy to use as
   ``keras_tuner.RandomSearch``)::

       def build(hp):
           lr = tuning.learning_rate(hp, min_value=1e-4, max_value=1.0)
           beta = tuning.momentum_beta(hp, min_value=0.9, max_value=0.999)
           ...
       tuner = tuning.CoarseToFine(build, objective="val_accuracy", max_trials=30, seed=1,
                                   directory="runs/hp", project_name="c2f")
       tuner.search(x, y, validation_data=(x_dev, y_dev), epochs=20)

The package is laid out like Keras Tuner's own:

- ``scales``: the course's sampling scales and the space checks (what a learner reads).
- ``coarse_to_fine``: the zoom (:func:`round_sizes`, :func:`zoom_box`, :func:`value_width`),
  the oracle and the tuner.
- ``trust_region``: the default zoom's model (a Gaussian process on transformed scores,
  :func:`transform_scores`: ranks, :func:`copula_scores`, where there is a plateau, else a
  power transform; a classifier of the failed trials, ``Feasibility``), its box
  (:func:`region_box`), :func:`expected_improvement` and its maximisation
  (``best_candidates``).
- ``tuners``: Keras Tuner's ``RandomSearch``, ``BayesianOptimization`` and ``Hyperband`` with
  tfcourse's search policy (:class:`SearchMixin`), and :func:`keras_tuner_seed`.
- ``distribute``: Keras Tuner's chief/worker mode ("caviar" rather than "pandas"):
  :class:`LocalCluster`, :func:`serve_oracle`, requeueing a dead worker's trial.
- ``digits``: the lesson's search space and hypermodel (an MLP on the digits), shared with
  ``benchmarks/bench_tuners.py``.

Reliability: a trial whose loss becomes NaN or infinite is stopped and recorded as FAILED (the
search goes on); a search run again with the same directory resumes (Keras Tuner's own reload,
plus the oracle's boxes); an impossible space raises :class:`SearchSpaceError` naming the
hyperparameter (a ``ValueError``, and a ``UsageError`` so the lessons' CLI exits with status 2).
Keras Tuner's private API is used only in ``coarse_to_fine``, ``tuners`` and ``distribute``,
each use commented; ``setup.cfg`` pins the minor version it was checked against.
"""
from tfcourse.tuning import digits
from tfcourse.tuning.coarse_to_fine import (
    CoarseToFine,
    CoarseToFineOracle,
    round_sizes,
    value_width,
    zoom_box,
)
from tfcourse.tuning.distribute import (
    ENV_VARS,
    LocalCluster,
    free_port,
    oracle_lock,
    requeue_trial,
    role,
    serve_oracle,
)
from tfcourse.tuning.scales import (
    SearchSpaceError,
    beta_hp_name,
    check_range,
    check_setting,
    check_space,
    learning_rate,
    log_uniform,
    momentum_beta,
    one_minus_log_uniform,
    power_of_two,
)
from tfcourse.tuning.trust_region import (copula_scores, expected_improvement, region_box,
                                          transform_scores)
from tfcourse.tuning.tuners import (
    BayesianOptimization,
    Hyperband,
    RandomSearch,
    SearchMixin,
    keras_tuner_seed,
    require_hypermodel,
)

# Trial statuses, as the old single-module tfcourse.tuning exposed them.
from keras_tuner.engine.trial import TrialStatus as _TrialStatus  # noqa: E402

RUNNING = _TrialStatus.RUNNING
IDLE = _TrialStatus.IDLE
STOPPED = _TrialStatus.STOPPED
COMPLETED = _TrialStatus.COMPLETED
FAILED = _TrialStatus.FAILED

__all__ = [
    "BayesianOptimization", "COMPLETED", "CoarseToFine", "CoarseToFineOracle", "ENV_VARS",
    "FAILED", "Hyperband", "IDLE", "LocalCluster", "RUNNING", "RandomSearch", "STOPPED",
    "SearchMixin", "SearchSpaceError", "beta_hp_name", "check_range", "check_setting",
    "check_space", "copula_scores", "digits", "expected_improvement", "free_port",
    "keras_tuner_seed", "learning_rate", "log_uniform", "momentum_beta",
    "one_minus_log_uniform", "oracle_lock", "power_of_two", "region_box", "require_hypermodel",
    "requeue_trial", "role", "round_sizes", "serve_oracle", "transform_scores", "value_width",
    "zoom_box",
]
