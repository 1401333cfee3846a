"""Trigger word (tfcourse.trigger_word, tfcourse.data.speech): the course's expected outputs, the
pydub → NumPy mapping, the spectrogram against matplotlib's, and the event scoring."""
import numpy as np
import pytest

from tfcourse import trigger_word as tw
from tfcourse.data import speech


def test_is_overlapping_course_cases():
    assert tw.is_overlapping((950, 1430), [(2000, 2550), (260, 949)]) is False
    assert tw.is_overlapping((2305, 2950), [(824, 1532), (1900, 2305), (3424, 3656)]) is True
    assert tw.is_overlapping((100, 200), []) is False


def test_insert_ones_course_sanity_checks():
    ty = 1375
    arr1 = tw.insert_ones(np.zeros((1, ty)), 9700)
    arr1 = tw.insert_ones(arr1, 4251)
    assert (arr1[0][1333], arr1[0][634], arr1[0][635]) == (0.0, 1.0, 0.0)
    # the latest version's public test: exactly 50 ones strictly after segment_end_y
    y = tw.insert_ones(np.zeros((1, ty)), 3000)
    end = int(3000 * ty / 10000.0)
    assert y.sum() == 50 and y[0, end] == 0 and y[0, end + 1] == 1
    assert y[0, end + 50] == 1 and y[0, end + 51] == 0
    assert tw.insert_ones(np.zeros((1, ty)), 10000).sum() == 0, "a failed insertion adds none"


def test_get_random_time_segment_and_insert_audio_clip_course_output():
    np.random.seed(5)
    clip = np.full(int(0.916 * tw.SAMPLE_RATE), 0.1, "float32")  # the course's 916 ms clip
    background = np.zeros(10 * tw.SAMPLE_RATE, "float32")
    previous = [(3790, 4400)]
    out, segment_time = tw.insert_audio_clip(background, clip, previous)
    assert segment_time == (2254, 3169), "the course's 'Segment Time: (2254, 3169)'"
    assert previous == [(3790, 4400), (2254, 3169)]
    start = 2254 * tw.SAMPLE_RATE // 1000
    assert np.all(out[start:start + len(clip)] == 0.1) and out[:start].sum() == 0
    for _ in range(50):
        s, e = tw.get_random_time_segment(916)
        assert 0 <= s and e == s + 915 and e < 10000
    with pytest.raises(ValueError, match="segment_ms"):
        tw.get_random_time_segment(10000)


def test_insert_audio_clip_gives_up_after_retries():
    np.random.seed(0)
    full = [(0, 9999)]
    bg = np.zeros(10 * tw.SAMPLE_RATE, "float32")
    out, segment_time = tw.insert_audio_clip(bg, np.ones(800, "float32"), full)
    assert segment_time == (10000, 10000) and out is bg and full == [(0, 9999)]


def test_pydub_mapping_helpers():
    assert tw.duration_ms(np.zeros(8000), 8000) == 1000
    assert tw.duration_ms(np.zeros(44100), 44100) == 1000
    out = tw.overlay(np.zeros(10), np.ones(4), 750, sample_rate=10)  # 750 ms = sample 7
    np.testing.assert_array_equal(out, [0] * 7 + [1, 1, 1])  # cut at the background's end
    x = np.random.default_rng(0).normal(size=1000).astype("float32")
    y = tw.match_target_amplitude(x, -20.0)
    assert 20 * np.log10(np.sqrt(np.mean(y.astype("float64") ** 2))) == pytest.approx(-20, abs=1e-4)


