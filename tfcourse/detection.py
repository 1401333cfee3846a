"""Object detection with YOLO: the course's box filtering, IoU, non-max suppression and
``yolo_eval``; anchors by k-means; targets for training; mean average precision (Course 4, week 3).

The course's "Car detection with YOLO" assignment, function for function, with its names,
argument order and layouts:

- :func:`yolo_filter_boxes` — box score = p_c × class probability, keep the best class of each
  box if its score ≥ threshold;
- :func:`iou` — intersection over union of two corner boxes ``(x1, y1, x2, y2)``;
- :func:`yolo_non_max_suppression` — ``tf.image.non_max_suppression`` and ``tf.gather``;
- :func:`yolo_boxes_to_corners` — centre/size to ``(y_min, x_min, y_max, x_max)``;
- :func:`scale_boxes` — fractions of the image to pixels;
- :func:`yolo_eval` — the four together, on the output of a YOLO head.

These keep the course's TensorFlow calls (``tf.boolean_mask``, ``tf.image.non_max_suppression``):
Keras 3's ``keras.ops`` has neither a boolean mask with a data-dependent output size nor NMS.
:func:`greedy_nms` is the same algorithm in NumPy, tested against TensorFlow's.

Beyond the assignment (the lectures' ideas, so that the lesson can train a detector and score it):
:func:`kmeans_anchors` (YOLOv2's anchor boxes: k-means on box sizes with 1 − IoU as the
distance), :func:`encode_targets` (each box to the cell holding its centre and the anchor whose
shape fits it best, the layout of :class:`tfcourse.layers.YoloHead`'s output), :func:`decode`
(a head's output to the course's four tensors), and :func:`precision_recall` /
:func:`average_precision` / :func:`mean_average_precision` (PASCAL VOC's mAP at IoU 0.5,
all-point interpolation).

Box layouts, as in the course: the network predicts centres and sizes ``(x, y, w, h)`` as
fractions of the image; :func:`yolo_boxes_to_corners` returns ``(y_min, x_min, y_max, x_max)``
(TensorFlow's NMS layout), and every function here that takes corners after that point takes
this layout (IoU does not care whether x or y comes first, as long as both boxes agree).
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int, check_number, invalid


def _tf():
    from tfcourse import import_tensorflow_quietly

    return import_tensorflow_quietly()


# -- the course's graded functions ----------------------------------------------------------------
def yolo_filter_boxes(boxes, box_confidence, box_class_probs, threshold=.6):
    """Keep the boxes whose best class score reaches ``threshold`` (the course's first filter).

    Course 4, week 3; lesson c4w3_object_detection.

    For each box (every anchor of every grid cell), with p_c its objectness and c_i its class
    probabilities::

        box_scores   = p_c × c                     (broadcast over the classes)
        box_classes  = argmax_i box_scores_i
        box_class_scores = max_i box_scores_i
        keep where box_class_scores ≥ threshold

    Args:
        boxes: ``(19, 19, 5, 4)`` in the course (any leading shape), the boxes' coordinates.
        box_confidence: ``(..., 1)``, p_c.
        box_class_probs: ``(..., classes)``.
        threshold: the score a box needs.

    Returns:
        ``scores (n,)``, ``boxes (n, 4)``, ``classes (n,)`` (int64) of the kept boxes, in the
        row-major order of the grid.

    On the course's test inputs (``tf.random.set_seed(10)``; the three tensors from
    ``tf.random.normal(..., mean=1, stddev=4, seed=1)``, threshold 0.5) it keeps 1789 boxes, and
    ``scores[2] = 9.270486``, ``boxes[2] = [4.6399336, 3.2303846, 4.431282, -2.202031]``,
    ``classes[2] = 8`` (tested).
    """
    tf = _tf()
    threshold = check_number("threshold", threshold, owner="yolo_filter_boxes")
    box_scores = box_confidence * box_class_probs
    box_classes = tf.math.argmax(box_scores, axis=-1)
    box_class_scores = tf.math.reduce_max(box_scores, axis=-1)
    mask = box_class_scores >= threshold
    return (tf.boolean_mask(box_class_scores, mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


def iou(box1, box2):
    """Intersection over union of two boxes given by their corners ``(x1, y1, x2, y2)``.

    Course 4, week 3; lesson c4w3_object_detection.

    The course's formula (upper-left ``(x1, y1)``, lower-right ``(x2, y2)``)::

        xi1 = max(x1, x1'),  yi1 = max(y1, y1'),  xi2 = min(x2, x2'),  yi2 = min(y2, y2')
        inter = max(xi2 − xi1, 0) · max(yi2 − yi1, 0)
        union = (x2 − x1)(y2 − y1) + (x2' − x1')(y2' − y1') − inter
        iou = inter / union

    Boxes that touch at a corner or along an edge have IoU 0. Swapping x and y in both boxes
    gives the same value, so ``(y1, x1, y2, x2)`` boxes work too.

    >>> iou((2, 1, 4, 3), (1, 2, 3, 4))
    0.14285714285714285
    >>> iou((1, 1, 3, 3), (2, 3, 3, 4))
    0.0
    """
    (box1_x1, box1_y1, box1_x2, box1_y2) = [float(v) for v in box1]
    (box2_x1, box2_y1, box2_x2, box2_y2) = [float(v) for v in box2]
    xi1, yi1 = max(box1_x1, box2_x1), max(box1_y1, box2_y1)
    xi2, yi2 = min(box1_x2, box2_x2), min(box1_y2, box2_y2)
    inter_area = max(xi2 - xi1, 0.0) * max(yi2 - yi1, 0.0)
    box1_area = (box1_x2 - box1_x1) * (box1_y2 - box1_y1)
    box2_area = (box2_x2 - box2_x1) * (box2_y2 - box2_y1)
    union_area = box1_area + box2_area - inter_area
    return inter_area / union_area if union_area > 0 else 0.0


def yolo_non_max_suppression(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    """Non-max suppression: keep the best box, drop the boxes that overlap it, repeat.

    Course 4, week 3; lesson c4w3_object_detection.

    The course's call: ``tf.image.non_max_suppression(boxes, scores, max_boxes, iou_threshold)``
    (greedy: take the highest score, remove every remaining box with IoU > ``iou_threshold``
    with it, at most ``max_boxes`` times), then ``tf.gather`` of scores, boxes and classes. As in
    the course the suppression ignores the classes (one NMS over all boxes). :func:`greedy_nms`
    is the same algorithm written out in NumPy (tested to select the same boxes).

    Args:
        scores: ``(n,)`` from :func:`yolo_filter_boxes`.
        boxes: ``(n, 4)``, corners ``(y1, x1, y2, x2)`` (scaled to the image or not).
        classes: ``(n,)``.
        max_boxes: the most boxes kept.
        iou_threshold: a box whose IoU with a kept one exceeds this is dropped.

    On the course's test inputs (``tf.random.set_seed(10)``, then scores ``[54]``, boxes
    ``[54, 4]``, classes ``[54]`` from ``tf.random.normal(mean=1, stddev=4, seed=1)``) it gives
    10 boxes, ``scores[2] = 8.147684``, ``boxes[2] = [6.0797963, 3.743308, 1.3914018,
    -0.34089637]``, ``classes[2] = 1.7079165`` (tested).
    """
    tf = _tf()
    max_boxes = check_int("max_boxes", max_boxes, low=1, owner="yolo_non_max_suppression")
    iou_threshold = check_number("iou_threshold", iou_threshold, low=0, high=1,
                                 owner="yolo_non_max_suppression")
    boxes = tf.convert_to_tensor(boxes)
    nms_indices = tf.image.non_max_suppression(tf.cast(boxes, "float32"),
                                               tf.cast(scores, "float32"), max_boxes,
                                               iou_threshold)
    return tf.gather(scores, nms_indices), tf.gather(boxes, nms_indices), tf.gather(classes,
                                                                                    nms_indices)


def yolo_boxes_to_corners(box_xy, box_wh):
    """Centres and sizes to corners ``(y_min, x_min, y_max, x_max)`` (the course's layout).

    Course 4, week 3; lesson c4w3_object_detection.

    ``mins = xy − wh/2``, ``maxes = xy + wh/2``; the result is ``[mins_y, mins_x, maxes_y,
    maxes_x]`` on the last axis, the layout ``tf.image.non_max_suppression`` takes.

    >>> yolo_boxes_to_corners(np.array([[0.5, 0.25]]), np.array([[0.2, 0.1]])).numpy().round(3)
    array([[0.2, 0.4, 0.3, 0.6]], dtype=float32)
    """
    tf = _tf()
    box_xy = tf.cast(box_xy, "float32")
    box_wh = tf.cast(box_wh, "float32")
    box_mins = box_xy - box_wh / 2.0
    box_maxes = box_xy + box_wh / 2.0
    return tf.concat([box_mins[..., 1:2], box_mins[..., 0:1],
                      box_maxes[..., 1:2], box_maxes[..., 0:1]], axis=-1)


def scale_boxes(boxes, image_shape):
    """Corners as fractions of the image to pixels: ``× (height, width, height, width)``.

    Course 4, week 3; lesson c4w3_object_detection. (The assignment's
    ``yolo_utils.scale_boxes``.)
    """
    tf = _tf()
    height, width = float(image_shape[0]), float(image_shape[1])
    image_dims = tf.reshape(tf.constant([height, width, height, width], "float32"), [1, 4])
    return tf.cast(boxes, "float32") * image_dims


def yolo_eval(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6,
              iou_threshold=.5):
    """A YOLO head's output to the final boxes: corners, score filter, scaling, NMS.

    Course 4, week 3; lesson c4w3_object_detection.

    The course's pipeline::

        box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
        boxes = yolo_boxes_to_corners(box_xy, box_wh)
        scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs,
                                                   score_threshold)
        boxes = scale_boxes(boxes, image_shape)
        return yolo_non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)

    ``yolo_outputs`` is the 4-tuple the course's ``yolo_head`` returns (for one image: ``(19, 19,
    5, 2)``, ``(19, 19, 5, 2)``, ``(19, 19, 5, 1)``, ``(19, 19, 5, 80)``); :func:`decode` makes it
    from a :class:`tfcourse.layers.YoloHead` output. On the course's test inputs (``set_seed(10)``,
    the four from ``tf.random.normal(mean=1, stddev=4, seed=1)``, defaults otherwise):
    ``scores[2] = 171.60194``, ``boxes[2] = [-1240.3483, -3212.5881, -645.78, 2024.3052]``,
    ``classes[2] = 16``, 10 boxes (tested).
    """
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs,
                                               score_threshold)
    boxes = scale_boxes(boxes, image_shape)
    return yolo_non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)


# -- NMS in NumPy, IoU on arrays -------------------------------------------------------------------
def box_iou_matrix(boxes1, boxes2):
    """Pairwise IoU of two arrays of corner boxes ``(n, 4)`` and ``(k, 4)`` -> ``(n, k)``.

    Course 4, week 3; lesson c4w3_object_detection.

    The formula of :func:`iou`, vectorised; corners are put in order first (min, max), as
    ``tf.image.non_max_suppression`` does, so a box given as ``(y2, x2, y1, x1)`` is the same box.
    """
    a = np.asarray(boxes1, "float64").reshape(-1, 4)
    b = np.asarray(boxes2, "float64").reshape(-1, 4)
    a = np.concatenate([np.minimum(a[:, :2], a[:, 2:]), np.maximum(a[:, :2], a[:, 2:])], 1)
    b = np.concatenate([np.minimum(b[:, :2], b[:, 2:]), np.maximum(b[:, :2], b[:, 2:])], 1)
    lo = np.maximum(a[:, None, :2], b[None, :, :2])
    hi = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=-1)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=-1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=-1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def greedy_nms(boxes, scores, max_boxes=10, iou_threshold=0.5):
    """Greedy non-max suppression in NumPy: the indices of the kept boxes, best first.

    Course 4, week 3; lesson c4w3_object_detection.

    The lecture's algorithm: while boxes remain and fewer than ``max_boxes`` are kept, keep the
    highest-scoring box and discard every remaining box whose IoU with it is > ``iou_threshold``.
    It is what ``tf.image.non_max_suppression`` computes (same argument meanings; tested to
    return the same indices on random boxes and on the course's test inputs).
    """
    max_boxes = check_int("max_boxes", max_boxes, low=1, owner="greedy_nms")
    iou_threshold = check_number("iou_threshold", iou_threshold, low=0, high=1,
                                 owner="greedy_nms")
    boxes = np.asarray(boxes, "float64").reshape(-1, 4)
    scores = np.asarray(scores, "float64").reshape(-1)
    order = list(np.argsort(-scores, kind="stable"))
    overlaps = box_iou_matrix(boxes, boxes)
    keep = []
    while order and len(keep) < max_boxes:
        best = order.pop(0)
        keep.append(best)
        order = [i for i in order if overlaps[best, i] <= iou_threshold]
    return np.asarray(keep, "int64")


# -- anchors, targets, decoding --------------------------------------------------------------------
def wh_iou(wh, anchors):
    """IoU of boxes and anchors by size only (both centred at the origin): ``(n, k)``.

    Course 4, week 3; lesson c4w3_object_detection.

    ``inter = min(w, w') · min(h, h')``, ``union = w h + w' h' − inter``: the similarity YOLOv2's
    k-means uses and the rule that gives each training box its anchor.
    """
    wh = np.asarray(wh, "float64").reshape(-1, 2)
    anchors = np.asarray(anchors, "float64").reshape(-1, 2)
    inter = (np.minimum(wh[:, None, 0], anchors[None, :, 0])
             * np.minimum(wh[:, None, 1], anchors[None, :, 1]))
    union = (wh[:, 0] * wh[:, 1])[:, None] + (anchors[:, 0] * anchors[:, 1])[None, :] - inter
    return inter / union


def kmeans_anchors(wh, k, iterations=100, seed=0):
    """Anchor box sizes by k-means on the training boxes' sizes, distance 1 − IoU (YOLOv2).

    Course 4, week 3; lesson c4w3_object_detection.

    The lecture picks anchors by hand ("a tall one for pedestrians, a wide one for cars");
    YOLOv2 (Redmon & Farhadi, 2016, section "Dimension Clusters") clusters the boxes' (w, h)
    with ``d(box, centroid) = 1 − IoU(box, centroid)`` (boxes aligned at a corner, so only the
    shape counts), because Euclidean distance would let large boxes dominate. Steps:

    1. start from ``k`` boxes drawn at random (``numpy.random.default_rng(seed)``);
    2. assign every box to the centroid of highest IoU;
    3. move each centroid to the mean (w, h) of its boxes (an empty cluster keeps its centroid);
    4. repeat 2-3 until the assignment stops changing or ``iterations`` passes.

    Returns the ``(k, 2)`` anchors sorted by area. :func:`mean_best_iou` scores them (the
    paper's "Avg IOU").
    """
    wh = np.asarray(wh, "float64").reshape(-1, 2)
    k = check_int("k", k, low=1, owner="kmeans_anchors")
    check_int("iterations", iterations, low=1, owner="kmeans_anchors")
    if len(wh) < k:
        raise invalid("wh", f"at least k={k} box sizes", f"{len(wh)} sizes", "kmeans_anchors")
    if not np.all(wh > 0):
        raise invalid("wh", "positive widths and heights", "sizes <= 0", "kmeans_anchors")
    rng = np.random.default_rng(seed)
    centroids = wh[rng.choice(len(wh), size=k, replace=False)].copy()
    assignment = None
    for _ in range(iterations):
        new = np.argmax(wh_iou(wh, centroids), axis=1)
        if assignment is not None and np.array_equal(new, assignment):
            break
        assignment = new
        for j in range(k):
            members = wh[assignment == j]
            if len(members):
                centroids[j] = members.mean(axis=0)
    return centroids[np.argsort(centroids[:, 0] * centroids[:, 1])]


def mean_best_iou(wh, anchors):
    """The mean over boxes of the IoU with their best anchor (YOLOv2's "Avg IOU").

    Course 4, week 3; lesson c4w3_object_detection.
    """
    return float(np.mean(np.max(wh_iou(wh, anchors), axis=1)))


def encode_targets(boxes, classes, anchors, grid, num_classes):
    """Training targets in a YOLO head's layout: ``(grid_h, grid_w, anchors, 5 + classes)``.

    Course 4, week 3; lesson c4w3_object_detection.

    The lecture's labelling rule: an object belongs to the grid cell that holds its centre, and,
    within it, to the anchor box whose shape has the highest IoU with the object's
    (:func:`wh_iou`). That cell/anchor's vector is ``[x, y, w, h, 1, one-hot class]`` (centre and
    size as fractions of the image, objectness 1); every other vector is zeros. If two objects
    claim the same cell and anchor, the later one wins (as in the course's
    ``preprocess_true_boxes``).

    Args:
        boxes: ``(n, 4)`` ``(x, y, w, h)`` fractions of the image.
        classes: ``(n,)`` integers in ``[0, num_classes)``.
        anchors: ``(A, 2)`` ``(w, h)`` fractions of the image.
        grid: ``(grid_h, grid_w)``.
        num_classes: the number of classes.
    """
    grid_h, grid_w = (int(g) for g in grid)
    anchors = np.asarray(anchors, "float64").reshape(-1, 2)
    target = np.zeros((grid_h, grid_w, len(anchors), 5 + num_classes), "float32")
    boxes = np.asarray(boxes, "float64").reshape(-1, 4)
    if len(boxes) == 0:
        return target
    best = np.argmax(wh_iou(boxes[:, 2:], anchors), axis=1)
    for (x, y, w, h), c, a in zip(boxes, np.asarray(classes).reshape(-1), best):
        col = min(int(x * grid_w), grid_w - 1)
        row = min(int(y * grid_h), grid_h - 1)
        target[row, col, a] = 0
        target[row, col, a, :5] = (x, y, w, h, 1.0)
        target[row, col, a, 5 + int(c)] = 1.0
    return target


def decode(head_output):
    """A :class:`tfcourse.layers.YoloHead` output (one image or a batch) to the course's four
    tensors ``(box_xy, box_wh, box_confidence, box_class_probs)``, the input of :func:`yolo_eval`.

    Course 4, week 3; lesson c4w3_object_detection.
    """
    tf = _tf()
    out = tf.convert_to_tensor(head_output, "float32")
    return out[..., 0:2], out[..., 2:4], out[..., 4:5], out[..., 5:]


def detect(head_output, image_shape, max_boxes=10, score_threshold=0.5, iou_threshold=0.5,
           nms=True):
    """Boxes for each image of a batch of head outputs: a list of ``(boxes, scores, classes)``.

    Course 4, week 3; lesson c4w3_object_detection.

    With ``nms=True`` this is :func:`yolo_eval` per image; with ``nms=False`` the same without
    the last step (only :func:`yolo_filter_boxes` and :func:`scale_boxes`: every box above the
    threshold, duplicates included), the ablation that shows what NMS is for. Boxes are corners
    ``(y1, x1, y2, x2)`` in pixels, NumPy arrays.
    """
    out = []
    for single in np.asarray(head_output):
        xy, wh, conf, probs = decode(single)
        if nms:
            scores, boxes, classes = yolo_eval((xy, wh, conf, probs), image_shape, max_boxes,
                                               score_threshold, iou_threshold)
        else:
            scores, boxes, classes = yolo_filter_boxes(yolo_boxes_to_corners(xy, wh), conf,
                                                       probs, score_threshold)
            boxes = scale_boxes(boxes, image_shape)
        out.append((np.asarray(boxes), np.asarray(scores), np.asarray(classes, "int64")))
    return out


def centre_to_corners(boxes, image_shape):
    """``(x, y, w, h)`` fractions to ``(y1, x1, y2, x2)`` pixels, in NumPy (ground truth boxes).

    Course 4, week 3; lesson c4w3_object_detection.
    """
    b = np.asarray(boxes, "float64").reshape(-1, 4)
    h, w = float(image_shape[0]), float(image_shape[1])
    return np.stack([(b[:, 1] - b[:, 3] / 2) * h, (b[:, 0] - b[:, 2] / 2) * w,
                     (b[:, 1] + b[:, 3] / 2) * h, (b[:, 0] + b[:, 2] / 2) * w], axis=1)


# -- mean average precision ------------------------------------------------------------------------
def precision_recall(detections, ground_truth, class_id, iou_threshold=0.5):
    """The precision-recall curve of one class over a set of images (PASCAL VOC matching).

    Course 4, week 3; lesson c4w3_object_detection.

    All detections of the class, over all images, sorted by score (highest first); each in turn
    is a true positive if its IoU with a not-yet-matched ground-truth box of that class in the
    same image is ≥ ``iou_threshold`` (the best such box is matched), else a false positive
    (a second detection of an already found object is a false positive: what NMS prevents).
    After the k-th detection::

        precision_k = TP_k / k,     recall_k = TP_k / (number of ground-truth boxes)

    Args:
        detections: one ``(boxes, scores, classes)`` per image, corners.
        ground_truth: one ``(boxes, classes)`` per image, corners in the same layout.

    Returns:
        ``(recall, precision, scores, n_ground_truth)``, NumPy arrays in detection order.
    """
    if len(detections) != len(ground_truth):
        raise invalid("detections", f"one entry per image ({len(ground_truth)})",
                      f"{len(detections)} entries", "precision_recall")
    records = []
    for image, (boxes, scores, classes) in enumerate(detections):
        classes = np.asarray(classes).reshape(-1)
        for box, score in zip(np.asarray(boxes).reshape(-1, 4)[classes == class_id],
                              np.asarray(scores).reshape(-1)[classes == class_id]):
            records.append((float(score), image, box))
    gts = []
    for boxes, classes in ground_truth:
        classes = np.asarray(classes).reshape(-1)
        gts.append(np.asarray(boxes, "float64").reshape(-1, 4)[classes == class_id])
    n_gt = int(sum(len(g) for g in gts))
    matched = [np.zeros(len(g), bool) for g in gts]
    records.sort(key=lambda r: -r[0])
    tp = np.zeros(len(records))
    for k, (_, image, box) in enumerate(records):
        if len(gts[image]) == 0:
            continue
        overlaps = box_iou_matrix(box, gts[image])[0]
        overlaps[matched[image]] = -1.0  # each object is found once
        best = int(np.argmax(overlaps))
        if overlaps[best] >= iou_threshold:
            tp[k] = 1
            matched[image][best] = True
    cum_tp = np.cumsum(tp)
    ranks = np.arange(1, len(records) + 1)
    precision = cum_tp / ranks if len(records) else np.zeros(0)
    recall = cum_tp / n_gt if n_gt else np.zeros(len(records))
    return recall, precision, np.array([r[0] for r in records]), n_gt


def average_precision(recall, precision):
    """Area under the precision-recall curve, PASCAL VOC's all-point interpolation (2010-).

    Course 4, week 3; lesson c4w3_object_detection.

    Pad the curve with (recall 0, precision 0) and (recall 1, precision 0), replace each
    precision by the highest precision at any larger recall (the curve's upper envelope), and
    sum the rectangles: ``AP = Σ_k (r_k − r_{k−1}) · p_interp(r_k)``.

    >>> average_precision([0.5, 0.5, 1.0], [1.0, 0.5, 2 / 3])  # TP, FP, TP for 2 objects
    0.8333333333333333
    """
    mrec = np.concatenate([[0.0], np.asarray(recall, "float64"), [1.0]])
    mpre = np.concatenate([[0.0], np.asarray(precision, "float64"), [0.0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    steps = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1]))


def mean_average_precision(detections, ground_truth, num_classes, iou_threshold=0.5):
    """mAP: the mean over classes of :func:`average_precision` (classes without objects skipped).

    Course 4, week 3; lesson c4w3_object_detection.

    Returns ``(map, per_class)``: ``per_class[c] = {"ap", "recall", "precision", "n_gt"}`` for
    every class that has ground-truth boxes.
    """
    num_classes = check_int("num_classes", num_classes, low=1, owner="mean_average_precision")
    per_class = {}
    for c in range(num_classes):
        recall, precision, _, n_gt = precision_recall(detections, ground_truth, c,
                                                      iou_threshold)
        if n_gt == 0:
            continue
        per_class[c] = {"ap": average_precision(recall, precision), "recall": recall,
                        "precision": precision, "n_gt": n_gt}
    if not per_class:
        raise invalid("ground_truth", "at least one box", "no boxes", "mean_average_precision")
    return float(np.mean([v["ap"] for v in per_class.values()])), per_class


def precision_at(detections, ground_truth, num_classes, iou_threshold=0.5):
    """Precision and recall of the detections as given: ``(TP / detections, TP / objects)``.

    Course 4, week 3; lesson c4w3_object_detection.

    The precision of the boxes a detector reports at its score threshold, with duplicates
    counted as false positives (the effect of NMS in one number).
    """
    tp = n_det = n_gt = 0
    for c in range(num_classes):
        recall, precision, _, gt = precision_recall(detections, ground_truth, c, iou_threshold)
        n_gt += gt
        n_det += len(precision)
        if len(precision):
            tp += precision[-1] * len(precision)
    return (tp / n_det if n_det else 0.0), (tp / n_gt if n_gt else 0.0)


def tiny_yolo(input_shape, anchors, num_classes, filters=(16, 32, 64, 64), bn_momentum=0.9):
    """A small YOLO detector: CONV-BN-LeakyReLU blocks with 2×2 pooling, a 1×1 CONV to
    anchors × (5 + classes), and :class:`tfcourse.layers.YoloHead`.

    Course 4, week 3; lesson c4w3_object_detection.

    YOLOv2's recipe at a toy scale (Darknet-19 has 19 such convolutions and 5 poolings for a
    608 → 19 grid): every block but the last is followed by a 2×2 max pooling, so the grid is
    the input size over 2^(len(filters) − 1) (64 → 8 with the defaults), and the 3×3
    convolutions' receptive field covers an object from its centre cell. LeakyReLU(0.1) and
    batch normalisation without a convolution bias, as in YOLOv2. ``bn_momentum`` 0.9 rather
    than Keras's 0.99: with a few hundred training steps, 0.99's moving statistics (used at
    inference) still lag the weights, and the held-out predictions collapse.
    """
    import keras

    from tfcourse.layers import YoloHead

    L = keras.layers
    anchors = np.asarray(anchors, "float64")
    inputs = keras.Input(tuple(input_shape), name="image")
    x = inputs
    for i, f in enumerate(filters):
        x = L.Conv2D(int(f), 3, padding="same", use_bias=False, name=f"conv{i + 1}")(x)
        x = L.BatchNormalization(momentum=bn_momentum, name=f"bn{i + 1}")(x)
        x = L.LeakyReLU(0.1, name=f"leaky{i + 1}")(x)
        if i < len(filters) - 1:
            x = L.MaxPooling2D(name=f"pool{i + 1}")(x)
    x = L.Conv2D(len(anchors) * (5 + int(num_classes)), 1, name="predictions")(x)
    outputs = YoloHead(anchors.tolist(), int(num_classes), name="yolo_head")(x)
    return keras.Model(inputs, outputs, name="tiny_yolo")
