"""tfcourse.music and tfcourse.data.music: the course's Jazz generator and its tune data.

The models are checked against Keras's own LSTM (copied weights) and against a step-by-step
loop written here; the tokenizer on ABC text written here; the cache on a temporary folder.
Tests that need music21 (the optional ``[music]`` extra) skip without it.
"""
import gzip
import json
import sys

import numpy as np
import pytest

import keras
from tfcourse import music
from tfcourse.data import music as music_data

ABC = """X: 1
T: Test tune
M: 2/4
L: 1/8
K: D
d2 (3efg | A>B z2 | {g}f [Ace]2 |
X: 2
T: Second
M: 3/4
L: 1/4
K: F
F B c |
"""


def _layers(n_values=7, n_a=5):
    keras.utils.set_random_seed(3)
    reshaper = keras.layers.Reshape((1, n_values))
    LSTM_cell = keras.layers.LSTM(n_a, return_state=True)
    densor = keras.layers.Dense(n_values, activation="softmax")
    return reshaper, LSTM_cell, densor


def _onehots(rng, m, T, n):
    X = np.zeros((m, T, n), "float32")
    X[np.arange(m)[:, None], np.arange(T)[None, :], rng.integers(0, n, size=(m, T))] = 1.0
    X[:, 0] = 0.0
    return X


# -- the models ---------------------------------------------------------------------------
@pytest.mark.parametrize("unroll", [True, False])
def test_djmodel_equals_keras_lstm_with_the_same_weights_and_the_fused_model(unroll):
    reshaper, LSTM_cell, densor = _layers()
    Tx, n_values, n_a = 6, 7, 5
    dj = music.djmodel(Tx, LSTM_cell, densor, reshaper)
    fused = music.next_value_model(Tx, LSTM_cell, densor, unroll=unroll)
    assert len(dj.outputs) == Tx and dj.count_params() == fused.count_params()
    rng = np.random.default_rng(0)
    X = _onehots(rng, 4, Tx, n_values)
    a0 = rng.normal(size=(4, n_a)).astype("float32")
    c0 = rng.normal(size=(4, n_a)).astype("float32")
    got = np.stack([np.asarray(p) for p in dj([X, a0, c0])], axis=1)  # (m, Tx, n_values)

    # Keras's own LSTM over the whole window, with the shared layers' weights copied
    twin_lstm = keras.layers.LSTM(n_a, return_sequences=True)
    twin_dense = keras.layers.Dense(n_values, activation="softmax")
    inp = keras.Input((Tx, n_values))
    twin = keras.Model(inp, twin_dense(twin_lstm(inp)))
    twin_lstm.set_weights(LSTM_cell.get_weights())
    twin_dense.set_weights(densor.get_weights())
    want = np.asarray(twin_lstm(X, initial_state=[a0, c0]))
    want = np.asarray(twin_dense(want))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)

    zeros = np.zeros((4, n_a), "float32")
    from_zero = np.stack([np.asarray(p) for p in dj([X, zeros, zeros])], axis=1)
    np.testing.assert_allclose(np.asarray(fused(X)), from_zero, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(twin(X)), from_zero, rtol=1e-5, atol=1e-6)


def test_the_fused_model_trains_the_very_weights_of_djmodel():
    reshaper, LSTM_cell, densor = _layers()
    dj = music.djmodel(4, LSTM_cell, densor, reshaper)
    fused = music.next_value_model(4, LSTM_cell, densor, unroll=False)
    ids = {id(v) for v in fused.trainable_weights}
    assert ids == {id(v) for v in dj.trainable_weights}
    assert ids == {id(v) for v in LSTM_cell.trainable_weights + densor.trainable_weights}


