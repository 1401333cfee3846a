"""The course's U-Net labels every pixel of road-like scenes; without its skip connections it loses the thin and small things (Course 4, week 3).

Semantic segmentation assigns a class to every pixel. A plain convolutional network shrinks
the image as it goes deeper; U-Net (Ronneberger et al., 2015) adds a decoder that grows it
back with transposed convolutions, and **skip connections** that hand each decoder step the
encoder's feature map of the same resolution (``concatenate([up, contractive_input])``), so
that the fine detail lost by the poolings comes back where the boundaries are drawn.

The course's network (``tfcourse.segmentation.unet_model``): four ``conv_block``s (two 3×3 ReLU
convolutions, He normal, 2×2 max pooling; filters ×1, ×2, ×4, ×8, dropout 0.3 on the fourth), a
bottleneck (×16), four ``upsampling_block``s (3×3 stride-2 transposed convolution,
concatenation, two convolutions), a 3×3 and a 1×1 convolution to one logit per class per pixel,
trained with sparse categorical cross-entropy on the logits, as the course does. At the course's
size (96 × 128 × 3, 32 filters, 23 CARLA classes) it has 8,640,471 parameters (tested); here the
images are 64 × 64 and ``n_filters`` is 8, so that two U-Nets train on a CPU in minutes.

**Data.** The course's CARLA frames cannot be had offline. ``tfcourse.data.scenes.road_scenes``
generates road-like frames with exact per-pixel labels: sky, "other" (buildings and roadside,
crops of the two photographs that scikit-learn ships), road, **lane markings** (dashed lines one
to two pixels wide: the thin class), vehicles, and **pedestrians** (a few pixels each, in about a
third of the frames: the rare class). ``--data carla --data-path DIR`` uses the course's layout
instead (``DIR/CameraRGB/*.png`` and ``DIR/CameraMask/*.png``, the class id in the mask).

**Scores.** Pixel accuracy is dominated by the large classes (sky, road, roadside): a network
that never finds a lane line loses 2 % of it. The intersection over union of each class,
TP / (TP + FP + FN) over pixels, and their mean over classes (``mean_iou``, equal to
``keras.metrics.MeanIoU``) weigh every class the same.

**The ablation.** The same U-Net without its skip connections (``unet_model(skips=False)``),
trained identically: its decoder must rebuild the masks from the 4 × 4 bottleneck alone.
Lane markings and pedestrians, thinner than a bottleneck cell, suffer most, and so do all the
boundaries (``masks.png``): the skip connections raise the mean IoU well above what the pixel
accuracy suggests. The rare class stays hard even with them: pedestrians are 0.2 % of the
pixels, and an unweighted cross-entropy (the course's) gains little by finding them (their IoU
is about 0.1 after the full run; weighting the loss by inverse class frequency is the usual
remedy, not done here).

Outputs: ``masks.png`` (held-out frames: truth, U-Net, U-Net without skips),
``learning_curves.png``, ``results.json`` (per-class IoU of both networks included),
TensorBoard logs, and the U-Net exported to ``saved_models/c4w3_image_segmentation/`` (input:
images ``(batch, 64, 64, 3)`` in [0, 1]; output: logits ``(batch, 64, 64, classes)``).
"""
import keras
import numpy as np

from tfcourse import plots, segmentation
from tfcourse.data import scenes
from tfcourse.errors import UsageError
from tfcourse.lesson import Lesson, int_arg

SIZE = (64, 64)  # multiples of 16: the U-Net pools four times
N_FILTERS = 8  # the course's default is 32 (at 96 x 128)
TRAIN_SCENES, FAST_TRAIN_SCENES = 1500, 32
TEST_SCENES, FAST_TEST_SCENES = 200, 8
BATCH_SIZE = 16  # small batches: more updates from the same frames
LEARNING_RATE = 2e-3  # Adam (the course: Adam's default 1e-3, for 40 epochs)


def add_arguments(parser):
    parser.add_argument("--scenes", type=int_arg(4), default=None,
                        help=f"generated training frames (default {TRAIN_SCENES}; "
                             f"{FAST_TRAIN_SCENES} with --fast)")


