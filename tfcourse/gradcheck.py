"""Gradient checking, the course's way (Course 2, week 1, "Gradient checking").

Backpropagation is easy to get subtly wrong, and a wrong gradient often still lowers the cost,
only worse. The check compares the gradient ``g`` (backprop, or automatic differentiation) with
a two-sided difference quotient for every parameter θᵢ::

    g̃ᵢ = (J(θ + ε·eᵢ) − J(θ − ε·eᵢ)) / (2ε)           ε = 1e-7, error O(ε²)

    difference = ‖g − g̃‖₂ / (‖g‖₂ + ‖g̃‖₂)

The course's reading: below about 1e-7 the gradient is right; around 1e-5 look closer; above
1e-3 there is almost certainly a bug. The course's threshold is 2e-7.

Everything is computed in float64: with ε = 1e-7, float32's 7 significant digits would leave
the difference quotient mostly rounding noise. A Keras model is checked on a float64 copy
(same architecture, same weights), so the model itself is left untouched; a plain function
receives float64 NumPy arrays.

Dropout makes J random — each evaluation drops other units — so a gradient check of a model
with dropout active in training mode is meaningless; :func:`gradient_check` refuses it (the
course: "turn off dropout, check, then turn it back on"). Check with ``training=False``, or
with ``rate=0``.

Example::

    result = gradient_check(model, x, y)             # a Keras model, its compiled loss
    result.difference, result.passed
    gradient_check(cost, params, gradient=backprop)  # a hand-written backprop
"""
from __future__ import annotations

import dataclasses
import json

import numpy as np

from tfcourse.checks import check_choice, invalid

DEFAULT_EPSILON = 1e-7  # the course's ε
THRESHOLD = 2e-7  # the course's pass mark for the difference

_FLOATS = ("float16", "bfloat16", "float32", "mixed_float16", "mixed_bfloat16")


class GradientCheckError(ValueError):
    """The check cannot be meaningful for this input (e.g. dropout active).

    Course 2, week 1; lesson c2w1_gradient_checking.
    """


def difference(g, g_approx) -> float:
    """The course's relative difference ‖g − g̃‖₂ / (‖g‖₂ + ‖g̃‖₂) of two gradients.

    Course 2, week 1; lesson c2w1_gradient_checking (through gradient_check).

    Arrays (or lists/dicts of arrays, flattened in the same order) of the same total size. Two
    zero gradients have difference 0.
    """
    g, g_approx = _flat(g), _flat(g_approx)
    if g.shape != g_approx.shape:
        raise ValueError(f"difference: arguments `g` and `g_approx` must have the same number "
                         f"of entries. Received: the gradients have {g.size} and {g_approx.size} "
                         f"entries")
    numerator = np.linalg.norm(g - g_approx)
    denominator = np.linalg.norm(g) + np.linalg.norm(g_approx)
    return float(numerator / denominator) if denominator > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class GradCheckResult:
    """What :func:`gradient_check` found.

    Course 2, week 1; lesson c2w1_gradient_checking.

    Attributes:
        difference: the course's ‖g − g̃‖₂ / (‖g‖₂ + ‖g̃‖₂) over all checked parameters.
        gradient: g, flattened (float64).
        approximation: g̃, the two-sided differences, flattened.
        names: the name of each checked block (a weight's path, ``"inputs"``, a dict key).
        sizes: the number of entries of each block, in the order of ``gradient``.
        epsilon: the ε used.
        threshold: the pass mark (the course's 2e-7 by default).
    """

    difference: float
    gradient: np.ndarray
    approximation: np.ndarray
    names: tuple
    sizes: tuple
    epsilon: float
    threshold: float

    @property
    def passed(self) -> bool:
        """True when ``difference`` is below ``threshold``."""
        return self.difference < self.threshold

    def by_block(self) -> dict:
        """The difference of each block separately (where is the bug?)."""
        out, start = {}, 0
        for name, size in zip(self.names, self.sizes):
            out[name] = difference(self.gradient[start:start + size],
                                   self.approximation[start:start + size])
            start += size
        return out

    def worst(self, k: int = 5) -> list:
        """The ``k`` entries with the largest |g − g̃|: (block name, index in block, g, g̃)."""
        bounds = np.cumsum((0,) + tuple(self.sizes))
        order = np.argsort(-np.abs(self.gradient - self.approximation))[:k]
        rows = []
        for i in order:
            b = int(np.searchsorted(bounds, i, side="right") - 1)
            rows.append((self.names[b], int(i - bounds[b]), float(self.gradient[i]),
                         float(self.approximation[i])))
        return rows

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"gradient check {verdict}: difference {self.difference:.3e} "
                f"(threshold {self.threshold:.0e}, ε {self.epsilon:.0e}, "
                f"{self.gradient.size} parameters)")


