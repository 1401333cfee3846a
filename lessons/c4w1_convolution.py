"""Convolution and pooling by hand, then a small ConvNet against an MLP on digit images (Course 4, week 1).

A convolutional layer slides each of its n_C filters (f × f × n_C_prev weights and a bias) over
the zero-padded input with stride s; each output value is the sum of one window times the
filter, plus the bias (``conv_single_step``):

    Z[i, h, w, c] = Σ_{a, b, k} A_pad[i, h·s + a, w·s + b, k] · W[a, b, k, c] + b[c]

and each output dimension has size

    n_out = ⌊(n + 2p − f)/s⌋ + 1.

A pooling layer has the same windows but nothing to learn: it keeps the maximum (or the mean)
of each window, channel by channel. Because every output value sees only an f × f window and
every window uses the same weights (parameter sharing), a convolution has f·f·n_C_prev·n_C + n_C
parameters whatever the image size — far fewer than a dense layer on the same image.

Part 1 checks the hand-written forward passes (``tfcourse.convolution``: ``zero_pad``,
``conv_single_step``, ``conv_forward``, ``pool_forward``, written with ``keras.ops``) against
``keras.layers.Conv2D`` / ``MaxPooling2D`` / ``AveragePooling2D`` on random inputs with the same
random weights, for several filter sizes, strides and paddings. A symmetric padding p is Keras's
``ZeroPadding2D(p)`` before a ``"valid"`` convolution; Keras's ``"same"`` is compared only where it
is symmetric (stride 1 and odd f here: for an even f Keras puts the extra zero row at the bottom,
which no symmetric p reproduces). The largest absolute difference over all cases is recorded:
in float32 it is a rounding error at most (the tests require < 1e-5), and on a CPU often
exactly 0, when Keras's convolution adds up each window in the same order as the einsum.

Part 2 trains the course's kind of small ConvNet, CONV → ReLU → MAXPOOL → CONV → ReLU → MAXPOOL →
FLATTEN → softmax, against a multilayer perceptron with two hidden layers (the best plain
network of the earlier lessons) on the same images. The course does this on SIGNS (64×64×3
photos of hands, 6 classes, train 0.89 / val 0.82 in its notebook), which cannot be had
offline; here the images are scikit-learn's shipped 8×8 handwritten digits (1797 images,
10 classes, split 60/20/20 stratified) — small enough to train on a CPU in seconds, and still
images, where neighbouring pixels matter. The ConvNet's first-layer filters and the feature maps
they produce are plotted; the feature maps are computed twice — by the trained Keras layer and
by the hand-written ``conv_forward`` with the layer's weights — and that difference is part of
``conv_max_abs_difference`` too.

Outputs: ``learning_curves.png`` (ConvNet vs MLP, train and dev), ``filters.png`` (the first
layer's 3×3 filters), ``feature_maps.png`` (a test digit through the first layer),
``results.json``, TensorBoard logs, and the ConvNet exported to
``saved_models/c4w1_convolution/``.
"""
import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.convolution import conv_forward, conv_output_size, pool_forward
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy

# (f, stride, pad) for the convolution check; "same" cases are stride 1 with odd f
CONV_CASES = ((1, 1, 0), (3, 1, 0), (3, 1, 1), (3, 2, 1), (2, 2, 0), (4, 2, 1), (5, 1, 2),
              (3, 3, 2))
SAME_CASES = (3, 5)  # f, stride 1: Keras's "same" is the course's p = (f − 1)/2
POOL_CASES = ((2, 2), (3, 1), (3, 2), (2, 1))  # (f, stride)
LEARNING_RATE = 1e-3  # Adam, the course's optimizer for its ConvNet
BATCH_SIZE = 32
COURSE_CNN_VAL = 0.82  # the course's small ConvNet on SIGNS (val accuracy; different data)


