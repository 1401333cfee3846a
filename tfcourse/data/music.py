"""Tune corpora as sequences of musical "values" for the Jazz lesson (Course 5, week 1).

The course's "Improvise a Jazz Solo with an LSTM Network" trains on one jazz MIDI file whose notes
it turns into 90 "values" (a note type, pitch and duration from a jazz grammar). That file cannot
be had here; music21 (BSD-3, the optional extra ``pip install -e ".[music]"``) ships public-domain
tune collections in ABC notation, and this module turns one of them into the same kind of data:

- ``ryansMammoth`` (default): *Ryan's Mammoth Collection* (Boston, 1883; public domain), 1059
  fiddle tunes — reels, hornpipes, jigs, strathspeys — ABC by its volunteer transcribers;
- ``oneills1850``: *O'Neill's Music of Ireland* (Chicago, 1903; public domain), 1850 Irish airs
  and dance tunes in 36 files.

A value is one note or rest: ``"<MIDI pitch>_<quarter length>"`` (``"72_1/2"`` is a C5 eighth
note), or ``"r_<quarter length>"`` for a rest. Every tune is first transposed so that its key
signature has no sharps or flats (D major → C major, E minor → A minor, by the smallest shift,
at most 6 semitones): the model then learns melody and rhythm, not 12 copies of each. Grace notes
are left out; a chord keeps its top note; tuplets scale the duration.

Parsing uses music21's ABC tokenizer (``music21.abcFormat.ABCHandler``), which applies the key
signature, accidentals, broken rhythms and the default note length, and skips building music21's
full score objects (15 times faster: ~20 ms per tune). The parsed corpus is cached as gzipped
JSON under ``<cache_dir>/music/`` (default ``$TFCOURSE_CACHE``, else ``$XDG_CACHE_HOME/tfcourse``,
else ``~/.cache/tfcourse``): only that file is ever written, atomically, and nothing else in the
folder is touched.
"""
from __future__ import annotations

import gzip
import json
import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from tfcourse.checks import check_choice, check_int, invalid
from tfcourse.errors import UsageError

CORPORA = ("ryansMammoth", "oneills1850")
MUSIC_INSTALL = 'pip install -e ".[music]"   (or: pip install music21)'
UNKNOWN = "<unk>"
_TOKENIZER_VERSION = 1  # bump when the tokens change: old cache files are then ignored


def require_music21():
    """Import music21, or raise :class:`tfcourse.errors.UsageError` saying what to install.

    Course 5, week 1; lesson c5w1_jazz.

    The lessons call it before any work, so that a missing extra is one line and exit status 2.
    """
    try:
        import music21
    except ImportError:
        raise UsageError(f"this lesson needs music21 (its tune corpus and MIDI writer): "
                         f"{MUSIC_INSTALL}") from None
    return music21


