"""tfcourse.detection, tfcourse.layers.YoloHead and tfcourse.losses.YoloLoss: the course's
expected outputs on its own test inputs, NMS against TensorFlow's and a NumPy twin, anchors,
targets, mAP on hand-worked cases, and the loaders for a user's labelled images."""
import numpy as np
import pytest
import tensorflow as tf

import keras

from tfcourse import detection as D
from tfcourse.data import scenes
from tfcourse.errors import DataError
from tfcourse.layers import YoloHead
from tfcourse.losses import YoloLoss


# -- the course's expected outputs (its notebook's test cells; TF 2 random ops reproduce them) ---
def test_yolo_filter_boxes_course_values():
    tf.random.set_seed(10)
    box_confidence = tf.random.normal([19, 19, 5, 1], mean=1, stddev=4, seed=1)
    boxes = tf.random.normal([19, 19, 5, 4], mean=1, stddev=4, seed=1)
    box_class_probs = tf.random.normal([19, 19, 5, 80], mean=1, stddev=4, seed=1)
    scores, boxes, classes = D.yolo_filter_boxes(boxes, box_confidence, box_class_probs,
                                                 threshold=0.5)
    assert scores.shape == (1789,) and boxes.shape == (1789, 4) and classes.shape == (1789,)
    assert np.isclose(scores[2].numpy(), 9.270486)
    assert np.allclose(boxes[2].numpy(), [4.6399336, 3.2303846, 4.431282, -2.202031])
    assert classes[2].numpy() == 8


def test_iou_course_cases():
    assert D.iou((2, 1, 4, 3), (1, 2, 3, 4)) == 0.14285714285714285
    assert D.iou((1, 2, 3, 4), (5, 6, 7, 8)) == 0  # disjoint
    assert D.iou((1, 1, 2, 2), (2, 2, 3, 3)) == 0  # touching at a vertex
    assert D.iou((1, 1, 3, 3), (2, 3, 3, 4)) == 0  # touching along an edge
    assert D.iou((0, 0, 2, 2), (0, 0, 2, 2)) == 1.0


def _course_nms_inputs():
    tf.random.set_seed(10)
    scores = tf.random.normal([54], mean=1, stddev=4, seed=1)
    boxes = tf.random.normal([54, 4], mean=1, stddev=4, seed=1)
    classes = tf.random.normal([54], mean=1, stddev=4, seed=1)
    return scores, boxes, classes


def test_yolo_non_max_suppression_course_values():
    scores, boxes, classes = D.yolo_non_max_suppression(*_course_nms_inputs())
    assert scores.shape == (10,) and boxes.shape == (10, 4) and classes.shape == (10,)
    assert np.isclose(scores[2].numpy(), 8.147684)
    assert np.allclose(boxes[2].numpy(), [6.0797963, 3.743308, 1.3914018, -0.34089637])
    assert np.isclose(classes[2].numpy(), 1.7079165)


def test_yolo_eval_course_values():
    tf.random.set_seed(10)
    yolo_outputs = (tf.random.normal([19, 19, 5, 2], mean=1, stddev=4, seed=1),
                    tf.random.normal([19, 19, 5, 2], mean=1, stddev=4, seed=1),
                    tf.random.normal([19, 19, 5, 1], mean=1, stddev=4, seed=1),
                    tf.random.normal([19, 19, 5, 80], mean=1, stddev=4, seed=1))
    scores, boxes, classes = D.yolo_eval(yolo_outputs)
    assert scores.shape == (10,) and boxes.shape == (10, 4) and classes.shape == (10,)
    assert np.isclose(scores[2].numpy(), 171.60194)
    assert np.allclose(boxes[2].numpy(), [-1240.3483, -3212.5881, -645.78, 2024.3052])
    assert classes[2].numpy() == 16


def test_boxes_to_corners_and_scale():
    corners = D.yolo_boxes_to_corners(np.array([[0.5, 0.25]]), np.array([[0.2, 0.1]]))
    np.testing.assert_allclose(corners.numpy(), [[0.2, 0.4, 0.3, 0.6]], atol=1e-6)
    np.testing.assert_allclose(D.scale_boxes(corners, (100, 200)).numpy(),
                               [[20, 80, 30, 120]], atol=1e-4)
    np.testing.assert_allclose(D.centre_to_corners([[0.5, 0.25, 0.2, 0.1]], (100, 200)),
                               [[20, 80, 30, 120]])


