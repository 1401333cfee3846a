"""Word-analogy questions: a shipped subset of word2vec's ``questions-words.txt``.

The benchmark of Mikolov et al. (2013): 14 sections (capitals, currencies, family, nine
grammatical relations), each line four words "a b c d" read as "a is to b as c is to d". The
package ships 150 evenly spaced questions per section (2100 of 19 544), unchanged, under the
word2vec project's Apache License 2.0, with attribution in the file's header
(``tfcourse/data/questions-words-subset.txt``). The full file is in gensim's test data; it is
not a dependency (gensim is large and LGPL) and the subset is enough for per-section accuracy.
"""
from __future__ import annotations

from pathlib import Path

ANALOGY_FILE = Path(__file__).with_name("questions-words-subset.txt")


def load_analogy_questions(path=None, per_section: int | None = None) -> list:
    """``[(section, a, b, c, d), ...]``, lower-cased, in file order.

    Course 5, week 2; lesson c5w2_word_vectors.

    Args:
        path: a ``questions-words.txt``-format file (default: the shipped subset); ``#`` lines
            are comments, ``: name`` lines start a section.
        per_section: keep only the first ``per_section`` questions of each section.
    """
    out, section, taken = [], None, 0
    for line in Path(path or ANALOGY_FILE).read_text(encoding="utf8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":"):
            section, taken = line[1:].strip(), 0
            continue
        words = line.lower().split()
        if len(words) != 4 or section is None:
            raise ValueError(f"{path or ANALOGY_FILE}: not an analogy line: {line!r}")
        if per_section is None or taken < per_section:
            out.append((section, *words))
            taken += 1
    return out
