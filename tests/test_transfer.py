"""tfcourse.transfer: export and reload, a frozen base under a new head, fine-tuning the top
layers; checked against the model surgery c3w2_transfer_learning and c4w2_residual_networks
wrote inline before the library had these steps."""
import keras
import numpy as np
import pytest

from tfcourse import transfer


def convnet():
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_1"),
        keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_2"),
        keras.layers.BatchNormalization(name="bn"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(5, activation="softmax", name="head"),
    ], name="pretrained")


def inline_surgery(loaded):
    """What both lessons wrote inline (c3w2's version)."""
    base = keras.Model(loaded.inputs, loaded.get_layer("flatten").output, name="base")
    base.trainable = False
    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.Dense(3, activation="softmax", name="new_head")(base(inputs,
                                                                              training=False))
    return keras.Model(inputs, outputs, name="frozen"), base


@pytest.fixture
def x():
    return np.random.RandomState(0).rand(6, 8, 8, 1).astype("float32")


def test_export_and_reload_round_trips(tmp_path, x):
    model = convnet()
    path, loaded = transfer.export_and_reload(model, "digits_0_4", tmp_path / "pretrained")
    assert path == tmp_path / "pretrained" / "digits_0_4" and (path / "saved_model.pb").is_file()
    assert (tmp_path / "pretrained" / "digits_0_4.keras").is_file()
    assert loaded is not model
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


def test_new_head_is_the_lessons_frozen_model(x):
    loaded = convnet()
    keras.utils.set_random_seed(3)
    ours, base = transfer.new_head(loaded, "flatten", 3, name="frozen")
    keras.utils.set_random_seed(3)
    theirs, _ = inline_surgery(loaded)
    # same layers, same random draws: the new heads start from the same weights
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours.predict(x, verbose=0), theirs.predict(x, verbose=0))
    assert ours.name == "frozen" and ours.output.shape == (None, 3)
    assert not base.trainable
    assert [w.name for w in ours.trainable_weights] == ["kernel", "bias"]  # the new head only
    assert base.get_layer("conv_1") is loaded.get_layer("conv_1")  # shared, not copied
    named, _ = transfer.new_head(loaded, "flatten", 3, name="t", input_name="image")
    assert named.inputs[0].name == "image"


def test_frozen_batch_norm_is_in_inference_mode_and_an_unfrozen_one_is_not(x):
    model, base = transfer.new_head(convnet(), "flatten", 3, name="frozen")
    bn = base.get_layer("bn")
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    model.fit(x * 10, np.arange(6) % 3, epochs=2, verbose=0)
    np.testing.assert_array_equal(np.asarray(bn.moving_mean), 0)  # frozen: moving stats kept
    # Keras 3: fit's training=True overrides the training=False the base was called with, so a
    # BatchNormalization layer made trainable again updates its moving statistics (what the
    # docstring of new_head warns about; c4w2's fine-tuning runs this way).
    transfer.unfreeze(base, "bn")
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    model.fit(x * 10, np.arange(6) % 3, epochs=2, verbose=0)
    assert not np.allclose(np.asarray(bn.moving_mean), 0)


def test_unfreeze_opens_the_named_top_layers_only():
    model, base = transfer.new_head(convnet(), "flatten", 3, name="frozen")
    assert transfer.unfreeze(base, "conv_2") == ["conv_2"]
    assert base.trainable
    assert {layer.name: layer.trainable for layer in base.layers if layer.weights} == {
        "conv_1": False, "conv_2": True, "bn": False}
    model.compile(keras.optimizers.Adam(1e-4), "sparse_categorical_crossentropy")
    kernels = [w.path.split("/", 1)[-1] if w.path.startswith("pretrained/") else w.path
               for w in model.trainable_weights]
    assert kernels == ["conv_2/kernel", "conv_2/bias", "new_head/kernel", "new_head/bias"]
    assert transfer.unfreeze(base, "conv") == ["conv_1", "conv_2"]


@pytest.mark.parametrize("call, match", [
    (lambda m: transfer.new_head(m, "nope", 3, name="t"),
     "new_head: argument `cut` must be the name of a layer of 'pretrained'. Received: cut='nope'"),
    (lambda m: transfer.new_head(m, "flatten", 0, name="t"),
     "new_head: argument `num_classes` must be a positive integer. Received: num_classes=0"),
    (lambda m: transfer.unfreeze(m, "stage9"),
     "unfreeze: argument `prefix` must be the start of a layer name of 'pretrained'"),
    (lambda m: transfer.unfreeze(m, ""),
     "unfreeze: argument `prefix` must be a non-empty layer-name prefix"),
])
def test_bad_arguments_name_the_argument(call, match):
    model = convnet()
    with pytest.raises(ValueError, match=match.replace("(", r"\(").replace(")", r"\)")):
        call(model)
    assert all(layer.trainable for layer in model.layers)  # a refused call changes nothing


def test_the_module_names_its_course_weeks():
    assert "Course 3, week 2" in transfer.__doc__ and "Course 4, week 2" in transfer.__doc__
    for fn in (transfer.export_and_reload, transfer.new_head, transfer.unfreeze):
        assert "lessons c3w2_transfer_learning, c4w2_residual_networks." in fn.__doc__
