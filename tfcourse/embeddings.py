"""Word embeddings: similarity, analogies, debiasing and sentence encodings (Course 5, week 2).

The course's graded functions, with its names, signatures and array layouts (vectors are 1-D
``(50,)`` arrays; ``word_to_vec_map`` maps a word to its vector; ``word_to_index`` maps a word
to its 1-based index, 0 being padding):

- :func:`cosine_similarity` — ``u·v / (‖u‖ ‖v‖)``;
- :func:`complete_analogy` — "a is to b as c is to ?": ``argmax_w cos(e_b − e_a, e_w − e_c)``;
- :func:`neutralize` and :func:`equalize` — Bolukbasi et al. (2016) debiasing;
- :func:`sentence_to_avg` — the mean of a sentence's word vectors (Emojify V1's input);
- :func:`sentences_to_indices` — sentences → zero-padded index arrays (Emojify V2's input);
- :func:`pretrained_embedding_layer` — a frozen ``keras.layers.Embedding`` holding GloVe.

Where the course loops over the 400 000 words in Python (``complete_analogy``), this module does
the same search as one matrix product (:func:`analogy_scores` and :func:`analogy_benchmark`
batch it further); the result is the same word, ties included (the first word in the map's
order wins, as the course's strict ``>`` does).
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int

# The course's examples (its word-vector assignment), used by the lesson and its tests.
COURSE_TRIADS = (("italy", "italian", "spain"), ("india", "delhi", "japan"),
                 ("man", "woman", "boy"), ("small", "smaller", "large"))
COURSE_NAMES = ("john", "marie", "sophie", "ronaldo", "priya", "rahul", "danielle", "reza",
                "katy", "yasmin")  # names: cos(name, g) has the sign of the name's gender
COURSE_BIAS_WORDS = ("lipstick", "guns", "science", "arts", "literature", "warrior", "doctor",
                     "tree", "receptionist", "technology", "fashion", "teacher", "engineer",
                     "pilot", "computer", "singer")
COURSE_WORDS = ("father", "mother", "ball", "crocodile", "france", "paris", "rome", "italy",
                "woman", "man", "girl", "boy", "grandmother", "grandfather", "actor", "actress",
                "babysit", "cucumber", "potatos", "morrocan", "couscous", "is", "my",
                "favorite", "dish", "funny", "lol", "lets", "play", "baseball", "food", "ready",
                "for", "you", "larger", "spanish", "tokyo", "italian", "delhi", "japan",
                "spain", "india", "small", "smaller", "large", "big", "adore", "not",
                "feeling", "happy")


def _matrix(word_to_vec_map):
    """(words, (n, d) float64 matrix) of a mapping, the WordVectors' own matrix if it is one."""
    vectors = getattr(word_to_vec_map, "vectors", None)
    if vectors is not None and hasattr(word_to_vec_map, "words"):  # a WordVectors
        return word_to_vec_map.words, vectors
    words = list(word_to_vec_map.keys())
    return words, np.stack([np.asarray(word_to_vec_map[w], np.float64) for w in words])


def cosine_similarity(u, v):
    """Cosine similarity of two vectors, the course's formula.

    Course 5, week 2; lesson c5w2_word_vectors.

        CosineSimilarity(u, v) = u·v / (‖u‖₂ ‖v‖₂) = cos θ

    As the course: two equal vectors give 1 (so that ``cosine_similarity(0, 0)`` is 1, not
    0/0). Keras's ``keras.losses.cosine_similarity(y_true, y_pred)`` is the *negative* of this
    along the last axis (with an ε-guarded l2-normalisation): ``cosine_similarity(u, v) ==
    -keras.losses.cosine_similarity(u, v)`` for non-zero vectors (tested).

    Args:
        u, v: arrays of shape ``(n,)``.

    Returns:
        a float in [-1, 1].
    """
    u, v = np.asarray(u, np.float64), np.asarray(v, np.float64)
    if np.all(u == v):
        return 1.0
    dot = np.dot(u, v)
    norm_u = np.sqrt(np.sum(u * u))
    norm_v = np.sqrt(np.sum(v * v))
    return float(dot / (norm_u * norm_v))


