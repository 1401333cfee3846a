"""A tiny YOLO trained from scratch, then the course's box filtering and non-max suppression, scored by mAP (Course 4, week 3).

YOLO ("you only look once") detects objects in one forward pass. The image is divided into an
S × S grid; each cell predicts, for each of A anchor boxes, a vector

    (p_c, b_x, b_y, b_w, b_h, c_1 ... c_C)

— the probability that an object's centre lies in this cell with this anchor's shape, the box,
and the class probabilities. The course's car detector has S = 19, A = 5, C = 80: 19 × 19 × 425
numbers per image. Most of those boxes are noise; two steps turn them into detections:

1. **Score filtering** (``yolo_filter_boxes``): a box's score for class i is p_c × c_i; keep each
   box's best class if its score reaches a threshold (the course: 0.6).
2. **Non-max suppression** (``yolo_non_max_suppression``): several neighbouring cells and
   anchors see the same object. Keep the best-scoring box, drop every box whose intersection
   over union with it exceeds 0.5 (``iou``), repeat.

``yolo_eval`` chains both (with the corner conversion and the scaling to pixels); the tests
check all four against the course's printed values, and this lesson records one of them.

**Data.** The course uses a YOLOv2 pretrained on COCO and photos from a car's camera; neither
can be had offline. This lesson trains a detector from scratch on generated scenes
(``tfcourse.data.scenes.detection_scenes``): 64 × 64 crops of the two photographs that
scikit-learn ships (a temple, a flower) with 1-3 objects — rectangles, discs and triangles of
random colour, size and aspect ratio — and their boxes; the test scenes are generated with
another seed (held out). ``--data yolo_folder --data-path DIR`` trains on your own images
instead (YOLO label files beside them; see ``load_detection_folder``).

**Anchors** are chosen as in YOLOv2: k-means on the training boxes' (w, h) with 1 − IoU as the
distance (``kmeans_anchors``); the lesson records their mean best IoU with the boxes. Each
training box is assigned to the cell holding its centre and to its best-fitting anchor
(``encode_targets``); the network (``tiny_yolo``: four CONV-BN-LeakyReLU blocks, 64 → 8 grid, the
``YoloHead`` layer's sigmoid/exp decoding) is trained with ``YoloLoss`` (sum-squared box
errors in cell units and on square-rooted sizes, logistic objectness, softmax classes).

**Scoring.** Mean average precision at IoU 0.5 (PASCAL VOC): per class, rank all detections by
score; a detection is a true positive if it overlaps a not-yet-found object of its class by
IoU ≥ 0.5, else a false positive — a second box on an already found object included. The area
under the interpolated precision-recall curve is the AP; mAP averages over classes. The
detections are scored twice, at a low score threshold (0.05, as detection benchmarks do):
with NMS (``map50``) and without (``map50_without_nms``: every box above the threshold). The
duplicates NMS removes are false positives, so it raises precision (recorded at that
threshold: ``precision``, ``precision_without_nms``) and the mAP. The loss already pushes the
anchors that are not responsible for an object toward p_c = 0, so the duplicates mostly have
low scores: the precision gap is large, the mAP gap smaller.

Outputs: ``detections.png`` (held-out scenes: ground truth dashed, detections without and with
NMS), ``precision_recall.png``, ``learning_curves.png``, ``results.json``, TensorBoard logs,
``<out>/detector.weights.h5`` (``--weights-path`` loads such a file and skips training), and
the detector exported to ``saved_models/c4w3_object_detection/`` (input: images
``(batch, 64, 64, 3)`` in [0, 1]; output: the decoded head ``(batch, 8, 8, A, 5 + C)``).
"""
from pathlib import Path

import keras
import numpy as np

from tfcourse import detection, plots
from tfcourse.data import scenes
from tfcourse.errors import UsageError

from tfcourse.lesson import Lesson, int_arg
from tfcourse.losses import YoloLoss

SIZE = 64  # image side in pixels; the grid is SIZE / 8
ANCHORS = 3  # k in k-means
TRAIN_SCENES, FAST_TRAIN_SCENES = 4000, 96
TEST_SCENES, FAST_TEST_SCENES = 400, 32
LEARNING_RATE = 3e-3  # Adam; batch normalisation keeps this stable
BATCH_SIZE = 16  # small batches: more updates from the same scenes
MAP_SCORE_THRESHOLD = 0.05  # low, as benchmarks score mAP: the PR curve needs the weak boxes too
SHOW_SCORE_THRESHOLD = 0.3  # the boxes drawn in detections.png
MAX_BOXES = 10  # the course's max_boxes
IOU_THRESHOLD = 0.5  # the course's NMS threshold, and VOC's for a true positive
# The course's yolo_eval test: its scores[2] on tf.random.normal inputs (seed 10, then 1)
COURSE_YOLO_EVAL_SCORE = 171.60194