# -- NMS: ours (NumPy) against TensorFlow's ---------------------------------------------------
def test_greedy_nms_equals_tensorflow_on_the_course_inputs():
    scores, boxes, _ = _course_nms_inputs()
    ours = D.greedy_nms(boxes.numpy(), scores.numpy(), 10, 0.5)
    theirs = tf.image.non_max_suppression(boxes, scores, 10, 0.5).numpy()
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
def test_greedy_nms_equals_tensorflow_on_random_boxes(seed, threshold):
    rng = np.random.default_rng(seed)
    corner = rng.uniform(0, 50, size=(60, 2))
    size = rng.uniform(5, 30, size=(60, 2))
    boxes = np.concatenate([corner, corner + size], 1).astype("float32")
    scores = rng.uniform(size=60).astype("float32")
    ours = D.greedy_nms(boxes, scores, 15, threshold)
    theirs = tf.image.non_max_suppression(boxes, scores, 15, threshold).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_nms_drops_a_duplicate_and_keeps_a_separate_box():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], "float32")
    scores = np.array([0.9, 0.8, 0.7], "float32")
    assert D.greedy_nms(boxes, scores, 10, 0.5).tolist() == [0, 2]
    s, b, c = D.yolo_non_max_suppression(scores, boxes, np.array([0, 0, 1]))
    assert s.numpy().tolist() == pytest.approx([0.9, 0.7]) and c.numpy().tolist() == [0, 1]


def test_box_iou_matrix_matches_iou():
    rng = np.random.default_rng(0)
    corner = rng.uniform(0, 10, (5, 2))
    a = np.concatenate([corner, corner + rng.uniform(1, 6, (5, 2))], 1)  # (x1, y1, x2, y2)
    m = D.box_iou_matrix(a, a)
    for i in range(5):
        for j in range(5):
            assert m[i, j] == pytest.approx(D.iou(a[i], a[j]))


# -- anchors ---------------------------------------------------------------------------------
def test_kmeans_anchors_on_two_clear_clusters():
    wide = np.array([[0.4, 0.1], [0.42, 0.12], [0.38, 0.08]])
    tall = np.array([[0.1, 0.4], [0.12, 0.42], [0.08, 0.38]])
    small = np.array([[0.05, 0.05], [0.06, 0.06], [0.04, 0.04]])
    anchors = D.kmeans_anchors(np.concatenate([wide, tall, small]), 3, seed=0)
    # sorted by area: the small cluster first; the two others have the same area (0.04)
    np.testing.assert_allclose(anchors[0], [0.05, 0.05])
    assert sorted(map(tuple, np.round(anchors[1:], 6))) == [(0.1, 0.4), (0.4, 0.1)]
    assert D.mean_best_iou(np.concatenate([wide, tall, small]), anchors) > 0.8


def test_wh_iou_hand_worked():
    # a 2x1 box against a 1x2 anchor, both at the origin: intersection 1, union 2 + 2 - 1 = 3
    assert D.wh_iou([[2, 1]], [[1, 2]])[0, 0] == pytest.approx(1 / 3)


def test_kmeans_anchors_rejects_bad_input():
    with pytest.raises(ValueError, match="kmeans_anchors: argument `wh` must be at least k=3"):
        D.kmeans_anchors([[0.1, 0.1]], 3)


# -- targets, head, loss ------------------------------------------------------------------------
def test_encode_targets_puts_each_box_in_its_cell_and_best_anchor():
    anchors = [[0.1, 0.3], [0.3, 0.1]]
    t = D.encode_targets([[0.30, 0.70, 0.28, 0.12]], [2], anchors, (4, 4), 3)
    assert t.shape == (4, 4, 2, 8)
    row, col = 2, 1  # y = 0.70 -> row 2, x = 0.30 -> column 1 of 4
    np.testing.assert_allclose(t[row, col, 1], [0.30, 0.70, 0.28, 0.12, 1, 0, 0, 1])
    assert t.sum() == pytest.approx(t[row, col, 1].sum())  # nothing elsewhere


