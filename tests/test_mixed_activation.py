"""MixedActivationDense: its Dense + per-slice twin, gradient check, splits, saving, validation."""
import keras
import numpy as np
import pytest

from tfcourse.gradcheck import gradient_check
from tfcourse.layers import MixedActivationDense, even_split


def _x(m=16, n=3, seed=0):
    return np.random.RandomState(seed).randn(m, n).astype("float32")


@pytest.mark.parametrize("units, activations, split", [
    (4, ("tanh", "relu"), None),
    (5, ("tanh", "relu"), None),               # 3 tanh, 2 ReLU
    (7, ("sigmoid", "relu", "linear"), (1, 4, 2)),
    (3, ("tanh",), None),                      # one group: a plain Dense(3, tanh)
])
def test_twin_dense_then_an_activation_per_slice(units, activations, split):
    x = _x()
    layer = MixedActivationDense(units, activations, split=split)
    ours = np.asarray(layer(x))
    dense = keras.layers.Dense(units)
    dense.build((None, 3))
    dense.set_weights(layer.get_weights())
    z = np.asarray(dense(x))
    sizes = layer.split if split is None else split
    parts, start = [], 0
    for size, act in zip(sizes, activations):
        parts.append(np.asarray(keras.activations.get(act)(z[:, start:start + size])))
        start += size
    np.testing.assert_allclose(ours, np.concatenate(parts, axis=1), rtol=1e-6, atol=1e-7)
    assert ours.shape == (16, units)


def test_even_split_is_contiguous_and_as_even_as_possible():
    assert even_split(4, 2) == (2, 2)
    assert even_split(5, 2) == (3, 2)
    assert even_split(10, 4) == (3, 3, 2, 2)
    assert MixedActivationDense(5, ("tanh", "relu")).split == (3, 2)
    x = np.ones((1, 2), "float32")
    layer = MixedActivationDense(5, ("linear", "relu"), kernel_initializer="ones",
                                 bias_initializer=keras.initializers.Constant(-3.0))
    # z = 2 - 3 = -1 for every unit: the 3 linear units keep -1, the 2 ReLU units give 0
    np.testing.assert_array_equal(np.asarray(layer(x)), [[-1, -1, -1, 0, 0]])


def test_gradient_check_weights_and_inputs():
    """Backprop through the slices and the concatenation against two-sided differences
    (float64, the course's threshold 2e-7). Inputs are kept away from ReLU's kink."""
    x = _x(8, 3, seed=1)
    model = keras.Sequential([keras.Input((3,)),
                              MixedActivationDense(5, ("tanh", "relu", "sigmoid")),
                              keras.layers.Dense(1, activation="sigmoid")])
    y = (x[:, 0] > 0).astype("float32")
    model.compile(loss="binary_crossentropy")
    for wrt in ("weights", "inputs"):
        result = gradient_check(model, x, y, wrt=wrt)
        assert result.difference < 2e-7, (wrt, result.difference)


def test_saves_and_loads_with_its_split(tmp_path):
    model = keras.Sequential([keras.Input((3,)),
                              MixedActivationDense(5, ("tanh", "relu"), split=(1, 4), name="mix"),
                              keras.layers.Dense(1)])
    x = _x()
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    layer = loaded.get_layer("mix")
    assert isinstance(layer, MixedActivationDense) and layer.split == (1, 4)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6)
    config = layer.get_config()
    assert config["activations"] == ["tanh", "relu"] and config["units"] == 5


@pytest.mark.parametrize("kwargs, name", [
    ({"units": 0}, "units"),
    ({"units": 2.0}, "units"),
    ({"units": 4, "activations": "tanh"}, "activations"),
    ({"units": 4, "activations": ()}, "activations"),
    ({"units": 2, "activations": ("tanh", "relu", "sigmoid")}, "activations"),
    ({"units": 4, "activations": ("tanh", "no_such_activation")}, "activations"),
    ({"units": 4, "split": (2,)}, "split"),
    ({"units": 4, "split": (3, 2)}, "split"),
    ({"units": 4, "split": (4, 0)}, "split"),
    ({"units": 4, "use_bias": 1}, "use_bias"),
])
def test_bad_arguments_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=rf"MixedActivationDense: argument `{name}` must be"):
        MixedActivationDense(**kwargs)
