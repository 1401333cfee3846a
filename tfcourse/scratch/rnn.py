"""Course 5, week 1 in NumPy: the RNN and LSTM, forward and (optional) backward, the course's way.

The first Course 5 assignment ("Building your Recurrent Neural Network - Step by Step") writes both
recurrent cells in NumPy. This module keeps its names, signatures, layouts and caches:

- ``rnn_cell_forward(xt, a_prev, parameters) -> (a_next, yt_pred, cache)``,
  ``cache = (a_next, a_prev, xt, parameters)``;
- ``rnn_forward(x, a0, parameters) -> (a, y_pred, caches)``, ``caches = (list of caches, x)``;
- ``lstm_cell_forward(xt, a_prev, c_prev, parameters) -> (a_next, c_next, yt_pred, cache)``,
  ``cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``;
- ``lstm_forward(x, a0, parameters) -> (a, y, c, caches)`` (that order: a, y, c);
- the optional backward passes ``rnn_cell_backward(da_next, cache)``, ``rnn_backward(da,
  caches)``, ``lstm_cell_backward(da_next, dc_next, cache)`` and ``lstm_backward(da, caches)``,
  each returning the course's dict of gradients.

Layout: the course's, features first and time last: ``x`` is (n_x, m, T_x), ``a`` (n_a, m, T_x),
one step ``xt`` (n_x, m); weights multiply from the left (``Wax @ xt``) and biases are columns
(``ba`` of shape (n_a, 1)). :mod:`tfcourse.sequence` computes the same forward passes batch-first,
(m, T_x, n_x), with ``keras.ops`` and without caches (it maps the weights onto Keras's
``SimpleRNN``/``LSTM``); the tests check both give the same states after transposing.

The backward passes take ``da``, the gradient of the loss with respect to every hidden state
(what a dense + softmax output layer would send back, which these functions do not include), and
return gradients summed over the m examples. The tests check every one against ``tf.GradientTape``
through the same computation written in TensorFlow, to float64 round-off.
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import invalid


def _softmax(x):
    """The course's ``rnn_utils.softmax``: over axis 0 (the classes), max subtracted."""
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _params(parameters, names, owner):
    missing = [k for k in names if k not in parameters]
    if missing:
        raise invalid("parameters", "a dict with the keys " + ", ".join(names),
                      sorted(parameters), owner)
    return [np.asarray(parameters[k], dtype=float) for k in names]


# ---------------------------------------------------------------------------------------------
# RNN
# ---------------------------------------------------------------------------------------------


def rnn_cell_forward(xt, a_prev, parameters):
    """One RNN step: a⟨t⟩ = tanh(Waa a⟨t−1⟩ + Wax x⟨t⟩ + ba), ŷ⟨t⟩ = softmax(Wya a⟨t⟩ + by).

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch; c5w1_rnn uses
    tfcourse.sequence).

    Args:
        xt: (n_x, m).
        a_prev: (n_a, m).
        parameters: ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``Wya`` (n_y, n_a), ``ba`` (n_a, 1),
            ``by`` (n_y, 1).

    Returns:
        ``(a_next, yt_pred, cache)`` with ``cache = (a_next, a_prev, xt, parameters)``.
    """
    Wax, Waa, Wya, ba, by = _params(parameters, ("Wax", "Waa", "Wya", "ba", "by"),
                                    "rnn_cell_forward")
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    yt_pred = _softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


def rnn_forward(x, a0, parameters):
    """The RNN over T_x steps: :func:`rnn_cell_forward` repeated, the same weights at every step.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Args:
        x: (n_x, m, T_x).
        a0: (n_a, m).
        parameters: as in :func:`rnn_cell_forward`.

    Returns:
        ``(a, y_pred, caches)``: a (n_a, m, T_x), y_pred (n_y, m, T_x) and
        ``caches = (list of the T_x step caches, x)``.
    """
    x = np.asarray(x, dtype=float)
    n_x, m, T_x = x.shape
    n_y, n_a = np.shape(parameters["Wya"])
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = np.asarray(a0, dtype=float)
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    return a, y_pred, (caches, x)


