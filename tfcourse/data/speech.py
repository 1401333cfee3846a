"""Spoken words and backgrounds for trigger-word detection, made offline (Course 5, week 3).

The course ships recordings: "activate" said by several people, other words ("negatives") and
10-second backgrounds. Here the words are spoken by **eSpeak NG**, a formant synthesizer, in
several voices, rates and pitches, through its C library (``libespeak-ng``) called with
``ctypes``. The library and its voice data come from the PyPI wheel ``espeakng-loader``
(``pip install -e ".[speech]"``; eSpeak NG is GPL-3.0: it is called as an optional tool, never
vendored or linked into this package). :func:`espeak_available` says whether it is there.

Without it, :func:`chirp_word` stands in: a "word" is a sequence of tone glides (one per
syllable, each a frequency sweep with harmonics), and each word of the vocabulary has its own
glide pattern, perturbed per "voice" (overall pitch, rate, jitter). The detection problem keeps
its shape (a 3-syllable pattern to find among near-misses that share some syllables), but it is
not speech; lessons say which source they used.

Backgrounds (:func:`background_noise`) are pink noise, a mains hum and a babble of background
words, at a low level, 10 s long.

Waveforms are float32 NumPy arrays in [-1, 1] at ``sample_rate`` Hz.
"""
from __future__ import annotations

import ctypes
import functools

import numpy as np

from tfcourse.checks import check_int, check_number, invalid

ESPEAK_RATE = 22050  # libespeak-ng's output rate

# eSpeak NG voice variants (language + variant); the lesson holds some out for testing
VOICES = ("en+m1", "en+m2", "en+m3", "en+m4", "en+m5", "en+m6", "en+m7", "en+f1", "en+f2",
          "en+f3", "en+f4", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-us+f2")

TRIGGER = "activate"
NEAR_MISSES = ("activity", "active", "captivate", "cultivate", "motivate", "elevate",
               "acting", "vacate")
BACKGROUND_WORDS = ("hello", "weather", "music", "table", "seven", "coffee", "window",
                    "yesterday", "garden", "paper", "morning", "river")


def espeak_available() -> bool:
    """Whether the optional ``espeakng-loader`` wheel (libespeak-ng and its data) imports.

    Course 5, week 3; lesson c5w3_trigger_word.
    """
    try:
        import espeakng_loader  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _espeak():
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    # AUDIO_OUTPUT_RETRIEVAL (1): samples come to a callback, nothing is played
    rate = lib.espeak_Initialize(1, 0, espeakng_loader.get_data_path().encode(), 0)
    if rate <= 0:
        raise RuntimeError("libespeak-ng failed to initialize")
    chunks = []
    callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                     ctypes.c_void_p)

    def collect(wav, n, events):
        if n > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    callback = callback_type(collect)  # kept alive with the library below
    lib.espeak_SetSynthCallback(callback)
    return lib, rate, chunks, callback