def load_data(ctx):
    if ctx.data == "scenes":
        if ctx.data_path is not None:
            raise UsageError("--data scenes is generated and takes no --data-path; use "
                             "--data carla --data-path DIR for CameraRGB/ + CameraMask/")
        n_train = ctx.args.scenes or (FAST_TRAIN_SCENES if ctx.fast else TRAIN_SCENES)
        n_test = FAST_TEST_SCENES if ctx.fast else TEST_SCENES
        return (scenes.road_scenes(n_train, SIZE, seed=ctx.seed),
                scenes.road_scenes(n_test, SIZE, seed=ctx.seed + 10_000))  # held out
    if ctx.data_path is None:
        raise UsageError("--data carla needs --data-path DIR (with CameraRGB/ and CameraMask/)")
    everything = scenes.load_segmentation_folder(ctx.data_path, SIZE)
    if len(everything) < 2:
        raise UsageError(f"--data-path {ctx.data_path}: at least 2 frames are needed")
    n_test = max(1, len(everything) // 5)
    names = everything.class_names
    return (scenes.SegmentationScenes(everything.images[n_test:], everything.masks[n_test:], names),
            scenes.SegmentationScenes(everything.images[:n_test], everything.masks[:n_test], names))


def run(ctx):
    train, test = load_data(ctx)
    names = train.class_names
    n_classes = len(names)
    shares = np.bincount(train.masks.ravel(), minlength=n_classes) / train.masks.size
    ctx.log(f"{len(train)} training and {len(test)} held-out frames of {SIZE[0]}x{SIZE[1]}; "
            "pixel shares: " + ", ".join(f"{n} {s:.1%}" for n, s in zip(names, shares)))

    predictions, curves = {}, {}
    models = {}
    for key, skips in (("unet", True), ("no_skips", False)):
        label = "U-Net" if skips else "U-Net without skips"
        ctx.section(f"{label}: {N_FILTERS} filters at the top, {n_classes} classes")
        model = segmentation.unet_model((*SIZE, 3), N_FILTERS, n_classes, skips=skips)
        model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        # --fast skips the held-out curve: tracing a validation step is most of a smoke test
        validation = None if ctx.fast else (test.images, test.masks)
        curves[label] = model.fit(train.images, train.masks, batch_size=BATCH_SIZE,
                                  epochs=ctx.epochs, validation_data=validation,
                                  verbose=0, callbacks=ctx.callbacks(key)).history
        predicted = np.argmax(model.predict(test.images, verbose=0), axis=-1)
        predictions[label], models[key] = predicted, model
        suffix = "" if skips else "_without_skips"
        ctx.record(f"pixel_accuracy{suffix}", segmentation.pixel_accuracy(test.masks, predicted))
        ctx.record(f"mean_iou{suffix}", segmentation.mean_iou(test.masks, predicted, n_classes))
        per_class = segmentation.per_class_iou(test.masks, predicted, n_classes)
        for name, value in zip(names, per_class):
            if np.isfinite(value):
                ctx.record(f"iou_{name.replace(' ', '_')}{suffix}", float(value))
        ctx.log(f"held-out pixel accuracy {ctx.results[f'pixel_accuracy{suffix}']:.3f}, mean IoU "
                f"{ctx.results[f'mean_iou{suffix}']:.3f}; IoU per class: "
                + ", ".join(f"{n} {v:.2f}" for n, v in zip(names, per_class) if np.isfinite(v)))

    ctx.section("What the skip connections buy")
    ctx.log(f"mean IoU {ctx.results['mean_iou']:.3f} with skips, "
            f"{ctx.results['mean_iou_without_skips']:.3f} without; pixel accuracy "
            f"{ctx.results['pixel_accuracy']:.3f} and "
            f"{ctx.results['pixel_accuracy_without_skips']:.3f}")
    plots.learning_curves(curves, ctx.path("learning_curves.png"), metrics=("loss", "accuracy"),
                          title="U-Net with and without skip connections "
                                "(solid: train, dashed: held-out frames)")
    # the frames with the most lane-marking and pedestrian pixels show the difference best
    thin = np.argsort(-((test.masks == n_classes - 1).sum((1, 2)) * 10
                        + (test.masks == min(3, n_classes - 1)).sum((1, 2))))[:4]
    rows = [(test.images[i], [("truth", test.masks[i])]
             + [(label, predictions[label][i]) for label in predictions]) for i in thin]
    plots.segmentation_masks(rows, ctx.path("masks.png"), n_classes, names,
                             title="Held-out frames: the true labels and the two networks'")

    ## Export: the U-Net (images in, per-pixel logits out)
    ctx.export(models["unet"], test.images[:8])


LESSON = Lesson(__file__, __doc__, run, epochs=12, fast_epochs=1,
                data=("scenes", "carla"), add_arguments=add_arguments,
                epochs_help="training epochs of each network (mini-batches of 16)",
                keys=("pixel_accuracy", "mean_iou", "mean_iou_without_skips"))

if __name__ == "__main__":
    LESSON.cli()
