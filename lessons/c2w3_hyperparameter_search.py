"""Hyperparameter search: random, on the right scale, coarse to fine (Course 2, week 3).

The course's advice on tuning, in the order it gives it:

- Try random values, not a grid. With a grid of 5 × 5 over α and ε you try only 5 learning
  rates; with 25 random points you try 25, and the learning rate matters most.
- Pick the right scale. A learning rate between 0.0001 and 1 is sampled on a log scale,
      r = −4·rand(),  α = 10^r,
  so each decade gets the same share of trials. The momentum β between 0.9 and 0.999 is
  sampled through 1 − β on a log scale,
      r = uniform(−3, −1),  β = 1 − 10^r,
  because β near 1 is where small changes matter (β = 0.999 → 0.9995 doubles the averaging
  window 1/(1 − β) from 1000 to 2000 steps; 0.9 → 0.9005 changes nothing). Half the draws have
  β > 0.99. (Keras Tuner's ``sampling="reverse_log"`` over [0.9, 0.999] puts only ~10 % there:
  ``tfcourse.tuning.momentum_beta`` declares ``one_minus_beta`` on a log scale instead.)
- Coarse to fine: after a first round at random over the whole space, zoom into the region of
  the best points and sample more densely there. ``tfcourse.tuning.CoarseToFine`` is a Keras
  Tuner tuner that does this two ways. ``--zoom trust-region`` (the default) lets a model of
  the scores zoom: after a small random round (max(5, d + 1) trials for d hyperparameters), a
  Gaussian process fitted to the trials so far (their ranks where several networks share a
  score, so a plateau of chance-level networks is one value, else a power transform of the
  scores; a diverged network enters a model of its own, the probability that a
  trial there fails) places a box on the best point by the model, with a side per hyperparameter that follows how fast the
  score changes along it; each next trial is the point of the box where the model expects the
  largest improvement (times the probability of not failing); the box grows after three improvements in a row and shrinks after a run
  of misses, and the search starts over with a fresh random round when it has shrunk to a
  point (TuRBO, Eriksson et al. 2019). ``--zoom box`` is the course's literal method, in
  rounds: the box of each round is the smallest box around the
  ``top_k`` best trials so far, in each hyperparameter's own scale, widened by ``margin``. A
  trial counts as one of the best only if its score is clearly good (``min_quality``): when one
  network of the first round learned and the others stayed at chance, the zoom follows the one.
  Each round's trials are a Latin hypercube of its box: every trial is uniform over the box,
  but on each axis the round's n trials take its n equal strata once each, so 10 random trials
  cannot all miss the top 0.4 decade of α by chance (independent draws miss it with probability 0.9¹⁰ ≈ 35 %).
- Pandas or caviar: babysit one model, or train many in parallel. ``--workers N`` runs Keras
  Tuner's chief/worker mode on this machine (one worker per GPU when there are GPUs); the same
  environment variables spread it over machines (see below).

The search space: learning rate α (log), momentum β (1 − β log), hidden units (powers of 2),
number of hidden layers, mini-batch size (powers of 2) and the learning-rate decay rate of
α = α0 / (1 + decay_rate · epoch) (the course's formula, ``InverseTimeDecay`` with staircase).
The optimizer is the course's momentum, ``tfcourse.optimizers.Momentum``:
v = β·v + (1 − β)·dW, W = W − α·v. Each trial's weights are seeded from its configuration, so a
trial gives the same score serially, on a worker or after a resume.

Each trial trains 5 epochs (``--epochs``). With 20, most reasonable configurations reach 98–99 %
on the 359 dev images and differ by one or two images: the ranking is then mostly dev-set
noise, and the search four times slower. At 5 epochs the learning rate, β, the batch size and
the decay still separate the configurations.

Data: scikit-learn's 8×8 digits (embedded, 10 classes), split 60/20/20 into train / dev / test:
the search picks on dev, and the test split is looked at once, by the final model.

Outputs: ``search.png`` (every trial in (log10 α, log10(1 − β)) coloured by dev accuracy, each
coarse-to-fine round's box drawn; for the trust region, the box each trial was drawn from),
``compare.png`` (the full run, or ``--compare``: the same budget and seed searched by the
other zoom and by random search, side by side, and the three best-so-far curves), Keras Tuner's results summary on stdout, its project folder
``tuner/`` (a search run again with the same ``--out`` resumes), TensorBoard logs with the
HParams view (``tensorboard --logdir <out>/logs``), ``results.json``, and the best
configuration retrained and exported to ``saved_models/c2w3_hyperparameter_search/``.

Across machines: start the chief and each worker with the same command and flags, differing
only in the environment (the chief needs no data of its own, the workers need the code):

    KERASTUNER_TUNER_ID=chief   KERASTUNER_ORACLE_IP=0.0.0.0  KERASTUNER_ORACLE_PORT=8000 \\
        python -m lessons.c2w3_hyperparameter_search --out runs/hp
    KERASTUNER_TUNER_ID=tuner1  KERASTUNER_ORACLE_IP=<chief address> KERASTUNER_ORACLE_PORT=8000 \\
        python -m lessons.c2w3_hyperparameter_search --out runs/hp_worker

A worker that dies while training a trial does not stall the search: with ``--workers`` the
chief sees the process exit and gives the trial to another worker; across machines, give the
chief ``--trial-timeout SECONDS`` (longer than the slowest epoch: workers report every epoch).
"""
import math
import sys
from pathlib import Path