def conv_net(input_shape, num_classes):
    """CONV 3×3 (16) → ReLU → MAXPOOL 2 → CONV 3×3 (32) → ReLU → MAXPOOL 2 → FLATTEN → softmax.

    The course's ``convolutional_model`` (CONV 4×4 ×8 → MAXPOOL 8 → CONV 2×2 ×16 → MAXPOOL 4 →
    softmax) is sized for 64×64 images; on 8×8 images 3×3 filters and 2×2 pools fit.
    """
    L = keras.layers
    return keras.Sequential([
        keras.Input(input_shape, name="image"),
        L.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),  # (8, 8, 16)
        L.MaxPooling2D(2, name="pool1"),  # (4, 4, 16)
        L.Conv2D(32, 3, padding="same", activation="relu", name="conv2"),  # (4, 4, 32)
        L.MaxPooling2D(2, name="pool2"),  # (2, 2, 32)
        L.Flatten(name="flatten"),  # (128,)
        L.Dense(num_classes, activation="softmax", name="softmax"),
    ], name="convnet")


def mlp(input_shape, num_classes):
    """FLATTEN → Dense 64 ReLU → Dense 32 ReLU → softmax: two hidden layers, no convolutions."""
    L = keras.layers
    return keras.Sequential([
        keras.Input(input_shape, name="image"),
        L.Flatten(name="flatten"),  # (64,)
        L.Dense(64, activation="relu", name="hidden1"),
        L.Dense(32, activation="relu", name="hidden2"),
        L.Dense(num_classes, activation="softmax", name="softmax"),
    ], name="mlp")


def keras_conv(x, W, b, stride, padding="valid", pad=0):
    """Keras's Conv2D (after ZeroPadding2D(pad) if pad > 0) with the weights W, b copied in."""
    layers = [keras.layers.ZeroPadding2D(pad)] if pad else []
    conv = keras.layers.Conv2D(W.shape[-1], W.shape[0], strides=stride, padding=padding)
    model = keras.Sequential([keras.Input(x.shape[1:]), *layers, conv])
    conv.set_weights([W, b])
    return np.asarray(model(x))


