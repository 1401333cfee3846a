"""Face verification and recognition with embeddings and the triplet loss (Course 4, week 4).

FaceNet maps a face image x to an encoding f(x) on the unit sphere, trained so that two
pictures of one person are closer than pictures of two people:

    ‖f(A) − f(P)‖² + α ≤ ‖f(A) − f(N)‖²

for an anchor A, a positive P (same person) and a negative N (another person). The triplet
loss (the course's :func:`triplet_loss`) penalises every triplet that breaks this by more
than the margin α = 0.2. Then

- **verification** (1:1, "is this person who they claim to be?") thresholds one distance,
  the course's :func:`verify`: open the door if ‖f(image) − f(database[identity])‖ < 0.7;
- **recognition** (1:K, "who is this?") takes the nearest encoding in the database, the
  course's :func:`who_is_it`; it is *one-shot*: one picture per person in the database, and
  adding a person is adding one encoding, no retraining.

Training needs informative triplets: random ones are mostly already satisfied (zero loss, no
gradient). :func:`semi_hard_triplets` mines, for every anchor-positive pair, the negative that
is farther than the positive but the closest such one (FaceNet's *semi-hard* negatives, the
rule of ``tfa.losses.TripletSemiHardLoss``), recomputed from the current embeddings.

:func:`embedding_network` is a small CNN whose output passes through
``keras.layers.UnitNormalization`` (f(x)/‖f(x)‖₂), so the encodings lie on the unit sphere as
FaceNet's do and distances lie in [0, 2].

Example::

    enc = embedding_network((32, 32, 3), embedding_dim=32)
    database = {"ann": img_to_encoding(ann_image, enc), "bob": img_to_encoding(bob_image, enc)}
    dist, door_open = verify(camera_image, "ann", database, enc)
    min_dist, identity = who_is_it(camera_image, database, enc)
"""
from __future__ import annotations

import keras
import numpy as np
from keras import ops

from tfcourse.checks import check_int, invalid

THRESHOLD = 0.7  # the course's verification threshold on the (not squared) L2 distance
ALPHA = 0.2  # the course's triplet margin


def triplet_loss(y_true, y_pred, alpha=ALPHA):
    """The course's triplet loss, summed over the triplets of a batch.

    Course 4, week 4; lesson c4w4_face_recognition.

    For m triplets with encodings A, P, N of shape (m, d):

        L = Σ_i max(‖A_i − P_i‖² − ‖A_i − N_i‖² + α, 0)

    (squared L2 distances, summed over the last axis; summed, not averaged, over the batch).

    Differs from the Keras/TF built-ins: Keras has no triplet loss; TensorFlow Addons'
    ``TripletSemiHardLoss(margin, distance_metric)`` takes labels and one batch of embeddings,
    mines the triplets itself (the rule of :func:`semi_hard_triplets`) and *averages* the hinge
    over the positive pairs. Mapping: with ``distance_metric="squared-L2"`` (its default
    ``"L2"`` is the non-squared distance) and ``margin=alpha``, tfa's value on a batch is, by
    its documented formula, ``triplet_loss(None, [A, P, N], alpha) / m`` for the m triplets it
    mines (not tested: tfa is end-of-life and not installed). The tests check the course's
    values and the gradient (``tf.GradientTape``) against the formula.

    Args:
        y_true: unused (Keras's loss signature), as in the course.
        y_pred: ``[anchor, positive, negative]``, each of shape (m, d) (or (d,)); a tensor of
            shape (3, m, d) works too.
        alpha: the margin α.

    Returns:
        The loss, a scalar tensor.
    """
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    anchor, positive, negative = (ops.convert_to_tensor(t, "float32")
                                  for t in (anchor, positive, negative))
    pos_dist = ops.sum(ops.square(anchor - positive), axis=-1)
    neg_dist = ops.sum(ops.square(anchor - negative), axis=-1)
    basic_loss = pos_dist - neg_dist + alpha
    return ops.sum(ops.maximum(basic_loss, 0.0))


def stacked_triplet_loss(y_true, y_pred, alpha=ALPHA):
    """:func:`triplet_loss` for a Keras model whose output stacks the triplet on axis 1.

    Course 4, week 4; lesson c4w4_face_recognition.

    Keras puts the batch first, so a model that embeds (anchor, positive, negative) returns
    ``(m, 3, d)``; this is ``triplet_loss(y_true, [y_pred[:, 0], y_pred[:, 1], y_pred[:, 2]])``.
    """
    return triplet_loss(y_true, [y_pred[:, 0], y_pred[:, 1], y_pred[:, 2]], alpha)