from tfcourse.lesson import Lesson, int_arg, number_arg, positive_number_arg
from tfcourse.tuning import digits
from tfcourse.tuning.digits import SPACE

TUNERS = ("coarse-to-fine", "random")


def build_space(args):
    """The flags' search space as plain values (checked when the hypermodel declares it)."""
    return digits.search_space(lr=(args.lr_min, args.lr_max), beta=(args.beta_min, args.beta_max),
                               units=(args.units_min, args.units_max), max_layers=args.max_layers,
                               batch_size=(args.batch_min, args.batch_max),
                               max_decay=args.max_decay)


def make_tuner(args, hypermodel, directory, trials, seed, strategy=None):
    from tfcourse import tuning

    common = dict(objective="val_accuracy", max_trials=trials, seed=seed,
                  max_consecutive_failed_trials=max(3, trials), directory=str(directory),
                  project_name=args.tuner, distribution_strategy=strategy)
    if args.tuner == "random":
        # keras_tuner's RandomSearch treats seed 0 as "no seed": the library's mapping, s + 1.
        return tuning.RandomSearch(hypermodel,
                                   **{**common, "seed": tuning.keras_tuner_seed(seed)})
    return tuning.CoarseToFine(hypermodel, rounds=args.rounds, top_k=args.top_k,
                               margin=args.margin, min_quality=args.min_quality,
                               zoom=args.zoom, **common)


def search_boxes(oracle):
    """{label: box} to draw: the box zoom's rounds, or the trust region's box per trial."""
    if getattr(oracle, "zoom", None) == "trust-region":
        return {str(i): info["box"] for i, info in sorted(oracle.regions.items(),
                                                          key=lambda kv: int(kv[0]))
                if info.get("box")}
    return getattr(oracle, "boxes", {})


def trial_rows(oracle):
    """One row per trial: its α, β, dev score (None if it failed) and round."""
    rows = []
    for tid, t in sorted(oracle.trials.items()):
        v = t.hyperparameters.values
        rows.append({"trial": tid, "lr": v["learning_rate"], "beta": 1 - v["one_minus_beta"],
                     "score": t.score if t.status == "COMPLETED" else None,
                     "round": oracle.round_of(int(tid)) if hasattr(oracle, "round_of") else 0})
    return rows


def best_so_far(rows):
    out, best = [], float("nan")
    for r in rows:
        if r["score"] is not None and not (r["score"] <= best):
            best = r["score"]
        out.append(best)
    return out