def analogy_scores(word_a, word_b, word_c, word_to_vec_map):
    """cos(e_b − e_a, e_w − e_c) for every word w of the map, in its order (one matrix product).

    Course 5, week 2; lesson c5w2_word_vectors.

    Words where the cosine is undefined (a zero vector) score NaN, as the course's loop computes
    them (and never picks them, since ``NaN > x`` is false).
    """
    words, m = _matrix(word_to_vec_map)
    e_a, e_b, e_c = (np.asarray(word_to_vec_map[w], np.float64) for w in (word_a, word_b, word_c))
    u = e_b - e_a
    d = m - e_c  # (n, dim) float64
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = (d @ u) / (np.sqrt(np.einsum("ij,ij->i", d, d)) * np.sqrt(u @ u))
    scores[np.all(d == u, axis=1)] = 1.0  # cosine_similarity's equal-vectors rule
    return words, scores


def complete_analogy(word_a, word_b, word_c, word_to_vec_map, exclude="c"):
    """Complete "a is to b as c is to ____": the word w that maximises cos(e_b − e_a, e_w − e_c).

    Course 5, week 2; lesson c5w2_word_vectors.

    As the course: the words are lower-cased, and of equal scores the first word in the map's
    order wins. The search over the whole vocabulary is one matrix product instead of the
    course's loop. Returns ``None`` when no cosine is defined (e.g. e_a == e_b).

    Which input words may not be the answer (``exclude``): the course's current assignment
    skips only ``word_c`` (``"c"``, the default; its public test needs ``word_b`` allowed), and
    then "small → smaller :: large → ?" answers "smaller" (cos 0.849 against 0.683 for
    "larger"). The assignment's first version skipped all three (``"abc"``), which gives the
    "larger" its notebook printed. The lesson shows both.

    Args:
        word_a, word_b, word_c: strings.
        word_to_vec_map: word → vector (a dict or :class:`tfcourse.data.glove.WordVectors`).
        exclude: ``"c"`` or ``"abc"``.
    """
    from tfcourse.checks import check_choice

    check_choice("exclude", exclude, ("c", "abc"), owner="complete_analogy")
    word_a, word_b, word_c = word_a.lower(), word_b.lower(), word_c.lower()
    words, scores = analogy_scores(word_a, word_b, word_c, word_to_vec_map)
    scores = np.where(np.isnan(scores), -np.inf, scores)
    banned = {word_c} if exclude == "c" else {word_a, word_b, word_c}
    rows = getattr(word_to_vec_map, "row", None)
    for w in banned:
        if rows is not None and getattr(word_to_vec_map, "words", None) is not None:
            if w in rows:
                scores[rows[w]] = -np.inf
        else:
            scores[[i for i, x in enumerate(words) if x == w]] = -np.inf
    best = int(np.argmax(scores))
    return None if scores[best] == -np.inf else words[best]


def neutralize(word, g, word_to_vec_map):
    """Remove the bias direction ``g`` from ``word``'s vector (Bolukbasi et al., 2016).

    Course 5, week 2; lesson c5w2_word_vectors.

        e_bias_component = (e·g / ‖g‖₂²) g,     e_debiased = e − e_bias_component

    so that ``e_debiased · g = 0`` (to round-off: ~1e-17 in float64).

    Args:
        word: the word to neutralize (a gender-neutral word such as "receptionist").
        g: ``(50,)`` the bias axis (e.g. e_woman − e_man).
        word_to_vec_map: word → vector.

    Returns:
        e_debiased: ``(50,)``.
    """
    e = np.asarray(word_to_vec_map[word], np.float64)
    g = np.asarray(g, np.float64)
    e_biascomponent = (np.dot(e, g) / np.sum(g * g)) * g
    return e - e_biascomponent