def test_yolo_head_decodes_as_documented():
    anchors = [[0.2, 0.3], [0.5, 0.4]]
    head = YoloHead(anchors, num_classes=2)
    raw = np.random.default_rng(0).normal(size=(1, 3, 4, 2 * 7)).astype("float32")
    out = np.asarray(head(raw))
    assert out.shape == (1, 3, 4, 2, 7)
    t = raw.reshape(1, 3, 4, 2, 7)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    r, c, a = 2, 1, 1
    np.testing.assert_allclose(out[0, r, c, a, 0], (c + sig(t[0, r, c, a, 0])) / 4, rtol=1e-5)
    np.testing.assert_allclose(out[0, r, c, a, 1], (r + sig(t[0, r, c, a, 1])) / 3, rtol=1e-5)
    np.testing.assert_allclose(out[0, r, c, a, 2:4],
                               np.array(anchors[a]) * np.exp(t[0, r, c, a, 2:4]), rtol=1e-5)
    np.testing.assert_allclose(out[0, r, c, a, 4], sig(t[0, r, c, a, 4]), rtol=1e-5)
    e = np.exp(t[0, r, c, a, 5:])
    np.testing.assert_allclose(out[0, r, c, a, 5:], e / e.sum(), rtol=1e-5)
    xy, wh, conf, probs = D.decode(out[0])
    assert xy.shape == (3, 4, 2, 2) and conf.shape == (3, 4, 2, 1) and probs.shape == (3, 4, 2, 2)