def gradient_check(target, inputs, targets=None, *, loss=None, gradient=None, wrt="weights",
                   training=True, epsilon: float = DEFAULT_EPSILON,
                   threshold: float = THRESHOLD) -> GradCheckResult:
    """Check the gradient of a Keras model, a layer, or a cost function against two-sided differences.

    Course 2, week 1; lesson c2w1_gradient_checking.

    Three forms:

    - ``gradient_check(model, x, y)``: the cost is the model's loss — ``loss`` (a Keras loss
      name, function or object) or else the compiled one — averaged over the examples (the
      course's J), plus the model's regularization penalties. ``wrt`` picks the checked
      parameters: ``"weights"`` (the trainable weights, the course's dW and db), ``"inputs"``
      (dJ/dx) or ``"all"``.
    - ``gradient_check(model_or_layer, x)`` with no targets and no loss: the cost is
      Σ output ⊙ R for a fixed random R (seed 0), a generic test of a layer's whole backward
      pass (every output's gradient counts).
    - ``gradient_check(cost, params, gradient=backprop)``: ``cost(params) -> float`` and
      ``backprop(params) -> gradients`` with the same structure as ``params`` (an array, a list
      or a dict of arrays; given as float64 NumPy arrays). Without ``gradient``, ``cost`` must
      be written with ``keras.ops`` and is differentiated automatically.

    Args:
        target: a ``keras.Model``, a ``keras.layers.Layer`` (checked inside a one-layer model),
            or a cost function.
        inputs: the model's inputs (one array or a list), or the cost function's parameters.
        targets: labels for the loss (models only).
        loss: the loss (models only); default the model's compiled loss.
        gradient: the gradient function to check (cost functions only).
        wrt: ``"weights"``, ``"inputs"`` or ``"all"`` (models only).
        training: run the model in training mode (batch statistics in BatchNorm). A model with
            dropout (rate > 0) is refused in training mode.
        epsilon: the step ε of the differences (the course's 1e-7).
        threshold: the pass mark for ``result.passed`` (the course's 2e-7).

    Returns:
        A :class:`GradCheckResult`.

    Raises:
        GradientCheckError: dropout active in training mode, or a model that cannot be copied
            to float64.
        ValueError: bad arguments (``epsilon`` <= 0, unknown ``wrt``).
    """
    import keras

    if not (isinstance(epsilon, (int, float)) and epsilon > 0):
        raise invalid("epsilon", "a number > 0", epsilon, "gradient_check")
    if isinstance(target, keras.layers.Layer):
        if gradient is not None:
            raise ValueError("gradient_check: `gradient` is for cost functions; a Keras model "
                             "is differentiated automatically")
        cost, grad, params, names = _model_problem(target, inputs, targets, loss, wrt, training)
    elif callable(target):
        if targets is not None or loss is not None:
            raise ValueError("gradient_check: `targets` and `loss` are for Keras models; a cost "
                             "function computes its own cost")
        cost, grad, params, names = _function_problem(target, inputs, gradient)
    else:
        raise invalid("target", "a Keras model, a layer or a callable", target, "gradient_check")

    g = _flat(grad(params))
    g_approx = _flat(numerical_gradient(cost, params, epsilon))
    return GradCheckResult(difference=difference(g, g_approx), gradient=g,
                           approximation=g_approx, names=tuple(names),
                           sizes=tuple(int(np.size(p)) for p in params), epsilon=float(epsilon),
                           threshold=float(threshold))


def numerical_gradient(cost, params: list, epsilon: float = DEFAULT_EPSILON) -> list:
    """Two-sided differences (J(θ + ε) − J(θ − ε)) / 2ε for every entry of every array in ``params``.

    Course 2, week 1; lesson c2w1_gradient_checking (through gradient_check).

    ``cost(list_of_float64_arrays) -> float``. Returns a list of arrays shaped like ``params``.
    """
    params = [np.array(p, dtype="float64") for p in params]
    out = []
    for p in params:
        g = np.zeros_like(p)
        flat, gflat = p.reshape(-1), g.reshape(-1)  # views: perturbing flat perturbs p
        for i in range(flat.size):
            saved = flat[i]
            flat[i] = saved + epsilon
            plus = float(cost(params))
            flat[i] = saved - epsilon
            minus = float(cost(params))
            flat[i] = saved
            gflat[i] = (plus - minus) / (2 * epsilon)
        out.append(g)
    return out


# -- plain cost functions -------------------------------------------------------------------

