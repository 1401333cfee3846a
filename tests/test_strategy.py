"""Course 3 tools: metrics against scikit-learn, the course's worked examples, argument errors."""
import keras
import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from tfcourse import data
from tfcourse.strategy import (MaskedBinaryCrossentropy, choose_model, classification_error,
                               course_ratios, diagnose, error_analysis, format_error_table,
                               large_split, latency_ms, masked_accuracy, precision_recall_f1,
                               same_distribution, save_misclassified_grid)


def test_precision_recall_f1_match_sklearn():
    rng = np.random.RandomState(0)
    y_true, y_pred = rng.randint(0, 2, 200), rng.randint(0, 2, 200)
    got = precision_recall_f1(y_true, y_pred)
    assert got["precision"] == pytest.approx(precision_score(y_true, y_pred))
    assert got["recall"] == pytest.approx(recall_score(y_true, y_pred))
    assert got["f1"] == pytest.approx(f1_score(y_true, y_pred))
    # The course's classifiers A (95 % / 90 %) and B (98 % / 85 %): A has the higher F1.
    f1 = lambda p, r: 2 * p * r / (p + r)  # noqa: E731
    assert f1(0.95, 0.90) > f1(0.98, 0.85)
    with pytest.raises(ValueError, match="y_pred"):
        precision_recall_f1([1, 0], [1])


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
    with pytest.raises(ValueError, match="m must"):
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


def test_classification_error_shapes():
    assert classification_error([0, 1, 1], np.array([[0.2], [0.7], [0.4]])) == pytest.approx(1 / 3)
    assert classification_error([2, 0], np.array([[0.1, 0.2, 0.7], [0.5, 0.4, 0.1]])) == 0.0
    assert classification_error([2, 0], np.array([2, 1])) == 0.5


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


def test_masked_loss_against_keras_and_numpy(tmp_path):
    rng = np.random.RandomState(0)
    p = rng.uniform(0.05, 0.95, (8, 3)).astype("float32")
    y = rng.randint(0, 2, (8, 3)).astype("float32")
    ours = MaskedBinaryCrossentropy()
    # Every label present: the sum over tasks = n_tasks × Keras's mean over tasks.
    keras_bce = keras.losses.BinaryCrossentropy()(y, p)
    assert float(ours(y, p)) == pytest.approx(3 * float(keras_bce), rel=1e-5)
    # Missing labels contribute nothing; the mean still divides by the batch size.
    y_missing = y.copy()
    y_missing[rng.rand(8, 3) < 0.4] = -1
    present = y_missing != -1
    per = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert float(ours(y_missing, p)) == pytest.approx(float((per * present).sum() / 8), rel=1e-5)
    # ... and get no gradient.
    import tensorflow as tf
    pv = tf.Variable(p)
    with tf.GradientTape() as tape:
        loss = ours(y_missing, pv)
    g = tape.gradient(loss, pv).numpy()
    assert np.all(g[~present] == 0) and np.all(g[present] != 0)
    with pytest.raises(ValueError, match="missing"):
        MaskedBinaryCrossentropy(missing=1)


def test_masked_loss_saves_with_the_model(tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="sigmoid")])
    model.compile("adam", loss=MaskedBinaryCrossentropy(missing=-2))
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    y = np.array([[1, 0, -2], [0, -2, 1]] * 4, dtype="float32")
    model.fit(x, y, epochs=1, verbose=0)  # a trained optimizer: saved and reloaded, no warning
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.loss, MaskedBinaryCrossentropy) and loaded.loss.missing == -2
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


def test_masked_accuracy():
    y = np.array([[1, 0, -1], [0, -1, -1], [1, 1, -1]])
    p = np.array([[0.9, 0.8, 0.1], [0.2, 0.5, 0.5], [0.4, 0.7, 0.5]])
    acc = masked_accuracy(y, p)
    np.testing.assert_allclose(acc[:2], [2 / 3, 0.5])
    assert np.isnan(acc[2])
