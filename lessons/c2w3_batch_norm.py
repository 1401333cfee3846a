"""Batch normalization: the same deep network with and without it (Course 2, week 3).

Normalizing the inputs makes the cost easier to descend; batch norm does the same for every
hidden layer. For the pre-activations z of one unit over a mini-batch of m examples::

    μ = (1/m) Σ z,   σ² = (1/m) Σ (z − μ)²,   ẑ = (z − μ) / √(σ² + ε),   z̃ = γ·ẑ + β

and z̃ goes into the activation instead of z. γ and β are learned, so the layer can still choose
any mean and spread; the bias b of the Dense layer is dropped (β replaces it). Each layer then
sees inputs with a stable distribution however the earlier layers change ("covariate shift"),
gradients flow through deep stacks of saturating units, and training converges in fewer epochs
(the lecture also notes a slight regularizing effect from the noise of mini-batch statistics).

At test time there is no mini-batch to take μ and σ² from — one example alone would normalize
to ẑ = 0. The layer therefore keeps exponentially weighted averages during training::

    moving_mean = moving_mean·momentum + μ·(1 − momentum)      (the same for σ²)

and uses them at inference, so a prediction does not depend on the other examples in its batch.

The experiment: sklearn's 8×8 digits (10 classes; 1 078 train / 359 dev / 360 test, stratified;
offline, small enough to run in a few minutes on a CPU). The same deep network — ten hidden
layers of 64 sigmoid units, softmax output, identical initial weights, plain mini-batch gradient
descent (batch 64) at the same learning rate — is trained twice: ``Dense → sigmoid`` and
``Dense (no bias) → tfcourse.layers.BatchNorm → sigmoid``. Ten sigmoid layers are the textbook
case of vanishing gradients: without batch norm the network barely moves off chance level within
the budget (with a learning rate of 0.1 it stays at chance too). BatchNorm uses
``momentum=0.9``: Keras's default 0.99 averages over ~100 steps, about six epochs of this small
training set, so the moving statistics would lag behind the early epochs' dev evaluations.

Target: ``*_epochs_to_target`` is the first epoch after which the dev accuracy, measured at
inference (moving statistics), reaches 0.90; null if the network never reaches it within the
budget. ``*_test_accuracy`` is the test accuracy after the last epoch.

Inference on moving statistics, checked: each test example predicted alone gives the same output
as inside the whole test batch, up to float32 rounding (``bn_batch_independence_max_diff``);
normalizing the test set with its own batch statistics instead gives ``bn_test_accuracy_batch_stats``; and a batch of ONE
example in training mode normalizes every unit to β, so every example gets the same prediction
(``bn_batch_of_one_accuracy``, about 0.1).

Outputs: ``learning_curves.png`` (training loss, dev accuracy per epoch, both networks),
``results.json``, TensorBoard logs, and the batch-norm network exported to
``saved_models/c2w3_batch_norm/`` (the export runs in inference mode: moving statistics).
"""
import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.layers import BatchNorm
from tfcourse.lesson import Lesson
from tfcourse.metrics import accuracy

DEPTH, UNITS, ACTIVATION = 10, 64, "sigmoid"  # ten hidden layers of 64 sigmoid units
LEARNING_RATE = 0.5  # plain mini-batch gradient descent, the same for both networks
BATCH_SIZE = 64
MOMENTUM = 0.9  # of the moving statistics (see the docstring)
TARGET = 0.90  # dev accuracy that defines "epochs to target"


def deep_network(batch_norm, seed):
    """DEPTH × [Dense → (BatchNorm) → sigmoid], then a softmax; initial kernels set by ``seed``."""
    layers = [keras.Input((64,))]
    for i in range(DEPTH):
        layers.append(keras.layers.Dense(
            UNITS, use_bias=not batch_norm, name=f"dense_{i + 1}",
            kernel_initializer=keras.initializers.GlorotUniform(seed + i)))
        if batch_norm:
            layers.append(BatchNorm(momentum=MOMENTUM, name=f"batch_norm_{i + 1}"))
        layers.append(keras.layers.Activation(ACTIVATION, name=f"{ACTIVATION}_{i + 1}"))
    layers.append(keras.layers.Dense(10, activation="softmax", name="softmax",
                                     kernel_initializer=keras.initializers.GlorotUniform(seed + 99)))
    model = keras.Sequential(layers, name="deep_bn" if batch_norm else "deep_plain")
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def epochs_to_target(history):
    """First epoch (1-based) whose dev accuracy is >= TARGET, or None."""
    hits = np.flatnonzero(np.asarray(history["val_accuracy"]) >= TARGET)
    return int(hits[0]) + 1 if hits.size else None