def add_arguments(parser):
    parser.add_argument("--scenes", type=int_arg(8), default=None,
                        help=f"generated training scenes (default {TRAIN_SCENES}; "
                             f"{FAST_TRAIN_SCENES} with --fast)")
    parser.add_argument("--weights-path", type=Path, default=None,
                        help="a .weights.h5 file of this lesson's detector (<out>/detector."
                             "weights.h5 of an earlier run with the same data and --seed: the "
                             "anchors come from the data): load it, no training")


def course_yolo_eval_score():
    """The course's yolo_eval test input, through tfcourse.detection.yolo_eval: scores[2]."""
    import tensorflow as tf

    tf.random.set_seed(10)
    outputs = (tf.random.normal([19, 19, 5, 2], mean=1, stddev=4, seed=1),
               tf.random.normal([19, 19, 5, 2], mean=1, stddev=4, seed=1),
               tf.random.normal([19, 19, 5, 1], mean=1, stddev=4, seed=1),
               tf.random.normal([19, 19, 5, 80], mean=1, stddev=4, seed=1))
    scores, _, _ = detection.yolo_eval(outputs)
    return float(scores[2])


def load_data(ctx):
    if ctx.data == "scenes":
        if ctx.data_path is not None:
            raise UsageError("--data scenes is generated and takes no --data-path; use "
                             "--data yolo_folder --data-path DIR for your own images")
        n_train = ctx.args.scenes or (FAST_TRAIN_SCENES if ctx.fast else TRAIN_SCENES)
        n_test = FAST_TEST_SCENES if ctx.fast else TEST_SCENES
        train = scenes.detection_scenes(n_train, SIZE, seed=ctx.seed)
        test = scenes.detection_scenes(n_test, SIZE, seed=ctx.seed + 10_000)  # held out
        return train, test
    if ctx.data_path is None:
        raise UsageError("--data yolo_folder needs --data-path DIR (images with YOLO .txt labels)")
    everything = scenes.load_detection_folder(ctx.data_path, SIZE)
    if len(everything) < 2:
        raise UsageError(f"--data-path {ctx.data_path}: at least 2 labelled images are needed "
                         f"(a training and a test one)")
    n_test = max(1, len(everything) // 5)
    return everything.subset(n_test, len(everything)), everything.subset(0, n_test)


def run(ctx):
    ## Data: generated scenes (or a folder of labelled images)
    train, test = load_data(ctx)
    classes = train.class_names

    ## The course's pipeline on its own test input
    ctx.section("The course's yolo_eval on its test input")
    score = course_yolo_eval_score()
    ctx.record("course_yolo_eval_score_2", score, course=COURSE_YOLO_EVAL_SCORE)
    ctx.log(f"scores[2] = {score:.5f} (course: {COURSE_YOLO_EVAL_SCORE})")
    ctx.section("Data")
    ctx.log(f"{len(train)} training and {len(test)} held-out images of {SIZE}x{SIZE}, "
            f"classes {', '.join(classes)}; {sum(len(b) for b in train.boxes)} training boxes")

    ## Anchors: k-means on the training boxes' sizes, distance 1 - IoU
    ctx.section(f"Anchors: k-means (k={ANCHORS}) on box sizes with 1 - IoU distance")
    wh = np.concatenate(train.boxes)[:, 2:]
    anchors = detection.kmeans_anchors(wh, min(ANCHORS, len(wh)), seed=ctx.seed)
    one_square = np.array([[np.sqrt(np.mean(wh[:, 0] * wh[:, 1]))] * 2])
    ctx.record("anchor_mean_iou", detection.mean_best_iou(wh, anchors))
    ctx.record("one_square_anchor_mean_iou", detection.mean_best_iou(wh, one_square))
    ctx.log("anchors (w, h) as fractions of the image: "
            + ", ".join(f"({w:.2f}, {h:.2f})" for w, h in anchors)
            + f"; mean best IoU {ctx.results['anchor_mean_iou']:.3f} (one square anchor: "
              f"{ctx.results['one_square_anchor_mean_iou']:.3f})")

    ## Targets and the detector
    model = detection.tiny_yolo((SIZE, SIZE, 3), anchors, len(classes))
    grid = tuple(int(d) for d in model.output.shape[1:3])

    def encode(data):  # (n, S, S, A, 5 + C): each box in its cell and best anchor
        return np.stack([detection.encode_targets(b, c, anchors, grid, len(classes))
                         for b, c in zip(data.boxes, data.classes)])
    y_train, y_test = encode(train), encode(test)
    ctx.section(f"Training a tiny YOLO: grid {grid[0]}x{grid[1]}, {len(anchors)} anchors, "
                f"{model.count_params():,} parameters")
    if ctx.args.weights_path is not None:
        if not ctx.args.weights_path.is_file():
            raise UsageError(f"--weights-path {ctx.args.weights_path}: no such file")
        try:
            model.load_weights(ctx.args.weights_path)
        except (ValueError, OSError) as exc:
            raise UsageError(f"--weights-path {ctx.args.weights_path}: not weights of this "
                             f"detector ({str(exc).splitlines()[0]})") from None
        ctx.log(f"weights loaded from {ctx.args.weights_path}; no training")
    else:
        model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=YoloLoss())
        history = model.fit(train.images, y_train, batch_size=BATCH_SIZE, epochs=ctx.epochs,
                            validation_data=(test.images, y_test), verbose=0,
                            callbacks=ctx.callbacks("yolo")).history
        ctx.record("final_train_loss", history["loss"][-1])
        plots.learning_curves({"tiny YOLO": history}, ctx.path("learning_curves.png"),
                              title="YOLO loss (solid: train, dashed: held-out scenes)")
        model.save_weights(ctx.path("detector.weights.h5"))

    ## Filtering and non-max suppression, scored by mAP@0.5
    ctx.section("Held-out scenes: score filtering, then non-max suppression")
    head = model.predict(test.images, verbose=0)
    truth = [(detection.centre_to_corners(b, (SIZE, SIZE)), c)
             for b, c in zip(test.boxes, test.classes)]
    kwargs = dict(image_shape=(SIZE, SIZE), max_boxes=MAX_BOXES,
                  score_threshold=MAP_SCORE_THRESHOLD, iou_threshold=IOU_THRESHOLD)
    with_nms = detection.detect(head, **kwargs)
    without_nms = detection.detect(head, **kwargs, nms=False)
    map_nms, per_class = detection.mean_average_precision(with_nms, truth, len(classes))
    map_raw, per_class_raw = detection.mean_average_precision(without_nms, truth, len(classes))
    precision, recall = detection.precision_at(with_nms, truth, len(classes))
    precision_raw, recall_raw = detection.precision_at(without_nms, truth, len(classes))
    ctx.record("map50", map_nms)
    ctx.record("map50_without_nms", map_raw)
    ctx.record("precision", precision)
    ctx.record("precision_without_nms", precision_raw)
    ctx.record("recall", recall)
    ctx.record("recall_without_nms", recall_raw)
    ctx.record("boxes_per_image", float(np.mean([len(d[1]) for d in with_nms])))
    ctx.record("boxes_per_image_without_nms", float(np.mean([len(d[1]) for d in without_nms])))
    for c, stats in per_class.items():
        ctx.record(f"ap50_{classes[c]}", stats["ap"])
    ctx.log(f"score >= {MAP_SCORE_THRESHOLD}: {ctx.results['boxes_per_image_without_nms']:.1f} "
            f"boxes per image, precision {precision_raw:.3f}, recall {recall_raw:.3f}, "
            f"mAP@0.5 {map_raw:.3f}")
    ctx.log(f"then NMS (IoU > {IOU_THRESHOLD}): {ctx.results['boxes_per_image']:.1f} boxes per "
            f"image, precision {precision:.3f}, recall {recall:.3f}, mAP@0.5 {map_nms:.3f}")
    ctx.log("AP@0.5 per class: " + ", ".join(f"{classes[c]} {s['ap']:.3f}"
                                            for c, s in per_class.items()))
    plots.precision_recall_curves(
        {**{f"{classes[c]} (AP {s['ap']:.2f})": (s["recall"], s["precision"])
            for c, s in per_class.items()},
         **{f"{classes[c]}, no NMS (AP {s['ap']:.2f})": (s["recall"], s["precision"])
            for c, s in per_class_raw.items()}},
        ctx.path("precision_recall.png"),
        linestyle=lambda label: "--" if "no NMS" in label else "-",
        title=f"Held-out scenes, IoU 0.5: mAP {map_nms:.2f} with NMS, {map_raw:.2f} without")

    ## The course's "Found N boxes" on one image, and the figure
    shown = dict(kwargs, score_threshold=SHOW_SCORE_THRESHOLD)
    found = detection.detect(head[:4], **shown)
    raw = detection.detect(head[:4], **shown, nms=False)
    ctx.record("boxes_found_example", int(len(found[0][1])))
    ctx.record("boxes_true_example", int(len(test.boxes[0])))
    ctx.log(f"held-out image 0: found {len(found[0][1])} boxes with score >= "
            f"{SHOW_SCORE_THRESHOLD} ({len(raw[0][1])} before NMS; {len(test.boxes[0])} objects)")
    panels = []
    for i in range(len(found)):
        panels += [(f"truth ({len(truth[i][1])})", test.images[i], truth[i][0], truth[i][1], None),
                   (f"no NMS ({len(raw[i][1])} boxes)", test.images[i], raw[i][0], raw[i][2],
                    raw[i][1]),
                   (f"NMS ({len(found[i][1])} boxes)", test.images[i], found[i][0], found[i][2],
                    found[i][1])]
    plots.detections(panels, ctx.path("detections.png"), classes, columns=3,
                     title=f"Held-out scenes: boxes with score >= {SHOW_SCORE_THRESHOLD}, "
                           f"before and after non-max suppression")

    ## Export: images in, the decoded YOLO head out
    ctx.export(model, test.images[:16])


LESSON = Lesson(__file__, __doc__, run, epochs=6, fast_epochs=1,
                data=("scenes", "yolo_folder"), add_arguments=add_arguments,
                epochs_help="training epochs (mini-batches of 16)",
                keys=("map50", "map50_without_nms", "boxes_found_example"))

if __name__ == "__main__":
    LESSON.cli()
