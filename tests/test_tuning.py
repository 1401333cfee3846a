"""tfcourse.tuning: the course's scales and the coarse-to-fine oracle, on a cheap synthetic
objective driven through Keras Tuner's oracle API (no network), plus the tuner's failure and
resume handling on tiny models."""
import math
import statistics
from pathlib import Path

import keras_tuner as kt
import numpy as np
import pytest

from tfcourse import tuning
from tfcourse.errors import UsageError

OBJECTIVE = kt.Objective("score", "max")
ACTIVATION_BONUS = {"relu": 0.0, "tanh": -0.05, "sigmoid": -0.2}


def space():
    hp = kt.HyperParameters()
    tuning.learning_rate(hp, min_value=1e-5, max_value=1.0)
    tuning.momentum_beta(hp, min_value=0.9, max_value=0.999)
    hp.Choice("activation", list(ACTIVATION_BONUS))
    return hp


def synthetic(values):
    """A smooth bowl on the course's scales: best at α = 10^-2.5, β = 0.99, relu."""
    a = math.log10(values["learning_rate"]) + 2.5
    b = math.log10(values["one_minus_beta"]) + 2.0
    return 1.0 - 0.05 * a * a - 0.2 * b * b + ACTIVATION_BONUS[values["activation"]]


def make_oracle(directory, seed, kind="c2f", max_trials=30, **kwargs):
    if kind == "c2f":
        oracle = tuning.CoarseToFineOracle(OBJECTIVE, max_trials=max_trials, seed=seed,
                                           hyperparameters=space(), **kwargs)
    else:
        oracle = kt.oracles.RandomSearchOracle(OBJECTIVE, max_trials=max_trials, seed=seed,
                                               hyperparameters=space())
    oracle.verbose = 0
    oracle._set_project_dir(str(directory), f"{kind}_{seed}")
    return oracle


def drive(oracle, stop_after=None):
    """Run trials through create_trial / update_trial / end_trial like a tuner does."""
    while stop_after is None or len(oracle.end_order) < stop_after:
        trial = oracle.create_trial("tuner0")
        if trial.status == "STOPPED":
            break
        assert trial.status == "RUNNING"
        oracle.update_trial(trial.trial_id, {"score": synthetic(trial.hyperparameters.values)})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    return oracle


def values_by_id(oracle):
    return {tid: t.hyperparameters.values for tid, t in sorted(oracle.trials.items())}


def best_score(oracle):
    return oracle.get_best_trials(1)[0].score


# -- scales -----------------------------------------------------------------------------------


def test_beta_on_the_course_scale_is_not_reverse_log():
    ours = kt.HyperParameters()
    tuning.momentum_beta(ours, min_value=0.9, max_value=0.999)
    theirs = kt.HyperParameters()
    theirs.Float("beta", 0.9, 0.999, sampling="reverse_log")
    n = 4000
    betas = np.array([1 - ours.space[0].random_sample(s) for s in range(n)])
    reverse_log = np.array([theirs.space[0].random_sample(s) for s in range(n)])
    assert betas.min() >= 0.9 - 1e-12 and betas.max() <= 0.999 + 1e-12
    share_ours = np.mean(betas > 0.99)
    share_theirs = np.mean(reverse_log > 0.99)
    assert abs(share_ours - 0.5) < 0.03  # r = log10(1 - β) uniform on [-3, -1]
    assert share_theirs < 0.15  # ≈ 0.095: nearly linear over [0.9, 0.999]
    # and the pure-function version of the lecture's formula agrees
    rng = np.random.default_rng(0)
    assert abs(np.mean(tuning.one_minus_log_uniform(rng, 0.9, 0.999, n) > 0.99) - 0.5) < 0.03


def test_learning_rate_is_uniform_over_decades():
    hp = kt.HyperParameters()
    tuning.learning_rate(hp, min_value=1e-4, max_value=1.0)
    lr = np.array([hp.space[0].random_sample(s) for s in range(4000)])
    per_decade = np.histogram(np.log10(lr), bins=[-4, -3, -2, -1, 0])[0] / len(lr)
    np.testing.assert_allclose(per_decade, 0.25, atol=0.03)
    rng = np.random.default_rng(0)
    course = tuning.log_uniform(rng, 1e-4, 1.0, 4000)  # r = -4 * rand(); α = 10**r
    np.testing.assert_allclose(np.histogram(np.log10(course), [-4, -3, -2, -1, 0])[0] / 4000,
                               0.25, atol=0.03)


def test_power_of_two_values():
    hp = kt.HyperParameters()
    tuning.power_of_two(hp, "batch_size", 16, 256)
    assert sorted(set(hp.space[0].random_sample(s) for s in range(300))) == [16, 32, 64, 128, 256]


# -- the zoom, by hand --------------------------------------------------------------------------


def test_round_sizes_and_zoom_box_worked_example():
    assert tuning.round_sizes(30, 3) == [10, 10, 10]
    assert tuning.round_sizes(10, 3) == [4, 3, 3]
    assert tuning.round_sizes(2, 3) == [1, 1]
    lr = kt.engine.hyperparameters.Float("lr", 1e-4, 1.0, sampling="log")
    probs = [lr.value_to_prob(v) for v in (1e-2, 3e-2, 1e-1)]
    np.testing.assert_allclose(probs, [0.5, 0.6193, 0.75], atol=1e-4)
    lo, hi = tuning.zoom_box(probs, 0.1)
    assert (lo, hi) == pytest.approx((0.4, 0.85))
    assert lr.prob_to_value(lo) == pytest.approx(10 ** -2.4)
    assert lr.prob_to_value(hi) == pytest.approx(10 ** -0.6)
    assert tuning.zoom_box([0.02, 0.97], 0.1) == pytest.approx((0.0, 1.0))