def equalize(pair, bias_axis, word_to_vec_map):
    """Make a gendered pair differ only along the bias axis, equally far from it (Bolukbasi
    et al., 2016).

    Course 5, week 2; lesson c5w2_word_vectors.

    The course's formulas, for ``pair = (w1, w2)`` and bias axis ``g`` (``bias_axis``):

        μ = (e_w1 + e_w2) / 2
        μ_B = (μ·g / ‖g‖²) g,                  μ_⊥ = μ − μ_B
        e_wiB = (e_wi·g / ‖g‖²) g
        e_wiB_corrected = √|1 − ‖μ_⊥‖²| · (e_wiB − μ_B) / ‖(e_wi − μ_⊥) − μ_B‖
        e_i = e_wiB_corrected + μ_⊥

    The norms in the denominators are as the course's assignment writes them (the paper
    normalises ``e_wiB − μ_B``; the course's expected outputs follow its own formula, which
    this reproduces: cos(e1, g) = −0.7004, cos(e2, g) = 0.7004 for man/woman).

    Args:
        pair: two words, e.g. ``("man", "woman")``.
        bias_axis: ``(50,)``.
        word_to_vec_map: word → vector.

    Returns:
        ``(e1, e2)``: the equalized vectors.
    """
    w1, w2 = pair
    e_w1, e_w2 = (np.asarray(word_to_vec_map[w], np.float64) for w in (w1, w2))
    g = np.asarray(bias_axis, np.float64)
    g2 = np.sum(g * g)
    mu = (e_w1 + e_w2) / 2
    mu_B = (np.dot(mu, g) / g2) * g
    mu_orth = mu - mu_B
    e_w1B = (np.dot(e_w1, g) / g2) * g
    e_w2B = (np.dot(e_w2, g) / g2) * g
    scale = np.sqrt(np.abs(1 - np.sum(mu_orth ** 2)))
    corrected_e_w1B = scale * (e_w1B - mu_B) / np.linalg.norm((e_w1 - mu_orth) - mu_B)
    corrected_e_w2B = scale * (e_w2B - mu_B) / np.linalg.norm((e_w2 - mu_orth) - mu_B)
    return corrected_e_w1B + mu_orth, corrected_e_w2B + mu_orth


def sentence_to_avg(sentence, word_to_vec_map):
    """A sentence's encoding for Emojify V1: the mean of its words' vectors.

    Course 5, week 2; lesson c5w2_emojify.

        avg = (1 / |known words|) Σ_{w ∈ sentence, w known} e_w

    As the course's current version: the sentence is lower-cased and split on whitespace, words
    missing from the map are skipped, and a sentence with no known word gives zeros.

    Returns:
        avg: ``(dim,)`` float64.
    """
    words = [w for w in sentence.lower().split() if w in word_to_vec_map]
    dim = len(next(iter(word_to_vec_map.values()))) if not hasattr(word_to_vec_map, "dim") \
        else word_to_vec_map.dim
    avg = np.zeros((dim,))
    for w in words:
        avg += word_to_vec_map[w]
    return avg / len(words) if words else avg


def sentences_to_indices(X, word_to_index, max_len):
    """Sentences → word indices, zero-padded to ``max_len`` (Emojify V2's input).

    Course 5, week 2; lesson c5w2_emojify.

    As the course: each sentence is lower-cased and split on whitespace; row i holds the
    indices of sentence i's words then zeros. Two things the course leaves to chance are
    defined here: a word missing from ``word_to_index`` gets index 0 (the padding index, whose
    vector is zeros: the course's version raises ``KeyError``), and words past ``max_len`` are
    cut off (the course's version raises ``IndexError``).

    Args:
        X: array of sentences (strings), shape ``(m,)``.
        word_to_index: word → index (1-based).
        max_len: the number of columns.

    Returns:
        X_indices: ``(m, max_len)`` float64, as the course's ``np.zeros``.
    """
    max_len = check_int("max_len", max_len, low=1, owner="sentences_to_indices")
    X = np.asarray(X)
    X_indices = np.zeros((X.shape[0], max_len))
    for i, sentence in enumerate(X):
        for j, w in enumerate(str(sentence).lower().split()[:max_len]):
            X_indices[i, j] = word_to_index.get(w, 0)
    return X_indices


