"""Lesson wall times, and tfcourse's full-batch trainings against the course's NumPy loop.

Two parts, in one run on one machine:

1. Trainings (the course's full-batch lessons): ``tfcourse.training.fit_steps`` on the lesson's
   network and data, with the lesson's iterations and logging interval, against the course's
   own NumPy training, ``tfcourse.scratch`` (the assignments' functions: forward, backward,
   update in the features × examples layout, float64, the cost computed every iteration as the
   course does), same data and iterations:

   - c1w3_planar_data: [2, 4, 1], tanh / sigmoid, α = 1.2, 10 000 iterations, the flower;
   - c1w4_deep_network: [n_x, 7, 1] and [n_x, 20, 7, 5, 1], ReLU / sigmoid, α = 0.0075,
     2 500 iterations, the embedded digits task (the lesson's dev set evaluated every logged
     point, as the lesson does);
   - c2w1_initialization: [2, 10, 5, 1], ReLU / sigmoid, He, α = 0.01, 15 000 iterations;
   - c2w1_regularization: [2, 20, 3, 1], α = 0.3, 30 000 iterations, without regularization,
     with L2 (λ = 0.7) and with inverted dropout (keep_prob = 0.86), the test set evaluated
     every logged point as in the lesson.

   Printed per training: wall seconds of each, the ratio tfcourse / NumPy (the issue's target:
   at most 2), and the same ratio in CPU seconds of the process (less moved by other jobs on a
   shared machine). The Keras side includes building its step (tracing), as in a lesson; the
   process's one-time TensorFlow/Keras start-up (its first training) is timed apart and printed.

2. Full runs: every lesson (``lessons/c*.py``, found by file name) as a subprocess
   ``python -m lessons.<name> --out RUNS/<name> --export-dir RUNS/saved_models``, its wall time,
   the total (goal: the whole specialization under 30 minutes on 2 cores) and the main lesson's
   (c1w3_planar_data, target under 20 s). ``--runs runs`` leaves them where
   ``python -m lessons report`` reads them.

XLA compiles and the persistent compile cache (``tfcourse.compile_cache``): the trainings of
part 1 are timed without the cache (each includes its XLA compile, as a first run does). The
full runs of part 2 share one compile cache that starts empty (``<runs>/xla-cache``): each
lesson's run is its first, as after installing. ``--main-repeats N`` then runs the main lesson
N times in pairs: a first run with a new, empty cache (cold) and a second run with the cache
the first filled (warm, as every later run of the same command), and prints both.

    python benchmarks/bench_lessons.py                              # everything (long)
    python benchmarks/bench_lessons.py --skip-full                  # the training ratios only
    python benchmarks/bench_lessons.py --lessons c1w3_planar_data --runs runs

Imports only ``tfcourse`` (the models are rebuilt here as the lessons build them).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MAIN_LESSON = "c1w3_planar_data"
MAIN_TARGET_S = 20.0
TOTAL_GOAL_S = 30 * 60.0
RATIO_TARGET = 2.0


def lesson_names() -> list[str]:
    """The lessons, by file name: ``lessons/c<course>w<week>_<topic>.py``."""
    return sorted(p.stem for p in (ROOT / "lessons").glob("c*.py"))


# -- the course's NumPy algorithm: tfcourse.scratch, the assignments' own functions ------------
def course_numpy(lesson: str, label: str, X, Y, iterations: int, **kw):
    """The course's training for ``lesson``'s ``label`` network, from ``tfcourse.scratch``
    (features × examples, float64, the assignment's own seeding; the cost computed every
    iteration as the course does). Returns the trained parameters."""
    from tfcourse.scratch import deep, initialization, planar, regularization

    n_x = X.shape[0]
    if lesson == "c1w3_planar_data":
        return planar.nn_model(X, Y, 4, num_iterations=iterations)
    if lesson == "c1w4_deep_network":
        if label.count(",") == 2:
            return deep.two_layer_model(X, Y, (n_x, 7, 1), 0.0075, iterations)
        return deep.L_layer_model(X, Y, [n_x, 20, 7, 5, 1], 0.0075, iterations)
    if lesson == "c2w1_initialization":
        return initialization.model(X, Y, 0.01, iterations, print_cost=False,
                                    initialization="he")
    if lesson == "c2w1_regularization":
        return regularization.model(X, Y, 0.3, iterations, print_cost=False, **kw)
    raise KeyError(lesson)


# -- the lessons' networks (as the lessons build them) -------------------------------------------
def _dense_net(dims, hidden, learning_rate, name, init=None, lambd=0.0, keep_prob=1.0, m=None,
               seed=1):
    import keras

    from tfcourse.layers import InvertedDropout
    from tfcourse.regularizers import L2

    layers = [keras.Input((dims[0],))]
    reg = L2(lambd, m) if lambd else None
    for i, units in enumerate(dims[1:]):
        last = i == len(dims) - 2
        kwargs = {} if init is None else {"kernel_initializer": init(seed + i)}
        if reg is not None:
            kwargs["kernel_regularizer"] = reg
        layers.append(keras.layers.Dense(units, activation="sigmoid" if last else hidden,
                                         name=f"layer_{i + 1}", **kwargs))
        if keep_prob < 1.0 and not last:
            layers.append(InvertedDropout(1 - keep_prob, seed=seed + 10 + i, name=f"drop_{i}"))
    model = keras.Sequential(layers, name=name)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def trainings() -> dict:
    """{lesson: [(label, make_model, x, y, fit_steps kwargs, numpy kwargs), ...]}."""
    from tfcourse import data, initializers
    from tfcourse.lesson import DEFAULT_SEED
    from tfcourse.training import log_interval

    flower = data.load_flower()
    digits = data.load_binary_images("digits", seed=DEFAULT_SEED)
    circles = data.load_circles()
    football = data.load_football()
    n_x = digits.x_train.shape[1]
    dev = (digits.x_dev, digits.y_dev)
    he = lambda s: initializers.get("he", s)  # noqa: E731
    xavier = initializers.Xavier
    out = {
        "c1w3_planar_data": [
            ("[2, 4, 1] tanh", lambda: _dense_net([2, 4, 1], "tanh", 1.2, "hidden_4"),
             flower, dict(steps=10_000, log_every=100), {}),
        ],
        "c1w4_deep_network": [
            (f"[{n_x}, 7, 1]", lambda: _dense_net([n_x, 7, 1], "relu", 0.0075, "two_layer"),
             digits, dict(steps=2500, log_every=log_interval(2500), validation_data=dev), {}),
            (f"[{n_x}, 20, 7, 5, 1]",
             lambda: _dense_net([n_x, 20, 7, 5, 1], "relu", 0.0075, "deep"),
             digits, dict(steps=2500, log_every=log_interval(2500), validation_data=dev), {}),
        ],
        "c2w1_initialization": [
            ("[2, 10, 5, 1] He", lambda: _dense_net([2, 10, 5, 1], "relu", 0.01, "init_he",
                                                    init=he, seed=DEFAULT_SEED),
             circles, dict(steps=15_000, log_every=100), {}),
        ],
        "c2w1_regularization": [
            (f"[2, 20, 3, 1] {kind}",
             (lambda kind=kind: _dense_net(
                 [2, 20, 3, 1], "relu", 0.3, f"reg_{kind}", init=xavier, seed=DEFAULT_SEED,
                 lambd=0.7 if kind == "l2" else 0.0, m=len(football.x_train),
                 keep_prob=0.86 if kind == "dropout" else 1.0)),
             football, dict(steps=30_000, log_every=200,
                            validation_data=(football.x_test, football.y_test)),
             dict(lambd=0.7 if kind == "l2" else 0,
                  keep_prob=0.86 if kind == "dropout" else 1))
            for kind in ("none", "l2", "dropout")
        ],
    }
    return out


def _clock(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def time_trainings(lessons) -> dict:
    """Per lesson: (tfcourse wall, NumPy wall, tfcourse CPU, NumPy CPU), summed over its
    trainings; prints a row per training."""
    import keras

    from tfcourse.training import fit_steps

    table = trainings()
    totals = {}
    # The process's first Keras training pays TensorFlow's and Keras's one-time start-up (their
    # runtime, kernels and tracing machinery initialised: ~0.3-0.4 s on 2 cores), whichever
    # lesson comes first; a lesson pays it once too, before its first training. It is timed
    # here apart, on a throwaway [2, 4, 1] network, so that every row is the same kind of
    # figure: a training of a process that has trained before.
    first, ds0, fit0, _ = next(iter(table.values()))[0][1:]
    warm, _ = _clock(lambda: fit_steps(first(), ds0.x_train, ds0.y_train,
                                       **{**fit0, "steps": min(fit0["steps"], 200)}))
    print(f"start-up: the process's first Keras training (200 steps of the first network "
          f"below, not counted in the rows): {warm:.2f} s\n")
    print("| lesson | training | iterations | tfcourse s | NumPy s | ratio | CPU ratio |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for lesson in lessons:
        if lesson not in table:
            continue
        sums = np.zeros(4)
        for label, make, ds, fit_kw, np_kw in table[lesson]:
            keras.utils.set_random_seed(1)
            model = make()
            x, y = ds.x_train, ds.y_train
            k_wall, k_cpu = _clock(lambda: fit_steps(model, x, y, **fit_kw))
            X = np.asarray(x, "float64").T
            Y = np.asarray(y, "float64").reshape(1, -1)
            n_wall, n_cpu = _clock(lambda: course_numpy(lesson, label, X, Y, fit_kw["steps"],
                                                        **np_kw))
            sums += (k_wall, n_wall, k_cpu, n_cpu)
            print(f"| {lesson} | {label} | {fit_kw['steps']} | {k_wall:.2f} | {n_wall:.2f} | "
                  f"{k_wall / n_wall:.2f} | {k_cpu / n_cpu:.2f} |", flush=True)
        totals[lesson] = tuple(sums)
    for lesson, (kw, nw, kc, nc) in totals.items():
        verdict = "meets" if kw / nw <= RATIO_TARGET else "misses"
        print(f"{lesson}: tfcourse {kw:.2f} s vs NumPy {nw:.2f} s, ratio {kw / nw:.2f} "
              f"(CPU {kc / nc:.2f}); {verdict} the target ≤ {RATIO_TARGET:g}")
    return totals


def full_run(name: str, runs: Path, cache: Path | None = None):
    """One full run of lesson ``name`` as a subprocess: (wall seconds, the finished process).

    ``cache``: the XLA compile cache folder it uses (default ``<runs>/xla-cache``)."""
    runs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["TFCOURSE_XLA_CACHE"] = str(cache if cache is not None else runs / "xla-cache")
    env.pop("TF_XLA_FLAGS", None)
    cmd = [sys.executable, "-m", f"lessons.{name}", "--out", str(runs / name),
           "--export-dir", str(runs / "saved_models")]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def time_full_runs(lessons, runs: Path) -> dict:
    """Wall seconds of each lesson's full run (a subprocess each, one after the other)."""
    times = {}
    print("| lesson | full run s | status |")
    print("|---|---:|---|")
    for name in lessons:
        times[name], proc = full_run(name, runs)
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
        print(f"| {name} | {times[name]:.1f} | {status} |", flush=True)
        if proc.returncode:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
            print("\n".join("    " + line for line in tail), flush=True)
    total = sum(times.values())
    print(f"total of {len(times)} full runs: {total:.0f} s ({total / 60:.1f} min; goal "
          f"< {TOTAL_GOAL_S / 60:.0f} min on 2 cores)")
    if MAIN_LESSON in times:
        print(f"main lesson {MAIN_LESSON}: {times[MAIN_LESSON]:.1f} s, a first run (empty "
              f"compile cache; target < {MAIN_TARGET_S:.0f} s)")
    return times


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(2)