def _function_problem(cost, params, gradient):
    names, arrays, rebuild = _structure(params)

    def cost_of(arrays_):
        return cost(rebuild([np.asarray(a, "float64") for a in arrays_]))

    if gradient is not None:
        def grad(arrays_):
            g = gradient(rebuild([np.array(a, "float64") for a in arrays_]))
            if isinstance(params, dict) and isinstance(g, dict):
                # the course's gradients dict names dW1 what the parameters dict names W1
                missing = [k for k in names if k not in g and f"d{k}" not in g]
                if missing:
                    raise ValueError(f"gradient_check: the gradient has no entry for {missing}")
                return [np.asarray(g[k] if k in g else g[f"d{k}"], "float64") for k in names]
            return _structure(g)[1]
    else:
        import tensorflow as tf

        def grad(arrays_):
            tensors = [tf.constant(a, tf.float64) for a in arrays_]
            with tf.GradientTape() as tape:
                tape.watch(tensors)
                value = cost(rebuild(tensors))
            return [np.zeros(a.shape) if g is None else np.asarray(g) for a, g in
                    zip(arrays_, tape.gradient(value, tensors))]

    return cost_of, grad, arrays, names


def _structure(params):
    """(names, list of float64 arrays, rebuild(list) -> the original structure)."""
    if isinstance(params, dict):
        keys = list(params)
        return (keys, [np.array(params[k], "float64") for k in keys],
                lambda xs: dict(zip(keys, xs)))
    if isinstance(params, (list, tuple)):
        kind = type(params)
        return ([f"[{i}]" for i in range(len(params))], [np.array(p, "float64") for p in params],
                lambda xs: kind(xs))
    return ["params"], [np.array(params, "float64")], lambda xs: xs[0]


# -- Keras models ---------------------------------------------------------------------------

def _dropout_layers(model):
    import keras

    from tfcourse.layers import InvertedDropout

    random_layers = (keras.layers.Dropout, keras.layers.GaussianDropout,
                     keras.layers.AlphaDropout, keras.layers.GaussianNoise, InvertedDropout)
    found = []
    for layer in model._flatten_layers(include_self=True, recursive=True):
        if isinstance(layer, random_layers):
            rate = getattr(layer, "rate", getattr(layer, "stddev", 0))
            if rate and rate > 0:
                found.append(f"{layer.name!r} ({type(layer).__name__}, "
                             f"{'rate' if hasattr(layer, 'rate') else 'stddev'}={rate})")
    return found


