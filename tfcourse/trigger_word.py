"""Trigger-word detection: the course's data synthesis, spectrograms and event-level scoring
(Course 5, week 3).

The course builds its training set by pasting spoken words onto 10-second backgrounds and
labelling the 50 output steps right after each "activate" with 1. Its functions keep their
names, signatures and ms semantics here:

- :func:`get_random_time_segment`, :func:`is_overlapping`, :func:`insert_audio_clip`,
  :func:`insert_ones`, :func:`create_training_example`;
- :func:`spectrogram` / :func:`graph_spectrogram`: the course's spectrogram (nfft 200,
  noverlap 120) through ``tf.signal.stft``.

**Mapping from pydub to NumPy.** The course's clips are pydub ``AudioSegment`` objects, whose
``len()`` is in milliseconds and whose ``overlay(clip, position=ms)`` mixes a clip in at a time
in ms. Here a clip is a float32 waveform at ``sample_rate`` Hz (default :data:`SAMPLE_RATE`,
8 kHz; the course's audio is 44.1 kHz): its length in ms is ``len(clip) · 1000 / sample_rate``
(:func:`duration_ms`), and overlaying at ``t`` ms adds the clip from sample
``t · sample_rate / 1000`` on, cut at the background's end (:func:`overlay`). ``background − 20``
(20 dB quieter) is ``background · 10^(−20/20)``, and ``match_target_amplitude(x, −20)`` scales
the RMS to −20 dBFS (:func:`match_target_amplitude`). The random draws use NumPy's global
generator as the course does, so ``np.random.seed(5)`` then ``insert_audio_clip`` of a 916 ms
clip gives the course's segment (2254, 3169).

The spectrogram of 10 s at 44.1 kHz is the course's 5511 × 101 (frames × frequencies);
at 8 kHz it is 998 × 101, and the course's Conv1D(kernel 15, stride 4) turns that into
T_y = 246 output steps (the course's 1375).
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int, check_number, invalid

SAMPLE_RATE = 8000  # Hz; the course's recordings are 44 100 Hz
CLIP_MS = 10_000  # every training example is 10 s, as in the course
NFFT, NOVERLAP = 200, 120  # the course's graph_spectrogram settings
ONES_AFTER = 50  # output steps labelled 1 after each "activate" (course: 50 of T_y = 1375)


def duration_ms(clip, sample_rate: int = SAMPLE_RATE) -> int:
    """A waveform's length in ms: pydub's ``len(AudioSegment)``.

    Course 5, week 3; lesson c5w3_trigger_word.
    """
    return int(round(len(clip) * 1000 / sample_rate))


def overlay(background, clip, position_ms, sample_rate: int = SAMPLE_RATE):
    """pydub's ``background.overlay(clip, position=position_ms)`` for waveforms: a new array.

    Course 5, week 3; lesson c5w3_trigger_word.
    """
    out = np.array(background, dtype="float32", copy=True)
    start = int(position_ms * sample_rate / 1000)
    piece = np.asarray(clip, "float32")[: max(0, len(out) - start)]
    out[start:start + len(piece)] += piece
    return out


def match_target_amplitude(sound, target_dbfs):
    """The course's ``match_target_amplitude``: scale so that the RMS is ``target_dbfs`` dBFS.

    dBFS = 20 log₁₀(RMS) for a waveform in [-1, 1] (pydub's ``dBFS``).

    Course 5, week 3; lesson c5w3_trigger_word.
    """
    sound = np.asarray(sound, "float32")
    rms = float(np.sqrt(np.mean(sound.astype("float64") ** 2)))
    if rms == 0:
        return sound
    return (sound * (10 ** (target_dbfs / 20) / rms)).astype("float32")


def get_random_time_segment(segment_ms):
    """A random (start, end) in ms for a clip of ``segment_ms`` inside the 10-s background.

    start ~ U{0, …, 10000 − segment_ms − 1},  end = start + segment_ms − 1  (the course's)

    Course 5, week 3; lesson c5w3_trigger_word.
    """
    check_int("segment_ms", segment_ms, low=1, high=CLIP_MS - 1, owner="get_random_time_segment")
    segment_start = np.random.randint(low=0, high=CLIP_MS - segment_ms)
    return (segment_start, segment_start + segment_ms - 1)


def is_overlapping(segment_time, previous_segments):
    """True if (start, end) overlaps any of ``previous_segments`` (ends included).

    overlap ⇔ start ≤ previous_end and end ≥ previous_start   (the course's test)

    Course 5, week 3; lesson c5w3_trigger_word.

    >>> is_overlapping((950, 1430), [(2000, 2550), (260, 949)])
    False
    >>> is_overlapping((2305, 2950), [(824, 1532), (1900, 2305), (3424, 3656)])
    True
    """
    segment_start, segment_end = segment_time
    return any(segment_start <= previous_end and segment_end >= previous_start
               for previous_start, previous_end in previous_segments)


def insert_audio_clip(background, audio_clip, previous_segments, sample_rate: int = SAMPLE_RATE):
    """Paste ``audio_clip`` at a random time that overlaps no previous segment (the course's).

    Draw a segment; while it overlaps and retries remain (the course's 5), draw again. If it
    still overlaps, the background is returned unchanged with segment (10000, 10000), which
    :func:`insert_ones` ignores. Otherwise the segment is appended to ``previous_segments``
    (in place, as in the course).

    Course 5, week 3; lesson c5w3_trigger_word.

    Returns:
        ``(new_background, segment_time)``.
    """
    segment_ms = duration_ms(audio_clip, sample_rate)
    segment_time = get_random_time_segment(segment_ms)
    retry = 5
    while is_overlapping(segment_time, previous_segments) and retry >= 0:
        segment_time = get_random_time_segment(segment_ms)
        retry -= 1
    if is_overlapping(segment_time, previous_segments):
        return background, (CLIP_MS, CLIP_MS)
    previous_segments.append(segment_time)
    return overlay(background, audio_clip, segment_time[0], sample_rate), segment_time


def insert_ones(y, segment_end_ms, ones: int = ONES_AFTER):
    """Set the 50 output steps strictly after ``segment_end_ms`` to 1 (the course's labels).

    segment_end_y = ⌊segment_end_ms · T_y / 10000⌋;  y[0, segment_end_y + 1 : + 51] = 1
    (clipped at T_y; a segment ending at 10000 ms, a failed insertion, adds nothing).
    ``ones`` (an addition) keeps the course's 364 ms of ones when T_y is smaller than its 1375:
    the lesson passes round(50 · T_y / 1375).

    Course 5, week 3; lesson c5w3_trigger_word.

    >>> arr1 = insert_ones(np.zeros((1, 1375)), 9700)
    >>> arr1 = insert_ones(arr1, 4251)
    >>> arr1[0][1333], arr1[0][634], arr1[0][635]
    (np.float64(0.0), np.float64(1.0), np.float64(0.0))
    """
    _, ty = y.shape
    segment_end_y = int(segment_end_ms * ty / 10000.0)
    if segment_end_y < ty:
        y[0, segment_end_y + 1:min(ty, segment_end_y + 1 + ones)] = 1
    return y


def spectrogram(x, nfft: int = NFFT, noverlap: int = NOVERLAP):
    """Power spectrogram |STFT|² through ``tf.signal.stft``: shape (frames, nfft // 2 + 1).

    frames = 1 + ⌊(N − nfft) / (nfft − noverlap)⌋; a symmetric Hann window (NumPy's
    ``hanning``, matplotlib's default) and no padding, as ``plt.specgram`` does. Mapping to
    matplotlib's ``specgram(x, NFFT=nfft, Fs=fs, noverlap=noverlap)`` (the course's
    ``graph_spectrogram``): its PSD is this power divided by fs · Σ w², doubled except at DC
    and Nyquist, and transposed (frequencies × frames); the tests check that mapping.

    Course 5, week 3; lesson c5w3_trigger_word.
    """
    import tensorflow as tf

    check_int("nfft", nfft, low=2, owner="spectrogram")
    check_int("noverlap", noverlap, low=0, high=nfft - 1, owner="spectrogram")
    x = tf.convert_to_tensor(np.asarray(x, "float32"))
    if x.shape[-1] < nfft:
        raise invalid("x", f"at least nfft = {nfft} samples long", x.shape[-1], "spectrogram")
    window = lambda n, dtype: tf.signal.hann_window(n, periodic=False, dtype=dtype)  # noqa: E731
    stft = tf.signal.stft(x, frame_length=nfft, frame_step=nfft - noverlap, fft_length=nfft,
                          window_fn=window, pad_end=False)
    return (tf.math.real(stft) ** 2 + tf.math.imag(stft) ** 2).numpy()


def graph_spectrogram(x, nfft: int = NFFT, noverlap: int = NOVERLAP):
    """The course's ``graph_spectrogram`` layout: (frequencies, frames), e.g. (101, 5511) for
    10 s at 44.1 kHz. Takes a waveform (the course takes a wav file name).

    Course 5, week 3; lesson c5w3_trigger_word.
    """
    return spectrogram(x, nfft, noverlap).T


def create_training_example(background, activates, negatives, Ty,
                            sample_rate: int = SAMPLE_RATE, ones: int = ONES_AFTER):
    """One training example: background + 0-4 "activate"s + 0-2 negatives, and its labels.

    The course's steps: the background 20 dB quieter; y = zeros (1, T_y); insert
    ``np.random.randint(0, 5)`` random activates, each followed by :func:`insert_ones`; insert
    ``np.random.randint(0, 3)`` random negatives; normalize to −20 dBFS; x = its spectrogram.

    Course 5, week 3; lesson c5w3_trigger_word.

    Differences: the clip is not written to a wav file and read back (x is computed from the
    waveform); the course seeds NumPy inside the function (``np.random.seed(18)``) for its
    test, here the caller seeds.

    Returns:
        ``(x, y)``: x the spectrogram in the course's layout (frequencies, frames), y (1, T_y).
    """
    check_int("Ty", Ty, low=1, owner="create_training_example")
    if not activates or not negatives:
        raise invalid("activates/negatives", "non-empty lists of clips",
                      (len(activates), len(negatives)), "create_training_example")
    background = np.asarray(background, "float32") * 10 ** (-20 / 20)
    y = np.zeros((1, Ty))
    previous_segments = []
    number_of_activates = np.random.randint(0, 5)
    random_indices = np.random.randint(len(activates), size=number_of_activates)
    for i in random_indices:
        background, segment_time = insert_audio_clip(background, activates[i], previous_segments,
                                                     sample_rate)
        y = insert_ones(y, segment_time[1], ones)
    number_of_negatives = np.random.randint(0, 3)
    random_indices = np.random.randint(len(negatives), size=number_of_negatives)
    for i in random_indices:
        background, _ = insert_audio_clip(background, negatives[i], previous_segments,
                                          sample_rate)
    background = match_target_amplitude(background, -20.0)
    return graph_spectrogram(background), y


# ---------------------------------------------------------------- the model and its scoring

def trigger_model(input_shape, filters: int = 196, units: int = 128, dropout: float = 0.8,
                  normalization=None):
    """The course's model: Conv1D(196, 15, stride 4) → BN → ReLU → dropout → GRU(128) → dropout
    → BN → GRU(128) → dropout → BN → dropout → TimeDistributed(Dense(1, sigmoid)).

    Course 5, week 3; lesson c5w3_trigger_word.

    ``filters`` / ``units`` shrink it for CPUs; ``dropout`` is the course's *rate* 0.8 (its
    notebook says keep_prob but passes 0.8 to ``Dropout``, which is a drop rate).
    All layers are Keras's own; ``normalization`` (an adapted ``keras.layers.Normalization``)
    goes first when given, so the exported model takes the unscaled features.
    """
    import keras

    check_int("filters", filters, low=1, owner="trigger_model")
    check_int("units", units, low=1, owner="trigger_model")
    check_number("dropout", dropout, low=0, high=1, high_open=True, owner="trigger_model")
    x_in = keras.Input(shape=input_shape, name="spectrogram")  # (frames, freqs)
    x = normalization(x_in) if normalization is not None else x_in
    x = keras.layers.Conv1D(filters, kernel_size=15, strides=4)(x)  # (T_y, filters)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Activation("relu")(x)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.GRU(units, return_sequences=True)(x)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.GRU(units, return_sequences=True)(x)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(dropout)(x)
    out = keras.layers.TimeDistributed(keras.layers.Dense(1, activation="sigmoid"))(x)
    return keras.Model(x_in, out, name="trigger_word")


def output_steps(frames: int) -> int:
    """T_y after the course's Conv1D(kernel 15, stride 4): ⌊(frames − 15) / 4⌋ + 1.

    Course 5, week 3; lesson c5w3_trigger_word.

    >>> output_steps(5511)
    1375
    """
    check_int("frames", frames, low=15, owner="output_steps")
    return (frames - 15) // 4 + 1


def detect_events(probs, threshold: float = 0.5, refractory: int = ONES_AFTER):
    """Detections from per-step probabilities: each step where p rises above ``threshold``,
    then nothing for ``refractory`` steps (the course's ``chime_on_activate`` idea).

    Course 5, week 3; lesson c5w3_trigger_word.

    Returns:
        the list of detection steps.
    """
    check_number("threshold", threshold, low=0, high=1, owner="detect_events")
    above = np.asarray(probs).reshape(-1) > threshold
    rising = above & ~np.concatenate([[False], above[:-1]])
    events, last = [], -10 ** 9
    for t in np.flatnonzero(rising):
        if t - last > refractory:
            events.append(int(t))
            last = t
    return events


def label_events(y):
    """The true events of a label vector: the first step of each run of ones.

    Course 5, week 3; lesson c5w3_trigger_word.
    """
    y = np.asarray(y).reshape(-1) > 0.5
    return [int(t) for t in np.flatnonzero(y & ~np.concatenate([[False], y[:-1]]))]


def event_scores(prob_batch, label_batch, seconds_each: float = CLIP_MS / 1000,
                 threshold: float = 0.5, tolerance: int = ONES_AFTER):
    """Event-level precision, recall, F1 and false alarms per minute over a batch of clips.

    A true event (the start of a run of ones, just after an "activate" ends) is detected when
    a detection falls within ``tolerance`` steps of it (before or after); each detection counts
    for at most one event; unmatched detections are false alarms.

    Course 5, week 3; lesson c5w3_trigger_word.

    Returns:
        dict with ``events``, ``detections``, ``hits``, ``false_alarms``, ``precision``,
        ``recall``, ``f1``, ``false_alarms_per_minute``.
    """
    events = detections = hits = 0
    for probs, y in zip(prob_batch, label_batch):
        truth, found = label_events(y), detect_events(probs, threshold)
        events += len(truth)
        detections += len(found)
        free = list(found)
        for t in truth:
            near = [d for d in free if abs(d - t) <= tolerance]
            if near:
                hits += 1
                free.remove(min(near, key=lambda d: abs(d - t)))
    false_alarms = detections - hits
    precision = hits / detections if detections else 0.0
    recall = hits / events if events else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    minutes = len(label_batch) * seconds_each / 60
    return {"events": events, "detections": detections, "hits": hits,
            "false_alarms": false_alarms, "precision": precision, "recall": recall, "f1": f1,
            "false_alarms_per_minute": false_alarms / minutes if minutes else 0.0}
