"""tfcourse.sequence: the hand-written RNN/LSTM forward passes against Keras's layers (same
weights, copied through the documented mapping) and the sampling temperature. The attention and
positional-encoding layers are tested in test_layers.py."""
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
