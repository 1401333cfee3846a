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
    "c5w1_rnn": ["--epochs", "10"],
    "c5w1_time_series": ["--epochs", "20"],
    "c5w3_attention": FULL,
    "c5w4_transformer": ["--epochs", "5"],
}

# too long for the default suite even at the smallest budget that keeps the claim
SLOW = {"c4w2_residual_networks", "c5w3_attention"}


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
    0.953 / 0.953). Digits are easy for a well-chosen momentum net, and the Latin-hypercube
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
    """The positional encoding is the course's formula; a small Transformer learns the dates.

    Budget: 5 of the 20 epochs. Seed 1: 0.962 exact (full run: 0.979 held-out); the
    Transformer, which reads all positions at once, gets there faster per epoch than
    week 3's recurrent attention model (0.78 after 3 epochs)."""
    r = run("c5w4_transformer", tmp_path)
    assert r["positional_encoding_max_abs_difference"] < 1e-5
    assert r["exact_match_accuracy"] >= 0.9, "self-attention learns the date translation"
