"""Residual networks against plain deep networks, data augmentation and transfer learning (Course 4, week 2).

In theory a deeper network can only do better on its training set: the extra layers could learn
the identity. In practice a deep "plain" stack of convolutions is hard to optimize — gradients
shrink or blow up on the long path — and its training error gets *worse* as it gets deeper.
A residual block adds its input back before the last activation,

    a[l+2] = g(z[l+2] + a[l]),

so that with small weights the block is close to the identity and every block only has to
learn a correction. The course builds ResNet-50 from two such blocks
(``tfcourse.layers.IdentityBlock`` and ``ConvolutionalBlock``):

- the identity block: CONV 1×1 → BN → ReLU → CONV f×f → BN → ReLU → CONV 1×1 → BN, + input, ReLU;
- the convolutional block: the same main path with stride s, and a shortcut CONV 1×1 (stride s)
  → BN that resizes the input.

This lesson has three parts.

1. **ResNet against the same depth without skip connections.** A small ResNet (a 3×3 stem,
   two stages of five bottleneck blocks, global average pooling, softmax: 32 weight layers on
   the path from input to output) and its plain twin — the very same blocks with
   ``residual=False``, i.e. without the shortcuts — are trained identically. The learning curves
   (``residual_vs_plain.png``) show the plain network's trouble: its training loss falls far
   more slowly. The course trains ResNet-50 on SIGNS (64×64×3 photos of hands, 6 classes: test
   accuracy above 0.70 after 10 epochs, 0.95 fully trained); SIGNS cannot be had offline, so
   this lesson uses scikit-learn's shipped 8×8 handwritten digits (1797 images, 10 classes,
   60/20/20 split), small enough to train 32-layer networks on a CPU in minutes.
2. **Data augmentation** with Keras preprocessing layers: ``RandomTranslation`` (±1 pixel),
   ``RandomRotation`` (±10°) and ``RandomZoom`` (±10 %), with
   zeros filling the border as the digits' background. They change every training image at
   every epoch and do nothing in ``predict``/``evaluate``; ``augmentation.png`` shows what the
   network sees. A harder training task needs more epochs to pay off: compare the dev curves
   in ``augmentation_curves.png``. On 8×8 images the layers' default bilinear interpolation
   also blurs every shifted or rotated digit, so the network trains on blurrier digits than it
   is tested on — at 12 epochs augmentation does not help here (see the results). One trap: these layers' ``call`` defaults to
   ``training=True``, and ``model.export`` traces ``model(x)`` without a ``training`` argument,
   so a plain SavedModel of the augmented model would *augment at serving time*;
   ``tfcourse.export.export_model`` pins its ``serve`` endpoint to ``training=False``, so the
   augmented model is exported as it is and serves what ``predict`` computes.
3. **Transfer learning** from a network this lesson trained and exported itself (no download):
   a ResNet is trained on the digits 0–4 (``tfcourse.data.digits_transfer_split``), exported
   with ``tfcourse.transfer.export_and_reload`` under the output folder and loaded back; its
   convolutional base is frozen and a new softmax head is trained on the digits 5–9 from only a
   few labelled images per class (the course: MobileNetV2
   pretrained on ImageNet, a new head for alpacas, 0.88 with the base frozen, ~0.98 after
   fine-tuning the top layers at a tenth of the learning rate). The same network trained from
   scratch on the same few images is the baseline; then the last stage is fine-tuned.

BatchNormalization uses momentum 0.9 rather than Keras's 0.99: with ~17 mini-batches per epoch,
0.99 makes the moving averages used at inference lag the weights by several epochs (the dev
accuracy then trails the training accuracy for no reason but stale statistics).

Outputs: ``residual_vs_plain.png``, ``augmentation.png``, ``augmentation_curves.png``,
``transfer_curves.png``, ``results.json``, TensorBoard logs, the pretrained 0–4 network under
``<out>/pretrained/``, and the augmented ResNet exported to
``saved_models/c4w2_residual_networks/`` (its ``serve`` endpoint in inference mode: no
augmentation).
"""
import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.lesson import Lesson, int_arg
from tfcourse.metrics import accuracy
from tfcourse.resnet import small_resnet, weight_layer_depth
from tfcourse.transfer import export_and_reload, new_head, unfreeze