def test_a_discrete_axis_widens_by_at_least_one_value(tmp_path):
    """units ∈ {16, …, 256} (5 values, bins of 0.2): with margin 0.1 alone the box would hold
    only the best trials' values; it is widened by one value on each side instead."""
    hp = kt.HyperParameters()
    tuning.power_of_two(hp, "units", 16, 256)
    hp.Int("layers", 1, 3)
    units, layers = hp.space
    assert tuning.value_width(units) == pytest.approx(0.2)
    assert tuning.value_width(layers) == pytest.approx(1 / 3)
    assert tuning.value_width(kt.engine.hyperparameters.Float("lr", 1e-4, 1.0)) == 0.0

    oracle = tuning.CoarseToFineOracle(OBJECTIVE, max_trials=12, rounds=2, top_k=2, margin=0.1,
                                       seed=0, hyperparameters=hp, zoom="box")
    oracle.verbose = 0
    oracle._set_project_dir(str(tmp_path), "discrete")
    while True:  # best at 32 units, 1 layer
        trial = oracle.create_trial("tuner0")
        if trial.status == "STOPPED":
            break
        v = trial.hyperparameters.values
        score = -abs(math.log2(v["units"]) - 5) - abs(v["layers"] - 1)
        oracle.update_trial(trial.trial_id, {"score": score})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    box = oracle.boxes["1"]

    def allowed(axis, lo_hi, n=1000):
        lo, hi = lo_hi
        return {axis.prob_to_value(min(lo + (hi - lo) * i / n, 1 - 1e-9)) for i in range(n + 1)}

    round0 = [oracle.trials[t] for t in sorted(oracle.trials)[:6]]
    top2 = sorted(round0, key=lambda t: -t.score)[:2]  # ties: the earlier trial (stable sort)
    for axis, ladder in ((units, [16, 32, 64, 128, 256]), (layers, [1, 2, 3])):
        used = {t.hyperparameters.values[axis.name] for t in top2}
        idx = sorted(ladder.index(u) for u in used)
        expect = set(ladder[max(idx[0] - 1, 0): idx[-1] + 2])
        assert allowed(axis, box[axis.name]) == expect, (axis.name, used, box[axis.name])


# -- the oracle ---------------------------------------------------------------------------------


@pytest.mark.parametrize("min_quality, kept", [(0.5, [0]), (0.0, [0, 1, 2]), (0.1, [0, 1, 2]),
                                               (1.0, [0])])
def test_only_clearly_good_trials_shape_the_box(tmp_path, min_quality, kept):
    """One trial learned (0.74), the rest stayed near chance (0.19, 0.18, …, 0.08): with
    min_quality 0.5 the next box is built around the 0.74 trial alone."""
    scores = [0.19, 0.74, 0.08, 0.18, 0.1, 0.12]
    oracle = make_oracle(tmp_path, 0, max_trials=12, rounds=2, min_quality=min_quality,
                         zoom="box")
    for score in scores:
        trial = oracle.create_trial("tuner0")
        oracle.update_trial(trial.trial_id, {"score": score})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    ranked = sorted(oracle.trials.values(), key=lambda t: -t.score)
    assert [t.trial_id for t in oracle.box_trials()] == [ranked[i].trial_id for i in kept]
    oracle.create_trial("tuner0")  # round 1 starts: its box
    box = oracle.boxes["1"]
    lr = {hp.name: hp for hp in oracle.hyperparameters.space}["learning_rate"]
    positions = [lr.value_to_prob(ranked[i].hyperparameters.values["learning_rate"])
                 for i in kept]
    assert box["learning_rate"] == pytest.approx(list(tuning.zoom_box(positions, 0.1)))
    with pytest.raises(UsageError, match="argument `min_quality` must be a number in \\[0, 1\\]. "
                                         "Received: min_quality=2"):
        tuning.CoarseToFineOracle(OBJECTIVE, min_quality=2)


def test_later_rounds_sample_inside_a_shrinking_box(tmp_path):
    areas = {1: [], 2: []}
    for seed in range(5):
        oracle = drive(make_oracle(tmp_path, seed, zoom="box"))
        assert sorted(oracle.boxes) == ["1", "2"]
        space_by_name = {hp.name: hp for hp in oracle.hyperparameters.space}
        for tid, trial in oracle.trials.items():
            r = oracle.round_of(int(tid))
            if r == 0:
                continue
            box = oracle.boxes[str(r)]
            for name, value in trial.hyperparameters.values.items():
                if isinstance(box[name], dict):
                    assert value in box[name]["values"]
                else:
                    lo, hi = box[name]
                    assert lo - 1e-9 <= space_by_name[name].value_to_prob(value) <= hi + 1e-9
        for r in (1, 2):
            box = oracle.boxes[str(r)]
            areas[r].append((box["learning_rate"][1] - box["learning_rate"][0])
                            * (box["one_minus_beta"][1] - box["one_minus_beta"][0]))
    assert max(areas[1]) < 1.0
    assert statistics.median(areas[2]) < statistics.median(areas[1])


def test_each_round_is_a_latin_hypercube_of_its_box(tmp_path):
    # Each round's n trials fall one into each of the n equal strata of every axis of the
    # round's box (the whole space in round 0). Independent uniform draws would put 10 trials
    # one per stratum with probability 10!/10^10 ≈ 4e-4 per axis.
    oracle = drive(make_oracle(tmp_path, 3, max_trials=30, zoom="box"))
    space_by_name = {hp.name: hp for hp in oracle.hyperparameters.space}
    for r, n in enumerate(oracle.sizes):
        start = sum(oracle.sizes[:r])
        box = oracle.boxes.get(str(r), {})
        for name in ("learning_rate", "one_minus_beta"):
            lo, hi = box.get(name, (0.0, 1.0))
            cells = sorted(int((space_by_name[name].value_to_prob(
                oracle.trials[f"{i:02d}"].hyperparameters.values[name]) - lo) / (hi - lo) * n)
                for i in range(start, start + n))
            assert cells == list(range(n)), (r, name, cells)


def test_box_zoom_beats_random_search_at_equal_budget(tmp_path):
    seeds = range(1, 8)
    c2f = [best_score(drive(make_oracle(tmp_path, s, zoom="box"))) for s in seeds]
    # keras_tuner's RandomSearchOracle seeds hyperparameter i of trial t with seed + 3t + i, so
    # nearby seeds replay the same stream shifted by a trial: space them apart.
    rnd = [best_score(drive(make_oracle(tmp_path, 1000 * s, kind="random"))) for s in seeds]
    assert statistics.median(c2f) > statistics.median(rnd)


@pytest.mark.parametrize("zoom", ["trust-region", "box"])
def test_seeded_search_is_reproducible_including_seed_0(tmp_path, zoom):
    n = 12 if zoom == "box" else 8  # (a trust-region trial costs a model fit)
    a = drive(make_oracle(tmp_path / "a", 0, max_trials=n, zoom=zoom))
    b = drive(make_oracle(tmp_path / "b", 0, max_trials=n, zoom=zoom))
    c = drive(make_oracle(tmp_path / "c", 1, max_trials=n, zoom=zoom))
    assert a.seed == 0
    assert values_by_id(a) == values_by_id(b) and a.boxes == b.boxes
    assert a.regions == b.regions and a.region == b.region
    assert values_by_id(a) != values_by_id(c)
    if zoom == "trust-region":  # a round 0 of max(5, d + 1), then the model chooses
        assert sum(a.round_of(i) == 1 for i in range(n)) == n - a.initial_trials() > 0