def test_music_inference_model_feeds_back_the_argmax_one_hot():
    reshaper, LSTM_cell, densor = _layers()
    Ty, n_values, n_a = 5, 7, 5
    model = music.music_inference_model(LSTM_cell, densor, Ty=Ty)
    x0 = np.zeros((2, 1, n_values), "float32")
    x0[1, 0, 3] = 1.0
    a0 = np.random.default_rng(2).normal(size=(2, n_a)).astype("float32")
    c0 = np.zeros((2, n_a), "float32")
    outs = [np.asarray(o) for o in model([x0, a0, c0])]
    assert len(outs) == Ty and outs[0].shape == (2, n_values)
    # the same loop by hand
    x, a, c = x0, a0, c0
    for t in range(Ty):
        a, _, c = LSTM_cell(x, initial_state=[a, c])
        p = np.asarray(densor(a))
        np.testing.assert_allclose(outs[t], p, rtol=1e-5, atol=1e-6)
        x = keras.utils.to_categorical(p.argmax(-1), n_values)[:, None, :]
    results, indices = music.predict_and_sample(model, x0[:1], a0[:1], c0[:1])
    assert indices.shape == (Ty, 1) and results.shape == (Ty, n_values)  # the course's shapes
    np.testing.assert_array_equal(indices[:, 0], [o[0].argmax() for o in outs])
    np.testing.assert_array_equal(results.argmax(-1), indices[:, 0])


def test_sample_values_is_reproducible_and_argmax_like_when_cold():
    _, LSTM_cell, densor = _layers()
    LSTM_cell.build((None, 1, 7))
    densor.build((None, 5))
    rng = np.random.default_rng(4)  # random biases too: zero ones make the first step a tie
    for layer in (LSTM_cell, densor):
        layer.set_weights([rng.normal(size=w.shape) for w in layer.get_weights()])
    a = music.sample_values(LSTM_cell, densor, 6, np.random.default_rng(5), temperature=1.0)
    b = music.sample_values(LSTM_cell, densor, 6, np.random.default_rng(5), temperature=1.0)
    np.testing.assert_array_equal(a, b)
    model = music.music_inference_model(LSTM_cell, densor, Ty=6)
    _, indices = music.predict_and_sample(model, np.zeros((1, 1, 7)), np.zeros((1, 5)),
                                          np.zeros((1, 5)))
    cold = music.sample_values(LSTM_cell, densor, 6, np.random.default_rng(0),
                               temperature=1e-4)
    np.testing.assert_array_equal(cold, indices[:, 0])
    with pytest.raises(ValueError, match="sample_values: argument `temperature`"):
        music.sample_values(LSTM_cell, densor, 3, np.random.default_rng(0), temperature=0)


def test_cross_entropy_and_ngram_losses_by_hand():
    probs = np.array([[[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]]])
    assert music.cross_entropy_per_value(probs, np.array([[0, 1]])) == pytest.approx(
        -(np.log(0.5) + np.log(0.8)) / 2)
    assert music.cross_entropy_per_value(probs, np.array([[0, 1]]), np.array([[1, 0]])) == \
        pytest.approx(-np.log(0.5))
    train = [np.array([0, 1, 0, 1, 2])]
    alpha = 0.5
    got = music.ngram_losses(train, np.array([[0, 1, 2]]), np.ones((1, 3)), n_values=3,
                             alpha=alpha)
    uni = np.array([2, 2, 1]) + alpha
    p_uni = uni / uni.sum()
    bigram_counts = np.array([[0, 2, 0], [1, 0, 1], [0, 0, 0]], float) + alpha * 3 * p_uni
    p_bi = bigram_counts / bigram_counts.sum(1, keepdims=True)
    assert got["unigram"] == pytest.approx(-np.log(p_uni[[0, 1, 2]]).mean())
    # the window's first value has no context: unigram there, bigram after
    assert got["bigram"] == pytest.approx(-(np.log(p_uni[0]) + np.log(p_bi[0, 1])
                                            + np.log(p_bi[1, 2])) / 3)


# -- the data -----------------------------------------------------------------------------
def test_vocabulary_encoding_and_windows_follow_the_course_layout():
    tunes = [["a", "b", "a", "c", "a", "b", "z"], ["b", "a", "a", "b"]]
    values = music_data.build_values(tunes, min_count=2)
    assert values == ["a", "b", music_data.UNKNOWN]  # most frequent first; c, z are rare
    enc = music_data.encode(tunes + [["q"]], values)
    np.testing.assert_array_equal(enc[0], [0, 1, 0, 2, 0, 1, 2])
    np.testing.assert_array_equal(enc[2], [2])
    X, Y = music_data.training_windows(enc[:2], len(values), 4, 5, np.random.default_rng(0))
    assert X.shape == (5, 4, 3) and Y.shape == (4, 5, 3)
    assert not X[:, 0].any()  # x⟨1⟩ = 0, the start
    np.testing.assert_array_equal(X[:, 1:], Y.transpose(1, 0, 2)[:, :-1])  # Y is X shifted left
    assert (Y.sum(-1) == 1).all()  # every step has a target
    Xh, th, mh = music_data.heldout_windows([enc[0]], len(values), 4)
    assert Xh.shape == (2, 4, 3) and mh.sum() == 7  # 7 values, each scored once
    np.testing.assert_array_equal(th[mh > 0], enc[0])
    np.testing.assert_array_equal(Xh[1, 1:3].argmax(-1), th[1, :2])