def plot_compare(panels, space_hps, path):
    """Side by side: each search's trials and boxes on (log10 α, log10(1 − β)); then the
    best-so-far dev accuracy of each against the trial number."""
    # extra code: the figure
    from matplotlib.patches import Rectangle

    from tfcourse import plots

    plt = plots.pyplot()
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(5 * (len(panels) + 1), 4.5))
    lr_hp, b_hp = space_hps
    scores = [r["score"] for _, rows, _ in panels for r in rows if r["score"] is not None]
    lo, hi = (min(scores), max(scores)) if scores else (0, 1)
    for ax, (name, rows, boxes) in zip(axes, panels):
        ok = [r for r in rows if r["score"] is not None]
        ax.scatter([math.log10(r["lr"]) for r in ok], [math.log10(1 - r["beta"]) for r in ok],
                   c=[r["score"] for r in ok], cmap="viridis", vmin=lo, vmax=hi, s=30,
                   edgecolors="k", linewidths=0.4)
        bad = [r for r in rows if r["score"] is None]
        ax.scatter([math.log10(r["lr"]) for r in bad], [math.log10(1 - r["beta"]) for r in bad],
                   marker="x", c="red", s=30)
        items = sorted(boxes.items(), key=lambda kv: int(kv[0]))
        for k, (label, box) in enumerate(items):
            if "learning_rate" not in box or "one_minus_beta" not in box:
                continue
            x0, x1 = (math.log10(lr_hp.prob_to_value(p)) for p in box["learning_rate"])
            y0, y1 = (math.log10(b_hp.prob_to_value(p)) for p in box["one_minus_beta"])
            shade = plt.cm.plasma(k / max(1, len(items) - 1))
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=1.0, ls="--",
                                   edgecolor=shade, alpha=0.8))
        ax.set_xlim(math.log10(lr_hp.min_value), math.log10(lr_hp.max_value))
        ax.set_ylim(math.log10(b_hp.min_value), math.log10(b_hp.max_value))
        ax.set_xlabel("log10 α")
        ax.set_ylabel("log10 (1 − β)")
        ax.set_title(f"{name}: {len(rows)} trials" + (f", {len(items)} boxes" if items else ""),
                     fontsize=10)
    ax = axes[-1]
    for name, rows, _ in panels:
        ax.plot(range(1, len(rows) + 1), best_so_far(rows), marker=".", label=name)
    ax.set_xlabel("trial")
    ax.set_ylabel("best dev accuracy so far")
    ax.legend(fontsize=8)
    ax.set_title("best so far (same seed, same budget)", fontsize=10)
    plots.save(fig, path)


def worker_command(ctx, trials, k):
    """The command a local worker runs: this lesson with the same flags, its own --out, no
    export, and no --workers (a worker is not a chief)."""
    return [sys.executable, "-m", f"lessons.{ctx.name}",
            *LESSON.argv(ctx.args, out=ctx.out / "workers" / f"tuner{k}", no_export=True,
                         workers=None, trial_timeout=None, epochs=ctx.epochs, trials=trials)]


