"""The course's LSTM music generator (Course 5, week 1: "Improvise a Jazz Solo with an LSTM").

The course builds its generator from three **shared** layers, created once and called at every
time step, so that the same weights serve all steps:

    reshaper = Reshape((1, n_values))           # x⟨t⟩ (m, n_values) → (m, 1, n_values)
    LSTM_cell = LSTM(n_a, return_state=True)    # one step: a⟨t⟩, c⟨t⟩ from x⟨t⟩, a⟨t−1⟩, c⟨t−1⟩
    densor = Dense(n_values, activation="softmax")   # ŷ⟨t⟩ = softmax(W_y a⟨t⟩ + b_y)

:func:`djmodel` unrolls them over Tx steps for training (teacher forcing: step t reads the true
value x⟨t⟩ and predicts x⟨t+1⟩), with a⟨0⟩ and c⟨0⟩ as inputs; :func:`music_inference_model`
unrolls them over Ty steps for generation, feeding back the one-hot of the most likely value
(the course's ``argmax`` + ``one_hot`` + ``RepeatVector(1)``); :func:`predict_and_sample` runs it.

Keras mapping. The unrolled loop computes exactly ``LSTM(n_a, return_sequences=True)`` over the
whole window followed by a ``TimeDistributed`` Dense (what a Keras user would write; the course
unrolls it to show the per-step sharing). :func:`next_value_model` is that fused, single-input form,
built from the same layer objects (no new weights): X (m, Tx, n_values) → ŷ (m, Tx, n_values),
a⟨0⟩ = c⟨0⟩ = 0. It is what the lesson trains (25 times faster on a CPU than the unrolled
djmodel, with identical predictions), evaluates and exports.

Baselines: :func:`ngram_losses` scores the same held-out positions with add-α smoothed unigram
and bigram models, so the LSTM's held-out cross-entropy per value can be compared with what
counting alone achieves. :func:`write_midi` turns values into a MIDI file with music21.
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int, check_number, invalid


def _keras():
    import keras

    return keras


def djmodel(Tx, LSTM_cell, densor, reshaper):
    """The course's training model: the shared LSTM_cell and densor unrolled over Tx steps.

    Course 5, week 1; lesson c5w1_jazz.

    For t = 1 … Tx: ``x = X[:, t, :]``, ``x = reshaper(x)``, ``a, _, c = LSTM_cell(x,
    initial_state=[a, c])``, ``out = densor(a)``; the outputs are the list of the Tx
    ``(m, n_values)`` predictions. ``n_values = densor.units`` and ``n_a = LSTM_cell.units``,
    as the course reads them.

    Args:
        Tx: steps per window.
        LSTM_cell: ``keras.layers.LSTM(n_a, return_state=True)``.
        densor: ``keras.layers.Dense(n_values, activation="softmax")``.
        reshaper: ``keras.layers.Reshape((1, n_values))``.

    Returns ``keras.Model(inputs=[X, a0, c0], outputs=outputs)``, X (m, Tx, n_values), a0 and c0
    (m, n_a); train it with ``fit([X, a0, c0], list(Y))``, Y of shape (Tx, m, n_values).
    """
    keras = _keras()
    Tx = check_int("Tx", Tx, low=1, owner="djmodel")
    n_values = densor.units
    n_a = LSTM_cell.units
    X = keras.Input(shape=(Tx, n_values), name="X")
    a0 = keras.Input(shape=(n_a,), name="a0")
    c0 = keras.Input(shape=(n_a,), name="c0")
    a, c = a0, c0
    outputs = []
    for t in range(Tx):
        x = X[:, t, :]  # (m, n_values): value t of every window
        x = reshaper(x)  # (m, 1, n_values): a sequence of one step for the LSTM
        a, _, c = LSTM_cell(x, initial_state=[a, c])
        outputs.append(densor(a))  # (m, n_values)
    return keras.Model(inputs=[X, a0, c0], outputs=outputs, name="djmodel")


def music_inference_model(LSTM_cell, densor, Ty=100):
    """The course's generator: Ty steps, each fed the one-hot of the previous step's argmax.

    Course 5, week 1; lesson c5w1_jazz.

    ``x⟨1⟩ = x0``; at every step ``a, _, c = LSTM_cell(x, initial_state=[a, c])``,
    ``out = densor(a)``, then ``x = one_hot(argmax(out))`` reshaped to (m, 1, n_values) (the
    course's ``tf.math.argmax``, ``tf.one_hot`` and ``RepeatVector(1)``, written with
    ``keras.ops`` so that the model saves and loads).

    Returns ``keras.Model(inputs=[x0, a0, c0], outputs=outputs)``: x0 (m, 1, n_values), a0 and c0
    (m, n_a), Ty outputs of shape (m, n_values).
    """
    keras = _keras()
    from keras import ops

    Ty = check_int("Ty", Ty, low=1, owner="music_inference_model")
    n_values = densor.units
    n_a = LSTM_cell.units
    x0 = keras.Input(shape=(1, n_values), name="x0")
    a0 = keras.Input(shape=(n_a,), name="a0")
    c0 = keras.Input(shape=(n_a,), name="c0")
    a, c, x = a0, c0, x0
    outputs = []
    for t in range(Ty):
        a, _, c = LSTM_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        x = ops.one_hot(ops.argmax(out, axis=-1), n_values)  # the most likely value, one-hot
        x = keras.layers.RepeatVector(1)(x)  # (m, 1, n_values)
    return keras.Model(inputs=[x0, a0, c0], outputs=outputs, name="music_inference_model")


def predict_and_sample(inference_model, x_initializer, a_initializer, c_initializer):
    """Run the inference model once: the generated values as indices and as one-hots.

    Course 5, week 1; lesson c5w1_jazz.

    Returns ``(results, indices)``: indices (Ty, m) — (Ty, 1) for the course's one start — from
    ``np.argmax(pred, axis=-1)``, and results their one-hots from ``to_categorical`` ((Ty,
    n_values) for one start: Keras drops the trailing 1, as in the course).
    """
    keras = _keras()
    # One call on one start: running the model eagerly avoids tracing a graph of Ty LSTM calls,
    # which costs far more than the call itself (the course's ``predict`` computes the same).
    pred = inference_model([np.asarray(x_initializer, "float32"),
                            np.asarray(a_initializer, "float32"),
                            np.asarray(c_initializer, "float32")], training=False)
    pred = [np.asarray(p) for p in pred]
    n_values = int(np.shape(pred[0])[-1])
    indices = np.argmax(np.asarray(pred), axis=-1)  # (Ty, m)
    results = keras.utils.to_categorical(indices, num_classes=n_values)
    return results, indices


def next_value_model(Tx, LSTM_cell, densor, unroll: bool = True):
    """djmodel as one fused recurrence: X (m, Tx, n_values) → ŷ (m, Tx, n_values), a⟨0⟩ = c⟨0⟩ = 0.

    Course 5, week 1; lesson c5w1_jazz.

    ``keras.layers.RNN(LSTM_cell.cell, return_sequences=True, unroll=True)`` runs the very cell
    object (so the very weights) of the shared ``LSTM_cell`` over the window, and ``densor`` is
    applied at every step (a Dense on the last axis): the same computation as :func:`djmodel`
    with zero initial states (the course's ``a_initializer``/``c_initializer``), which the tests
    and the lesson check to float round-off. Why it exists: the course's unrolled model calls
    ``LSTM_cell`` Tx times, each call its own small recurrent loop, which on a CPU trains ~25
    times slower; and a single-input model is what a SavedModel's ``serve`` endpoint and
    ``fit``/``evaluate`` with one target want. Training it trains djmodel's layers.
    ``unroll=True`` writes the Tx steps out in the graph (faster to train for Tx = 30 on a CPU);
    ``False`` keeps one loop (faster to build and export: the lessons' ``--fast`` runs).
    """
    keras = _keras()
    Tx = check_int("Tx", Tx, low=1, owner="next_value_model")
    n_values = densor.units
    X = keras.Input(shape=(Tx, n_values), name="X")
    a = keras.layers.RNN(LSTM_cell.cell, return_sequences=True, unroll=bool(unroll),
                         name="shared_lstm_cell")(X)  # (m, Tx, n_a)
    return keras.Model(X, densor(a), name="next_value_model")  # (m, Tx, n_values)


def cross_entropy_per_value(probs, targets, mask=None) -> float:
    """Mean −log p(target) in nats over the positions where ``mask`` is 1.

    Course 5, week 1; lesson c5w1_jazz.

    Args:
        probs: (..., n_values) probabilities.
        targets: (...) integer targets.
        mask: (...) weights, default all ones.
    """
    probs = np.asarray(probs, "float64")
    targets = np.asarray(targets)
    p = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
    mask = np.ones_like(p) if mask is None else np.asarray(mask, "float64")
    return float(-(np.log(np.maximum(p, 1e-12)) * mask).sum() / mask.sum())


def ngram_losses(train_encoded, targets, mask, n_values: int, alpha: float = 0.1) -> dict:
    """Held-out cross-entropy per value of add-α unigram and bigram models.

    Course 5, week 1; lesson c5w1_jazz.

    Counted on ``train_encoded`` (lists of value indices): unigram p(v) ∝ count(v) + α; bigram
    p(v | u) ∝ count(u → v) + α·V·p_uni(v) (add-α smoothing towards the unigram, V = n_values).
    Scored on ``targets``/``mask`` from :func:`tfcourse.data.music.heldout_windows`: the first
    position of a window has no context (the LSTM's zero start vector), so both models use the
    unigram there; later positions condition the bigram on the previous target in the window.

    Returns ``{"unigram": loss, "bigram": loss}`` in nats per value.
    """
    n_values = check_int("n_values", n_values, low=1, owner="ngram_losses")
    alpha = check_number("alpha", alpha, low=0, low_open=True, owner="ngram_losses")
    uni = np.full(n_values, alpha)
    bi = np.zeros((n_values, n_values))
    for tune in train_encoded:
        tune = np.asarray(tune)
        np.add.at(uni, tune, 1.0)
        if len(tune) > 1:
            np.add.at(bi, (tune[:-1], tune[1:]), 1.0)
    p_uni = uni / uni.sum()
    bi = bi + alpha * n_values * p_uni[None, :]
    p_bi = bi / bi.sum(axis=1, keepdims=True)
    targets = np.asarray(targets)
    mask = np.asarray(mask, "float64")
    lp_uni = np.log(p_uni[targets])
    lp_bi = lp_uni.copy()
    lp_bi[:, 1:] = np.log(p_bi[targets[:, :-1], targets[:, 1:]])
    total = mask.sum()
    return {"unigram": float(-(lp_uni * mask).sum() / total),
            "bigram": float(-(lp_bi * mask).sum() / total)}


def sample_values(LSTM_cell, densor, Ty, rng, temperature: float = 1.0, x0=None):
    """Generate Ty value indices one step at a time, drawing from ŷ⟨t⟩ at a temperature.

    Course 5, week 1; lesson c5w1_jazz.

    The course's inference model takes the argmax at every step, which is deterministic and soon
    repeats itself; drawing from p⟨t⟩^(1/T) (renormalized) with a NumPy generator varies the
    melody (T → 0 is the argmax). Returns an int array of Ty indices.
    """
    Ty = check_int("Ty", Ty, low=1, owner="sample_values")
    temperature = check_number("temperature", temperature, low=0, low_open=True,
                               owner="sample_values")
    n_values = densor.units
    x = np.zeros((1, 1, n_values), "float32") if x0 is None else np.asarray(x0, "float32")
    state, out = None, []
    for _ in range(Ty):
        a, _, c = LSTM_cell(x) if state is None else LSTM_cell(x, initial_state=state)
        state = [a, c]
        p = np.asarray(densor(a), "float64")[0]
        logp = np.log(np.maximum(p, 1e-12)) / temperature
        p = np.exp(logp - logp.max())
        idx = int(rng.choice(n_values, p=p / p.sum()))
        out.append(idx)
        x = np.zeros((1, 1, n_values), "float32")
        x[0, 0, idx] = 1.0
    return np.array(out, "int32")


def values_to_stream(values, bpm: int = 120):
    """music21 ``Stream`` of the values (``"<midi>_<ql>"`` notes, ``"r_<ql>"`` rests).

    Course 5, week 1; lesson c5w1_jazz.

    ``"<unk>"`` values are skipped. A tempo mark of ``bpm`` quarter notes a minute comes first.
    """
    from fractions import Fraction

    from tfcourse.data.music import UNKNOWN, require_music21

    require_music21()
    from music21 import note, stream, tempo

    s = stream.Stream()
    s.append(tempo.MetronomeMark(number=bpm))
    for v in values:
        if v == UNKNOWN:
            continue
        head, _, ql = v.partition("_")
        try:
            ql = float(Fraction(ql))
            element = note.Rest(quarterLength=ql) if head == "r" else note.Note(
                int(head), quarterLength=ql)
        except (ValueError, ZeroDivisionError):
            raise invalid("values", 'values like "72_1/2" or "r_1/4"', v,
                          "values_to_stream") from None
        s.append(element)
    return s


def write_midi(values, path, bpm: int = 120):
    """Write the values as a standard MIDI file with music21; returns the path.

    Course 5, week 1; lesson c5w1_jazz.
    """
    s = values_to_stream(values, bpm=bpm)
    s.write("midi", fp=str(path))
    return path


__all__ = ["djmodel", "music_inference_model", "predict_and_sample", "next_value_model",
           "cross_entropy_per_value", "ngram_losses", "sample_values", "values_to_stream",
           "write_midi"]