# -- music21 ------------------------------------------------------------------------------
def test_tokenize_abc_transposes_and_reads_rhythm():
    pytest.importorskip("music21")
    tunes = music_data.tokenize_abc(ABC)
    assert len(tunes) == 2
    # K: D (2 sharps) moves down 2 semitones to C: d (D5=74) → 72; the triplet efg takes 1/3
    # quarter each; A>B is dotted; z2 is a quarter rest; the grace note {g} is left out;
    # f (F#5 = 78) → 76; the chord [Ace] keeps its top note e (E5 = 76) → 74, a quarter.
    assert tunes[0] == ["72_1", "74_1/3", "76_1/3", "77_1/3", "67_3/4", "69_1/4", "r_1",
                        "76_1/2", "74_1"]
    # K: F (1 flat) moves down 5 semitones: F4=65 → 60, B is B-flat (70) → 65, c (72) → 67
    assert tunes[1] == ["60_1", "65_1", "67_1"]


def test_load_tunes_caches_and_touches_nothing_else(tmp_path, monkeypatch):
    pytest.importorskip("music21")
    keep = tmp_path / "music" / "my-notes.txt"
    keep.parent.mkdir()
    keep.write_text("mine")
    first = music_data.load_tunes("ryansMammoth", limit=3, cache_dir=tmp_path)
    assert len(first) == 3 and all(first)
    files = sorted(p.name for p in (tmp_path / "music").iterdir())
    assert len(files) == 2 and "my-notes.txt" in files and keep.read_text() == "mine"
    cached = next(p for p in (tmp_path / "music").iterdir() if p.name.endswith(".json.gz"))
    with gzip.open(cached, "rt") as fh:
        assert json.load(fh)["tunes"] == first

    def no_parsing(text):
        raise AssertionError("parsed again instead of reading the cache")

    monkeypatch.setattr(music_data, "tokenize_abc", no_parsing)
    assert music_data.load_tunes("ryansMammoth", limit=3, cache_dir=tmp_path) == first
    monkeypatch.setenv("TFCOURSE_CACHE", str(tmp_path))
    assert music_data.default_cache_dir() == tmp_path


def test_write_midi_round_trips_through_music21(tmp_path):
    music21 = pytest.importorskip("music21")
    values = ["72_1/2", "r_1/4", "76_1/4", music_data.UNKNOWN, "79_1"]
    path = music.write_midi(values, tmp_path / "m.mid")
    score = music21.converter.parse(str(path))
    notes = [(n.pitch.midi, float(n.quarterLength)) for n in score.flatten().notes]
    assert notes == [(72, 0.5), (76, 0.25), (79, 1.0)]
    with pytest.raises(ValueError, match="values_to_stream: argument `values`"):
        music.write_midi(["72_x"], tmp_path / "bad.mid")


def test_lesson_without_music21_says_what_to_install_and_exits_2(tmp_path, monkeypatch, capsys):
    from lessons.c5w1_jazz import LESSON

    monkeypatch.setitem(sys.modules, "music21", None)  # `import music21` now fails
    rc = LESSON.main(["--fast", "--out", str(tmp_path / "o"), "--export-dir",
                      str(tmp_path / "sm")])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.strip().count("\n") == 0 and '".[music]"' in err and "music21" in err
    assert not (tmp_path / "o" / "results.json").exists()


def test_piano_roll_plot(tmp_path):
    from tfcourse import plots

    path = plots.piano_roll({"a": [(72, 0.5), (None, 0.25), (74, 1.0)], "b": [(60, 1.0)]},
                            tmp_path / "roll.png", title="t")
    assert path.is_file() and path.stat().st_size > 1000
    with pytest.raises(ValueError, match="piano_roll: argument `melodies`"):
        plots.piano_roll({}, tmp_path / "x.png")
