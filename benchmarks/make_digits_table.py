"""The lesson's digits search as a table: every configuration of a grid over its space, trained.

``benchmarks/bench_tuners.py``'s task ``digits-table`` (a judging task) reads the file this
script writes, ``benchmarks/results/digits_table.json``: the lesson's own search
(``c2w3_hyperparameter_search``: ``tfcourse.tuning.digits``' hypermodel, the momentum MLP on
scikit-learn's 8×8 digits, 5 epochs, scored by the best epoch's dev accuracy as Keras Tuner
scores it) computed once on a grid over the lesson's space, each configuration trained with
two seeds (the hypermodel's run seed 0 and 1: other initial weights and batch orders). A tuner
then searches the grid in seconds, and the regret of its recommendation is known (the mean of
the two seeds; what it observes is one seed's score, drawn per search).

The grid (1 134 configurations, the lesson's ranges):

- learning rate α: 7 values, log-spaced from 1e-4 to 1;
- 1 − β: 0.1, 0.01, 0.001 (β = 0.9, 0.99, 0.999);
- hidden units 16, 64, 256; hidden layers 1, 2, 3; mini-batch 16, 64, 256;
- decay rate 0 (none) or 1 (α halves after the first epoch, α0 / (1 + epoch)).

    python benchmarks/make_digits_table.py                  # ~20-40 min on 2 cores
    python benchmarks/make_digits_table.py --jobs 2 --out FILE

Imports only ``tfcourse`` (and Keras Tuner for the hyperparameters).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "digits_table.json"
SEEDS = (0, 1)
GRID = {
    "learning_rate": [float(f"{10 ** (-4 + 4 * k / 6):.6g}") for k in range(7)],
    "one_minus_beta": [0.1, 0.01, 0.001],
    "units": [16, 64, 256],
    "layers": [1, 2, 3],
    "batch_size": [16, 64, 256],
    "decay_rate": [0.0, 1.0],
}


def configurations():
    names = list(GRID)
    return [dict(zip(names, values)) for values in itertools.product(*GRID.values())]


def key(config) -> str:
    """The configuration's grid indices, one digit per axis in GRID's order."""
    return "".join(str(GRID[name].index(config[name])) for name in GRID)


def _train_chunk(chunk):
    """Train each (config, seed) of ``chunk``: [(key, seed, best dev accuracy, seconds)]."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras_tuner

    from tfcourse import data
    from tfcourse.tuning import digits

    ds = data.load_digits(seed=0)
    out = []
    for config, seed in chunk:
        hypermodel = digits.make_hypermodel(digits.search_space(), len(ds.x_train),
                                            len(ds.classes), seed)
        hp = keras_tuner.HyperParameters()
        hypermodel.build(hp)  # declares the space (the lesson's names and ranges)
        for name, value in config.items():
            if name not in hp.values:
                raise KeyError(f"grid axis {name!r} is not in the lesson's space "
                               f"{sorted(hp.values)}")
            hp.values[name] = value
        start = time.perf_counter()
        model = hypermodel.build(hp)
        history = hypermodel.fit(hp, model, ds.x_train, ds.y_train,
                                 validation_data=(ds.x_dev, ds.y_dev), epochs=digits.EPOCHS,
                                 verbose=0)
        accuracy = [float(a) for a in history.history["val_accuracy"]]
        best = max(a for a in accuracy if a == a) if any(a == a for a in accuracy) else 0.0
        out.append((key(config), seed, best, time.perf_counter() - start))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 2))
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N configurations (a trial run)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        print(f"make_digits_table: --jobs must be at least 1, got {args.jobs}", file=sys.stderr)
        return 2
    configs = configurations()[:args.limit]
    work = [(c, s) for c in configs for s in SEEDS]
    # Interleave so that each worker gets a mix of cheap (batch 256) and dear (batch 16) runs.
    chunks = [work[i::args.jobs * 8] for i in range(args.jobs * 8)]
    scores, seconds = {}, 0.0
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        for n, rows in enumerate(pool.map(_train_chunk, chunks), 1):
            for k, seed, best, secs in rows:
                scores.setdefault(k, {})[seed] = best
                seconds += secs
            print(f"chunk {n}/{len(chunks)} done, {time.perf_counter() - start:.0f} s",
                  flush=True)
    table = {
        "about": "tfcourse c2w3_hyperparameter_search's digits search on a grid: best dev "
                 "accuracy over 5 epochs (Keras Tuner's objective), per run seed",
        "made_by": "benchmarks/make_digits_table.py",
        "axes": list(GRID),  # the order of a key's digits
        "grid": GRID,
        "seeds": list(SEEDS),
        "scores": {k: [scores[k][s] for s in SEEDS] for k in sorted(scores)},
        "training_seconds": round(seconds, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n")
    tmp.replace(args.out)
    print(f"{len(scores)} configurations x {len(SEEDS)} seeds -> {args.out} "
          f"({seconds:.0f} s of training, {time.perf_counter() - start:.0f} s wall)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