STAGES = ((8, 8, 32), (16, 16, 64))  # (F1, F2, F3) per stage; ResNet-50's are 8-32× wider
BLOCKS_PER_STAGE = 5  # 2 + 2·5·3 = 32 weight layers; --fast uses 1 (8 layers)
BN_MOMENTUM = 0.9  # see the docstring: few steps per epoch
LEARNING_RATE = 1e-3  # Adam
# A new head on frozen features trains a single layer from 50 images: the base's rate leaves it
# undertrained in the epochs given, ten times that converges.
HEAD_LEARNING_RATE = 1e-2
BATCH_SIZE = 64
SHOTS = 10  # labelled images per class for the new task (digits 5-9)
HEAD_EPOCHS_FACTOR = 10  # the new head sees only 50 images (one batch) per epoch
COURSE = {"resnet_test_accuracy": 0.95, "transfer_test_accuracy": 0.88}  # SIGNS / alpacas


def augmentation(seed):
    """Random translation (±1 pixel), rotation (±10°) and zoom (±10 %), zero-filled borders."""
    L = keras.layers
    return [
        L.RandomTranslation(0.125, 0.125, fill_mode="constant", seed=seed, name="translate"),
        L.RandomRotation(10 / 360, fill_mode="constant", seed=seed + 1, name="rotate"),
        L.RandomZoom(0.1, fill_mode="constant", seed=seed + 2, name="zoom"),
    ]


def compile_model(model, learning_rate=LEARNING_RATE):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def add_arguments(parser):
    parser.add_argument("--blocks-per-stage", type=int_arg(1), default=None,
                        help=f"residual blocks in each of the two stages (default "
                             f"{BLOCKS_PER_STAGE}; 1 with --fast): depth = 2 + 6 × this")