def speak(text: str, voice: str = "en", rate: int = 160, pitch: int = 50,
          sample_rate: int = 8000):
    """``text`` spoken by eSpeak NG: a float32 waveform at ``sample_rate`` Hz, silence trimmed.

    Course 5, week 3; lesson c5w3_trigger_word.

    Args:
        text: the words.
        voice: an eSpeak NG voice name (:data:`VOICES`).
        rate: words per minute (80-450).
        pitch: base pitch 0-99.
        sample_rate: output rate (resampled from eSpeak's 22 050 Hz).
    """
    check_int("rate", rate, low=80, high=450, owner="speak")
    check_int("pitch", pitch, low=0, high=99, owner="speak")
    check_int("sample_rate", sample_rate, low=1000, owner="speak")
    if not espeak_available():
        raise invalid("espeak", 'installed (pip install -e ".[speech]" for espeakng-loader)',
                      "missing", "speak")
    from scipy.signal import resample_poly

    lib, native, chunks, _ = _espeak()
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise invalid("voice", "an eSpeak NG voice such as 'en+m3'", voice, "speak")
    lib.espeak_SetParameter(1, rate, 0)  # espeakRATE
    lib.espeak_SetParameter(3, pitch, 0)  # espeakPITCH
    chunks.clear()
    data = text.encode()
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 0, None, None)  # POS_CHARACTER, CHARS_AUTO
    lib.espeak_Synchronize()
    wav = np.concatenate(chunks).astype("float32") / 32768.0 if chunks else np.zeros(1, "float32")
    g = np.gcd(sample_rate, native)
    wav = resample_poly(wav, sample_rate // g, native // g).astype("float32")
    loud = np.flatnonzero(np.abs(wav) > 0.02 * np.abs(wav).max())
    return wav[loud[0]:loud[-1] + 1] if len(loud) else wav


# syllable glides (start Hz, end Hz) of the fallback "words"; near-misses share syllables
_CHIRP_SYLLABLES = {"ac": (500, 900), "ti": (1200, 1000), "vate": (700, 400),
                    "vi": (900, 1300), "ty": (1400, 1400), "cap": (400, 600), "cul": (600, 500),
                    "mo": (800, 600), "e": (1000, 1100), "le": (650, 850), "ing": (1300, 900),
                    "va": (500, 500), "cate": (1100, 600)}
_CHIRP_WORDS = {"activate": ("ac", "ti", "vate"), "activity": ("ac", "ti", "vi", "ty"),
                "active": ("ac", "ti", "vi"), "captivate": ("cap", "ti", "vate"),
                "cultivate": ("cul", "ti", "vate"), "motivate": ("mo", "ti", "vate"),
                "elevate": ("e", "le", "vate"), "acting": ("ac", "ing"),
                "vacate": ("va", "cate")}


def chirp_word(word: str, voice: int = 0, sample_rate: int = 8000):
    """A synthetic stand-in for a spoken word: one tone glide per syllable (no eSpeak needed).

    Course 5, week 3; lesson c5w3_trigger_word.

    Each syllable glides from f₀ to f₁ over ~0.2 s with 3 harmonics and a smooth envelope;
    ``voice`` (an int) sets a pitch factor (0.8-1.25), a rate factor (0.8-1.2) and a jitter, so
    different voices of one word differ the way speakers do. Words outside the built-in
    vocabulary get syllables from a hash of their letters (the background words).
    """
    check_int("voice", voice, low=0, owner="chirp_word")
    check_int("sample_rate", sample_rate, low=1000, owner="chirp_word")
    rng = np.random.default_rng([voice, 7])
    pitch, rate = rng.uniform(0.8, 1.25), rng.uniform(0.8, 1.2)
    word_rng = np.random.default_rng([voice, sum(map(ord, word)), len(word)])
    syllables = _CHIRP_WORDS.get(word)
    if syllables is None:
        names = sorted(_CHIRP_SYLLABLES)
        h = sum((i + 1) * ord(c) for i, c in enumerate(word))
        syllables = tuple(names[(h // 7 ** j) % len(names)] for j in range(2 + h % 2))
    parts = []
    for syl in syllables:
        f0, f1 = _CHIRP_SYLLABLES[syl]
        n = int(sample_rate * 0.2 / rate * word_rng.uniform(0.9, 1.1))
        f = pitch * np.linspace(f0, f1, n) * (1 + 0.02 * word_rng.standard_normal())
        phase = 2 * np.pi * np.cumsum(f) / sample_rate
        tone = sum(np.sin(k * phase) / k for k in (1, 2, 3))
        parts.append(tone * np.hanning(n))
        parts.append(np.zeros(int(sample_rate * 0.02)))
    wav = np.concatenate(parts[:-1])
    return (0.5 * wav / np.abs(wav).max()).astype("float32")


def background_noise(rng, seconds: float = 10.0, sample_rate: int = 8000, babble=()):
    """A quiet 10-second background: pink noise + mains hum + a babble of ``babble`` clips.

    Course 5, week 3; lesson c5w3_trigger_word.

    Args:
        rng: a ``np.random.Generator``.
        babble: waveforms mixed in at random places at −20 dB (other people talking).
    """
    check_number("seconds", seconds, low=0, low_open=True, owner="background_noise")
    n = int(seconds * sample_rate)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1.0))  # 1/f power: pink
    noise = np.fft.irfft(spectrum, n)
    noise *= rng.uniform(0.005, 0.03) / (noise.std() + 1e-12)
    t = np.arange(n) / sample_rate
    hum = rng.uniform(0, 0.01) * np.sin(2 * np.pi * rng.choice([50, 60]) * t)
    out = noise + hum
    for clip in babble:
        start = rng.integers(0, max(1, n - len(clip)))
        seg = clip[: n - start]
        out[start:start + len(seg)] += 0.1 * seg
    return out.astype("float32")
