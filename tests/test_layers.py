"""InvertedDropout and BatchNorm against their Keras twins, gradient checks, saving, export."""
import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from keras import ops

from tfcourse.gradcheck import GradientCheckError, gradient_check
from tfcourse.layers import (AttentionDecoder, BatchNorm, InvertedDropout, OneStepAttention,
                             PositionalEmbedding, positional_encoding)

# The layers are backend-neutral (keras.ops); gradient_check (tf.GradientTape) and SavedModel
# export are TensorFlow's. The rest of this file also runs under KERAS_BACKEND=jax (README).
tensorflow_only = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                     reason="gradient_check and SavedModel export need TensorFlow")


def _data(m=96, n=5, seed=0):
    rng = np.random.RandomState(seed)
    x = (rng.randn(m, n) * [1, 3, 0.5, 2, 1] + [0, 2, -1, 5, 0]).astype("float32")[:, :n]
    y = (x[:, 0] + 0.3 * x[:, 1] > 0.5).astype("float32")
    return x, y


# -- InvertedDropout -------------------------------------------------------------------------

@pytest.mark.parametrize("rate", [0.14, 0.5])
def test_dropout_same_statistics_as_keras_dropout(rate):
    x = np.ones((400, 500), "float32")
    ours = np.asarray(InvertedDropout(rate, seed=3)(x, training=True))
    theirs = np.asarray(keras.layers.Dropout(rate, seed=3)(x, training=True))
    for out in (ours, theirs):
        kept = out[out != 0]
        assert abs((out == 0).mean() - rate) < 0.005  # share dropped ≈ rate (200 000 draws)
        assert abs(out.mean() - 1.0) < 0.01  # inverted: the mean is preserved
        np.testing.assert_allclose(kept, 1.0 / (1.0 - rate), rtol=1e-6)  # scaling is exact
    assert abs((ours == 0).mean() - (theirs == 0).mean()) < 0.008


def test_dropout_is_identity_at_inference_and_with_rate_zero():
    x = np.random.RandomState(0).randn(8, 6).astype("float32")
    layer = InvertedDropout(0.5, seed=1)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(InvertedDropout(0.0)(x, training=True)), x)
    model = keras.Sequential([keras.Input((6,)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def _masks_seen_by_fit(seed, steps=4, n=200, rate=0.5):
    """Train x=1 → dropout → Dense(1, kernel 1) with loss ŷ, batch 1, lr 1: each step moves
    exactly the kept units' weights by 1/keep_prob, so the kernel's changes are the masks.
    One step per epoch, the kernel read at each epoch's end: every backend has synced its
    variables by then (JAX's fit keeps them in its own state within an epoch)."""
    model = keras.Sequential([keras.Input((n,)), InvertedDropout(rate, seed=seed),
                              keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    model.compile(keras.optimizers.SGD(1.0), loss=lambda y_true, y_pred: ops.mean(y_pred, axis=-1))

    def kernel():
        return np.asarray(model.layers[-1].kernel).ravel().copy()

    kernels = [kernel()]
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: kernels.append(kernel()))
    model.fit(np.ones((1, n), "float32"), np.zeros((1, 1)), batch_size=1, epochs=steps,
              shuffle=False, verbose=0, callbacks=[record])
    return -np.diff(np.array(kernels), axis=0) * (1 - rate)  # one 0/1 mask per step


def test_dropout_draws_a_fresh_mask_every_step_inside_fit():
    masks = _masks_seen_by_fit(seed=7)
    np.testing.assert_allclose(np.sort(np.unique(np.round(masks, 5))), [0.0, 1.0])
    assert all(abs(mk.mean() - 0.5) < 0.15 for mk in masks)
    for i in range(len(masks)):
        for j in range(i + 1, len(masks)):
            assert (masks[i] != masks[j]).any(), f"steps {i} and {j} reused one mask"
    np.testing.assert_array_equal(masks, _masks_seen_by_fit(seed=7))  # seeded: reproducible


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, "0.5", None, True])
def test_dropout_rejects_bad_rate_naming_argument_and_value(bad):
    with pytest.raises(ValueError, match=r"`rate`.*rate=" + repr(bad).replace(".", r"\.")):
        InvertedDropout(bad)


def test_dropout_get_config_round_trip():
    layer = InvertedDropout(0.14, seed=5, name="drop")
    clone = InvertedDropout.from_config(layer.get_config())
    assert (clone.rate, clone.seed, clone.name, clone.keep_prob) == (0.14, 5, "drop", 0.86)


# -- BatchNorm -------------------------------------------------------------------------------

def _mlp(norm, seed=0):
    return keras.Sequential([
        keras.Input((5,)), keras.layers.Dense(8, kernel_initializer=keras.initializers.HeNormal(seed)),
        norm, keras.layers.Activation("relu"), keras.layers.Dense(1, "sigmoid")])


@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.9, "epsilon": 1e-2},
                                    {"center": False, "scale": False, "momentum": 0.5}])
