"""Transfer learning: pretrain on digits 0–4, export, fine-tune on a few examples of each of 5–9 (Course 3, week 2).

Transfer learning takes what a network learned on task A (lots of data) to task B (little
data): keep the early layers — their low-level features (strokes, edges, curves) are useful for
both — replace the output layer, and train on B. The course's recipe: with very little data,
freeze the pretrained layers and train only the new head; with more, also fine-tune the last
layers (at a lower learning rate, so as not to wreck what was learned). It makes sense when A
and B have the same kind of input, A has much more data than B, and A's low-level features
help B.

Data: scikit-learn's 8×8 digits (embedded), as images. Task A: digits 0–4 (every training
image of them, about 540). Task B: digits 5–9 with only 2 training images per class (10 in
all; ``--per-class``); B's dev images of 5–9 steer early stopping and its test images of 5–9
(180) give the scores. Why so few: 8×8 digits are easy. With 20 images per class this small
ConvNet trained from scratch already reaches about 98 % on 5–9, and with 5 per class about 94 %,
as well as the transferred models (measured, seed 1) — transfer has nothing left to add. Only
in the very-few-data regime does the pretrained base pay off, and there by a few test images
(see the README's table): the course's "transfer helps when B has little data" holds, with a
margin this small data set cannot make large.

Steps:

1. Pretrain a small ConvNet on A (conv 3×3×16 → conv 3×3×32 → max-pool → dense 64 → softmax 5).
2. Export it with :func:`tfcourse.transfer.export_and_reload` to ``<out>/pretrained/`` (a
   SavedModel and a ``.keras`` file) and load the ``.keras`` file back: the pretrained network is
   a file, as it would be when downloaded.
3. *Frozen*: the loaded convolutional base (up to the flattened conv features — the general,
   low-level part; the dense layer is specific to 0–4) with ``trainable = False`` and a new
   softmax head for 5–9 (:func:`tfcourse.transfer.new_head`), trained with Adam (1e-3).
4. *Fine-tuned*: from the frozen model, unfreeze the last conv layer
   (:func:`tfcourse.transfer.unfreeze`) and train on at a ten times lower rate (1e-4).
5. *Scratch*: the same architecture, randomly initialised, trained on the same images.

Every fit uses ``EarlyStopping`` on B's dev loss (best weights restored).

Outputs: ``learning_curves_*.png``, ``transfer.png`` (test accuracy of the three),
``results.json`` with ``scratch_test_accuracy``, ``frozen_test_accuracy``,
``finetuned_test_accuracy`` (and the pretraining accuracy on A), TensorBoard logs, and the
fine-tuned model exported.
"""
import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.callbacks import LearningCurves
from tfcourse.lesson import Lesson, int_arg
from tfcourse.metrics import accuracy
from tfcourse.transfer import export_and_reload, new_head, unfreeze

PER_CLASS = 2  # task B's training images per class (--per-class)
TASK_A, TASK_B = (0, 1, 2, 3, 4), (5, 6, 7, 8, 9)


def convnet(name):
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv_1"),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="conv_2"),
        keras.layers.MaxPooling2D(2, name="pool"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(64, activation="relu", name="features"),
        keras.layers.Dense(5, activation="softmax", name="head"),
    ], name=name)


def compile_(model, lr):
    model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def run(ctx):
    ## Data: task A (0–4, all of it) and task B (5–9, a few per class)
    ds = data.load_digits(seed=ctx.seed, flatten=False)
    per_class = ctx.args.per_class
    # labels 0..4 in each task; B's few images drawn with the legacy RandomState of this seed
    tasks = data.digits_transfer_split(ds, per_class, np.random.RandomState(ctx.seed),
                                       TASK_A, TASK_B)
    a_train, a_test = tasks.a_train, tasks.a_test
    b_train, b_dev, b_test = tasks.b_train, tasks.b_dev, tasks.b_test
    ctx.log(f"task A (0-4): train {len(a_train[0])}; task B (5-9): train {len(b_train[0])}, "
            f"dev {len(b_dev[0])}, test {len(b_test[0])}")

    def fit(model, train, name, epochs, patience=15):
        stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                             restore_best_weights=True)
        curves = LearningCurves(ctx.path(f"learning_curves_{name}.png"), every=epochs,
                                title=f"{name}: train (solid), dev (dashed)")
        model.fit(*train, batch_size=32, epochs=epochs, verbose=0, validation_data=b_dev
                  if name != "pretrain" else a_test,
                  callbacks=[stop, curves, *ctx.callbacks(name)])
        return model

    ## 1. Pretrain on task A
    ctx.section("Pretraining on digits 0-4")
    pretrained = fit(compile_(convnet("pretrained_digits_0_4"), 1e-3), a_train, "pretrain",
                     ctx.epochs)
    acc_a = accuracy(pretrained, *a_test)
    ctx.record("pretrain_task_a_test_accuracy", acc_a)
    ctx.log(f"task A test accuracy {acc_a:.3f}")

    ## 2. Export, and load the exported network back
    path, loaded = export_and_reload(pretrained, "pretrained_digits_0_4", ctx.path("pretrained"))
    ctx.log(f"exported to {path}/ and reloaded {path.name}.keras")

    ## 3. Frozen base, new head
    ctx.section("Frozen pretrained conv base + new softmax head")
    frozen, base = new_head(loaded, "flatten", 5, name="frozen")
    frozen = fit(compile_(frozen, 1e-3), b_train, "frozen", ctx.epochs)
    ctx.record("frozen_test_accuracy", accuracy(frozen, *b_test))

    ## 4. Fine-tune the last layers at a lower rate
    ctx.section("Fine-tuning the last conv layer at 1e-4")
    unfreeze(base, "conv_2")
    finetuned = fit(compile_(frozen, 1e-4), b_train, "finetuned", ctx.epochs)
    ctx.record("finetuned_test_accuracy", accuracy(finetuned, *b_test))

    ## 5. The same network from scratch on the same few images
    ctx.section(f"From scratch on the {len(b_train[0])} images")
    scratch = fit(compile_(convnet("scratch"), 1e-3), b_train, "scratch", ctx.epochs)
    ctx.record("scratch_test_accuracy", accuracy(scratch, *b_test))

    ## Summary
    ctx.section("Task B test accuracy")
    for key in ("scratch", "frozen", "finetuned"):
        ctx.log(f"{key:<10} {ctx.results[f'{key}_test_accuracy']:.3f}")
    plots.bars({k: ctx.results[f"{k}_test_accuracy"] for k in ("scratch", "frozen", "finetuned")},
               ctx.path("transfer.png"), ylabel="test accuracy on digits 5-9",
               title=f"{per_class} images per class: scratch vs transfer")

    ctx.export(finetuned, b_test[0][:32])


def add_arguments(parser):
    parser.add_argument("--per-class", type=int_arg(1, 40), default=PER_CLASS, metavar="N",
                        help=f"task B training images per class, 1-40 (default {PER_CLASS})")


LESSON = Lesson(__file__, __doc__, run, epochs=50, fast_epochs=2, add_arguments=add_arguments,
                keys=("scratch_test_accuracy", "frozen_test_accuracy", "finetuned_test_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
