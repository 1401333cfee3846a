"""Course 3 tools: the course's worked examples, splits, error analysis, argument errors."""
import keras
import numpy as np
import pytest

from tfcourse import data
from tfcourse.strategy import (choose_model, course_ratios, diagnose, error_analysis,
                               format_error_table, large_split, latency_ms, same_distribution,
                               save_misclassified_grid)


def test_choose_model_optimizing_subject_to_satisficing():
    cands = {"A": {"accuracy": 0.90, "ms": 80}, "B": {"accuracy": 0.92, "ms": 95},
             "C": {"accuracy": 0.95, "ms": 1500}}  # the course's example
    choice = choose_model(cands, "accuracy", {"ms": 100})
    assert choice["chosen"] == "B"
    assert [r["name"] for r in choice["table"]] == ["B", "A", "C"]
    assert choice["table"][-1]["failed"] == ["ms <= 100"]
    assert choose_model(cands, "accuracy", {"ms": 10})["chosen"] is None
    assert choose_model(cands, "ms", maximize=False)["chosen"] == "A"
    assert choose_model(cands, "accuracy", {"accuracy": (">=", 0.93)})["chosen"] == "C"
    with pytest.raises(ValueError, match="latency"):
        choose_model(cands, "accuracy", {"latency": 100})


def test_latency_is_measured():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    ms = latency_ms(model, np.zeros((4, 4)), repeats=2)
    assert ms > 0 and np.isfinite(ms)
    with pytest.raises(ValueError, match="repeats"):
        latency_ms(model, np.zeros((4, 4)), repeats=0)


def test_split_ratios_and_large_split():
    assert course_ratios(10_000) == (0.6, 0.2, 0.2)
    assert course_ratios(1_000_000) == pytest.approx((0.98, 0.01, 0.01))
    x, y = np.arange(20_000).reshape(-1, 1), np.arange(20_000) % 2
    (xt, _), (xd, _), (xs, _) = large_split(x, y, seed=3)
    assert (len(xt), len(xd), len(xs)) == (19_600, 200, 200)
    (rt, _), _, _ = data.split(x, y, (0.98, 0.01, 0.01), seed=3)
    np.testing.assert_array_equal(xt, rt)  # the same split as tfcourse.data.split
    assert len(np.intersect1d(xd, xs)) == 0
    with pytest.raises(ValueError, match="`m`"):
        course_ratios(2)


def test_same_distribution_verdicts():
    ds = data.load_digits(seed=0)
    same = same_distribution(ds.x_dev, ds.x_test, ds.y_dev, ds.y_test)
    assert same["same"] and same["verdict"].startswith("same")
    rng = np.random.RandomState(0)
    noisy = np.clip(ds.x_test + rng.normal(0, 0.3, ds.x_test.shape), 0, 1)
    diff = same_distribution(ds.x_dev, noisy)
    assert not diff["same"] and diff["verdict"].startswith("DIFFERENT")
    odd = ds.y_test % 2 == 1  # a test set of odd digits only: the labels differ
    assert not same_distribution(ds.x_dev[:0 + 100], ds.x_test[odd][:100], ds.y_dev[:100],
                                 ds.y_test[odd][:100])["same"]


def test_diagnose_course_examples():
    # Course 3, week 1: human 1 %, train 8 %, dev 10 % -> focus on bias.
    assert diagnose(0.01, 0.08, 0.10)["diagnosis"] == "avoidable bias"
    # Human 7.5 %: the same train and dev errors -> focus on variance.
    r = diagnose(0.075, 0.08, 0.10)
    assert r["diagnosis"] == "variance" and r["avoidable_bias"] == pytest.approx(0.005)
    # Week 2: train 1 %, train-dev 1.5 %, dev 10 % -> data mismatch.
    r = diagnose(0.0, 0.01, 0.10, train_dev_error=0.015)
    assert r["diagnosis"] == "data mismatch" and r["data_mismatch"] == pytest.approx(0.085)
    assert "synthesis" in r["recipe"]
    assert diagnose(0.01, 0.011, 0.012, tolerance=0.005)["diagnosis"] == "none"
    with pytest.raises(ValueError, match="human_level_error"):
        diagnose(-0.01, 0.08, 0.10)
    with pytest.raises(ValueError, match="train_dev_error"):
        diagnose(0.01, 0.08, 0.10, train_dev_error=2.0)


def test_error_analysis_table():
    y_true = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    y_pred = np.array([0, 7, 2, 8, 9, 5, 6, 1, 3, 4])  # 6 errors out of 10: 1, 3, 4, 7, 8, 9
    tags = [(), "confusable", "faint", ["confusable", "faint"], (), "x", (), "confusable",
            "faint", None]
    a = error_analysis(y_true, y_pred, tags, categories=("confusable", "faint", "blurry"))
    rows = {r["category"]: r for r in a["rows"]}
    assert a["errors"] == 6 and a["dev_error"] == pytest.approx(0.6)
    assert rows["confusable"]["count"] == 3 and rows["confusable"]["share"] == pytest.approx(0.5)
    assert rows["confusable"]["ceiling"] == pytest.approx(0.3)  # 10 % → 9.5 %, in the course
    assert rows["confusable"]["error_if_fixed"] == pytest.approx(0.3)
    assert rows["faint"]["count"] == 2  # examples 3 and 8; example 2 is right: not counted
    assert rows["other"]["count"] == 2  # examples 4 and 9: wrong, untagged
    assert rows["blurry"]["count"] == 0 and "x" not in rows  # x tags a correct example
    assert [r["count"] for r in a["rows"]] == sorted([r["count"] for r in a["rows"]],
                                                      reverse=True)
    assert "confusable" in format_error_table(a)
    with pytest.raises(ValueError, match="tags"):
        error_analysis(y_true, y_pred, tags[:-1])


def test_misclassified_grid(tmp_path):
    x = np.random.RandomState(0).rand(6, 64)
    y_true, y_pred = np.array([0, 1, 2, 3, 4, 5]), np.array([0, 2, 2, 1, 4, 0])
    shown = save_misclassified_grid(x, y_true, y_pred, tmp_path / "grid.png", image_shape=(8, 8),
                                    tags=["", "a", "", ("b", "c"), "", ""])
    assert shown == [1, 3, 5]
    assert (tmp_path / "grid.png").stat().st_size > 0
    with pytest.raises(ValueError, match="tags"):
        save_misclassified_grid(x, y_true, y_pred, tmp_path / "g2.png", (8, 8), tags=["a"])