def rnn_cell_backward(da_next, cache):
    """Backward through one RNN step, from da_next = ∂J/∂a⟨t⟩.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    With dz = (1 − a⟨t⟩²) ⊙ da_next (tanh' written with the saved a⟨t⟩):

        dxt = Waxᵀ dz,   dWax = dz xtᵀ,   da_prev = Waaᵀ dz,   dWaa = dz a_prevᵀ,
        dba = Σ_m dz  (keepdims, shape (n_a, 1)).

    Returns the course's dict ``{"dxt", "da_prev", "dWax", "dWaa", "dba"}``.
    """
    (a_next, a_prev, xt, parameters) = cache
    Wax, Waa = _params(parameters, ("Wax", "Waa"), "rnn_cell_backward")
    dtanh = (1 - a_next ** 2) * da_next
    dxt = Wax.T @ dtanh
    dWax = dtanh @ xt.T
    da_prev = Waa.T @ dtanh
    dWaa = dtanh @ a_prev.T
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def rnn_backward(da, caches):
    """Backpropagation through time for the RNN: :func:`rnn_cell_backward` from T_x down to 1.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    At step t the hidden state receives two gradients, the loss's own ``da[:, :, t]`` and the one
    flowing back from step t+1 (``da_prevt``): ``rnn_cell_backward(da[:, :, t] + da_prevt,
    caches[t])``. dx⟨t⟩ is stored; dWax, dWaa, dba add up over steps; da0 is the last da_prev.

    Args:
        da: (n_a, m, T_x), ∂J/∂a⟨t⟩ from outside the recurrence (e.g. from the output layer).
        caches: from :func:`rnn_forward`.

    Returns the course's dict ``{"dx", "da0", "dWax", "dWaa", "dba"}``.
    """
    (caches, x) = caches
    (a1, a0, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        da_prevt = gradients["da_prev"]
        dx[:, :, t] = gradients["dxt"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# ---------------------------------------------------------------------------------------------
# LSTM
# ---------------------------------------------------------------------------------------------


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One LSTM step on concat = [a⟨t−1⟩; x⟨t⟩] (a's rows first).

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

        Γf = σ(Wf concat + bf),  Γi = σ(Wi concat + bi),  c̃ = tanh(Wc concat + bc),
        c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γi ⊙ c̃,  Γo = σ(Wo concat + bo),  a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩),
        ŷ⟨t⟩ = softmax(Wy a⟨t⟩ + by).

    Args:
        xt: (n_x, m); a_prev, c_prev: (n_a, m).
        parameters: ``Wf, Wi, Wc, Wo`` (n_a, n_a + n_x), ``bf, bi, bc, bo`` (n_a, 1), ``Wy``
            (n_y, n_a), ``by`` (n_y, 1). (:func:`tfcourse.sequence.lstm_params_from_keras` maps
            Keras's LSTM weights onto these names.)

    Returns:
        ``(a_next, c_next, yt_pred, cache)`` with
        ``cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)``.
    """
    Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by = _params(
        parameters, ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo", "Wy", "by"),
        "lstm_cell_forward")
    concat = np.concatenate([a_prev, xt], axis=0)  # (n_a + n_x, m)
    ft = _sigmoid(Wf @ concat + bf)
    it = _sigmoid(Wi @ concat + bi)
    cct = np.tanh(Wc @ concat + bc)
    c_next = ft * c_prev + it * cct
    ot = _sigmoid(Wo @ concat + bo)
    a_next = ot * np.tanh(c_next)
    yt_pred = _softmax(Wy @ a_next + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_forward(x, a0, parameters):
    """The LSTM over T_x steps from a⟨0⟩ = a0 and c⟨0⟩ = 0.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Args:
        x: (n_x, m, T_x); a0: (n_a, m); parameters: as in :func:`lstm_cell_forward`.

    Returns:
        ``(a, y, c, caches)`` — the course's order — with a and c (n_a, m, T_x), y (n_y, m, T_x)
        and ``caches = (list of step caches, x)``.
    """
    x = np.asarray(x, dtype=float)
    n_x, m, T_x = x.shape
    n_y, n_a = np.shape(parameters["Wy"])
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    a_next = np.asarray(a0, dtype=float)
    c_next = np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt
        caches.append(cache)
    return a, y, c, (caches, x)


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward through one LSTM step, from da_next = ∂J/∂a⟨t⟩ and dc_next = ∂J/∂c⟨t⟩.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    The course's equations (7)–(21), with τ = tanh(c⟨t⟩) and the gate derivatives taken before
    their activations:

        dΓo = da_next ⊙ τ ⊙ Γo(1 − Γo)
        dc̃  = (dc_next ⊙ Γi + Γo(1 − τ²) ⊙ Γi ⊙ da_next) ⊙ (1 − c̃²)
        dΓi = (dc_next ⊙ c̃ + Γo(1 − τ²) ⊙ c̃ ⊙ da_next) ⊙ Γi(1 − Γi)
        dΓf = (dc_next ⊙ c⟨t−1⟩ + Γo(1 − τ²) ⊙ c⟨t−1⟩ ⊙ da_next) ⊙ Γf(1 − Γf)
        dW_g = dΓ_g [a_prev; xt]ᵀ,   db_g = Σ_m dΓ_g
        da_prev = Σ_g W_g[:, :n_a]ᵀ dΓ_g,   dxt = Σ_g W_g[:, n_a:]ᵀ dΓ_g
        dc_prev = dc_next ⊙ Γf + Γo(1 − τ²) ⊙ Γf ⊙ da_next

    Returns the course's dict ``{"dxt", "da_prev", "dc_prev", "dWf", "dbf", "dWi", "dbi",
    "dWc", "dbc", "dWo", "dbo"}``.
    """
    (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
    Wf, Wi, Wc, Wo = _params(parameters, ("Wf", "Wi", "Wc", "Wo"), "lstm_cell_backward")
    n_a, m = a_next.shape
    tanh_c = np.tanh(c_next)
    da_c = ot * (1 - tanh_c ** 2) * da_next  # the part of ∂J/∂c⟨t⟩ that comes through a⟨t⟩
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = (dc_next * it + da_c * it) * (1 - cct ** 2)
    dit = (dc_next * cct + da_c * cct) * it * (1 - it)
    dft = (dc_next * c_prev + da_c * c_prev) * ft * (1 - ft)
    concat = np.concatenate([a_prev, xt], axis=0)
    dWf, dWi, dWc, dWo = dft @ concat.T, dit @ concat.T, dcct @ concat.T, dot @ concat.T
    dbf, dbi, dbc, dbo = (np.sum(d, axis=1, keepdims=True) for d in (dft, dit, dcct, dot))
    da_prev = Wf[:, :n_a].T @ dft + Wi[:, :n_a].T @ dit + Wc[:, :n_a].T @ dcct + Wo[:, :n_a].T @ dot
    dc_prev = dc_next * ft + da_c * ft
    dxt = Wf[:, n_a:].T @ dft + Wi[:, n_a:].T @ dit + Wc[:, n_a:].T @ dcct + Wo[:, n_a:].T @ dot
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
            "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}


def lstm_backward(da, caches):
    """Backpropagation through time for the LSTM: :func:`lstm_cell_backward` from T_x down to 1.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    ``lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])`` at each step: the hidden
    state gets the loss's gradient plus the one from step t+1, the memory cell only the one from
    step t+1 (the loss does not read c directly). Parameter gradients add up; dx⟨t⟩ is stored;
    da0 is the last da_prev. T_x is ``da``'s last dimension: the course's own test runs the
    forward pass over 7 steps and backpropagates a 4-step ``da`` through the first 4 caches.

    Returns the course's dict ``{"dx", "da0", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo",
    "dbo"}``.
    """
    (caches, x) = caches
    (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
    n_a, m, T_x = da.shape
    n_x, m = x1.shape
    dx = np.zeros((n_x, m, T_x))
    da_prevt = np.zeros((n_a, m))
    dc_prevt = np.zeros((n_a, m))
    totals = {k: np.zeros((n_a, n_a + n_x)) for k in ("dWf", "dWi", "dWc", "dWo")}
    totals.update({k: np.zeros((n_a, 1)) for k in ("dbf", "dbi", "dbc", "dbo")})
    for t in reversed(range(T_x)):
        gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
        da_prevt = gradients["da_prev"]
        dc_prevt = gradients["dc_prev"]
        dx[:, :, t] = gradients["dxt"]
        for k in totals:
            totals[k] += gradients[k]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": totals["dWf"], "dbf": totals["dbf"],
            "dWi": totals["dWi"], "dbi": totals["dbi"], "dWc": totals["dWc"],
            "dbc": totals["dbc"], "dWo": totals["dWo"], "dbo": totals["dbo"]}


__all__ = ["rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
           "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward"]