def run(ctx):
    blocks = ctx.args.blocks_per_stage or (1 if ctx.fast else BLOCKS_PER_STAGE)
    ds = data.load_digits(flatten=False, seed=ctx.seed)  # (m, 8, 8, 1) in [0, 1]
    ctx.log(ds.summary())
    shape = ds.x_train.shape[1:]

    def build(num_classes=10, residual=True, preprocessing=()):
        return compile_model(small_resnet(shape, num_classes, STAGES, blocks, residual=residual,
                                          bn_momentum=BN_MOMENTUM, preprocessing=preprocessing))

    def train(model, x, y, validation, run_name, epochs=None, batch_size=BATCH_SIZE):
        return model.fit(x, y, batch_size=batch_size, epochs=epochs or ctx.epochs,
                         validation_data=validation, verbose=0,
                         callbacks=ctx.callbacks(run_name)).history

    ## Part 1: a ResNet against the same depth without skip connections
    resnet, plain = build(residual=True), build(residual=False)
    depth = weight_layer_depth(resnet)
    assert depth == weight_layer_depth(plain)
    ctx.section(f"ResNet vs plain network, both {depth} weight layers deep")
    curves = {}
    for name, model in (("ResNet", resnet), ("plain", plain)):
        history = train(model, ds.x_train, ds.y_train, (ds.x_dev, ds.y_dev), name.lower())
        curves[f"{name}, {depth} layers"] = history
        key = "resnet" if name == "ResNet" else "plain"
        test_acc = accuracy(model, ds.x_test, ds.y_test)
        ctx.record(f"{key}_final_train_loss", history["loss"][-1])
        ctx.record(f"{key}_train_accuracy", accuracy(model, ds.x_train, ds.y_train))
        ctx.record(f"{key}_test_accuracy", test_acc, course=COURSE.get(f"{key}_test_accuracy"))
        ctx.log(f"{name:>6}: train loss {history['loss'][0]:.3f} -> {history['loss'][-1]:.3f}, "
                f"train accuracy {ctx.results[f'{key}_train_accuracy']:.3f}, "
                f"test accuracy {test_acc:.3f}")
    ctx.record("depth", depth)
    plots.learning_curves(curves, ctx.path("residual_vs_plain.png"), metrics=("loss", "accuracy"),
                          logy=False, title=f"Same {depth}-layer network with and without skip "
                                            f"connections (solid: train, dashed: dev)")

    ## Part 2: data augmentation with Keras preprocessing layers
    ctx.section("ResNet with data augmentation (random translation, rotation, zoom)")
    layers = augmentation(ctx.seed)
    sample = ds.x_train[:8]
    shown = [(f"digit {ds.y_train[i]}", sample[i, :, :, 0]) for i in range(8)]
    augmented_sample = sample
    for _ in range(3):  # three random draws of the same eight digits
        augmented_sample = sample
        for layer in layers:
            augmented_sample = layer(augmented_sample, training=True)
        shown += [("augmented", np.asarray(augmented_sample)[i, :, :, 0]) for i in range(8)]
    plots.image_grid(shown, ctx.path("augmentation.png"),
                     "Top row: training digits. Below: what the augmented network sees",
                     vmin=0, vmax=1)
    augmented = build(preprocessing=augmentation(ctx.seed))
    history = train(augmented, ds.x_train, ds.y_train, (ds.x_dev, ds.y_dev), "augmented")
    ctx.record("augmented_test_accuracy", accuracy(augmented, ds.x_test, ds.y_test))
    ctx.log(f"test accuracy {ctx.results['augmented_test_accuracy']:.3f} "
            f"(without augmentation {ctx.results['resnet_test_accuracy']:.3f})")
    plots.learning_curves({"ResNet": curves[f"ResNet, {depth} layers"],
                           "ResNet + augmentation": history},
                          ctx.path("augmentation_curves.png"), metrics=("loss", "accuracy"),
                          title="ResNet with and without data augmentation "
                                "(solid: train, dashed: dev)")

    ## Part 3: transfer learning — pretrain on digits 0-4, export, reload
    ctx.section("Transfer learning: digits 0-4 -> digits 5-9")
    # task A: every image of 0-4; task B: SHOTS training images of each of 5-9 (labels 0-4),
    # drawn with NumPy's default_rng of this seed
    tasks = data.digits_transfer_split(ds, SHOTS, np.random.default_rng(ctx.seed))
    source = build(num_classes=5)
    train(source, *tasks.a_train, tasks.a_dev, "pretrain_0_4")
    ctx.record("pretrained_test_accuracy_0_4",
               accuracy(source, ds.x_test[ds.y_test < 5], ds.y_test[ds.y_test < 5]))
    saved, reloaded = export_and_reload(source, "digits_0_4", ctx.path("pretrained"))
    ctx.log(f"pretrained on {len(tasks.a_train[0])} images of 0-4: test accuracy "
            f"{ctx.results['pretrained_test_accuracy_0_4']:.3f}; exported to {saved}/ and "
            f"{saved}.keras")

    ## Part 3: a new head on digits 5-9, from a few labelled images
    (x_few, y_few), new_dev, (x_new_test, y_new_test) = tasks.b_train, tasks.b_dev, tasks.b_test
    head_epochs = HEAD_EPOCHS_FACTOR * ctx.epochs

    # the base up to its pooled features, frozen (its BatchNormalization layers stay in
    # inference mode), under a new softmax head
    transfer, base = new_head(reloaded, "features", 5, name="transfer", input_name="image")
    compile_model(transfer, HEAD_LEARNING_RATE)
    transfer_curves = {"frozen base + new head": train(transfer, x_few, y_few, new_dev,
                                                       "transfer_head", head_epochs)}
    ctx.record("transfer_test_accuracy", accuracy(transfer, x_new_test, y_new_test),
               course=COURSE["transfer_test_accuracy"])
    ctx.log(f"frozen base, new head, {len(x_few)} images: test accuracy "
            f"{ctx.results['transfer_test_accuracy']:.3f}")

    ## Part 3: fine-tune the last stage at a tenth of the learning rate
    # The last stage's BatchNormalization layers become trainable too, and in Keras 3 they then
    # train in training mode (batch statistics of the 50 images) despite the base being called
    # with training=False: see tfcourse.transfer.new_head. The measured results include this.
    unfreeze(base, "stage2")
    compile_model(transfer, LEARNING_RATE / 10)  # the course: a tenth of the base's rate
    transfer_curves["fine-tuned last stage"] = train(transfer, x_few, y_few, new_dev,
                                                     "transfer_finetune", head_epochs)
    ctx.record("finetuned_test_accuracy", accuracy(transfer, x_new_test, y_new_test))
    ctx.log(f"last stage fine-tuned at lr/10: test accuracy "
            f"{ctx.results['finetuned_test_accuracy']:.3f}")

    ## Part 3: the same network from scratch on the same few images
    scratch = build(num_classes=5)
    transfer_curves["from scratch"] = train(scratch, x_few, y_few, new_dev, "scratch",
                                            head_epochs)
    ctx.record("scratch_test_accuracy", accuracy(scratch, x_new_test, y_new_test))
    ctx.log(f"same network from scratch, {len(x_few)} images: test accuracy "
            f"{ctx.results['scratch_test_accuracy']:.3f}")
    plots.learning_curves(transfer_curves, ctx.path("transfer_curves.png"),
                          metrics=("loss", "accuracy"),
                          title=f"Digits 5-9 from {SHOTS} images per class "
                                f"(solid: train, dashed: dev)")

    ## Export: the augmented model (export_model serves it in inference mode: no augmentation)
    ctx.export(augmented, ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=12, fast_epochs=1, add_arguments=add_arguments,
                epochs_help="training epochs (mini-batches of 64; the new head gets 10x)",
                keys=("resnet_test_accuracy", "plain_test_accuracy", "transfer_test_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