@pytest.mark.parametrize("zoom", ["trust-region", "box"])
def test_resumed_search_equals_uninterrupted(tmp_path, zoom):
    n = 15 if zoom == "box" else 11
    whole = drive(make_oracle(tmp_path / "whole", 5, max_trials=n, zoom=zoom))
    first = drive(make_oracle(tmp_path / "cut", 5, max_trials=n, zoom=zoom), stop_after=7)
    hanging = first.create_trial("tuner0")  # killed during this trial
    assert hanging.status == "RUNNING"
    resumed = make_oracle(tmp_path / "cut", 5, max_trials=n, zoom=zoom)
    resumed.reload()
    assert len(resumed.trials) == 8 and resumed.boxes == first.boxes
    assert resumed.region == first.region and resumed.regions == first.regions
    drive(resumed)
    assert len(resumed.trials) == n
    assert values_by_id(resumed) == values_by_id(whole)
    assert resumed.boxes == whole.boxes and resumed.regions == whole.regions
    assert resumed.trials[hanging.trial_id].status == "COMPLETED"


def test_waits_idle_until_the_previous_round_ends(tmp_path):
    oracle = make_oracle(tmp_path, 2, max_trials=6, rounds=2, zoom="box")
    trials = [oracle.create_trial(f"tuner{k}") for k in range(3)]
    assert [t.status for t in trials] == ["RUNNING"] * 3
    assert oracle.create_trial("tuner3").status == "IDLE"
    for t in trials[:2]:
        oracle.update_trial(t.trial_id, {"score": synthetic(t.hyperparameters.values)})
        t.status = "COMPLETED"
        oracle.end_trial(t)
    assert oracle.create_trial("tuner3").status == "IDLE"
    trials[2].status = "FAILED"  # a failed trial has ended too
    oracle.end_trial(trials[2])
    assert oracle.create_trial("tuner3").status == "RUNNING"
    assert "1" in oracle.boxes


@pytest.mark.parametrize("make, name", [
    (lambda: tuning.learning_rate(kt.HyperParameters(), min_value=1.0, max_value=0.1),
     "learning_rate"),
    (lambda: tuning.learning_rate(kt.HyperParameters(), "alpha", min_value=0.0, max_value=1.0),
     "alpha"),
    (lambda: tuning.momentum_beta(kt.HyperParameters(), min_value=0.99, max_value=0.99), "beta"),
    (lambda: tuning.momentum_beta(kt.HyperParameters(), min_value=0.9, max_value=1.0), "beta"),
    (lambda: tuning.power_of_two(kt.HyperParameters(), "batch_size", 16, 100), "batch_size"),
    (lambda: tuning.CoarseToFineOracle(OBJECTIVE, max_trials=0), "max_trials"),
    (lambda: tuning.CoarseToFineOracle(OBJECTIVE, max_trials=5, rounds=0), "rounds"),
    (lambda: tuning.CoarseToFineOracle(OBJECTIVE, max_trials=5, margin=-0.1), "margin"),
    (lambda: tuning.CoarseToFineOracle(OBJECTIVE, 5, hyperparameters=_fixed_range()), "units"),
])
def test_impossible_space_names_the_hyperparameter(make, name):
    with pytest.raises(tuning.SearchSpaceError, match=name) as info:
        make()
    assert isinstance(info.value, UsageError) and isinstance(info.value, ValueError)


def _fixed_range():
    hp = kt.HyperParameters()
    hp.Int("units", 8, 8)
    return hp


def test_hypermodel_with_an_impossible_range_is_refused(tmp_path):
    def build(hp):
        hp.Float("dropout", 0.5, 0.5)
        return None  # the space is checked before any model is built

    with pytest.raises(tuning.SearchSpaceError, match="dropout"):
        tuning.CoarseToFine(build, "val_loss", max_trials=3, directory=str(tmp_path))


# -- the tuner ----------------------------------------------------------------------------------


class SyntheticTuner(tuning.CoarseToFine):
    """Trials are the synthetic objective; ``crash_at`` simulates a kill (Ctrl-C) mid-trial."""

    crash_at = None

    def run_trial(self, trial, *args, **kwargs):
        if self.crash_at is not None and len(self.oracle.trials) == self.crash_at:
            raise KeyboardInterrupt
        return {"score": synthetic(trial.hyperparameters.values)}


def synthetic_tuner(directory, crash_at=None):
    tuner = SyntheticTuner(objective=OBJECTIVE, max_trials=9, seed=4, hyperparameters=space(),
                           directory=str(directory), project_name="search")
    tuner.crash_at = crash_at
    return tuner


def test_tuner_resumes_after_a_kill(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        synthetic_tuner(tmp_path / "cut", crash_at=5).search(verbose=0)
    cut = synthetic_tuner(tmp_path / "cut")
    assert len(cut.oracle.trials) == 5 and cut.remaining_trials == 4
    kept = {tid: (t.hyperparameters.values, t.score) for tid, t in cut.oracle.trials.items()
            if t.status == "COMPLETED"}
    assert len(kept) == 4
    cut.search(verbose=0)
    whole = synthetic_tuner(tmp_path / "whole")
    whole.search(verbose=0)
    assert len(cut.oracle.trials) == 9
    assert all(t.status == "COMPLETED" for t in cut.oracle.trials.values())
    for tid, (values, score) in kept.items():
        assert cut.oracle.trials[tid].hyperparameters.values == values
        assert cut.oracle.trials[tid].score == score
    assert values_by_id(cut.oracle) == values_by_id(whole.oracle)


def test_diverging_trial_is_failed_and_the_search_goes_on(tmp_path, capfd):
    import keras

    x = np.linspace(-1, 1, 32, dtype="float32").reshape(-1, 1)
    y = 3 * x

    def build(hp):
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(hp.Int("units", 1, 8)),
                                  keras.layers.Dense(1)])
        model.compile(keras.optimizers.SGD(hp.Choice("lr", [0.01, 1e20])), "mse",
                      jit_compile=False)
        return model

    tuner = tuning.CoarseToFine(build, "val_loss", max_trials=3, rounds=1, seed=0,
                                max_consecutive_failed_trials=3, directory=str(tmp_path))
    tuner.search(x, y, validation_data=(x, y), epochs=2, batch_size=16, verbose=0)
    trials = tuner.oracle.trials.values()
    assert len(trials) == 3
    diverged = [t for t in trials if t.hyperparameters.values["lr"] == 1e20]
    assert diverged, "the seed should try the diverging learning rate at least once"
    for t in trials:
        if t.hyperparameters.values["lr"] == 1e20:
            assert t.status == "FAILED" and "diverged" in t.message
        else:
            assert t.status == "COMPLETED" and math.isfinite(t.score)
    assert tuner.get_best_hyperparameters()[0].values["lr"] == 0.01
    out = capfd.readouterr()
    assert "Traceback" not in out.out + out.err, "one line per diverged trial, no traceback"
    assert f"Trial {diverged[0].trial_id} failed: diverged: the loss became" in out.out


