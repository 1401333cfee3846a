"""Step time of each custom Course 2 component against its Keras twin, measured in one run.

For every pair the same MLP (same initial weights, same data) is trained with `model.fit`, once
with the tfcourse component and once with the Keras built-in:

    InvertedDropout  vs keras.layers.Dropout              (after each hidden layer, rate 0.2)
    BatchNorm        vs keras.layers.BatchNormalization   (Dense → BN → ReLU)
    GradientDescent  vs keras.optimizers.SGD
    Momentum         vs keras.optimizers.SGD(α(1 − β), momentum=β)
    RMSprop          vs keras.optimizers.RMSprop
    Adam             vs keras.optimizers.Adam

Both models are compiled and warmed up first; then blocks of `--steps` steps alternate between
the two (custom, built-in, custom, …) for `--rounds` rounds, so that a change in machine load hits
both alike. A callback stamps the end of every step; a step's time is the gap between
consecutive stamps (the `fit` set-up is not counted). The table gives the median step time of
each and the ratio custom / built-in of those medians, plus three checks on noise (on a shared
machine other processes move wall-clock times): the median of the per-round ratios, the ratio of
the fastest 10 % of steps, and a ratio of process CPU time per step. GradientDescent and
`keras.optimizers.SGD` execute the same operations, so their row is a control: its distance from
1.00 is the noise of the run. Target: every ratio ≤ 1.10 on CPU.

Usage:
    python benchmarks/bench_components.py            # the full measurement (under a minute on 2 cores)
    python benchmarks/bench_components.py --quick    # a smoke run (seconds; noisy numbers)
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import keras  # noqa: E402
import numpy as np  # noqa: E402

from tfcourse import optimizers as course_opt  # noqa: E402
from tfcourse.layers import BatchNorm, InvertedDropout  # noqa: E402

FEATURES, CLASSES, HIDDEN, DEPTH = 64, 10, 256, 3   # the MLP: 64 → 256 → 256 → 256 → 10
EXAMPLES, BATCH = 4096, 128


class StepClock(keras.callbacks.Callback):
    """Records the wall time at the end of every training step."""

    def __init__(self):
        super().__init__()
        self.stamps = []

    def on_train_batch_end(self, batch, logs=None):
        self.stamps.append(time.perf_counter())

    def step_times(self):
        return np.diff(self.stamps)


def mlp(extra_layer=None, seed=0):
    """The benchmark MLP; `extra_layer()` (dropout or batch norm) goes after each hidden Dense."""
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((FEATURES,))]
    for i in range(DEPTH):
        if extra_layer is None:
            layers.append(keras.layers.Dense(HIDDEN, activation="relu"))
        elif extra_layer.__name__ == "norm":      # Dense → BN → ReLU, as the course places it
            layers += [keras.layers.Dense(HIDDEN, use_bias=False), extra_layer(),
                       keras.layers.Activation("relu")]
        else:                                     # Dense → ReLU → dropout
            layers += [keras.layers.Dense(HIDDEN, activation="relu"), extra_layer()]
    layers.append(keras.layers.Dense(CLASSES))
    return keras.Sequential(layers)


def pairs():
    """(name, custom model factory, built-in model factory); each factory returns (model, opt)."""
    sgd = lambda: keras.optimizers.SGD(0.01)  # noqa: E731
    lr, beta = 0.01, 0.9

    def layer_pair(custom_layer, keras_layer):
        def custom():
            return mlp(custom_layer), sgd()

        def builtin():
            return mlp(keras_layer), sgd()
        return custom, builtin

    def drop_c():
        return InvertedDropout(0.2, seed=1)

    def drop_k():
        return keras.layers.Dropout(0.2, seed=1)

    def norm_c():
        return BatchNorm()

    def norm_k():
        return keras.layers.BatchNormalization()

    drop_c.__name__ = drop_k.__name__ = "drop"
    norm_c.__name__ = norm_k.__name__ = "norm"

    def opt_pair(custom_opt, keras_opt):
        return (lambda: (mlp(), custom_opt())), (lambda: (mlp(), keras_opt()))

    return [
        ("InvertedDropout", *layer_pair(drop_c, drop_k)),
        ("BatchNorm", *layer_pair(norm_c, norm_k)),
        ("GradientDescent", *opt_pair(lambda: course_opt.GradientDescent(lr),
                                      lambda: keras.optimizers.SGD(lr))),
        ("Momentum", *opt_pair(lambda: course_opt.Momentum(lr, beta),
                               lambda: keras.optimizers.SGD(lr * (1 - beta), momentum=beta))),
        ("RMSprop", *opt_pair(lambda: course_opt.RMSprop(1e-3, beta=0.9, epsilon=1e-7),
                              lambda: keras.optimizers.RMSprop(1e-3, rho=0.9, epsilon=1e-7))),
        ("Adam", *opt_pair(lambda: course_opt.Adam(1e-3), lambda: keras.optimizers.Adam(1e-3))),
    ]


def dataset():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.normal(size=(EXAMPLES, FEATURES)).astype("float32")
    y = rng.integers(0, CLASSES, size=EXAMPLES)
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH, drop_remainder=True).repeat()


def prepare(factory, jit_compile):
    model, optimizer = factory()
    model.compile(optimizer=optimizer, jit_compile=jit_compile,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def measure(name, custom_factory, builtin_factory, args, ds):
    jit = {"auto": "auto", "on": True, "off": False}[args.jit]
    models = {"custom": prepare(custom_factory, jit), "builtin": prepare(builtin_factory, jit)}
    models["builtin"].set_weights(models["custom"].get_weights())
    for model in models.values():  # compile the train step and warm the caches
        model.fit(ds, epochs=1, steps_per_epoch=args.warmup, verbose=0)
    times = {"custom": [], "builtin": []}
    cpu = {"custom": [], "builtin": []}      # process CPU seconds per step, per block
    round_ratios = []
    for r in range(args.rounds):
        order = ("custom", "builtin") if r % 2 == 0 else ("builtin", "custom")
        medians = {}
        for kind in order:
            clock = StepClock()
            cpu0 = time.process_time()
            models[kind].fit(ds, epochs=1, steps_per_epoch=args.steps + 1, verbose=0,
                             callbacks=[clock])
            cpu[kind].append((time.process_time() - cpu0) / (args.steps + 1))
            steps = clock.step_times()
            times[kind].extend(steps)
            medians[kind] = float(np.median(steps))
        round_ratios.append(medians["custom"] / medians["builtin"])
    custom, builtin = float(np.median(times["custom"])), float(np.median(times["builtin"]))
    # The fastest tenth of the steps: the least disturbed by other processes.
    fast_c, fast_b = (float(np.percentile(times[k], 10)) for k in ("custom", "builtin"))
    return {"name": name, "custom_ms": 1e3 * custom, "builtin_ms": 1e3 * builtin,
            "ratio": custom / builtin, "p10_ratio": fast_c / fast_b, "round_ratio": statistics.median(round_ratios),
            "cpu_ratio": float(np.median(cpu["custom"]) / np.median(cpu["builtin"]))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few short rounds (smoke test)")
    parser.add_argument("--rounds", type=int, default=None, help="alternating rounds per pair")
    parser.add_argument("--steps", type=int, default=None, help="steps per block")
    parser.add_argument("--jit", choices=("auto", "on", "off"), default="auto",
                        help="XLA for the train step: Keras's default 'auto' (on for CPU), or force")
    parser.add_argument("--only", nargs="*", default=None, help="component names to run")
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (2 if args.quick else 16)
    args.steps = args.steps or (20 if args.quick else 50)
    args.warmup = 5 if args.quick else 20
    ds = dataset()

    import tensorflow as tf

    print(f"MLP {FEATURES}-{'-'.join([str(HIDDEN)] * DEPTH)}-{CLASSES}, batch {BATCH}; "
          f"{args.rounds} rounds x {args.steps} steps per model, alternating; jit_compile={args.jit}; "
          f"TensorFlow {tf.__version__}, Keras {keras.__version__}, "
          f"{len(tf.config.list_physical_devices('GPU'))} GPU(s), {os.cpu_count()} CPU(s)")
    rows = []
    for name, custom, builtin in pairs():
        if args.only and name not in args.only:
            continue
        rows.append(measure(name, custom, builtin, args, ds))
        row = rows[-1]
        print(f"  measured {name}: ratio {row['ratio']:.3f}", file=sys.stderr, flush=True)

    print()
    print("| component       | custom ms/step | Keras ms/step | ratio | round ratios (median) "
          "| fastest-10% ratio | CPU-time ratio | ratio ≤ 1.10 |")
    print("|-----------------|---------------:|--------------:|------:|----------------------:"
          "|------------------:|---------------:|:------------:|")
    for r in rows:
        ok = "yes" if r["ratio"] <= 1.10 else "NO"
        print(f"| {r['name']:<15} | {r['custom_ms']:14.3f} | {r['builtin_ms']:13.3f} | "
              f"{r['ratio']:5.3f} | {r['round_ratio']:21.3f} | {r['p10_ratio']:17.3f} | "
              f"{r['cpu_ratio']:14.3f} | {ok:^12} |")
    print("\nratio: median step time (wall clock), custom / Keras. Round ratios: the median over rounds "
          "of each round's ratio. Fastest-10%: the 10th percentiles of the step times, the least "
          "disturbed by other processes. CPU-time ratio: process CPU seconds per step, per block. "
          "GradientDescent and keras SGD run the same operations, so its row shows the noise level.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