def run(ctx):
    rng = np.random.default_rng(ctx.seed)

    ## Part 1: the convolution forward pass by hand, against keras.layers.Conv2D
    ctx.section("Convolution forward pass: hand-written vs keras.layers.Conv2D")
    conv_diffs = []
    for f, stride, pad in CONV_CASES:
        x = rng.standard_normal((4, 8, 7, 3)).astype("float32")  # (m, n_H_prev, n_W_prev, n_C_prev)
        W = rng.standard_normal((f, f, 3, 8)).astype("float32")  # (f, f, n_C_prev, n_C)
        b = rng.standard_normal(8).astype("float32")
        ours = np.asarray(conv_forward(x, W, b, stride=stride, pad=pad))
        theirs = keras_conv(x, W, b, stride, pad=pad)
        assert ours.shape == theirs.shape
        diff = float(np.max(np.abs(ours - theirs)))
        conv_diffs.append(diff)
        ctx.log(f"f={f} s={stride} p={pad}: (4, 8, 7, 3) -> {ours.shape}  "
                f"[n_H = ⌊(8 + {2 * pad} − {f})/{stride}⌋ + 1 = "
                f"{conv_output_size(8, f, pad, stride)}]  max |diff| {diff:.1e}")
    for f in SAME_CASES:
        x = rng.standard_normal((4, 8, 8, 3)).astype("float32")
        W = rng.standard_normal((f, f, 3, 4)).astype("float32")
        b = rng.standard_normal(4).astype("float32")
        ours = np.asarray(conv_forward(x, W, b, stride=1, pad=(f - 1) // 2))
        diff = float(np.max(np.abs(ours - keras_conv(x, W, b, 1, padding="same"))))
        conv_diffs.append(diff)
        ctx.log(f"f={f} s=1 \"same\" = p={(f - 1) // 2}: max |diff| {diff:.1e}")

    ## Part 1: pooling by hand, against MaxPooling2D / AveragePooling2D
    ctx.section("Pooling forward pass: hand-written vs keras.layers.MaxPooling2D / AveragePooling2D")
    pool_diffs = []
    for f, stride in POOL_CASES:
        x = rng.standard_normal((4, 8, 7, 3)).astype("float32")
        for mode, layer in (("max", keras.layers.MaxPooling2D),
                            ("average", keras.layers.AveragePooling2D)):
            ours = np.asarray(pool_forward(x, f=f, stride=stride, mode=mode))
            theirs = np.asarray(layer(pool_size=f, strides=stride)(x))
            assert ours.shape == theirs.shape
            pool_diffs.append(float(np.max(np.abs(ours - theirs))))
            ctx.log(f"{mode:>7} f={f} s={stride}: -> {ours.shape}  max |diff| {pool_diffs[-1]:.1e}")

    ## Part 2: digit images, a small ConvNet against a two-hidden-layer MLP
    ctx.section("Digits 8×8: ConvNet vs MLP")
    ds = data.load_digits(flatten=False, seed=ctx.seed)  # (m, 8, 8, 1) in [0, 1]
    ctx.log(ds.summary())
    shape, k = ds.x_train.shape[1:], len(ds.classes)
    histories, models = {}, {}
    for name, build in (("ConvNet", conv_net), ("MLP", mlp)):
        model = build(shape, k)
        model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(ds.x_train, ds.y_train, batch_size=BATCH_SIZE, epochs=ctx.epochs,
                            validation_data=(ds.x_dev, ds.y_dev), verbose=0,
                            callbacks=ctx.callbacks(name.lower()))
        histories[f"{name} ({model.count_params():,} parameters)"] = history.history
        models[name] = model
        train_acc = accuracy(model, ds.x_train, ds.y_train)
        test_acc = accuracy(model, ds.x_test, ds.y_test)
        ctx.log(f"{name}: {model.count_params():,} parameters, train {train_acc:.3f}, "
                f"dev {history.history['val_accuracy'][-1]:.3f}, test {test_acc:.3f}")
        key = "cnn" if name == "ConvNet" else "mlp"
        ctx.record(f"{key}_train_accuracy", train_acc)
        ctx.record(f"{key}_test_accuracy", test_acc,
                   course=COURSE_CNN_VAL if key == "cnn" else None)
        ctx.record(f"{key}_parameters", model.count_params())
    cnn = models["ConvNet"]

    ## What the first layer learned, computed again with the hand-written convolution
    W1, b1 = cnn.get_layer("conv1").get_weights()  # (3, 3, 1, 16), (16,)
    digit = ds.x_test[:1]  # (1, 8, 8, 1)
    keras_maps = np.asarray(cnn.get_layer("conv1")(digit))  # ReLU(conv), (1, 8, 8, 16)
    our_maps = np.maximum(np.asarray(conv_forward(digit, W1, b1, stride=1, pad=1)), 0)
    conv_diffs.append(float(np.max(np.abs(our_maps - keras_maps))))
    ctx.log(f"trained conv1 feature maps, hand-written vs Keras: max |diff| {conv_diffs[-1]:.1e}")
    ctx.record("conv_max_abs_difference", max(conv_diffs))
    ctx.record("pool_max_abs_difference", max(pool_diffs))

    ## Plots
    plots.learning_curves(histories, ctx.path("learning_curves.png"),
                          metrics=("loss", "accuracy"),
                          title="Digits 8×8: ConvNet vs MLP (solid: train, dashed: dev)")
    plots.image_grid([(f"filter {c}", W1[:, :, 0, c]) for c in range(W1.shape[-1])],
                     ctx.path("filters.png"),
                     "ConvNet first layer: the sixteen learned 3×3 filters", cmap="coolwarm")
    plots.image_grid([(f"digit {ds.y_test[0]}", digit[0, :, :, 0])]
                     + [(f"map {c}", our_maps[0, :, :, c]) for c in range(our_maps.shape[-1])],
                     ctx.path("feature_maps.png"),
                     "A test digit and its 16 feature maps after conv1 + ReLU (conv_forward)",
                     columns=9)

    ctx.export(cnn, ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=60, fast_epochs=2,
                epochs_help="training epochs (mini-batches of 32)",
                keys=("conv_max_abs_difference", "pool_max_abs_difference", "cnn_test_accuracy",
                      "mlp_test_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