def pretrained_embedding_layer(word_to_vec_map, word_to_index):
    """A frozen ``keras.layers.Embedding`` whose row ``word_to_index[w]`` is ``w``'s vector.

    Course 5, week 2; lesson c5w2_emojify.

    The course's layer: ``vocab_size = len(word_to_index) + 1`` rows (row 0, the padding index,
    is zeros), ``emb_dim`` columns, ``trainable=False``, built and given the matrix with
    ``set_weights``. It *is* ``keras.layers.Embedding`` (no reimplementation): the test checks
    ``layer(indices)`` against ``matrix[indices]``.
    """
    import keras

    vocab_size = len(word_to_index) + 1
    if hasattr(word_to_vec_map, "matrix_by_index") and word_to_index is getattr(
            word_to_vec_map, "word_to_index", None):
        emb_matrix = word_to_vec_map.matrix_by_index()
    else:
        any_word = next(iter(word_to_index))
        emb_dim = len(word_to_vec_map[any_word])
        emb_matrix = np.zeros((vocab_size, emb_dim), np.float32)
        for word, idx in word_to_index.items():
            emb_matrix[idx, :] = word_to_vec_map[word]
    embedding_layer = keras.layers.Embedding(vocab_size, emb_matrix.shape[1], trainable=False)
    embedding_layer.build((None,))
    embedding_layer.set_weights([emb_matrix])
    return embedding_layer