def run(ctx):
    ds = data.load_digits()
    ctx.log(ds.summary())

    ## Train the same deep network without and with batch norm
    models, curves = {}, {}
    for name, batch_norm in (("no_bn", False), ("bn", True)):
        ctx.section(f"{DEPTH} sigmoid layers, {'with' if batch_norm else 'without'} BatchNorm")
        model = deep_network(batch_norm, ctx.seed)
        history = model.fit(ds.x_train, ds.y_train, batch_size=BATCH_SIZE, epochs=ctx.epochs,
                            validation_data=(ds.x_dev, ds.y_dev), verbose=0,
                            callbacks=ctx.callbacks(name)).history
        curves["with BatchNorm" if batch_norm else "without"] = history
        reached = epochs_to_target(history)
        ctx.record(f"{name}_test_accuracy", accuracy(model, ds.x_test, ds.y_test))
        ctx.record(f"{name}_epochs_to_target", reached)
        ctx.log(f"dev accuracy {history['val_accuracy'][-1]:.3f} after {ctx.epochs} epochs; "
                f"dev ≥ {TARGET} after {reached if reached else f'more than {ctx.epochs}'} "
                f"epochs; test accuracy {ctx.results[f'{name}_test_accuracy']:.3f}")
        models[name] = model

    ## Inference uses the moving statistics
    ctx.section("Batch norm at test time")
    bn = models["bn"]
    together = bn.predict(ds.x_test, verbose=0)
    alone = np.concatenate([bn.predict(ds.x_test[i:i + 1], verbose=0) for i in range(8)])
    ctx.record("bn_batch_independence_max_diff", float(np.abs(alone - together[:8]).max()))
    ctx.log(f"8 test examples predicted one at a time vs in the batch of {len(ds.x_test)}: "
            f"max difference {ctx.results['bn_batch_independence_max_diff']:.1e} (float32 rounding)")

    def predict_with_batch_statistics(x):
        # stateless_call: training-mode statistics without touching the moving averages
        out, _ = bn.stateless_call(bn.trainable_variables, bn.non_trainable_variables, x,
                                   training=True)
        return np.asarray(out)

    ctx.record("bn_test_accuracy_batch_stats",
               accuracy(predict_with_batch_statistics, ds.x_test, ds.y_test))
    one = predict_with_batch_statistics(ds.x_test[:1]).argmax(axis=1)[0]
    ctx.record("bn_batch_of_one_accuracy", float(np.mean(ds.y_test == one)))
    ctx.log(f"test accuracy with the test set's own batch statistics "
            f"{ctx.results['bn_test_accuracy_batch_stats']:.3f} (moving statistics "
            f"{ctx.results['bn_test_accuracy']:.3f}); a batch of one example normalizes every "
            f"unit to β: every example is predicted '{one}' "
            f"(accuracy {ctx.results['bn_batch_of_one_accuracy']:.3f})")

    ## Convergence curves
    plots.learning_curves(curves, ctx.path("learning_curves.png"), metrics=("loss", "accuracy"),
                          title=f"Digits, {DEPTH} sigmoid layers: train (solid) and dev (dashed)")

    ctx.export(bn, ds.x_test[:32])


LESSON = Lesson(__file__, __doc__, run, epochs=30, fast_epochs=2,
                epochs_help="training epochs (mini-batches of 64)",
                keys=("no_bn_test_accuracy", "bn_test_accuracy", "no_bn_epochs_to_target",
                      "bn_epochs_to_target"))

if __name__ == "__main__":
    LESSON.cli()
