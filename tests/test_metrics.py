"""tfcourse.metrics: one accuracy for every lesson (Keras models, callables, the course's
layouts), and the Course 3 metrics against scikit-learn."""
import keras
import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from tfcourse.metrics import accuracy, classification_error, masked_accuracy, precision_recall_f1


def _old_training_accuracy(model, x, y, threshold=0.5):
    """tfcourse.training.accuracy as it was before the move, to check the results are unchanged."""
    p = np.asarray(model.predict(np.asarray(x, "float32"), verbose=0, batch_size=4096))
    if p.ndim == 2 and p.shape[1] > 1:
        pred = p.argmax(axis=1)
    else:
        pred = (p.reshape(-1) > threshold).astype("int64")
    return float(np.mean(pred == np.asarray(y).reshape(-1)))


@pytest.mark.parametrize("units, activation", [(1, "sigmoid"), (4, "softmax")])
def test_accuracy_of_a_keras_model_is_the_old_one(units, activation):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5)).astype("float32")
    y = rng.integers(0, max(units, 2), size=300)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(units, activation)])
    want = _old_training_accuracy(model, x, y)
    assert accuracy(model, x, y) == want
    assert accuracy(model, x, y.reshape(-1, 1)) == want  # labels as a column
    if units == 1:
        assert accuracy(model, x, y, threshold=0.3) == _old_training_accuracy(model, x, y, 0.3)


def test_accuracy_of_a_callable_sigmoid_softmax_and_the_course_layout():
    p = np.array([[0.9], [0.2], [0.6], [0.4]])
    assert accuracy(lambda x: x, p, [1, 0, 0, 0]) == 0.75  # one sigmoid column
    assert accuracy(lambda x: x, p, [1, 0, 0, 0], threshold=0.65) == 1.0
    soft = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
    assert accuracy(lambda x: x, soft, np.array([1, 2])) == 0.5  # argmax over softmax rows
    # The course's layout: X (n_x, m), probabilities and labels (1, m) -- thresholded, not argmax
    w, b = np.array([[1.0], [-1.0]]), 0.0
    X = np.array([[2.0, -1.0, 0.5], [0.0, 1.0, 1.0]])
    Y = np.array([[1, 0, 1]])
    predict = lambda X: 1 / (1 + np.exp(-(w.T @ X + b)))  # noqa: E731
    assert accuracy(predict, X, Y) == pytest.approx(2 / 3)
    # the callable gets x as given (here a list: no conversion to float32)
    assert accuracy(lambda x: np.asarray(x) > 0.5, [0.9, 0.1], [1, 0]) == 1.0


def test_accuracy_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`model`"):
        accuracy("model", np.zeros((2, 1)), [0, 1])
    with pytest.raises(ValueError, match="`threshold`.*threshold='high'"):
        accuracy(lambda x: x, np.zeros((2, 1)), [0, 1], threshold="high")
    with pytest.raises(ValueError, match="one-hot"):
        accuracy(lambda x: x, np.zeros((3, 1)), [0, 1])  # 3 predictions, 2 labels


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


def test_classification_error_shapes():
    assert classification_error([0, 1, 1], np.array([[0.2], [0.7], [0.4]])) == pytest.approx(1 / 3)
    assert classification_error([2, 0], np.array([[0.1, 0.2, 0.7], [0.5, 0.4, 0.1]])) == 0.0
    assert classification_error([2, 0], np.array([2, 1])) == 0.5


def test_masked_accuracy():
    y = np.array([[1, 0, -1], [0, -1, -1], [1, 1, -1]])
    p = np.array([[0.9, 0.8, 0.1], [0.2, 0.5, 0.5], [0.4, 0.7, 0.5]])
    acc = masked_accuracy(y, p)
    np.testing.assert_allclose(acc[:2], [2 / 3, 0.5])
    assert np.isnan(acc[2])