def test_batch_norm_matches_keras_inside_fit(kwargs):
    x, y = _data()
    ours, theirs = _mlp(BatchNorm(**kwargs)), _mlp(keras.layers.BatchNormalization(**kwargs))
    theirs.set_weights(ours.get_weights())  # same initial weights, same order
    for model in (ours, theirs):
        model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
        model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    bn_ours, bn_theirs = ours.layers[1], theirs.layers[1]
    np.testing.assert_allclose(np.asarray(bn_ours.moving_mean), np.asarray(bn_theirs.moving_mean),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(bn_ours.moving_variance),
                               np.asarray(bn_theirs.moving_variance), rtol=1e-5, atol=1e-5)
    assert not np.allclose(np.asarray(bn_ours.moving_mean), 0)  # the statistics did move
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    # inference uses the moving statistics; training mode the batch's
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(ours(x, training=True)),
                               np.asarray(theirs(x, training=True)), rtol=1e-5, atol=1e-6)


def test_batch_norm_other_axis_and_float16_like_keras():
    x = np.random.RandomState(1).randn(6, 3, 4, 2).astype("float32") * 4 + 2
    for axis in (1, -1, 2):
        ours, theirs = BatchNorm(axis=axis), keras.layers.BatchNormalization(axis=axis)
        np.testing.assert_allclose(np.asarray(ours(x, training=True)),
                                   np.asarray(theirs(x, training=True)), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(np.asarray(ours.moving_variance),
                                   np.asarray(theirs.moving_variance), rtol=1e-6)
    # mixed precision: statistics in float32, float16 output, float32 weights (like Keras)
    x16 = (np.random.RandomState(2).randn(64, 4) * 100 + 300).astype("float16")
    ours = BatchNorm(dtype="mixed_float16")
    theirs = keras.layers.BatchNormalization(dtype="mixed_float16")
    out = ours(x16, training=True)
    assert ops.dtype(out) == "float16" and ours.moving_mean.dtype == "float32"
    np.testing.assert_allclose(np.asarray(out, "float32"),
                               np.asarray(theirs(x16, training=True), "float32"), atol=2e-3)
    np.testing.assert_allclose(np.asarray(ours.moving_mean), np.asarray(theirs.moving_mean),
                               rtol=1e-3)


def test_batch_norm_frozen_when_not_trainable_like_keras():
    x, y = _data()
    model = _mlp(BatchNorm())
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    bn = model.layers[1]
    bn.trainable = False
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")  # recompile after freezing
    before = [np.asarray(w).copy() for w in bn.weights]
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    for a, w in zip(before, bn.weights):
        np.testing.assert_array_equal(a, np.asarray(w))  # no γ/β step, no moving-average update
    h = model.layers[0](x)
    np.testing.assert_allclose(np.asarray(bn(h, training=True)), np.asarray(bn(h, training=False)))


@tensorflow_only
def test_batch_norm_passes_gradient_check():
    x, y = _data(m=12)
    x = x.astype("float64")
    # the layer alone: dJ/dx through the batch statistics, and dJ/dγ, dJ/dβ
    result = gradient_check(BatchNorm(momentum=0.9), x, wrt="all")
    assert result.passed, result
    # inside a model, with its loss, in training mode and at inference
    model = _mlp(BatchNorm())
    model.compile("sgd", "binary_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    for training in (True, False):
        result = gradient_check(model, x, y, training=training)
        assert result.passed, (training, result)


@tensorflow_only
def test_dropout_gradient_check_refused_in_training_accepted_at_inference():
    x, y = _data(m=10)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, "relu"),
                              InvertedDropout(0.2), keras.layers.Dense(1, "sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    with pytest.raises(GradientCheckError, match="dropout.*InvertedDropout, rate=0.2"):
        gradient_check(model, x, y)
    assert gradient_check(model, x, y, training=False).passed


@pytest.mark.parametrize("kwargs, pattern", [
    ({"momentum": 1.0}, r"`momentum`.*momentum=1\.0"),
    ({"momentum": -0.1}, r"`momentum`.*momentum=-0\.1"),
    ({"epsilon": -1e-3}, r"`epsilon`.*epsilon=-0\.001"),
    ({"axis": "last"}, r"`axis`.*axis='last'"),
])
def test_batch_norm_rejects_bad_arguments_naming_them(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        BatchNorm(**kwargs)


def test_batch_norm_get_config_round_trip():
    layer = BatchNorm(axis=1, momentum=0.9, epsilon=1e-5, center=False, name="bn")
    clone = BatchNorm.from_config(layer.get_config())
    assert (clone.axis, clone.momentum, clone.epsilon, clone.center, clone.scale, clone.name) == \
        (1, 0.9, 1e-5, False, True, "bn")


# -- saving and export, checked in a fresh process -----------------------------------------------

FRESH = textwrap.dedent(r"""
    import json, sys
    import numpy as np
    paths = json.loads(sys.argv[1])
    import tensorflow as tf
    # the SavedModel needs no tfcourse at all
    loaded = tf.saved_model.load(paths["export"])
    served = loaded.serve(tf.constant(np.load(paths["npz"])["x"]))
    assert not any(m.startswith("tfcourse") for m in sys.modules)
    import keras
    import tfcourse.initializers, tfcourse.layers, tfcourse.regularizers  # registers the classes
    model = keras.saving.load_model(paths["keras"])
    sample = np.load(paths["npz"])
    np.testing.assert_allclose(model.predict(sample["x"], verbose=0), sample["y"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(served.numpy(), sample["y"], rtol=1e-5, atol=1e-6)
    print("ok", [type(l).__name__ for l in model.layers])
""")


@tensorflow_only
def test_keras_save_load_and_export_in_a_fresh_process(tmp_path):
    from tfcourse import initializers, regularizers

    x, y = _data()
    model = keras.Sequential([
        keras.Input((5,)),
        keras.layers.Dense(8, kernel_initializer=initializers.He(seed=1),
                           kernel_regularizer=regularizers.L2(0.7, m=len(x))),
        BatchNorm(momentum=0.9), keras.layers.Activation("relu"), InvertedDropout(0.2, seed=2),
        keras.layers.Dense(1, "sigmoid", kernel_regularizer=regularizers.L1(0.1, m=len(x)))])
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    paths = {"keras": str(tmp_path / "m.keras"), "export": str(tmp_path / "sm"),
             "npz": str(tmp_path / "sample.npz")}
    model.save(paths["keras"])
    model.export(paths["export"], verbose=False)
    np.savez(paths["npz"], x=x[:16], y=model.predict(x[:16], verbose=0))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-c", FRESH, json.dumps(paths)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "'BatchNorm', 'Activation', 'InvertedDropout'" in proc.stdout


# --- Course 5: attention (week 3) and the Transformer's positional encoding (week 4) ----------

def test_one_step_attention_matches_course_composition():
    tx, n_a2, n_s = 6, 4, 3
    rng = np.random.default_rng(5)
    a = rng.normal(size=(4, tx, n_a2)).astype("float32")
    s = rng.normal(size=(4, n_s)).astype("float32")
    att = OneStepAttention(10)
    context, alphas = att(a, s)
    # The course's layers, with the same weights
    a_in, s_in = keras.Input((tx, n_a2)), keras.Input((n_s,))
    concat = keras.layers.Concatenate(axis=-1)([a_in, keras.layers.RepeatVector(tx)(s_in)])
    d1, d2 = keras.layers.Dense(10, activation="tanh"), keras.layers.Dense(1, activation="relu")
    alph = keras.layers.Softmax(axis=1)(d2(d1(concat)))
    ctx_out = keras.layers.Dot(axes=1)([alph, a_in])
    course = keras.Model([a_in, s_in], [ctx_out, alph])
    d1.set_weights(att.dense1.get_weights())
    d2.set_weights(att.dense2.get_weights())
    want_ctx, want_alph = course([a, s])
    assert np.max(np.abs(np.asarray(context) - np.asarray(want_ctx)[:, 0])) < 1e-5
    assert np.max(np.abs(np.asarray(alphas) - np.asarray(want_alph)[..., 0])) < 1e-6
    np.testing.assert_allclose(np.asarray(alphas).sum(axis=1), 1.0, atol=1e-5)


def test_attention_decoder_shapes_and_config_round_trip():
    dec = AttentionDecoder(steps=4, units=8, vocab_size=5, energy_activation=None)
    a = np.random.default_rng(6).normal(size=(2, 6, 4)).astype("float32")
    probs, alphas = dec(a, return_attention=True)
    assert probs.shape == (2, 4, 5) and alphas.shape == (2, 4, 6)
    np.testing.assert_allclose(np.asarray(probs).sum(-1), 1.0, atol=1e-5)
    clone = AttentionDecoder.from_config(dec.get_config())
    clone.build(a.shape)
    clone.set_weights(dec.get_weights())
    np.testing.assert_allclose(np.asarray(clone(a)), np.asarray(probs), atol=1e-6)
    with pytest.raises(ValueError, match="units"):
        AttentionDecoder(steps=4, units=0, vocab_size=5)


def test_positional_encoding_is_the_course_formula():
    positions, d = 12, 8
    want = np.zeros((positions, d))
    for pos in range(positions):  # the course's get_angles, written out
        for k in range(d):
            angle = pos / 10000 ** (2 * (k // 2) / d)
            want[pos, k] = np.sin(angle) if k % 2 == 0 else np.cos(angle)
    got = np.asarray(positional_encoding(positions, d))
    assert got.shape == (1, positions, d)  # the course's leading batch axis
    got = got[0]
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert abs(got[1, 0] - np.sin(1.0)) < 1e-6 and abs(got[1, 1] - np.cos(1.0)) < 1e-6
    assert abs(got[3, 2] - np.sin(3 / 10000 ** (2 / 8))) < 1e-6  # pos 3, i = 1
    with pytest.raises(ValueError, match="`d`"):
        positional_encoding(4, 0)


def test_positional_embedding_adds_scaled_embedding_and_encoding():
    layer = PositionalEmbedding(vocab_size=9, d_model=6, max_length=10)
    ids = np.array([[1, 2, 3, 0], [4, 4, 4, 4]], "float32")
    out = np.asarray(layer(ids))
    table = np.asarray(layer.embedding.embeddings)
    want = table[ids.astype(int)] * np.sqrt(6) + np.asarray(positional_encoding(10, 6))[0, :4]
    np.testing.assert_allclose(out, want, atol=1e-5)
    clone = PositionalEmbedding.from_config(layer.get_config())
    assert clone.get_config()["max_length"] == 10