def _lesson_list(text: str) -> list[str]:
    known = lesson_names()
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"expected lesson names from lessons/ separated by commas, got {text!r}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    return names


def main(argv=None) -> int:
    p = _Parser(prog="bench_lessons.py", description=__doc__.splitlines()[0])
    p.add_argument("--lessons", type=_lesson_list, default=None,
                   help="comma-separated subset of lessons (default: all)")
    p.add_argument("--runs", type=Path, default=None,
                   help="folder for the full runs (default: a temporary folder, removed)")
    p.add_argument("--skip-full", action="store_true",
                   help="only the training ratios, no full lesson runs")
    p.add_argument("--main-repeats", type=int, default=0, metavar="N",
                   help=f"after everything, run the main lesson ({MAIN_LESSON}) N more times "
                        "and print each wall time and the median (a machine's speed drifts)")
    args = p.parse_args(argv)
    if args.main_repeats < 0:
        p.error(f"argument --main-repeats: must be 0 or more, got {args.main_repeats}")
    lessons = args.lessons or lesson_names()

    # Part 1 times each training with its XLA compile: no persistent cache in this process.
    os.environ["TFCOURSE_XLA_CACHE"] = "off"
    os.environ.pop("TF_XLA_FLAGS", None)
    import tfcourse  # noqa: F401  (TensorFlow, quietly)
    import tensorflow as tf

    print(f"TensorFlow {tf.__version__}, {os.cpu_count()} CPUs; timings move with the "
          f"machine's load")
    print("\n## Trainings: tfcourse.training.fit_steps vs the course's NumPy loop\n")
    time_trainings(lessons)
    if args.skip_full:
        return 0
    print("\n## Full lesson runs\n")
    with contextlib.ExitStack() as stack:
        runs = args.runs if args.runs is not None else Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_lessons_")))
        time_full_runs(lessons, runs)
        if args.main_repeats:
            repeat_main_lesson(args.main_repeats, runs / "repeats")
    return 0


def repeat_main_lesson(n: int, runs: Path) -> dict:
    """The main lesson's full run ``n`` times in pairs, one after the other: a first run with a
    new, empty XLA compile cache (cold), then a run with the cache it filled (warm). Each wall
    time, the range and the median of each kind."""
    print(f"\n## The main lesson {n} more times: cold (empty compile cache), then warm\n")
    times = {"cold": [], "warm": []}
    for i in range(n):
        cache = runs / f"xla-cache-{i}"
        for kind in ("cold", "warm"):
            seconds, proc = full_run(MAIN_LESSON, runs / f"{kind}{i}", cache=cache)
            if proc.returncode:
                print(f"{kind} run {i + 1}: exit {proc.returncode}")
            times[kind].append(seconds)
    for kind, ts in times.items():
        print(f"{MAIN_LESSON}, {n} {kind} runs: " + ", ".join(f"{t:.1f}" for t in ts)
              + f" s; range {min(ts):.1f}-{max(ts):.1f} s, median {float(np.median(ts)):.1f} s; "
                f"{sum(t < MAIN_TARGET_S for t in ts)} of {n} under {MAIN_TARGET_S:.0f} s")
    return times


if __name__ == "__main__":
    sys.exit(main())