def test_hyperband_continues_a_promoted_trial_with_its_optimizer_state(tmp_path):
    # Keras Tuner loads the checkpoint into an unbuilt optimizer, and Keras 3 then skips the
    # optimizer's variables with a warning: momentum and the schedule's step restart at 0.
    import warnings

    import keras

    from tfcourse.optimizers import Momentum

    def build(hp):
        lr = tuning.learning_rate(hp, min_value=1e-2, max_value=1e-1)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(Momentum(lr, beta=0.9), "mse")
        return model

    restored = []

    class Spy(tuning.Hyperband):
        def _build_hypermodel(self, hp):
            model = super()._build_hypermodel(hp)
            if "tuner/trial_id" in hp.values:
                restored.append((int(model.optimizer.iterations.numpy()),
                                 max((float(np.abs(v.numpy()).max())
                                      for v in model.optimizer.variables[2:]), default=0.0)))
            return model

    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    tuner = Spy(build, objective="val_loss", max_epochs=3, factor=3, seed=1,
                directory=str(tmp_path), project_name="hb")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tuner.search(x, x.sum(1, keepdims=True), validation_data=(x, x.sum(1, keepdims=True)),
                     batch_size=16, verbose=0)
    assert restored, "the bracket promoted no trial"
    for iterations, largest_velocity in restored:
        assert iterations >= 4 and largest_velocity > 0  # 4 steps per epoch, ≥ 1 epoch done
    assert not [w for w in caught if "Skipping variable loading" in str(w.message)]


@pytest.mark.parametrize("make", [
    lambda build, d: tuning.CoarseToFine(build, objective="val_loss", max_trials=2, seed=0,
                                         directory=d, project_name="c2f"),
    lambda build, d: tuning.RandomSearch(build, objective="val_loss", max_trials=2, seed=1,
                                         directory=d, project_name="random"),
    lambda build, d: tuning.Hyperband(build, objective="val_loss", max_epochs=3, factor=3,
                                      seed=1, directory=d, project_name="hb"),
], ids=["coarse-to-fine", "random", "hyperband"])
# get_best_models() loads a checkpoint into a model whose optimizer is unbuilt (Keras Tuner's
# way; harmless for a model used for inference): Keras warns that it skips the optimizer.
@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_a_global_mixed_precision_policy_survives_the_search(make, tmp_path):
    # Keras Tuner calls clear_session() before each build, and in Keras 3 that resets the
    # global dtype policy: without tfcourse's fix every trial trains in float32.
    import keras

    built = []

    def build(hp):
        lr = tuning.learning_rate(hp, min_value=1e-2, max_value=1e-1)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, dtype="float32")])
        model.compile(keras.optimizers.SGD(lr), "mse")
        built.append(model.layers[0].dtype_policy.name)
        return model

    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = x.sum(1, keepdims=True)
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        tuner = make(build, str(tmp_path))
        tuner.search(x, y, validation_data=(x, y), batch_size=16, epochs=1, verbose=0)
        assert keras.mixed_precision.global_policy().name == "mixed_float16"
        best = tuner.get_best_models(1)[0]
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert len(built) >= 3 and set(built) == {"mixed_float16"}, built
    assert best.layers[0].compute_dtype == "float16" and best.layers[0].variable_dtype == "float32"


def test_lesson_mixed_precision_trains_and_exports_float16_layers(tmp_path):
    import json
    import zipfile

    import keras

    from lessons.c2w3_hyperparameter_search import LESSON

    out, exports = tmp_path / "out", tmp_path / "saved_models"
    rc = LESSON.main(["--fast", "--trials", "2", "--mixed-precision", "--out", str(out),
                      "--export-dir", str(exports)])
    assert rc == 0
    assert keras.mixed_precision.global_policy().name == "float32"  # restored afterwards
    with zipfile.ZipFile(exports / "c2w3_hyperparameter_search.keras") as z:
        config = json.loads(z.read("config.json"))
    policies = [layer["config"]["dtype"]["config"]["name"]
                for layer in config["config"]["layers"] if layer["class_name"] == "Dense"]
    assert policies[:-1] and set(policies[:-1]) == {"mixed_float16"}, policies
    assert policies[-1] == "float32"  # the softmax stays in float32
    assert config["compile_config"]["optimizer"]["class_name"] == "LossScaleOptimizer"
    assert json.loads((out / "results.json").read_text())["test_accuracy"] > 0.1


# -- the lesson's command line --------------------------------------------------------------------


@pytest.mark.parametrize("flags, word", [
    (["--lr-min", "1", "--lr-max", "0.1"], "learning_rate"),
    (["--lr-min", "0"], "learning_rate"),
    (["--beta-min", "0.999", "--beta-max", "0.9"], "beta"),
    (["--beta-max", "1"], "beta"),
    (["--batch-min", "24"], "batch_size"),
    (["--units-min", "512"], "units"),
    (["--max-decay", "-1"], "decay_rate"),
    (["--margin", "2"], "margin"),
    (["--min-quality", "-0.5"], "min_quality"),
    (["--trials", "0"], "--trials"),
    (["--workers", "-1"], "--workers"),
])
def test_lesson_refuses_impossible_spaces_with_one_line(flags, word, tmp_path, capsys):
    from lessons.c2w3_hyperparameter_search import LESSON

    try:
        rc = LESSON.main(["--fast", "--out", str(tmp_path), "--no-export", *flags])
    except SystemExit as exc:  # argparse refuses a bad flag value before the lesson starts
        rc = exc.code
    assert rc == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and word in lines[0], lines
    assert not (tmp_path / "tuner").exists(), "refused before any search"


