"""Multi-class classification with softmax in TensorFlow (Course 2, week 3).

The week's last idea: with C classes the output layer has C units and a softmax,

    t = e^{z[L]},   a[L]_i = t_i / Σ_j t_j,

which turns any C scores into probabilities that sum to 1 (the lecture's z = [5, 2, −1, 3] gives
a = [0.842, 0.042, 0.002, 0.114]; the lesson computes it). Softmax generalizes logistic
regression (C = 2 is the sigmoid). The labels are one class out of C, and the cost is the
cross-entropy J = −(1/m) Σ_i Σ_j y_j log ŷ_j, i.e. minus the log-probability of the right class.

This is also the course's introduction to TensorFlow: you write the forward pass and the cost,
and the framework computes the gradients and applies Adam. The assignment's network is
LINEAR → RELU → LINEAR → RELU → LINEAR → SOFTMAX with 25 and 12 hidden units, Glorot (Xavier)
normal initialization, Adam with learning rate 1e-4 and mini-batches of 32. As the course does,
the last layer outputs the scores z (logits) and the loss applies the softmax itself
(`from_logits=True`): log-softmax computed in one piece is more accurate than log(softmax(z)).

Data: the course uses SIGNS (hand signs 0–5, 1080 / 120 RGB images of 64×64), which cannot be
had offline. The closest embedded set is scikit-learn's 8×8 digits: 10 classes, 1797 images
scaled to [0, 1], split 60 / 20 / 20 (1078 train, much like SIGNS's 1080). The images are 64
numbers instead of 12 288 and less varied, so the same network learns them much faster than it
learns SIGNS: the course's 100 epochs give train ~0.75 / test ~0.69 on SIGNS; on digits expect
well above 0.9. The shape to compare is train ≥ test with a small gap at 100 epochs.

Outputs: `learning_curves.png` (cost and accuracy per epoch, train and dev), `per_class.png`
(test accuracy per digit), `results.json`, TensorBoard logs, and the trained network with a softmax
appended (one input, class probabilities out) exported to `saved_models/c2w3_softmax/`.
"""
import numpy as np

from tfcourse import data, plots
from tfcourse.lesson import Lesson

HIDDEN = (25, 12)        # the course's hidden layers
LEARNING_RATE = 1e-4     # Adam, as in the course
BATCH_SIZE = 32          # mini-batch size, as in the course
LECTURE_Z = [5.0, 2.0, -1.0, 3.0]  # the lecture's softmax example


def softmax_network(n_features, n_classes, seed):
    """[n_x, 25, 12, C]: ReLU, ReLU, then C scores (logits); Glorot-normal initialization."""
    import keras

    init = lambda i: keras.initializers.GlorotNormal(seed=seed + i)  # noqa: E731
    model = keras.Sequential([
        keras.Input((n_features,)),
        keras.layers.Dense(HIDDEN[0], activation="relu", kernel_initializer=init(0), name="dense_1"),
        keras.layers.Dense(HIDDEN[1], activation="relu", kernel_initializer=init(1), name="dense_2"),
        keras.layers.Dense(n_classes, kernel_initializer=init(2), name="logits"),  # z[3], no softmax
    ], name="softmax_25_12")
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def run(ctx):
    import keras

    ## The softmax, by hand
    ctx.section("Softmax of the lecture's z = [5, 2, -1, 3]")
    z = np.array(LECTURE_Z)
    t = np.exp(z)                       # t = e^z
    a = t / t.sum()                     # a = t / Σ t
    ctx.log(f"t = {np.round(t, 1)}, Σt = {t.sum():.1f}, a = {np.round(a, 3)}")
    keras_a = np.asarray(keras.ops.softmax(keras.ops.convert_to_tensor(z[None], "float32")))[0]
    np.testing.assert_allclose(keras_a, a, rtol=1e-5)  # keras.ops.softmax is the same formula
    ctx.record("lecture_softmax_a1", float(a[0]), course=0.842)

    ## Data: 10 digit classes
    ds = data.load_digits()
    ctx.log(ds.summary())
    n_classes = len(ds.classes)

    ## Train with mini-batches of 32 and Adam
    ctx.section(f"[{ds.x_train.shape[1]}, {HIDDEN[0]}, {HIDDEN[1]}, {n_classes}], Adam "
                f"{LEARNING_RATE}, batch {BATCH_SIZE}, {ctx.epochs} epochs")
    model = softmax_network(ds.x_train.shape[1], n_classes, ctx.seed)
    history = model.fit(ds.x_train, ds.y_train, batch_size=BATCH_SIZE, epochs=ctx.epochs,
                        validation_data=(ds.x_dev, ds.y_dev), verbose=0,
                        callbacks=ctx.callbacks("softmax"))

    ## Evaluate: the predicted class is the arg-max of the scores
    _, train_acc = model.evaluate(ds.x_train, ds.y_train, verbose=0, batch_size=1024)
    _, dev_acc = model.evaluate(ds.x_dev, ds.y_dev, verbose=0, batch_size=1024)
    _, test_acc = model.evaluate(ds.x_test, ds.y_test, verbose=0, batch_size=1024)
    # The course's figures are SIGNS at 100 epochs; different data, compare the shape.
    ctx.record("train_accuracy", train_acc, course=0.75)
    ctx.record("dev_accuracy", dev_acc)
    ctx.record("test_accuracy", test_acc, course=0.69)
    ctx.log(f"train {train_acc:.3f}, dev {dev_acc:.3f}, test {test_acc:.3f}")

    pred = np.asarray(model.predict(ds.x_test, verbose=0, batch_size=1024)).argmax(axis=1)
    per_class = {str(c): float(np.mean(pred[ds.y_test == c] == c)) for c in range(n_classes)}

    ## Plots
    plots.learning_curves({"softmax network": history.history}, ctx.path("learning_curves.png"),
                          metrics=("loss", "accuracy"),
                          title="Digits, 10-class softmax: cost and accuracy (dev dashed)")
    plots.bars(per_class, ctx.path("per_class.png"), ylabel="test accuracy",
               title="Test accuracy per digit")

    ## Export: the scores followed by a softmax, so the served model returns probabilities
    probabilities = keras.Sequential([keras.Input((ds.x_train.shape[1],)), model,
                                      keras.layers.Softmax(name="softmax")], name="softmax_probs")
    ctx.export(probabilities, ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=100, fast_epochs=3,
                epochs_help="epochs (passes over the 1078 training images, batches of 32)",
                keys=("train_accuracy", "test_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
