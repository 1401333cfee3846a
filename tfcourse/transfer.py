"""Transfer learning: reuse a pretrained network's base under a new head (Course 3, week 2; Course 4, week 2).

Transfer learning takes what a network learned on task A (lots of data) to task B (little
data): keep the early layers, whose low-level features are useful for both, replace the
output layer, and train on B. The course's recipe, one function per step:

1. :func:`export_and_reload` — the pretrained network becomes a file (a SavedModel and a
   ``.keras`` file, through :func:`tfcourse.export.export_model`) and is loaded back, as it
   would be when downloaded.
2. :func:`new_head` — the loaded network up to a cut layer, frozen (``trainable = False``),
   under a new softmax head for task B. With very little data, train only this head.
3. :func:`unfreeze` — with more data, also fine-tune the last layers of the base (recompile at
   a lower learning rate, so as not to wreck what was learned).

The baseline is the same architecture trained from scratch on task B's few images. Lessons
c3w2_transfer_learning (a small ConvNet) and c4w2_residual_networks (a ResNet) run these
steps on :func:`tfcourse.data.digits_transfer_split`; each keeps its own training policy
(early stopping, epochs, learning rates), which is what its measured results depend on.

Example::

    split = data.digits_transfer_split(data.load_digits(flatten=False), 2, seed)
    pretrained.fit(*split.a_train, ...)
    path, loaded = transfer.export_and_reload(pretrained, "digits_0_4", out / "pretrained")
    model, base = transfer.new_head(loaded, "flatten", 5, name="frozen")
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    model.fit(*split.b_train, validation_data=split.b_dev, ...)
    transfer.unfreeze(base, "conv_2")  # then compile at 1e-4 and fit again
"""
from __future__ import annotations

from pathlib import Path

from tfcourse.checks import check_int, invalid


def export_and_reload(model, name: str, folder):
    """Export ``model`` under ``folder`` and load its ``.keras`` file back.

    Course 3, week 2; lessons c3w2_transfer_learning, c4w2_residual_networks.

    Returns ``(path, reloaded)``: the SavedModel folder ``<folder>/<name>/`` (the ``.keras``
    file is ``<folder>/<name>.keras``) and the model loaded from the ``.keras`` file.
    """
    import keras

    from tfcourse.export import export_model

    path = export_model(model, name, folder)
    return path, keras.saving.load_model(Path(path).parent / f"{Path(path).name}.keras")


def new_head(model, cut: str, num_classes: int, *, name: str, input_name: str | None = None):
    """``model``'s layers up to ``cut``, frozen, under a new softmax head of ``num_classes``.

    Course 3, week 2; lessons c3w2_transfer_learning, c4w2_residual_networks.

    The base is frozen, and a frozen BatchNormalization layer runs in inference mode (its moving
    statistics), so a few images cannot disturb them. The base is also called with
    ``training=False``, as in Keras's transfer-learning guide, but in Keras 3 that does not
    outlast :func:`unfreeze`: a functional model passes its own ``training`` on to every layer
    it runs (``keras/src/models/functional.py``, ``operation_fn``), so ``fit`` reaches a
    nested layer with ``training=True``, and a BatchNormalization layer made trainable again
    normalizes with the batch's statistics and updates its moving ones.

    Args:
        model: the pretrained network (a single-input functional or Sequential model).
        cut: the name of the last layer kept; its output is the new head's input.
        num_classes: outputs of the new ``Dense`` softmax layer (named ``new_head``).
        name: the new model's name.
        input_name: the new model's input name (Keras picks one if ``None``).

    Returns ``(transfer_model, base)``: the new model (not compiled) and its frozen base, the
    model that :func:`unfreeze` opens up.
    """
    import keras

    num_classes = check_int("num_classes", num_classes, 1, owner="new_head")
    if cut not in {layer.name for layer in model.layers}:
        raise invalid("cut", f"the name of a layer of {model.name!r}", cut, "new_head")
    base = keras.Model(model.inputs, model.get_layer(cut).output, name="base")
    base.trainable = False  # frozen, and frozen BatchNormalization layers run in inference mode
    inputs = keras.Input(model.inputs[0].shape[1:], name=input_name)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="new_head")(
        base(inputs, training=False))
    return keras.Model(inputs, outputs, name=name), base


def unfreeze(base, prefix: str):
    """Make the layers of ``base`` whose name starts with ``prefix`` trainable, the rest frozen.

    Course 3, week 2; lessons c3w2_transfer_learning, c4w2_residual_networks.

    Recompile the model that holds ``base`` afterwards (Keras fixes the trainable weights at
    compile time), at a lower learning rate: the course fine-tunes at a tenth of the rate.
    BatchNormalization layers that match ``prefix`` train in training mode from then on (see
    :func:`new_head`).

    Returns the names of the layers made trainable.
    """
    if not isinstance(prefix, str) or not prefix:
        raise invalid("prefix", "a non-empty layer-name prefix", prefix, "unfreeze")
    opened = [layer.name for layer in base.layers if layer.name.startswith(prefix)]
    if not opened:
        raise invalid("prefix", f"the start of a layer name of {base.name!r}", prefix, "unfreeze")
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name.startswith(prefix)
    return opened