# -- Keras Tuner's contract (issue 19) -----------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda d: tuning.CoarseToFine(objective="val_loss", max_trials=2, directory=d),
    lambda d: tuning.RandomSearch(objective="val_loss", max_trials=2, directory=d),
    lambda d: tuning.BayesianOptimization(objective="val_loss", max_trials=2, directory=d),
    lambda d: tuning.Hyperband(objective="val_loss", max_epochs=3, directory=d),
], ids=["CoarseToFine", "RandomSearch", "BayesianOptimization", "Hyperband"])
def test_a_tuner_without_a_hypermodel_is_refused_at_construction(make, request, tmp_path):
    # Keras Tuner's own check cannot fire: SearchMixin overrides run_trial. Without this, the
    # search would start and every trial fail with "'NoneType' object has no attribute 'build'".
    name = request.node.callspec.id
    with pytest.raises(ValueError, match=f"^{name}: Received `hypermodel=None`"):
        make(str(tmp_path))
    assert not (tmp_path / "untitled_project").exists()


def test_a_tuner_with_its_own_run_trial_needs_no_hypermodel(tmp_path):
    tuner = synthetic_tuner(tmp_path)  # a CoarseToFine subclass, hypermodel None
    assert tuner.hypermodel is None


def test_seed_passed_in_keras_tuners_position_gives_the_same_search(tmp_path):
    # keras_tuner.RandomSearch(hypermodel, objective, max_trials, seed, hyperparameters, ...)
    # and RandomSearchOracle(objective, max_trials, seed, hyperparameters, ...): the same order.
    import inspect

    for ours, theirs, shared in (
            (tuning.CoarseToFine, kt.RandomSearch, 5),
            (tuning.CoarseToFineOracle, kt.oracles.RandomSearchOracle, 4)):
        params = list(inspect.signature(ours).parameters.values())
        assert [p.name for p in params[:shared]] == \
            list(inspect.signature(theirs).parameters)[:shared]
        settings = [p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY]
        assert set(settings) == {"rounds", "top_k", "margin", "min_quality", "zoom", "pending"}

    positional = tuning.CoarseToFineOracle(OBJECTIVE, 12, 7, space())
    keyword = tuning.CoarseToFineOracle(objective=OBJECTIVE, max_trials=12, seed=7,
                                        hyperparameters=space())
    for oracle, name in ((positional, "positional"), (keyword, "keyword")):
        oracle.verbose = 0
        oracle._set_project_dir(str(tmp_path), name)
        drive(oracle)
    assert positional.seed == 7 and len(positional.trials) == 12
    assert values_by_id(positional) == values_by_id(keyword)

    by_position = SyntheticTuner(None, OBJECTIVE, 6, 4, space(), directory=str(tmp_path),
                                 project_name="tuner_positional")
    by_keyword = SyntheticTuner(objective=OBJECTIVE, max_trials=6, seed=4,
                                hyperparameters=space(), directory=str(tmp_path),
                                project_name="tuner_keyword")
    for tuner in (by_position, by_keyword):
        tuner.search(verbose=0)
    assert by_position.oracle.seed == 4 and len(by_position.oracle.trials) == 6
    assert values_by_id(by_position.oracle) == values_by_id(by_keyword.oracle)
    with pytest.raises(TypeError):  # the old order, rounds third, is refused
        tuning.CoarseToFineOracle(OBJECTIVE, 12, 3, space(), True, True, 0, 3, 2)


# -- one seed convention for Keras Tuner's oracles -------------------------------------------------


def test_keras_tuner_seed_is_never_0_and_keeps_searches_reproducible(tmp_path):
    import doctest

    from tfcourse.tuning import tuners

    assert doctest.testmod(tuners).failed == 0
    assert [tuning.keras_tuner_seed(s) for s in range(3)] == [1, 2, 3]
    assert [tuning.keras_tuner_seed(s, spacing=1000) for s in range(3)] == [1, 1001, 2001]
    with pytest.raises(ValueError, match="argument `seed` must be a non-negative integer"):
        tuning.keras_tuner_seed(-1)
    # Keras Tuner draws a random seed for seed=0; the mapped seed 0 -> 1 is reproducible.
    a, b = (drive(make_oracle(tmp_path / d, tuning.keras_tuner_seed(0), kind="random",
                              max_trials=5)) for d in "ab")
    assert values_by_id(a) == values_by_id(b)