def embedding_network(input_shape=(32, 32, 3), embedding_dim: int = 32, filters=(16, 32, 64),
                      name: str = "embedding"):
    """A small CNN from an image to an L2-normalised encoding of size ``embedding_dim``.

    Course 4, week 4; lesson c4w4_face_recognition.

    Conv(3×3)-BN-ReLU-MaxPool per entry of ``filters``, global average pooling, a Dense layer
    of ``embedding_dim`` units (the "embedding budget"), then ``UnitNormalization``: f(x)/‖f(x)‖₂.
    FaceNet's is an Inception network with 128 dimensions; the course loads it pretrained.
    The layer before the normalisation is named ``"features"``, the output ``"encoding"``.
    """
    owner = "embedding_network"
    embedding_dim = check_int("embedding_dim", embedding_dim, low=1, owner=owner)
    if not filters or any(not isinstance(f, int) or f < 1 for f in filters):
        raise invalid("filters", "a non-empty sequence of positive integers", filters, owner)
    L = keras.layers
    inputs = keras.Input(tuple(input_shape), name="image")
    x = inputs
    for i, f in enumerate(filters):
        x = L.Conv2D(f, 3, padding="same", use_bias=False, name=f"conv{i + 1}")(x)
        x = L.BatchNormalization(momentum=0.9, name=f"bn{i + 1}")(x)
        x = L.ReLU(name=f"relu{i + 1}")(x)
        x = L.MaxPooling2D(2, name=f"pool{i + 1}")(x)
    x = L.GlobalAveragePooling2D(name="gap")(x)
    x = L.Dense(embedding_dim, name="features")(x)
    outputs = L.UnitNormalization(name="encoding")(x)
    return keras.Model(inputs, outputs, name=name)


def triplet_model(embedding, name: str = "triplet_model"):
    """Three inputs (anchor, positive, negative) through one shared ``embedding``: ``(m, 3, d)``.

    Course 4, week 4; lesson c4w4_face_recognition. Train it with :func:`stacked_triplet_loss`.
    """
    shape = tuple(embedding.input_shape[1:])
    inputs = [keras.Input(shape, name=n) for n in ("anchor", "positive", "negative")]
    encoded = [embedding(x) for x in inputs]
    stacked = keras.layers.Concatenate(axis=1, name="stacked")(
        [keras.layers.Reshape((1, -1))(e) for e in encoded])
    return keras.Model(inputs, stacked, name=name)


def _as_image_batch(image):
    """An image path or an array (h, w, c) / (1, h, w, c) as a float32 batch of one."""
    if isinstance(image, (str, bytes)) or hasattr(image, "__fspath__"):
        img = keras.utils.load_img(image)
        image = np.asarray(img, "float32") / 255.0
    image = np.asarray(image, "float32")
    if image.ndim == 3:
        image = image[None]
    if image.ndim != 4 or image.shape[0] != 1:
        raise invalid("image_path", "a path to an image or one image array (h, w, c)",
                      f"array of shape {image.shape}", "img_to_encoding")
    return image


def img_to_encoding(image_path, model):
    """The encoding of one image, L2-normalised: shape (1, d), as the course's helper.

    Course 4, week 4; lesson c4w4_face_recognition.

    The course reads ``image_path`` with ``load_img`` (resized to 160×160), scales it to [0, 1],
    runs the model and divides by the L2 norm. Here ``image_path`` is a path (read at its own
    size, scaled to [0, 1]) or an image array already in the model's input range; the image must
    have the model's input size.
    """
    batch = _as_image_batch(image_path)
    embedding = np.asarray(model.predict_on_batch(batch))
    return embedding / np.linalg.norm(embedding, ord=2)


def verify(image_path, identity, database, model):
    """The course's face verification: is the person on ``image_path`` ``identity``?

    Course 4, week 4; lesson c4w4_face_recognition.

        dist = ‖f(image) − database[identity]‖₂ ;   door_open = dist < 0.7

    (the L2 distance, not its square, against the course's threshold :data:`THRESHOLD`).

    Args:
        image_path: a path to an image, or an image array (adaptation: the course takes paths).
        identity: a name, a key of ``database``.
        database: a dict from names to encodings (as :func:`img_to_encoding` returns).
        model: the encoding network.

    Returns:
        ``(dist, door_open)``: a float and a bool.
    """
    if identity not in database:
        raise invalid("identity", "a name in the database", identity, "verify")
    encoding = img_to_encoding(image_path, model)
    dist = float(np.linalg.norm(encoding - database[identity]))
    return dist, bool(dist < THRESHOLD)


def who_is_it(image_path, database, model):
    """The course's face recognition: the nearest person in ``database``.

    Course 4, week 4; lesson c4w4_face_recognition.

    The course starts from ``min_dist = 100``, loops over the database and keeps the name with
    the smallest L2 distance; a ``min_dist`` above 0.7 means "not in the database" (the course
    prints that and still returns the nearest name, as this function does).

    Returns:
        ``(min_dist, identity)``.
    """
    if not database:
        raise invalid("database", "a non-empty dict of name -> encoding", database, "who_is_it")
    encoding = img_to_encoding(image_path, model)
    min_dist, identity = 100.0, None
    for name, db_enc in database.items():
        dist = float(np.linalg.norm(encoding - db_enc))
        if dist < min_dist:
            min_dist, identity = dist, name
    return min_dist, identity


def pairwise_squared_distances(embeddings):
    """‖e_i − e_j‖² for every pair of rows: ``(m, m)``, NumPy.

    Course 4, week 4; lesson c4w4_face_recognition.
    """
    e = np.asarray(embeddings, "float64")
    sq = np.sum(e * e, axis=1)
    return np.maximum(sq[:, None] - 2 * e @ e.T + sq[None, :], 0.0)