def default_cache_dir() -> Path:
    """``$TFCOURSE_CACHE``, else ``$XDG_CACHE_HOME/tfcourse``, else ``~/.cache/tfcourse``.

    Course 5, week 1; lesson c5w1_jazz.
    """
    if os.environ.get("TFCOURSE_CACHE"):
        return Path(os.environ["TFCOURSE_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "tfcourse"


def _corpus_files(corpus: str) -> list:
    music21 = require_music21()
    root = Path(music21.__file__).parent / "corpus" / corpus
    files = sorted(root.glob("*.abc"))
    if not files:
        raise UsageError(f"music21 {music21.__version__} has no ABC files in {root} (a copy "
                         f"without its corpus?): reinstall it with {MUSIC_INSTALL}")
    return files


def _shift(sharps: int) -> int:
    """Semitones that move a key signature of ``sharps`` sharps (< 0: flats) to none."""
    tonic = (7 * sharps) % 12  # the major tonic's pitch class, C = 0
    return -tonic if tonic <= 6 else 12 - tonic


def _duration(ql) -> str:
    return str(Fraction(float(ql)).limit_denominator(48))


def tokenize_abc(text: str) -> list:
    """ABC text → one list of values per tune (split at each ``X:`` reference number).

    Course 5, week 1; lesson c5w1_jazz.

    Each value is ``"<midi>_<quarter length>"`` or ``"r_<quarter length>"``, transposed to the key
    signature with no sharps or flats (see the module docstring).
    """
    require_music21()
    from music21 import abcFormat, pitch

    handler = abcFormat.ABCHandler()
    handler.process(text)
    tunes, current, shift = [], None, 0
    midi_of = {}

    def midi(name):
        if name not in midi_of:
            midi_of[name] = pitch.Pitch(name).midi
        return midi_of[name]

    for tk in handler.tokens:
        if isinstance(tk, abcFormat.ABCMetadata):
            if tk.tag == "X":
                current = []
                tunes.append(current)
            elif tk.tag == "K":
                try:
                    shift = _shift(tk.getKeySignatureParameters()[0])
                except Exception:  # a key the tokenizer cannot read: leave the tune as written
                    shift = 0
            continue
        if not isinstance(tk, abcFormat.ABCNote) or getattr(tk, "inGrace", False):
            continue
        if current is None:  # notes before any X: field (some files): one tune
            current = []
            tunes.append(current)
        ql = float(tk.quarterLength or 0)
        tuplet = getattr(tk, "activeTuplet", None)
        if tuplet is not None:
            ql *= float(tuplet.tupletMultiplier())
        if ql <= 0:
            continue
        if isinstance(tk, abcFormat.ABCChord):
            names = [n.pitchName for n in getattr(tk, "subTokens", []) or []
                     if isinstance(n, abcFormat.ABCNote) and n.pitchName]
            if not names:
                continue
            value = f"{max(midi(n) for n in names) + shift}_{_duration(ql)}"
        elif tk.isRest:
            value = f"r_{_duration(ql)}"
        elif tk.pitchName:
            value = f"{midi(tk.pitchName) + shift}_{_duration(ql)}"
        else:
            continue
        current.append(value)
    return [t for t in tunes if t]


def load_tunes(corpus: str = "ryansMammoth", limit: int | None = None, cache_dir=None,
               progress=None) -> list:
    """The corpus's tunes as lists of values, parsed once and then read from the cache.

    Course 5, week 1; lesson c5w1_jazz.

    Args:
        corpus: ``"ryansMammoth"`` or ``"oneills1850"`` (music21's ABC collections).
        limit: parse only the first ``limit`` files (sorted by name); None: all.
        cache_dir: where ``music/<corpus>-<limit>-v<version>.json.gz`` lives (default
            :func:`default_cache_dir`).
        progress: optional ``callable(done, total)`` called while parsing.

    Returns a list of tunes, each a list of value strings, in file order.
    """
    check_choice("corpus", corpus, CORPORA, owner="load_tunes")
    if limit is not None:
        limit = check_int("limit", limit, low=1, owner="load_tunes")
    music21 = require_music21()
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cache = folder / "music" / (f"{corpus}-{limit or 'all'}-m21_{music21.__version__}"
                                f"-v{_TOKENIZER_VERSION}.json.gz")
    if cache.is_file():
        try:
            with gzip.open(cache, "rt", encoding="utf8") as fh:
                return json.load(fh)["tunes"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is parsed again and replaced
    files = _corpus_files(corpus)[:limit]
    tunes = []
    for i, path in enumerate(files):
        tunes.extend(tokenize_abc(path.read_text(encoding="latin-1")))
        if progress:
            progress(i + 1, len(files))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.tmp-{os.getpid()}")
        with gzip.open(tmp, "wt", encoding="utf8") as fh:
            json.dump({"corpus": corpus, "limit": limit, "music21": music21.__version__,
                       "tokenizer": _TOKENIZER_VERSION, "tunes": tunes}, fh)
        os.replace(tmp, cache)
    except OSError:
        pass  # an unwritable cache only costs the next run the parsing time
    return tunes


def load_abc_path(path, limit: int | None = None) -> list:
    """Tunes from a local ABC file, or from every ``*.abc`` file in a folder (sorted), uncached.

    Course 5, week 1; lesson c5w1_jazz (``--data-path``).

    Raises :class:`tfcourse.errors.DataError` when there is no ABC file or no note in them.
    """
    from tfcourse.errors import DataError

    path = Path(path)
    files = sorted(path.glob("*.abc")) if path.is_dir() else [path]
    files = files[:limit] if limit else files
    if not files:
        raise DataError(f"no *.abc file in {path}")
    tunes = []
    for f in files:
        try:
            tunes.extend(tokenize_abc(f.read_text(encoding="latin-1")))
        except UsageError:
            raise
        except Exception as exc:  # the tokenizer's own errors: name the file
            raise DataError(f"{f}: not readable as ABC notation ({exc})") from None
    if not tunes:
        raise DataError(f"{path}: no notes found in ABC notation")
    return tunes


def build_values(tunes, min_count: int = 2) -> list:
    """The vocabulary: values seen at least ``min_count`` times, most frequent first, then
    ``"<unk>"`` (every rarer or unseen value).

    Course 5, week 1; lesson c5w1_jazz.

    The course's ``n_values`` is ``len(values)`` and ``indices_values`` maps an index back to
    its value (here ``dict(enumerate(values))``).
    """
    min_count = check_int("min_count", min_count, low=1, owner="build_values")
    counts = {}
    for tune in tunes:
        for v in tune:
            counts[v] = counts.get(v, 0) + 1
    kept = sorted((v for v, c in counts.items() if c >= min_count),
                  key=lambda v: (-counts[v], v))
    return kept + [UNKNOWN]


def encode(tunes, values) -> list:
    """Each tune as an int array of indices into ``values`` (``"<unk>"`` for unknown values).

    Course 5, week 1; lesson c5w1_jazz.
    """
    index = {v: i for i, v in enumerate(values)}
    unk = index[UNKNOWN]
    return [np.array([index.get(v, unk) for v in tune], dtype="int32") for tune in tunes]


def _one_hot(ids, n_values):
    out = np.zeros(ids.shape + (n_values,), "float32")
    np.put_along_axis(out, ids[..., None], 1.0, axis=-1)
    return out


def training_windows(encoded, n_values: int, Tx: int, m: int, rng) -> tuple:
    """m random windows in the course's layout: X (m, Tx, n_values) and Y (Tx, m, n_values).

    Course 5, week 1; lesson c5w1_jazz.

    As in the course, X⟨1⟩ is the zero vector (the start), X⟨t⟩ is value t−1 of the window and
    Y⟨t⟩ the value after it (Y is X shifted one step to the left), so ``model.fit([X, a0, c0],
    list(Y))`` trains every step to predict the next value. Difference: the course's last target
    Y⟨Tx⟩ is all zeros (its window has Tx values); here the window has Tx + 1 values, so the last
    step has a real target too. Windows start anywhere in tunes of at least Tx + 1 values.
    """
    Tx = check_int("Tx", Tx, low=1, owner="training_windows")
    m = check_int("m", m, low=1, owner="training_windows")
    long = [t for t in encoded if len(t) >= Tx]
    if not long:
        raise invalid("encoded", f"tunes with at least Tx = {Tx} values", "none", 
                      "training_windows")
    ids = np.zeros((m, Tx), "int32")
    targets = np.zeros((m, Tx), "int32")
    weights = np.array([len(t) - Tx + 1 for t in long], "float64")
    which = rng.choice(len(long), size=m, p=weights / weights.sum())
    for i, k in enumerate(which):
        tune = long[k]
        start = rng.integers(0, len(tune) - Tx + 1)
        window = tune[start:start + Tx]
        ids[i, 1:] = window[:-1]
        targets[i] = window
    X = _one_hot(ids, n_values)
    X[:, 0, :] = 0.0  # the start: a zero vector, as the course's x⟨1⟩
    Y = _one_hot(targets, n_values).transpose(1, 0, 2)  # (Tx, m, n_values)
    return X, Y


def heldout_windows(encoded, n_values: int, Tx: int) -> tuple:
    """Every held-out value exactly once: consecutive windows of Tx values per tune.

    Course 5, week 1; lesson c5w1_jazz.

    Returns ``(X, targets, mask)``: X (k, Tx, n_values) in :func:`training_windows`'s layout
    (zero start vector), targets (k, Tx) value indices and mask (k, Tx) 1 where a value exists
    (a tune's last window is padded). Each window starts without context, as the course's
    generator does; the n-gram baselines are scored on the same positions with the same rule.
    """
    Tx = check_int("Tx", Tx, low=1, owner="heldout_windows")
    rows, tgts, masks = [], [], []
    for tune in encoded:
        for start in range(0, len(tune), Tx):
            window = tune[start:start + Tx]
            ids = np.zeros(Tx, "int32")
            tgt = np.zeros(Tx, "int32")
            mask = np.zeros(Tx, "float32")
            ids[1:len(window)] = window[:-1][:Tx - 1]
            tgt[:len(window)] = window
            mask[:len(window)] = 1.0
            rows.append(ids)
            tgts.append(tgt)
            masks.append(mask)
    ids, targets, mask = np.array(rows), np.array(tgts), np.array(masks)
    X = _one_hot(ids, n_values)
    X[:, 0, :] = 0.0
    return X, targets, mask


__all__ = ["CORPORA", "MUSIC_INSTALL", "UNKNOWN", "require_music21", "default_cache_dir",
           "tokenize_abc", "load_tunes", "load_abc_path", "build_values", "encode", "training_windows",
           "heldout_windows"]
