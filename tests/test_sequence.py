"""tfcourse.sequence: the hand-written RNN/LSTM forward passes against Keras's layers (same
weights, copied through the documented mapping), sampling temperature, one-step attention."""
import numpy as np
import pytest

import keras
from tfcourse import sequence

M, T, N_X, N_A, N_Y = 4, 7, 3, 5, 6


@pytest.fixture
def x():
    return np.random.default_rng(0).normal(size=(M, T, N_X)).astype("float32")


def _keras_model(recurrent):
    inp = keras.Input((T, N_X))
    out = keras.layers.Dense(N_Y, activation="softmax")(recurrent(inp))
    return keras.Model(inp, out)


def _randomize(model, seed):
    """Non-default weights everywhere (biases included), so a swapped block would show."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32")
                       for w in model.get_weights()])


def test_rnn_forward_matches_simple_rnn(x):
    rnn = keras.layers.SimpleRNN(N_A, return_sequences=True)
    model = _keras_model(rnn)
    _randomize(model, 1)
    dense = model.layers[-1]
    a_keras = keras.Model(model.input, rnn.output)(x)
    params = sequence.rnn_params_from_keras(rnn, dense)
    assert params["Wax"].shape == (N_A, N_X) and params["Waa"].shape == (N_A, N_A)
    a, y = sequence.rnn_forward(x, np.zeros((M, N_A), "float32"), params)
    assert a.shape == (M, T, N_A) and y.shape == (M, T, N_Y)
    assert np.max(np.abs(np.asarray(a) - np.asarray(a_keras))) < 1e-5
    assert np.max(np.abs(np.asarray(y) - np.asarray(model(x)))) < 1e-5


def test_rnn_cell_is_the_course_formula():
    rng = np.random.default_rng(2)
    shapes = {"Wax": (N_A, N_X), "Waa": (N_A, N_A), "ba": (N_A,), "Wya": (N_Y, N_A), "by": (N_Y,)}
    p = {k: rng.normal(size=s) for k, s in shapes.items()}
    xt, a_prev = rng.normal(size=(M, N_X)), rng.normal(size=(M, N_A))
    a_next, yt = sequence.rnn_cell_forward(xt, a_prev, p)
    # The course's column layout: a (n_a, m) = tanh(Waa a + Wax x + ba)
    want_a = np.tanh(p["Waa"] @ a_prev.T + p["Wax"] @ xt.T + p["ba"][:, None])
    z = p["Wya"] @ want_a + p["by"][:, None]
    want_y = np.exp(z) / np.exp(z).sum(axis=0)
    np.testing.assert_allclose(np.asarray(a_next), want_a.T, atol=1e-6)
    np.testing.assert_allclose(np.asarray(yt), want_y.T, atol=1e-6)


def test_lstm_forward_matches_keras_lstm(x):
    lstm = keras.layers.LSTM(N_A, return_sequences=True)
    model = _keras_model(lstm)
    _randomize(model, 3)
    params = sequence.lstm_params_from_keras(lstm, model.layers[-1])
    for g in "fico":
        assert params["W" + g].shape == (N_A, N_A + N_X) and params["b" + g].shape == (N_A,)
    a_keras = keras.Model(model.input, lstm.output)(x)
    a, c, y = sequence.lstm_forward(x, np.zeros((M, N_A), "float32"), params)
    assert a.shape == c.shape == (M, T, N_A)
    assert np.max(np.abs(np.asarray(a) - np.asarray(a_keras))) < 1e-5
    assert np.max(np.abs(np.asarray(y) - np.asarray(model(x)))) < 1e-5


def test_lstm_gate_order_matters(x):
    """Swapping the forget and update blocks (reading i, f, c, o as f, i, c, o) breaks the match."""
    lstm = keras.layers.LSTM(N_A, return_sequences=True)
    model = _keras_model(lstm)
    _randomize(model, 4)
    params = sequence.lstm_params_from_keras(lstm)
    swapped = {**params, "Wf": params["Wi"], "Wi": params["Wf"],
               "bf": params["bi"], "bi": params["bf"]}
    a_keras = np.asarray(keras.Model(model.input, lstm.output)(x))
    a_ok, _, _ = sequence.lstm_forward(x, np.zeros((M, N_A), "float32"), params)
    a_bad, _, _ = sequence.lstm_forward(x, np.zeros((M, N_A), "float32"), swapped)
    assert np.max(np.abs(np.asarray(a_ok) - a_keras)) < 1e-5
    assert np.max(np.abs(np.asarray(a_bad) - a_keras)) > 1e-2


def test_lstm_params_reject_other_activations():
    lstm = keras.layers.LSTM(N_A, recurrent_activation="hard_sigmoid")
    lstm.build((None, T, N_X))
    with pytest.raises(ValueError, match="recurrent_activation"):
        sequence.lstm_params_from_keras(lstm)


def test_temperature_low_is_argmax_like_and_one_is_identity():
    p = np.array([0.1, 0.2, 0.6, 0.1], "float32")
    np.testing.assert_allclose(np.asarray(sequence.temperature_probabilities(p, 1.0)), p, atol=1e-6)
    cold = np.asarray(sequence.temperature_probabilities(p, 0.05))
    assert cold.argmax() == 2 and cold[2] > 0.999
    hot = np.asarray(sequence.temperature_probabilities(p, 100.0))
    assert np.max(np.abs(hot - 0.25)) < 0.01
    rng = np.random.default_rng(0)
    draws = [sequence.sample_index(p, 0.05, rng) for _ in range(200)]
    assert set(draws) == {2}
    draws = [sequence.sample_index(p, 1.0, rng) for _ in range(2000)]
    assert abs(np.mean(np.asarray(draws) == 2) - 0.6) < 0.05
    with pytest.raises(ValueError, match="temperature"):
        sequence.temperature_probabilities(p, 0.0)


def test_one_step_attention_matches_course_composition():
    tx, n_a2, n_s = 6, 4, 3
    rng = np.random.default_rng(5)
    a = rng.normal(size=(M, tx, n_a2)).astype("float32")
    s = rng.normal(size=(M, n_s)).astype("float32")
    att = sequence.OneStepAttention(10)
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
    dec = sequence.AttentionDecoder(steps=4, units=8, vocab_size=5, energy_activation=None)
    a = np.random.default_rng(6).normal(size=(2, 6, 4)).astype("float32")
    probs, alphas = dec(a, return_attention=True)
    assert probs.shape == (2, 4, 5) and alphas.shape == (2, 4, 6)
    np.testing.assert_allclose(np.asarray(probs).sum(-1), 1.0, atol=1e-5)
    clone = sequence.AttentionDecoder.from_config(dec.get_config())
    clone.build(a.shape)
    clone.set_weights(dec.get_weights())
    np.testing.assert_allclose(np.asarray(clone(a)), np.asarray(probs), atol=1e-6)
    with pytest.raises(ValueError, match="units"):
        sequence.AttentionDecoder(steps=4, units=0, vocab_size=5)


def test_positional_encoding_is_the_course_formula():
    positions, d = 12, 8
    want = np.zeros((positions, d))
    for pos in range(positions):  # the course's get_angles, written out
        for k in range(d):
            angle = pos / 10000 ** (2 * (k // 2) / d)
            want[pos, k] = np.sin(angle) if k % 2 == 0 else np.cos(angle)
    got = np.asarray(sequence.positional_encoding(positions, d))
    assert got.shape == (positions, d)
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert abs(got[1, 0] - np.sin(1.0)) < 1e-6 and abs(got[1, 1] - np.cos(1.0)) < 1e-6
    assert abs(got[3, 2] - np.sin(3 / 10000 ** (2 / 8))) < 1e-6  # pos 3, i = 1
    with pytest.raises(ValueError, match="d must"):
        sequence.positional_encoding(4, 0)


def test_positional_embedding_adds_scaled_embedding_and_encoding():
    layer = sequence.PositionalEmbedding(vocab_size=9, d_model=6, max_length=10)
    ids = np.array([[1, 2, 3, 0], [4, 4, 4, 4]], "float32")
    out = np.asarray(layer(ids))
    table = np.asarray(layer.embedding.embeddings)
    want = table[ids.astype(int)] * np.sqrt(6) + np.asarray(sequence.positional_encoding(10, 6))[:4]
    np.testing.assert_allclose(out, want, atol=1e-5)
    clone = sequence.PositionalEmbedding.from_config(layer.get_config())
    assert clone.get_config()["max_length"] == 10