def _as_float64(obj):
    """A serialized Keras config with every floating dtype (policy) turned into float64."""
    if isinstance(obj, dict):
        if obj.get("class_name") in ("DTypePolicy", "FloatDTypePolicy") and "config" in obj:
            return {**obj, "config": {**obj["config"], "name": "float64"}}
        return {k: ("float64" if k == "dtype" and isinstance(v, str) and v in _FLOATS
                    else _as_float64(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_as_float64(v) for v in obj]
    return obj


def _float64_copy(model):
    import keras

    try:
        config = _as_float64(json.loads(json.dumps(keras.saving.serialize_keras_object(model))))
        copy = keras.saving.deserialize_keras_object(config)
    except Exception as exc:  # noqa: BLE001 - any failure means: cannot copy this model
        raise GradientCheckError(
            f"gradient_check: cannot rebuild {model.name!r} in float64 from its config "
            f"({type(exc).__name__}: {exc}); give its layers a get_config, or check a cost "
            f"function instead") from exc
    if len(copy.variables) != len(model.variables):
        raise GradientCheckError(f"gradient_check: the float64 copy of {model.name!r} has "
                                 f"{len(copy.variables)} variables, the model "
                                 f"{len(model.variables)}; build the model first")
    for src, dst in zip(model.variables, copy.variables):
        if tuple(src.shape) != tuple(dst.shape):
            raise GradientCheckError(f"gradient_check: variable {src.path} has shape "
                                     f"{tuple(src.shape)} but {tuple(dst.shape)} in the copy")
        value = np.asarray(keras.ops.convert_to_numpy(src.value))
        dst.assign(value.astype(dst.dtype) if np.issubdtype(value.dtype, np.floating) else value)
    return copy


def _model_problem(target, inputs, targets, loss, wrt, training):
    import keras
    import tensorflow as tf

    check_choice("wrt", wrt, ("weights", "inputs", "all"), owner="gradient_check")
    multi = isinstance(inputs, (list, tuple))
    xs = [np.asarray(x, "float64") for x in (inputs if multi else [inputs])]
    model = target
    if not isinstance(target, keras.Model):  # a single layer: check it inside a model
        if multi:
            raise ValueError("gradient_check: a single layer is checked with one input array")
        model = keras.Sequential([keras.Input(xs[0].shape[1:]), target])
    if training:
        dropout = _dropout_layers(model)
        if dropout:
            raise GradientCheckError(
                "gradient_check: gradient checking is not valid with dropout active: "
                + ", ".join(dropout) + " drop(s) a different random set of units at every "
                "evaluation of the cost, so the differences J(θ+ε) − J(θ−ε) are noise. Check "
                "with training=False or rate=0 (the course: turn dropout off, check, turn it on).")
    copy = _float64_copy(model)

    if targets is None and loss is None:
        projection = None  # Σ output ⊙ R, R drawn once the output shape is known
        loss_fn = None
    else:
        loss_fn = _loss_function(loss if loss is not None else getattr(model, "loss", None))
        y = tf.constant(np.asarray(targets, "float64"))

    n_weights = len(copy.trainable_variables)
    weights = [np.asarray(v.value, "float64") for v in copy.trainable_variables]
    fixed = [v.value for v in copy.non_trainable_variables]

    def forward(values):
        w = values[:n_weights] if wrt != "inputs" else [tf.constant(a) for a in weights]
        x = values[n_weights:] if wrt == "all" else values if wrt == "inputs" else \
            [tf.constant(a) for a in xs]
        out, _, losses = copy.stateless_call(list(w), fixed, x if multi else x[0],
                                             training=training, return_losses=True)
        if isinstance(out, (list, tuple, dict)):
            raise GradientCheckError("gradient_check: models with several outputs are not "
                                     "supported; check a cost function instead")
        if loss_fn is None:
            cost = tf.reduce_sum(out * projection)
        else:
            cost = tf.reduce_mean(loss_fn(_like(y, out), out))
        for penalty in losses:
            cost = cost + tf.cast(penalty, tf.float64)
        return cost

    if loss_fn is None:
        out_shape = copy.compute_output_shape(tuple(xs[0].shape)) if not multi else None
        if out_shape is None or any(d is None for d in out_shape):
            out_shape = tuple(keras.ops.shape(copy(xs if multi else xs[0], training=False)))
        projection = tf.constant(np.random.RandomState(0).standard_normal(out_shape))

    params = {"weights": weights, "inputs": xs, "all": weights + xs}[wrt]
    weight_names = [v.path for v in copy.trainable_variables]
    input_names = [f"inputs[{i}]" if multi else "inputs" for i in range(len(xs))]
    names = {"weights": weight_names, "inputs": input_names, "all": weight_names + input_names}[wrt]
    if not params:
        raise GradientCheckError(f"gradient_check: {model.name!r} has no trainable weights to "
                                 f"check; use wrt='inputs'")

    cost_graph = tf.function(lambda values: forward(values))

    @tf.function
    def grad_graph(values):
        with tf.GradientTape() as tape:
            tape.watch(values)
            value = forward(values)
        return tape.gradient(value, values)

    def cost(arrays):
        return float(cost_graph([tf.constant(a) for a in arrays]))

    def grad(arrays):
        grads = grad_graph([tf.constant(a) for a in arrays])
        return [np.zeros(a.shape) if g is None else np.asarray(g) for a, g in zip(arrays, grads)]

    return cost, grad, params, names


def _like(y, out):
    """Labels shaped like the predictions when they hold as many entries ((m,) vs (m, 1))."""
    import tensorflow as tf

    if y.shape != out.shape and y.shape.num_elements() == out.shape.num_elements():
        return tf.reshape(y, out.shape)
    return y


def _loss_function(loss):
    """A per-example loss function ``f(y_true, y_pred)`` that keeps float64."""
    import keras

    if loss is None:
        raise ValueError("gradient_check: the model is not compiled; pass `loss=` (or no "
                         "targets, for the generic Σ output ⊙ R check)")
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    if isinstance(loss, keras.losses.Loss):
        # Loss.__call__ casts to its own dtype (float32 by default) and reduces; .call keeps
        # float64 and returns one value per example (the cost is their mean).
        return loss.call
    if callable(loss):
        return loss
    raise invalid("loss", "a Keras loss, a loss name or a function", loss, "gradient_check")


def _flat(arrays) -> np.ndarray:
    if isinstance(arrays, dict):
        arrays = list(arrays.values())
    if isinstance(arrays, (list, tuple)):
        if not arrays:
            return np.zeros(0)
        return np.concatenate([np.asarray(a, "float64").reshape(-1) for a in arrays])
    return np.asarray(arrays, "float64").reshape(-1)