def analogy_benchmark(questions, word_vectors, restrict_vocab: int = 30000, batch: int = 256):
    """Accuracy on analogy questions ``(a, b, c, d)`` ("a is to b as c is to d"), vectorised.

    Course 5, week 2; lesson c5w2_word_vectors.

    Two rules, both over the ``restrict_vocab`` most frequent words (the rows' order) and both
    excluding the three question words from the answers, as word2vec's ``compute-accuracy`` and
    gensim's ``evaluate_word_analogies`` do (the course's :func:`complete_analogy` excludes only
    ``c``; a benchmark that allowed ``b`` would mostly answer ``b``):

    - ``course``: argmax_w cos(e_b − e_a, e_w − e_c), the course's objective;
    - ``3cosadd``: argmax_w cos(e_w, ê_b − ê_a + ê_c) on unit vectors (Mikolov et al., 2013).

    Questions with a word outside the restricted vocabulary are skipped (counted in
    ``skipped``), as both tools do. ``batch`` questions are scored per matrix product.

    Args:
        questions: sequence of ``(section, a, b, c, d)``, lower-case words.
        word_vectors: a :class:`tfcourse.data.glove.WordVectors`.

    Returns:
        dict: ``{"course": {section: (correct, total)}, "3cosadd": {...}, "skipped": n}``.
    """
    restrict_vocab = check_int("restrict_vocab", restrict_vocab, low=1, owner="analogy_benchmark")
    batch = check_int("batch", batch, low=1, owner="analogy_benchmark")
    m = np.asarray(word_vectors.vectors[:restrict_vocab], np.float64)  # (n, d)
    row = {w: i for i, w in enumerate(word_vectors.words[:restrict_vocab])}
    sq = np.einsum("ij,ij->i", m, m)  # ‖e_w‖²
    unit = m / np.sqrt(sq)[:, None]
    kept, sections, skipped = [], [], 0
    for section, *words in questions:
        if all(w in row for w in words):
            kept.append([row[w] for w in words])
            sections.append(section)
        else:
            skipped += 1
    counts = {"course": {}, "3cosadd": {}, "skipped": skipped}
    for s in sections:
        for rule in ("course", "3cosadd"):
            counts[rule].setdefault(s, [0, 0])
    if not kept:
        return counts
    idx = np.asarray(kept)  # (q, 4): a, b, c, d
    for start in range(0, len(idx), batch):
        part = idx[start:start + batch]
        a, b, c, d = (part[:, k] for k in range(4))
        u = m[b] - m[a]  # (q, d)
        # cos(u, e_w − e_c) = (e_w·u − e_c·u) / (‖u‖ ‖e_w − e_c‖),
        # ‖e_w − e_c‖² = ‖e_w‖² − 2 e_w·e_c + ‖e_c‖²: two (n, q) products, no (n, q, d) array
        wu, wc = m @ u.T, m @ m[c].T  # (n, q)
        cu = np.einsum("ij,ij->i", m[c], u)
        dist = np.sqrt(np.maximum(sq[:, None] - 2 * wc + sq[c][None, :], 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            course = (wu - cu[None, :]) / (dist * np.linalg.norm(u, axis=1)[None, :])
        add = unit @ (unit[b] - unit[a] + unit[c]).T  # (n, q); the query's norm is irrelevant
        cols = np.arange(len(part))
        for rule, scores in (("course", course), ("3cosadd", add)):
            scores = np.where(np.isnan(scores), -np.inf, scores)
            for k in (a, b, c):
                scores[k, cols] = -np.inf
            hit = np.argmax(scores, axis=0) == d
            for s, h in zip(sections[start:start + batch], hit):
                counts[rule][s][0] += int(h)
                counts[rule][s][1] += 1
    for rule in ("course", "3cosadd"):
        counts[rule] = {s: tuple(v) for s, v in counts[rule].items()}
    return counts


def Emojify_V1(input_shape=(50,), n_classes: int = 5):  # noqa: N802 (the course's name)
    """Emojify V1 as a Keras model: a sentence's averaged word vector → softmax over 5 emoji.

    Course 5, week 2; lesson c5w2_emojify.

    The course's forward pass, ``z = W · avg + b``, ``a = softmax(z)``, with the cross-entropy
    ``L = −Σ_k y_k log a_k``, is exactly ``Dense(5, activation="softmax")`` on the output of
    :func:`sentence_to_avg` (``W`` is the Dense kernel transposed: ``(n_y, n_h)`` in the course,
    ``(n_h, n_y)`` in Keras). The course trains it with its own per-example SGD loop
    (``learning_rate=0.01, num_iterations=400``); the lesson uses ``model.fit``.
    """
    import keras

    n_classes = check_int("n_classes", n_classes, low=2, owner="Emojify_V1")
    avg = keras.Input(input_shape, name="sentence_average")
    probs = keras.layers.Dense(n_classes, activation="softmax", name="softmax")(avg)
    return keras.Model(avg, probs, name="emojify_v1")


def Emojify_V2(input_shape, word_to_vec_map, word_to_index, dtype="int32"):  # noqa: N802
    """Emojify V2, the course's graph: frozen GloVe → LSTM(128) → Dropout → LSTM(128) → Dropout
    → Dense(5) → softmax.

    Course 5, week 2; lesson c5w2_emojify.

    As the course's ``Emojify_V2``: ``Input(input_shape, dtype='int32')`` of word indices
    (:func:`sentences_to_indices`), :func:`pretrained_embedding_layer`, the first LSTM returns
    its whole sequence, the second only its last state, dropout 0.5 after each, a 5-unit
    ``Dense`` and a softmax ``Activation``. ``dtype`` is this package's addition: the lessons
    pass ``"float32"`` so that the exported SavedModel takes the same float input as every other
    lesson's (``Embedding`` casts the indices to integers).
    """
    import keras

    sentence_indices = keras.Input(input_shape, dtype=dtype, name="sentence_indices")
    embeddings = pretrained_embedding_layer(word_to_vec_map, word_to_index)(sentence_indices)
    X = keras.layers.LSTM(128, return_sequences=True)(embeddings)
    X = keras.layers.Dropout(0.5)(X)
    X = keras.layers.LSTM(128, return_sequences=False)(X)
    X = keras.layers.Dropout(0.5)(X)
    X = keras.layers.Dense(5)(X)
    X = keras.layers.Activation("softmax")(X)
    return keras.Model(inputs=sentence_indices, outputs=X, name="emojify_v2")