def plot_search(rows, boxes, space_hps, path, title):
    """Trials in (log10 α, log10(1 − β)), coloured by dev accuracy; each round's box drawn."""
    # extra code: the figure
    from matplotlib.patches import Rectangle

    from tfcourse import plots

    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(7, 5.5))
    ok = [r for r in rows if r["score"] is not None]
    bad = [r for r in rows if r["score"] is None]
    markers = "osD^v"
    for rnd in sorted({r["round"] for r in ok}):
        pts = [r for r in ok if r["round"] == rnd]
        sc = ax.scatter([math.log10(r["lr"]) for r in pts],
                        [math.log10(1 - r["beta"]) for r in pts],
                        c=[r["score"] for r in pts], cmap="viridis",
                        vmin=min(p["score"] for p in ok), vmax=max(p["score"] for p in ok),
                        marker=markers[rnd % len(markers)],
                        edgecolors="k", linewidths=0.4, s=45, label=f"round {rnd}")
    if ok:
        fig.colorbar(sc, ax=ax, label="dev accuracy (best epoch)")
    if bad:
        ax.scatter([math.log10(r["lr"]) for r in bad], [math.log10(1 - r["beta"]) for r in bad],
                   marker="x", c="red", s=40, label="diverged / failed")
    lr_hp, b_hp = space_hps
    for rnd, box in sorted(boxes.items(), key=lambda kv: int(kv[0])):
        if "learning_rate" not in box or "one_minus_beta" not in box:
            continue
        x0, x1 = (math.log10(lr_hp.prob_to_value(p)) for p in box["learning_rate"])
        y0, y1 = (math.log10(b_hp.prob_to_value(p)) for p in box["one_minus_beta"])
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=1.5, ls="--",
                               edgecolor=f"C{int(rnd)}", label=f"round {rnd} box"))
    ax.set_xlim(math.log10(lr_hp.min_value), math.log10(lr_hp.max_value))
    ax.set_ylim(math.log10(b_hp.min_value), math.log10(b_hp.max_value))
    ax.set_xlabel("log10 learning rate α")
    ax.set_ylabel("log10 (1 − β)   (β = 0.9 at −1, 0.999 at −3)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    plots.save(fig, path)


def run(ctx):
    import keras
    import tensorflow as tf

    from tfcourse import data, tuning

    args = ctx.args
    trials = args.trials or (4 if ctx.fast else 30)
    role = tuning.role()
    if args.workers and role != "solo":
        raise tuning.SearchSpaceError("--workers starts its own chief and workers; do not also "
                                      "set the KERASTUNER_* environment variables")

    ## Devices: GPUs grow their memory (tfcourse.device); optional mirrored training
    strategy = None
    if args.distribute == "mirrored":
        if not tf.config.list_physical_devices("GPU"):
            # No GPU: split the CPU into two logical devices so that the mirrored path (two
            # replicas, gradients all-reduced) really runs. Possible only before TensorFlow
            # has initialized its devices, i.e. when the lesson runs in a fresh process.
            cpu = tf.config.list_physical_devices("CPU")[0]
            try:
                tf.config.set_logical_device_configuration(
                    cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
            except RuntimeError:
                pass
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in gpus or tf.config.list_logical_devices("CPU")]
        strategy = tf.distribute.MirroredStrategy(devices)
        ctx.log(f"MirroredStrategy over {strategy.num_replicas_in_sync} device(s): {devices}")

    ## The search space, checked before any data is loaded or model built
    space = build_space(args)
    import keras_tuner

    digits.make_hypermodel(space, 1, 10, ctx.seed).build(keras_tuner.HyperParameters())
    tuning.CoarseToFineOracle("val_accuracy", max_trials=trials, rounds=args.rounds,
                              top_k=args.top_k, margin=args.margin,
                              min_quality=args.min_quality)

    ## Data: digits, train / dev / test
    ds = data.load_digits(seed=0)
    ctx.log(ds.summary())
    train, dev = (ds.x_train, ds.y_train), (ds.x_dev, ds.y_dev)

    ## Mixed precision: float16 compute, float32 weights (and a float32 softmax)
    if args.mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        hypermodel = digits.make_hypermodel(space, len(ds.x_train), len(ds.classes),
                                                   ctx.seed, args.mixed_precision)

        ## The search
        ctx.section(f"{args.tuner} search: {trials} trials of {ctx.epochs} epochs"
                    + (f", {args.workers} workers" if args.workers else "")
                    + (f" ({role})" if role != "solo" else ""))
        fit_kwargs = dict(validation_data=dev, epochs=ctx.epochs, verbose=0,
                          callbacks=ctx.callbacks("search"))
        if args.workers:
            gpus = len(tf.config.list_physical_devices("GPU"))
            root = Path(__file__).resolve().parents[1]
            with tuning.LocalCluster(args.workers, lambda k: worker_command(ctx, trials, k),
                                     ctx.out / "workers", gpus=gpus, cwd=root,
                                     timeout=120) as cluster:
                tuner = make_tuner(args, hypermodel, ctx.out / "tuner", trials, ctx.seed, strategy)
                cluster.watch(tuner, trial_timeout=args.trial_timeout)
                tuner.search(*train, **fit_kwargs)
            for k, rc in enumerate(cluster.returncodes):
                if rc:
                    ctx.log(f"worker tuner{k} exited with status {rc}:\n{cluster.log_tail(k)}")
        else:
            tuner = make_tuner(args, hypermodel, ctx.out / "tuner", trials, ctx.seed, strategy)
            tuner.trial_timeout = args.trial_timeout  # used by a chief launched by hand
            tuner.search(*train, **fit_kwargs)

        if role == "worker":  # the chief holds the results; a worker only ran trials
            ctx.no_results("worker done: the chief has the results")
            return

        ## What the search found
        oracle = tuner.oracle
        tuner.results_summary(num_trials=3)
        rows = trial_rows(oracle)
        failed = sum(r["score"] is None for r in rows)
        best_trial = oracle.get_best_trials(1)[0]
        if best_trial.status != "COMPLETED":
            raise tuning.SearchSpaceError("every trial diverged or failed: lower --lr-max or "
                                          "--beta-max")
        best = best_trial.hyperparameters
        hps = {hp.name: hp for hp in oracle.hyperparameters.space}
        plot_search(rows, search_boxes(oracle),
                    (hps["learning_rate"], hps["one_minus_beta"]), ctx.path("search.png"),
                    f"{args.tuner} search on digits: {len(rows)} trials")
        ctx.log(f"{len(rows)} trials ({failed} diverged or failed); best dev accuracy "
                f"{best_trial.score:.4f} at α = {best['learning_rate']:.3g}, "
                f"β = {1 - best['one_minus_beta']:.4f}")
        ctx.record("best_dev_accuracy", best_trial.score)
        ctx.record("trials", len(rows))
        ctx.record("failed_trials", failed)
        ctx.record("best_learning_rate", best["learning_rate"])
        ctx.record("best_beta", 1 - best["one_minus_beta"])
        for name in ("units", "layers", "batch_size", "decay_rate"):
            if name in best.values:
                ctx.record(f"best_{name}", best[name])

        ## Side by side: the other zoom and random search, same seed and budget
        if args.compare or (not ctx.fast and not args.no_compare):
            label = {"random": "random"}.get(args.tuner, f"c2f {args.zoom}")
            panels = [(label, rows, search_boxes(oracle))]
            for tuner_kind, zoom in (("coarse-to-fine", "trust-region"),
                                     ("coarse-to-fine", "box"), ("random", args.zoom)):
                if f"{'random' if tuner_kind == 'random' else 'c2f ' + zoom}" == label:
                    continue
                other_args = LESSON.parser().parse_args(LESSON.argv(args, tuner=tuner_kind,
                                                                    zoom=zoom))
                other = make_tuner(other_args, hypermodel,
                                   ctx.out / "compare" / f"{tuner_kind}_{zoom}", trials,
                                   ctx.seed, strategy)
                ctx.section(f"For comparison: {tuner_kind}"
                            + (f" ({zoom})" if tuner_kind != "random" else ""))
                other.search(*train, **{**fit_kwargs, "callbacks": ctx.callbacks("compare")})
                name = "random" if tuner_kind == "random" else f"c2f {zoom}"
                panels.append((name, trial_rows(other.oracle), search_boxes(other.oracle)))
            plot_compare(panels, (hps["learning_rate"], hps["one_minus_beta"]),
                         ctx.path("compare.png"))
            for name, prow, _ in panels:
                best_curve = best_so_far(prow)
                ctx.log(f"{name:>16}: best dev accuracy {best_curve[-1]:.4f} after "
                        f"{len(prow)} trials; after 10: "
                        f"{best_curve[min(9, len(prow) - 1)]:.4f}")
                ctx.record(f"compare_best_dev_accuracy_{name.replace(' ', '_').replace('-', '_')}",
                           best_curve[-1])

        ## The best configuration, trained again and tested once
        ctx.section("Best configuration, retrained; test split")
        if strategy is not None:
            with strategy.scope():
                model = hypermodel.build(best)
        else:
            model = hypermodel.build(best)
        hypermodel.fit(best, model, *train, validation_data=dev, epochs=ctx.epochs, verbose=0,
                       callbacks=ctx.callbacks("best"))
        dev_acc = model.evaluate(*dev, verbose=0, return_dict=True)["accuracy"]
        test_acc = model.evaluate(ds.x_test, ds.y_test, verbose=0, return_dict=True)["accuracy"]
        ctx.log(f"retrained: dev accuracy {dev_acc:.4f}, test accuracy {test_acc:.4f}")
        ctx.record("best_model_dev_accuracy", dev_acc)
        ctx.record("test_accuracy", test_acc)
        ctx.export(model, ds.x_test[:32])
    finally:
        if args.mixed_precision:
            keras.mixed_precision.set_global_policy("float32")


def add_arguments(p):
    p.add_argument("--tuner", choices=TUNERS, default="coarse-to-fine",
                   help="coarse-to-fine (default) or Keras Tuner's random search")
    p.add_argument("--trials", type=int_arg(1), default=None,
                   help="trial budget (default 30; 4 with --fast)")
    p.add_argument("--zoom", choices=("trust-region", "box"), default="trust-region",
                   help="coarse-to-fine's zoom: a trust region placed by a model of the scores "
                        "(default), or the course's box around the best trials, in rounds")
    p.add_argument("--compare", action="store_true",
                   help="also search with the other zoom and with random search (same seed and "
                        "budget) and draw them side by side in compare.png (the default, "
                        "except with --fast)")
    p.add_argument("--no-compare", action="store_true", help="do not run the comparison")
    p.add_argument("--rounds", type=int_arg(1), default=3,
                   help="coarse-to-fine rounds of the box zoom (default 3; the trust region's "
                        "round 0 is max(5, hyperparameters + 1) trials, at most a third of the budget)")
    p.add_argument("--top-k", type=int_arg(1), default=3,
                   help="best trials that define the next round's box (default 3)")
    p.add_argument("--margin", type=number_arg, default=0.1,
                   help="box widening on each side, fraction of the range (default 0.1)")
    p.add_argument("--min-quality", type=number_arg, default=0.5,
                   help="of the top-k, only trials at least this fraction of the way from the "
                        "worst score to the best shape the box (default 0.5)")
    p.add_argument("--lr-min", type=number_arg, default=SPACE["lr"][0],
                   help="smallest α (default 1e-4)")
    p.add_argument("--lr-max", type=number_arg, default=SPACE["lr"][1],
                   help="largest α (default 1)")
    p.add_argument("--beta-min", type=number_arg, default=SPACE["beta"][0],
                   help="smallest β (default 0.9)")
    p.add_argument("--beta-max", type=number_arg, default=SPACE["beta"][1],
                   help="largest β (default 0.999)")
    p.add_argument("--units-min", type=int_arg(1), default=SPACE["units"][0],
                   help="hidden units, a power of 2")
    p.add_argument("--units-max", type=int_arg(1), default=SPACE["units"][1],
                   help="hidden units, a power of 2")
    p.add_argument("--max-layers", type=int_arg(1), default=SPACE["layers"][1],
                   help="most hidden layers (default 3)")
    p.add_argument("--batch-min", type=int_arg(1), default=SPACE["batch_size"][0],
                   help="mini-batch size, a power of 2")
    p.add_argument("--batch-max", type=int_arg(1), default=SPACE["batch_size"][1],
                   help="mini-batch size, a power of 2")
    p.add_argument("--max-decay", type=number_arg, default=SPACE["decay"][1],
                   help="largest decay_rate in α0/(1 + decay_rate·epoch) (default 1; 0: no decay)")
    p.add_argument("--workers", type=int_arg(0), default=0,
                   help="run Keras Tuner's distributed mode with N local workers (default 0: "
                        "one process)")
    p.add_argument("--trial-timeout", type=positive_number_arg, default=None,
                   help="chief only: give a trial to another worker when its worker has not "
                        "reported for this many seconds (default: only when a local worker "
                        "exits)")
    p.add_argument("--distribute", choices=("none", "mirrored"), default="none",
                   help="train each trial with tf.distribute.MirroredStrategy over the GPUs "
                        "(or the logical CPUs)")
    p.add_argument("--mixed-precision", action="store_true",
                   help="mixed_float16 policy (useful on recent GPUs)")


LESSON = Lesson(__file__, __doc__, run, epochs=digits.EPOCHS, fast_epochs=2, add_arguments=add_arguments,
                epochs_help="training epochs per trial",
                keys=("best_dev_accuracy", "test_accuracy", "trials", "best_learning_rate",
                      "best_beta"))

if __name__ == "__main__":
    LESSON.cli()