def semi_hard_triplets(embeddings, labels):
    """Every anchor-positive pair of a batch with its semi-hard negative (FaceNet's mining).

    Course 4, week 4; lesson c4w4_face_recognition.

    For each ordered pair (a, p) of distinct images of one person, the negative n (another
    person) is the one with the smallest d(a, n) among those with d(a, n) > d(a, p) (squared
    distances): farther than the positive, yet the hardest such. If no negative is farther
    than the positive, n is the farthest negative. This is the rule of TensorFlow Addons'
    ``TripletSemiHardLoss``; FaceNet also requires d(a, n) < d(a, p) + α, and a negative
    beyond that margin gives zero loss either way.

    Returns:
        ``(anchor_idx, positive_idx, negative_idx)``, integer arrays of equal length (every
        ordered positive pair once, in row-major order of (a, p)).
    """
    labels = np.asarray(labels).reshape(-1)
    d = pairwise_squared_distances(embeddings)
    if d.shape[0] != labels.shape[0]:
        raise invalid("labels", f"one label per embedding ({d.shape[0]})",
                      f"{labels.shape[0]} labels", "semi_hard_triplets")
    same = labels[:, None] == labels[None, :]
    a_idx, p_idx = np.nonzero(same & ~np.eye(len(labels), dtype=bool))
    neg = ~same[a_idx]  # (pairs, m): the negatives of each pair's anchor
    d_an = d[a_idx]  # (pairs, m)
    d_ap = d[a_idx, p_idx][:, None]
    farther = neg & (d_an > d_ap)
    semi = np.where(farther, d_an, np.inf).argmin(axis=1)
    fallback = np.where(neg, d_an, -np.inf).argmax(axis=1)
    n_idx = np.where(farther.any(axis=1), semi, fallback)
    keep = neg.any(axis=1)  # an anchor with no negative at all (one identity) has no triplet
    return a_idx[keep], p_idx[keep], n_idx[keep]


def roc_curve(distances, same):
    """False and true positive rates of "same person" when distance < t, for every threshold.

    Course 4, week 4; lesson c4w4_face_recognition.

    Returns ``(thresholds, fpr, tpr)`` sorted by threshold, one point per distinct distance
    (plus the all-rejected start). The twin of ``sklearn.metrics.roc_curve`` on scores
    −distance (tested).
    """
    d = np.asarray(distances, "float64").reshape(-1)
    s = np.asarray(same, bool).reshape(-1)
    if d.shape != s.shape or s.all() or not s.any():
        raise invalid("same", "booleans, one per distance, with both classes present",
                      f"{s.sum()} of {s.size} True", "roc_curve")
    order = np.argsort(d, kind="stable")
    d, s = d[order], s[order]
    last = np.r_[np.diff(d) > 0, True]  # the last pair at each distinct distance
    tp = np.cumsum(s)[last]
    fp = np.cumsum(~s)[last]
    thresholds = np.r_[d[0] - 1e-12, d[last] + 1e-12]  # accept d < t
    return thresholds, np.r_[0, fp / (~s).sum()], np.r_[0, tp / s.sum()]


def best_threshold(distances, same):
    """The threshold t maximising the accuracy of "same person iff distance < t", and that
    accuracy: ``(t, accuracy)``.

    Course 4, week 4; lesson c4w4_face_recognition.
    """
    thresholds, fpr, tpr = roc_curve(distances, same)
    s = np.asarray(same, bool).reshape(-1)
    p, n = s.sum(), (~s).sum()
    acc = (tpr * p + (1 - fpr) * n) / (p + n)
    i = int(np.argmax(acc))
    return float(thresholds[i]), float(acc[i])


def auc(fpr, tpr):
    """Area under an ROC curve by the trapezoid rule.

    Course 4, week 4; lesson c4w4_face_recognition.
    """
    fpr, tpr = np.asarray(fpr, "float64"), np.asarray(tpr, "float64")
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def verification_pairs(labels, rng, max_pairs: int = 4000):
    """Balanced "same" / "different" image pairs of a labelled set: ``(i, j, same)``.

    Course 4, week 4; lesson c4w4_face_recognition.

    All same-person pairs (or a random ``max_pairs // 2`` of them) and as many random
    different-person pairs, drawn with ``rng``.
    """
    max_pairs = check_int("max_pairs", max_pairs, low=2, owner="verification_pairs")
    labels = np.asarray(labels).reshape(-1)
    i, j = np.nonzero(np.triu(labels[:, None] == labels[None, :], k=1))
    if len(i) > max_pairs // 2:
        keep = rng.choice(len(i), max_pairs // 2, replace=False)
        i, j = i[keep], j[keep]
    n = len(i)
    di, dj = [], []
    while len(di) < n:
        a, b = rng.integers(0, len(labels), 2)
        if labels[a] != labels[b]:
            di.append(a)
            dj.append(b)
    ii = np.r_[i, di].astype(int)
    jj = np.r_[j, dj].astype(int)
    return ii, jj, np.r_[np.ones(n, bool), np.zeros(n, bool)]