def test_yolo_head_round_trips_through_a_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((2, 2, 8)), YoloHead([[0.3, 0.3]], 3, name="head")])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x = np.random.default_rng(1).normal(size=(2, 2, 2, 8)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer("head").anchors == [[0.3, 0.3]]


def test_yolo_head_rejects_bad_arguments():
    with pytest.raises(ValueError, match="YoloHead: argument `anchors`"):
        YoloHead([[0.1, -1]], 2)
    with pytest.raises(ValueError, match="YoloHead: argument `num_classes` must be a positive"):
        YoloHead([[0.1, 0.1]], 0)


def _loss_numpy(y_true, y_pred, lc=5.0, ln=0.5):
    eps = 1e-7
    gh, gw = y_pred.shape[1:3]
    obj = y_true[..., 4]
    root = lambda g, v: np.sqrt(g * v + eps)  # noqa: E731
    coord = lc * obj * ((gw * (y_pred[..., 0] - y_true[..., 0])) ** 2
                        + (gh * (y_pred[..., 1] - y_true[..., 1])) ** 2
                        + (root(gw, y_pred[..., 2]) - root(gw, y_true[..., 2])) ** 2
                        + (root(gh, y_pred[..., 3]) - root(gh, y_true[..., 3])) ** 2)
    conf = np.clip(y_pred[..., 4], eps, 1 - eps)
    objectness = -(obj * np.log(conf) + ln * (1 - obj) * np.log(1 - conf))
    cls = -obj * np.sum(y_true[..., 5:] * np.log(np.clip(y_pred[..., 5:], eps, 1 - eps)), -1)
    return np.mean(np.sum(coord + objectness + cls, axis=(1, 2, 3)))


def _head_batch(seed=0):
    rng = np.random.default_rng(seed)
    anchors = [[0.2, 0.2], [0.4, 0.3]]
    y_true = np.stack([D.encode_targets(rng.uniform(0.2, 0.6, (2, 4)), rng.integers(0, 3, 2),
                                        anchors, (4, 4), 3) for _ in range(3)])
    y_pred = np.asarray(YoloHead(anchors, 3)(rng.normal(size=(3, 4, 4, 16)).astype("float32")))
    return y_true, y_pred


def test_yolo_loss_is_its_formula_and_its_parts_are_keras_losses():
    y_true, y_pred = _head_batch()
    got = float(YoloLoss()(y_true, y_pred))
    assert got == pytest.approx(_loss_numpy(y_true, y_pred), rel=1e-5)
    # the objectness and class terms are Keras's BCE / CCE: with no box term and λ_noobj = 1
    # the loss equals their sums
    obj = y_true[..., 4]
    bce = keras.losses.binary_crossentropy(y_true[..., 4:5], y_pred[..., 4:5]).numpy()  # (b,S,S,A)
    cce = keras.losses.categorical_crossentropy(y_true[..., 5:], y_pred[..., 5:]).numpy()
    keras_sum = np.mean(np.sum(bce + obj * cce, axis=(1, 2, 3)))
    assert float(YoloLoss(lambda_coord=0, lambda_noobj=1)(y_true, y_pred)) == pytest.approx(
        keras_sum, rel=1e-4)


def test_yolo_loss_gradient_matches_a_numerical_gradient():
    y_true, _ = _head_batch(1)
    anchors = [[0.2, 0.2], [0.4, 0.3]]
    head = YoloHead(anchors, 3, dtype="float64")
    raw = tf.Variable(np.random.default_rng(2).normal(size=(3, 4, 4, 16)))
    loss = YoloLoss(dtype="float64")
    with tf.GradientTape() as tape:
        value = loss(y_true, head(raw))
    grad = tape.gradient(value, raw).numpy()
    # central differences on a few coordinates (float64 throughout)
    for index in [(0, 0, 0, 0), (1, 2, 1, 5), (2, 3, 3, 12), (0, 1, 2, 9)]:
        step = np.zeros(raw.shape)
        step[index] = 1e-5
        up = float(loss(y_true, head(raw.numpy() + step)))
        down = float(loss(y_true, head(raw.numpy() - step)))
        assert grad[index] == pytest.approx((up - down) / 2e-5, rel=1e-3, abs=1e-6)


def test_yolo_loss_round_trips_through_its_config():
    loss = YoloLoss(lambda_coord=2.0, lambda_noobj=0.25)
    again = keras.losses.deserialize(keras.losses.serialize(loss))
    assert isinstance(again, YoloLoss) and again.lambda_noobj == 0.25
    with pytest.raises(ValueError, match="YoloLoss: argument `lambda_coord`"):
        YoloLoss(lambda_coord=-1)


# -- mAP ----------------------------------------------------------------------------------------
def test_average_precision_hand_worked():
    # detections ranked TP, FP, TP against 2 objects: precision 1, 1/2, 2/3; recall 1/2, 1/2, 1
    # envelope: 1 up to recall 1/2, then 2/3 up to 1: AP = 0.5·1 + 0.5·2/3 = 5/6
    assert D.average_precision([0.5, 0.5, 1.0], [1.0, 0.5, 2 / 3]) == pytest.approx(5 / 6)
    assert D.average_precision([], []) == 0.0
    assert D.average_precision([1.0], [1.0]) == 1.0


def test_precision_recall_and_map_on_a_hand_worked_case():
    gt = [(np.array([[0, 0, 10, 10], [20, 20, 30, 30]]), np.array([0, 0])),
          (np.array([[0, 0, 10, 10]]), np.array([1]))]
    detections = [
        # image 0: a hit (0.9), a duplicate of it (0.8: a false positive), a miss (0.6), the
        # second object (0.5)
        (np.array([[0, 0, 10, 10], [1, 1, 10, 10], [50, 50, 60, 60], [20, 20, 30, 31]]),
         np.array([0.9, 0.8, 0.6, 0.5]), np.array([0, 0, 0, 0])),
        # image 1: the class-1 object found, with a box of IoU 0.64 >= 0.5
        (np.array([[0, 0, 8, 8]]), np.array([0.7]), np.array([1])),
    ]
    recall, precision, scores, n_gt = D.precision_recall(detections, gt, 0)
    assert n_gt == 2 and scores.tolist() == [0.9, 0.8, 0.6, 0.5]
    np.testing.assert_allclose(recall, [0.5, 0.5, 0.5, 1.0])
    np.testing.assert_allclose(precision, [1, 0.5, 1 / 3, 0.5])
    m, per_class = D.mean_average_precision(detections, gt, 2)
    # class 0: envelope 1 to recall 0.5, then 0.5: AP 0.75; class 1: AP 1
    assert per_class[0]["ap"] == pytest.approx(0.75) and per_class[1]["ap"] == 1.0
    assert m == pytest.approx(0.875)
    # NMS removes the duplicate (IoU 0.81 with the 0.9 box): class 0's AP rises to 0.5 + 0.5·2/3
    kept = D.greedy_nms(detections[0][0], detections[0][1], 10, 0.5)
    after = [tuple(a[kept] for a in detections[0]), detections[1]]
    assert D.mean_average_precision(after, gt, 2)[1][0]["ap"] == pytest.approx(0.5 + 1 / 3)
    assert D.precision_at(detections, gt, 2) == pytest.approx((3 / 5, 1.0))


# -- the scenes and the loaders ----------------------------------------------------------------
def test_detection_scenes_are_seeded_and_boxes_hold_their_objects():
    a, b = scenes.detection_scenes(4, seed=3), scenes.detection_scenes(4, seed=3)
    np.testing.assert_array_equal(a.images, b.images)
    assert a.images.shape == (4, 64, 64, 3) and 0 <= a.images.min() and a.images.max() <= 1
    for boxes, classes in zip(a.boxes, a.classes):
        assert 1 <= len(boxes) <= 3 and len(classes) == len(boxes)
        assert np.all(boxes[:, :2] - boxes[:, 2:] / 2 >= -1e-6)
        assert np.all(boxes[:, :2] + boxes[:, 2:] / 2 <= 1 + 1e-6)
        assert set(classes.tolist()) <= {0, 1, 2}


def _write_png(path, array):
    from PIL import Image

    Image.fromarray(np.asarray(array, "uint8")).save(path)


def test_load_detection_folder_reads_yolo_labels(tmp_path):
    _write_png(tmp_path / "a.png", np.full((32, 48, 3), 200))
    (tmp_path / "a.txt").write_text("1 0.5 0.5 0.25 0.5\n0 0.2 0.3 0.1 0.1\n")
    _write_png(tmp_path / "b.png", np.zeros((40, 40, 3)))
    (tmp_path / "b.txt").write_text("")
    (tmp_path / "classes.txt").write_text("car\nperson\n")
    data = scenes.load_detection_folder(tmp_path, size=16)
    assert data.images.shape == (2, 16, 16, 3) and data.class_names == ("car", "person")
    np.testing.assert_allclose(data.boxes[0], [[0.5, 0.5, 0.25, 0.5], [0.2, 0.3, 0.1, 0.1]])
    assert data.classes[0].tolist() == [1, 0] and len(data.boxes[1]) == 0


@pytest.mark.parametrize("label, message", [(None, "has no label file"),
                                            ("0 0.5 0.5 2 0.1", "expected 'class x y w h'"),
                                            ("3 0.5 0.5 0.2 0.1", "beyond classes.txt")])
def test_load_detection_folder_bad_labels(tmp_path, label, message):
    _write_png(tmp_path / "a.png", np.zeros((8, 8, 3)))
    (tmp_path / "classes.txt").write_text("a\nb\n")
    if label is not None:
        (tmp_path / "a.txt").write_text(label + "\n")
    with pytest.raises(DataError, match=message):
        scenes.load_detection_folder(tmp_path, size=8)


# -- the lesson's bad input: one line, exit status 2, before any training -----------------------
@pytest.mark.parametrize("flags, message", [
    (["--data", "yolo_folder"], "needs --data-path"),
    (["--data", "scenes", "--data-path", "."], "takes no --data-path"),
    (["--fast", "--weights-path", "/nonexistent.weights.h5"], "no such file"),
])
def test_lesson_bad_data_flags(flags, message, tmp_path, capsys):
    from lessons.c4w3_object_detection import LESSON

    assert LESSON.main([*flags, "--out", str(tmp_path), "--no-export"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and message in err


def test_lesson_bad_label_folder_is_one_line(tmp_path, capsys):
    from lessons.c4w3_object_detection import LESSON

    _write_png(tmp_path / "a.png", np.zeros((8, 8, 3)))
    assert LESSON.main(["--data", "yolo_folder", "--data-path", str(tmp_path), "--out",
                        str(tmp_path / "out"), "--no-export"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "has no label file a.txt" in err


def test_lesson_trains_on_a_yolo_folder_and_reloads_its_weights(tmp_path):
    """--data yolo_folder on five small labelled images the test makes; then --weights-path with
    the weights that run saved: no training, the same held-out figures."""
    import json

    from lessons.c4w3_object_detection import LESSON

    folder = tmp_path / "images"
    folder.mkdir()
    data = scenes.detection_scenes(5, size=32, seed=5)
    for i in range(5):
        _write_png(folder / f"{i}.png", data.images[i] * 255)
        (folder / f"{i}.txt").write_text("".join(
            f"{c} {x} {y} {w} {h}\n" for (x, y, w, h), c in zip(data.boxes[i], data.classes[i])))
    flags = ["--data", "yolo_folder", "--data-path", str(folder), "--epochs", "1", "--no-export",
             "--quiet"]
    assert LESSON.main([*flags, "--out", str(tmp_path / "a")]) == 0
    first = json.loads((tmp_path / "a" / "results.json").read_text())
    weights = tmp_path / "a" / "detector.weights.h5"
    assert weights.is_file() and "final_train_loss" in first
    assert LESSON.main([*flags, "--weights-path", str(weights), "--out", str(tmp_path / "b")]) == 0
    second = json.loads((tmp_path / "b" / "results.json").read_text())
    assert "final_train_loss" not in second  # loaded, not trained
    assert second["map50"] == first["map50"] and second["precision"] == first["precision"]