def test_lesson_and_benchmark_take_keras_tuners_seed_from_the_library(tmp_path):
    import importlib.util

    from lessons.c2w3_hyperparameter_search import LESSON, make_tuner

    args = LESSON.parser().parse_args(["--tuner", "random"])
    hypermodel = tuning.digits.make_hypermodel(tuning.digits.SPACE, 10, 10, 0)
    tuner = make_tuner(args, hypermodel, tmp_path / "lesson", 2, 0)
    assert tuner.oracle.seed == tuning.keras_tuner_seed(0) == 1

    spec = importlib.util.spec_from_file_location(
        "bench_tuners", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_tuners.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for kind in ("random", "bayesian", "hyperband"):
        tuner = bench.make(kind, hypermodel, tmp_path / kind, 2, 2, 3)
        assert tuner.oracle.seed == tuning.keras_tuner_seed(3, spacing=1000) == 3001, kind
    assert bench.make("coarse-to-fine", hypermodel, tmp_path / "c2f", 2, 2, 0).oracle.seed == 0


# -- the lesson's search space, in the library -------------------------------------------------


def test_the_lessons_default_space_is_the_librarys():
    from lessons.c2w3_hyperparameter_search import LESSON, build_space

    assert build_space(LESSON.parser().parse_args([])) == tuning.digits.SPACE
    assert tuning.digits.search_space() == tuning.digits.SPACE
    assert LESSON.epochs == tuning.digits.EPOCHS
    hp = kt.HyperParameters()
    model = tuning.digits.make_hypermodel(tuning.digits.SPACE, 100, 10, 0).build(hp)
    assert sorted(hp.values) == ["batch_size", "decay_rate", "layers", "learning_rate",
                                 "one_minus_beta", "units"]
    assert model.output_shape == (None, 10)


# -- the trust region (zoom="trust-region", the default) -------------------------------------------


def space2():
    hp = kt.HyperParameters()
    tuning.learning_rate(hp, min_value=1e-5, max_value=1.0)
    tuning.momentum_beta(hp, min_value=0.9, max_value=0.999)
    return hp


def bowl(values):
    a = math.log10(values["learning_rate"]) + 2.5
    b = math.log10(values["one_minus_beta"]) + 2.0
    return 1.0 - 0.05 * a * a - 0.2 * b * b


def region_oracle(directory, seed=0, max_trials=12, **settings):
    oracle = tuning.CoarseToFineOracle(OBJECTIVE, max_trials=max_trials, seed=seed,
                                       hyperparameters=space2(),
                                       max_consecutive_failed_trials=100)
    for name, value in settings.items():
        setattr(oracle, name, value)
    oracle.verbose = 0
    oracle._set_project_dir(str(directory), f"tr_{seed}")
    return oracle


def report_score(oracle, trial, s):
    """End ``trial`` with score ``s``, or as FAILED when ``s`` is None."""
    if s is None:
        trial.status = "FAILED"
    else:
        oracle.update_trial(trial.trial_id, {"score": s})
        trial.status = "COMPLETED"
    oracle.end_trial(trial)


def drive_scores(oracle, score):
    """Like drive, with score(index, values) -> a score, or None for a failed trial."""
    while True:
        trial = oracle.create_trial("tuner0")
        if trial.status == "STOPPED":
            return oracle
        report_score(oracle, trial, score(int(trial.trial_id), trial.hyperparameters.values))


def area(box):
    return math.prod(hi - lo for lo, hi in box.values())


def test_copula_scores_tie_plateaus_and_rank_failures_last():
    z = tuning.copula_scores([0.1, 0.9, 0.1, 0.5, float("nan")], failed=[3])
    assert z[0] == z[2]  # a plateau is one value
    assert z[3] == z[4] < z[0] < z[1]  # failed (and NaN) trials rank below every other
    np.testing.assert_allclose(sorted(tuning.copula_scores([3.0, 1.0, 2.0])),
                               [-0.9674, 0.0, 0.9674], atol=1e-4)


def test_transform_scores_keeps_magnitudes_without_a_plateau():
    # Twin: scikit-learn's Yeo-Johnson, standardised, written out (its lambda by the same
    # maximum likelihood): z = (ψ(s; λ) − mean) / std.
    from scipy import stats

    s = np.array([0.2, 1.0, 1.3, 2.0, 9.0])
    z = tuning.transform_scores(s)
    psi, _ = stats.yeojohnson(s)
    np.testing.assert_allclose(z, (psi - psi.mean()) / psi.std(), rtol=1e-3, atol=1e-3)
    assert list(np.argsort(z)) == list(np.argsort(s))  # the order is kept
    r = tuning.copula_scores(s)
    r = (r - r.mean()) / r.std()
    # The best trial, far ahead (9.0 against 2.0), stays further ahead of the next than its
    # rank would put it; the close ones (1.0, 1.3) stay closer.
    assert z[4] - z[3] > 1.3 * (r[4] - r[3])
    assert z[2] - z[1] < 0.5 * (r[2] - r[1])


def test_transform_scores_uses_ranks_on_a_plateau():
    chance = [0.1, 0.1, 0.1, 0.55, 0.8, 0.97, 0.6]  # three networks at chance level
    np.testing.assert_array_equal(tuning.transform_scores(chance), tuning.copula_scores(chance))
    two = [0.1, 0.1, 0.3, 0.55, 0.8, 0.97, 0.6]  # two equal scores are not a plateau
    assert not np.allclose(tuning.transform_scores(two), tuning.copula_scores(two))
    # 10 % of the trials, at least 3: 3 equal scores of 39 are not enough, 4 of 40 are
    rng = np.random.default_rng(0)
    base = list(rng.random(36))
    assert not np.allclose(tuning.transform_scores(base + [0.0] * 3),
                           tuning.copula_scores(base + [0.0] * 3))  # 3 < 3.9
    np.testing.assert_array_equal(tuning.transform_scores(base + [0.0] * 4),
                                  tuning.copula_scores(base + [0.0] * 4))
    rng = np.random.default_rng(1)
    for wild in (np.r_[rng.random(19), 1e30], np.r_[-rng.random(19), -1e30],
                 rng.random(20) * 1e6 + 1e8):  # large scores: still the power transform
        z = tuning.transform_scores(wild)
        assert np.all(np.isfinite(z)) and not np.allclose(z, tuning.copula_scores(wild))
        assert np.all(np.diff(z[np.argsort(wild, kind="stable")]) >= 0)
    overflow = np.r_[rng.random(10), 1e300]  # the power overflows: the ranks
    np.testing.assert_array_equal(tuning.transform_scores(overflow),
                                  tuning.copula_scores(overflow))
    for few in ([1.0, 2.0], [0.5, 0.5, 0.5]):  # under 3 trials or no spread: the ranks
        np.testing.assert_array_equal(tuning.transform_scores(few), tuning.copula_scores(few))


def test_region_grows_after_successes(tmp_path):
    """Every trial beats the last: after 3 successes in a row the region doubles (0.8 -> 1.6).
    With 12 trials, round 0 has 4 (a third of the budget, below max(5, d + 1)); trial i sees
    trials up to i - 2 (pending=1), so trial 8 is the first drawn after three successes
    (trials 4, 5, 6)."""
    oracle = drive_scores(region_oracle(tmp_path), lambda i, v: float(i))
    assert oracle.initial_trials() == 4
    assert [oracle.regions[str(i)]["box"] is None for i in range(5)] == [True] * 4 + [False]
    lengths = [oracle.regions[str(i)]["length"] for i in range(4, 12)]
    assert lengths == [0.8] * 4 + [1.6] * 4
    assert oracle.region["restart"] == 0


def test_region_shrinks_after_failures_failed_trials_included(tmp_path):
    """Round 0 scores; every trial the region chooses then fails (a diverged network): each
    counts as a failure, and after 2 in a row (failure_tolerance=2) the region halves. Its
    area is at most length² (the sides' product is length^d before clipping)."""
    oracle = drive_scores(region_oracle(tmp_path, failure_tolerance=2, length_min=0.01),
                          lambda i, v: bowl(v) if i < 4 else None)
    lengths = [oracle.regions[str(i)]["length"] for i in range(4, 12)]
    assert lengths == [0.8, 0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1]
    for i in range(4, 12):
        assert area(oracle.regions[str(i)]["box"]) <= lengths[i - 4] ** 2 + 1e-9
    assert sum(t.status == "FAILED" for t in oracle.trials.values()) == 8


def test_region_restarts_from_a_fresh_round_0_when_it_collapses(tmp_path):
    """Scores only get worse: with failure_tolerance=1 and length_min=0.3 the region halves at
    trials 7 (0.4) and 8 (0.2 < 0.3: collapsed; 14 trials: a round 0 of 5). Trial 8 starts
    restart 1 with a new Latin hypercube over the whole space (5 trials, one per fifth of
    each axis), then a new model of its own trials only."""
    oracle = drive_scores(region_oracle(tmp_path, max_trials=14, failure_tolerance=1,
                                        length_min=0.3), lambda i, v: -float(i))
    assert oracle.initial_trials() == 5
    restarts = [oracle.regions[str(i)]["restart"] for i in range(14)]
    assert restarts == [0] * 8 + [1] * 6
    assert [oracle.round_of(i) for i in range(14)] == [0] * 5 + [1] * 3 + [0] * 5 + [1]
    assert [oracle.regions[str(i)]["length"] for i in range(5, 8)] == [0.8, 0.8, 0.4]
    assert oracle.region["start"] == 8 and oracle.regions["13"]["length"] == 0.8
    hps = {hp.name: hp for hp in oracle.hyperparameters.space}
    for name in ("learning_rate", "one_minus_beta"):
        cells = sorted(int(5 * hps[name].value_to_prob(
            oracle.trials[f"{i:02d}"].hyperparameters.values[name])) for i in range(8, 13))
        assert cells == [0, 1, 2, 3, 4], (name, cells)


def test_failed_trials_steer_the_region_away(tmp_path):
    """α above 10^-2 diverges (40 % of the log range), and the best α, 10^-2.5, sits next to
    that cliff. Failed trials enter a model of their own (P(feasible) times the expected
    improvement): after round 0 the region's trials fail less often than round 0's and the
    search still finds a good network."""
    failed = {0: [], 1: []}
    for seed in range(2):
        oracle = drive_scores(
            region_oracle(tmp_path / str(seed), seed=seed, max_trials=14),
            lambda i, v: None if v["learning_rate"] > 1e-2 else bowl(v))
        for i in range(14):
            t = oracle.trials[f"{i:02d}"]
            failed[oracle.round_of(i)].append(t.status == "FAILED")
        assert best_score(oracle) > 0.9
    assert np.mean(failed[1]) < 0.25 <= np.mean(failed[0]) + 0.2


def test_pending_trials_need_no_barrier_and_keep_the_serial_choices(tmp_path):
    """Two workers, each trial ending one step after the next one started: with pending=1 no
    worker is ever told to wait, and the search makes exactly the serial search's choices
    (trial i is chosen from trials 0..i-2's scores, whatever the order they ended in)."""
    serial = drive_scores(region_oracle(tmp_path / "serial", seed=3), lambda i, v: bowl(v))
    two = region_oracle(tmp_path / "two", seed=3)
    running = []
    while True:
        trial = two.create_trial(f"tuner{len(two.trials) % 2}")
        if trial.status == "STOPPED":
            break
        assert trial.status == "RUNNING"
        running.append(trial)
        if len(running) == 2:  # the older of the two ends only now
            done = running.pop(0)
            two.update_trial(done.trial_id, {"score": bowl(done.hyperparameters.values)})
            done.status = "COMPLETED"
            two.end_trial(done)
    for done in running:
        two.update_trial(done.trial_id, {"score": bowl(done.hyperparameters.values)})
        done.status = "COMPLETED"
        two.end_trial(done)
    assert values_by_id(two) == values_by_id(serial)
    # pending=0 would wait for the previous trial: a barrier between every two trials
    strict = region_oracle(tmp_path / "strict", seed=3)
    strict.pending = 0
    for _ in range(strict.initial_trials()):
        strict.create_trial(f"tuner{len(strict.trials)}")
    assert strict.create_trial("tuner9").status == "IDLE"


def test_trust_region_beats_random_search_on_the_bowl(tmp_path):
    seeds = range(3)
    c2f = [best_score(drive_scores(region_oracle(tmp_path / f"c{s}", seed=s, max_trials=15),
                                   lambda i, v: bowl(v))) for s in seeds]
    rnd = []
    for s in seeds:
        oracle = kt.oracles.RandomSearchOracle(OBJECTIVE, max_trials=15,
                                               seed=tuning.keras_tuner_seed(s, spacing=1000),
                                               hyperparameters=space2())
        oracle.verbose = 0
        oracle._set_project_dir(str(tmp_path), f"rnd_{s}")
        rnd.append(best_score(drive_scores(oracle, lambda i, v: bowl(v))))
    assert statistics.median(c2f) > statistics.median(rnd)
    assert min(c2f) > 0.99  # the optimum is 1.0


def test_zoom_and_pending_are_checked():
    with pytest.raises(UsageError, match="argument `zoom` must be one of 'trust-region', 'box'"):
        tuning.CoarseToFineOracle(OBJECTIVE, zoom="turbo")
    with pytest.raises(UsageError, match="argument `pending`"):
        tuning.CoarseToFineOracle(OBJECTIVE, pending=-1)


def test_feasibility_model_learns_where_trials_fail():
    """Failed trials enter a classifier of their own: P(feasible) is high where trials scored,
    low where they failed, and exactly 1 while nothing has failed."""
    from tfcourse.tuning import trust_region

    x = np.linspace(0.0, 1.0, 12)[:, None]
    ok = x[:, 0] < 0.6
    p = trust_region.Feasibility(x, ok, seed=0)([[0.1], [0.3], [0.85], [1.0]])
    assert p[0] > 0.5 and p[1] > 0.5 and p[2] < 0.5 and p[3] < 0.5, p
    np.testing.assert_array_equal(trust_region.Feasibility(x, np.ones(12, bool), 0)([[0.5]]),
                                  [1.0])


def test_best_candidates_lie_in_the_box_best_first():
    from tfcourse.tuning import trust_region

    rng = np.random.default_rng(0)
    x = rng.random((8, 2))
    z = trust_region.copula_scores(-((x - 0.3) ** 2).sum(1))
    gp = trust_region.fit_gp(x, z, seed=0)
    lo, hi = np.array([0.1, 0.2]), np.array([0.6, 0.5])
    cands = trust_region.best_candidates(gp, lo, hi, float(z.max()), x[np.argmax(z)], rng,
                                         n_random=64, n_local=32, n_refine=16)
    assert len(cands) == 64 + 32 + 16
    assert (cands >= lo).all() and (cands <= hi).all()
    ei = trust_region.expected_improvement(gp, cands, float(z.max()))
    assert ei[0] == ei.max() and (np.diff(ei) <= 1e-12).all()
    # the polish steps start from the best of the Sobol and local points: never worse than it
    assert ei[0] >= trust_region.expected_improvement(gp, cands[:96], float(z.max())).max()


def test_round_0_is_small_and_space_filling():
    """max(5, d + 1) trials, at most a third of the budget: 5 on 2 axes, 11 on 10 axes (of 50
    trials), 10 of 30 and 4 of 12 where the third is smaller."""
    def oracle(dims, max_trials):
        hp = kt.HyperParameters()
        for i in range(dims):
            hp.Float(f"x{i}", 0.0, 1.0)
        return tuning.CoarseToFineOracle(OBJECTIVE, max_trials=max_trials, seed=0,
                                         hyperparameters=hp)
    assert oracle(2, 50).initial_trials() == 5
    assert oracle(10, 50).initial_trials() == 11
    assert oracle(10, 30).initial_trials() == 10
    assert oracle(2, 12).initial_trials() == 4


def test_failures_next_to_the_optimum_do_not_push_the_region_off_the_best_trial(tmp_path):
    """α above 10^-2.4 diverges, just past the best α (10^-2.5). Each box is centred on a trial
    that scored (failures are in P(feasible), not in the scores' model), so the best trial so
    far stays inside the box, and the search ends within 1 % of the optimum."""
    oracle = drive_scores(region_oracle(tmp_path, seed=1, max_trials=16),
                          lambda i, v: None if v["learning_rate"] > 10 ** -2.4 else bowl(v))
    hps = {hp.name: hp for hp in oracle.hyperparameters.space}
    inside = []
    for i in range(oracle.initial_trials(), 16):
        box = oracle.regions[str(i)]["box"]
        seen = [oracle.trials[f"{j:02d}"] for j in range(i - 1)]  # pending=1: up to i - 2
        best = max((t for t in seen if t.status == "COMPLETED"), key=lambda t: t.score)
        inside.append(all(lo - 1e-9 <= hps[n].value_to_prob(best.hyperparameters.values[n])
                          <= hi + 1e-9 for n, (lo, hi) in box.items()))
    assert all(inside)
    assert best_score(oracle) > 0.99


def test_a_longer_budget_makes_the_same_first_choices(tmp_path):
    """Once a third of the budget exceeds max(5, d + 1), the trust region's plan does not depend
    on max_trials: a search of 20 trials begins with the 16 trials of a search of 16."""
    short = drive_scores(region_oracle(tmp_path / "16", seed=4, max_trials=16),
                         lambda i, v: bowl(v))
    long = drive_scores(region_oracle(tmp_path / "20", seed=4, max_trials=20),
                        lambda i, v: bowl(v))
    first = [t.hyperparameters.values for _, t in sorted(long.trials.items())][:16]
    assert first == [t.hyperparameters.values for _, t in sorted(short.trials.items())]


def test_resumed_search_with_failed_trials_equals_uninterrupted(tmp_path):
    """The failed trials (the feasibility model's input) are part of the saved state too: a
    search cut after 8 trials, some failed, and resumed makes the uninterrupted one's choices."""
    def score(i, v):
        return None if v["learning_rate"] > 10 ** -2.4 else bowl(v)

    whole = drive_scores(region_oracle(tmp_path / "whole", seed=2, max_trials=14), score)
    cut = region_oracle(tmp_path / "cut", seed=2, max_trials=14)
    for _ in range(8):
        trial = cut.create_trial("tuner0")
        report_score(cut, trial, score(int(trial.trial_id), trial.hyperparameters.values))
    assert any(t.status == "FAILED" for t in cut.trials.values())
    resumed = region_oracle(tmp_path / "cut", seed=2, max_trials=14)
    resumed.reload()
    assert resumed.region == cut.region and resumed.regions == cut.regions
    drive_scores(resumed, score)
    assert values_by_id(resumed) == values_by_id(whole)
    assert resumed.regions == whole.regions


def test_recommendation_is_the_best_observed_without_noise_and_the_models_best_with_it(
        tmp_path):
    """Noise-free scores: recommend() is the best observed trial (get_best_trials(1)), with
    either zoom. Scores with a noise of 0.3 on a bowl of range ~1 (the model fits a large noise
    term): the trial with the best posterior mean is recommended, and its true score is never
    below the best observed trial's, above it on most seeds."""
    for zoom in ("trust-region", "box"):
        oracle = region_oracle(tmp_path / zoom, seed=0, max_trials=20)
        oracle.zoom = zoom
        drive_scores(oracle, lambda i, v: bowl(v))
        assert oracle.recommend().trial_id == oracle.get_best_trials(1)[0].trial_id
        assert oracle.recommend(upto=8).trial_id == max(
            (oracle.trials[f"{i:02d}"] for i in range(8)), key=lambda t: t.score).trial_id
    gains = []
    for seed in range(4):
        def score(i, v):
            return bowl(v) + 0.3 * np.random.default_rng([seed, i]).standard_normal()

        oracle = drive_scores(region_oracle(tmp_path / f"noisy{seed}", seed=seed,
                                            max_trials=20), score)
        rec = oracle.recommend()
        observed = oracle.get_best_trials(1)[0]
        gains.append(bowl(rec.hyperparameters.values) - bowl(observed.hyperparameters.values))
    assert min(gains) >= 0 and sum(g > 0 for g in gains) >= 2, gains


def test_likely_failures_rank_after_every_likely_success():
    """P(feasible) < 1/2 on the right half of the box, where the expected improvement is
    largest: the best candidates lie in the left half (P >= 1/2)."""
    from tfcourse.tuning import trust_region

    rng = np.random.default_rng(0)
    x = rng.random((10, 2))
    z = trust_region.copula_scores(x[:, 0])  # improves to the right
    gp = trust_region.fit_gp(x, z, seed=0)

    def feasible(c):
        return np.where(c[:, 0] < 0.5, 0.6, 0.4)

    cands = trust_region.best_candidates(gp, [0.0, 0.0], [1.0, 1.0], float(z.max()),
                                         x[np.argmax(z)], rng, feasible, n_random=64,
                                         n_local=32, n_refine=16)
    ei = trust_region.expected_improvement(gp, cands, float(z.max()))
    left = cands[:, 0] < 0.5
    assert left[0] and (~left & (ei > ei[0])).any()  # a larger EI on the right ranks later
    assert left[:10].all()  # the likely successes come first, though EI is larger on the right
    assert not left[int(np.argmax(ei))]