def test_spectrogram_course_shape_and_matplotlib_twin():
    # the course's shape: 10 s at 44.1 kHz -> 5511 frames x 101 frequencies
    assert tw.graph_spectrogram(np.zeros(441000, "float32")).shape == (101, 5511)
    assert tw.output_steps(5511) == 1375
    from matplotlib import mlab

    fs = 8000
    x = np.random.default_rng(1).normal(size=4000).astype("float32")
    ours = tw.graph_spectrogram(x)  # (101, frames)
    pxx, freqs, _ = mlab.specgram(x, NFFT=200, Fs=fs, noverlap=120, window=np.hanning(200),
                                  detrend="none", mode="psd", scale_by_freq=True)
    # matplotlib's one-sided PSD: |X|^2 / (fs * sum(w^2)), doubled except at DC and Nyquist
    scale = np.full(101, 2.0)
    scale[[0, -1]] = 1.0
    want = pxx * (fs * np.sum(np.hanning(200) ** 2)) / scale[:, None]
    assert ours.shape == pxx.shape == (101, 1 + (4000 - 200) // 80)
    np.testing.assert_allclose(ours, want, rtol=1e-3, atol=1e-3)


def test_create_training_example_labels_match_inserted_activates():
    rng = np.random.default_rng(0)
    sr, ty = tw.SAMPLE_RATE, 246
    activates = [speech.chirp_word("activate", voice=v) for v in range(3)]
    negatives = [speech.chirp_word(w, voice=1) for w in speech.NEAR_MISSES[:3]]
    np.random.seed(3)
    seen = set()
    for _ in range(6):
        bg = speech.background_noise(rng, 10.0, sr)
        x, y = tw.create_training_example(bg, activates, negatives, ty, ones=9)
        assert x.shape == (101, 998) and y.shape == (1, ty)
        n_events = len(tw.label_events(y[0]))
        seen.add(n_events)
        assert y.sum() <= 9 * n_events and set(np.unique(y)) <= {0.0, 1.0}
    assert len(seen) > 1, "the number of activates varies (0-4)"
    with pytest.raises(ValueError, match="Ty"):
        tw.create_training_example(bg, activates, negatives, 0)


def test_event_scores_and_frame_accuracy_trap():
    y = np.zeros((2, 246))
    y[0, 50:59] = 1
    y[0, 150:159] = 1
    y[1, 100:109] = 1
    silent = tw.event_scores(np.zeros_like(y), y, tolerance=12)
    assert silent["f1"] == 0 and silent["events"] == 3 and silent["false_alarms"] == 0
    assert np.mean(y == 0) > 0.94, "never firing is right on most frames"
    probs = np.zeros_like(y)
    probs[0, 52:58] = 0.9  # a hit
    probs[0, 200:205] = 0.8  # a false alarm
    probs[1, 104:106] = 0.7  # a hit
    s = tw.event_scores(probs, y, tolerance=12)
    assert (s["hits"], s["false_alarms"], s["events"]) == (2, 1, 3)
    assert s["precision"] == pytest.approx(2 / 3) and s["recall"] == pytest.approx(2 / 3)
    assert s["false_alarms_per_minute"] == pytest.approx(1 / (20 / 60))
    assert tw.detect_events([0, 0.9, 0.9, 0, 0.9, 0, 0, 0], refractory=3) == [1]
    assert tw.detect_events([0, 0.9, 0, 0, 0.9], refractory=2) == [1, 4]


def test_chirp_words_differ_by_voice_and_word():
    a, b = speech.chirp_word("activate", voice=0), speech.chirp_word("activate", voice=5)
    assert a.dtype == np.float32 and np.abs(a).max() <= 0.5 + 1e-6
    assert len(a) != len(b) or not np.allclose(a, b)
    np.testing.assert_array_equal(a, speech.chirp_word("activate", voice=0))
    assert len(speech.chirp_word("hello")) > 0


def test_trigger_model_is_the_course_shape():
    model = tw.trigger_model((5511, 101))  # the course's sizes
    assert model.output_shape == (None, 1375, 1)
    kinds = [type(l).__name__ for l in model.layers]
    assert kinds.count("GRU") == 2 and kinds[1] == "Conv1D"
    assert model.layers[1].filters == 196 and model.layers[1].strides == (4,)
    with pytest.raises(ValueError, match="trigger_model: argument `dropout`"):
        tw.trigger_model((998, 101), dropout=1.0)


@pytest.mark.skipif(not speech.espeak_available(), reason="espeakng-loader not installed")
def test_espeak_speaks_in_several_voices():
    clips = [speech.speak("activate", v, sample_rate=8000) for v in ("en+m3", "en+f2")]
    for clip in clips:
        assert clip.dtype == np.float32 and 0.3 < len(clip) / 8000 < 1.5
        assert np.abs(clip).max() > 0.05
    assert len(clips[0]) != len(clips[1]) or not np.allclose(clips[0], clips[1])
    with pytest.raises(ValueError, match="voice"):
        speech.speak("activate", "no-such-voice")
