"""tfcourse.faces: the course's triplet loss, verify and who_is_it; semi-hard mining against a
brute-force twin; the ROC helpers against scikit-learn; the parametric faces."""
import numpy as np
import pytest
import tensorflow as tf

from tfcourse.data.faces import make_faces
from tfcourse.faces import (THRESHOLD, auc, best_threshold, embedding_network, img_to_encoding,
                            pairwise_squared_distances, roc_curve, semi_hard_triplets,
                            stacked_triplet_loss, triplet_loss, triplet_model,
                            verification_pairs, verify, who_is_it)


# -- the course's triplet loss ------------------------------------------------------------------
def test_triplet_loss_course_expected_output():
    """The course's test: tf.random.set_seed(1), three normals with op seed 1 -> 527.2598."""
    tf.random.set_seed(1)
    y_true = (None, None, None)
    y_pred = (tf.random.normal([3, 128], mean=6, stddev=0.1, seed=1),
              tf.random.normal([3, 128], mean=1, stddev=1, seed=1),
              tf.random.normal([3, 128], mean=3, stddev=4, seed=1))
    loss = triplet_loss(y_true, y_pred)
    assert float(loss) == pytest.approx(527.2598, abs=1e-3)


@pytest.mark.parametrize("y_pred, alpha, expected", [
    (([1., 1.], [1., 1.], [1., 1.]), 5, 5),
    (([1., 1.], [1., 1.], [0., 0.]), 3, 1),
    (([1., 1.], [0., 0.], [1., 1.]), 0, 2),
    (([0., 0.], [0., 0.], [0., 0.]), -2, 0),
    (([[1., 0.], [1., 0.]], [[1., 0.], [1., 0.]], [[0., 1.], [0., 1.]]), 3, 2),
    (([[1., 1.], [2., 0.]], [[0., 3.], [1., 1.]], [[1., 0.], [0., 1.]]), 1, 5),
])
def test_triplet_loss_course_assert_cases(y_pred, alpha, expected):
    assert float(triplet_loss(None, y_pred, alpha)) == expected


def test_triplet_loss_default_margin_and_gradient_match_numpy():
    rng = np.random.default_rng(0)
    a, p, n = (rng.normal(size=(5, 4)).astype("float32") for _ in range(3))
    hinge = np.sum((a - p) ** 2, 1) - np.sum((a - n) ** 2, 1) + 0.2
    assert float(triplet_loss(None, [a, p, n])) == pytest.approx(np.maximum(hinge, 0).sum(),
                                                                  rel=1e-5)
    # d/da of the active hinges: 2(n - p) each (2(a-p) - 2(a-n))
    ta = tf.Variable(a)
    with tf.GradientTape() as tape:
        loss = triplet_loss(None, [ta, tf.constant(p), tf.constant(n)])
    grad = tape.gradient(loss, ta).numpy()
    expected = np.where((hinge > 0)[:, None], 2 * (n - p), 0)
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-5)


def test_stacked_triplet_loss_is_the_course_loss_on_axis_1():
    rng = np.random.default_rng(1)
    y = rng.normal(size=(6, 3, 4)).astype("float32")
    assert float(stacked_triplet_loss(None, y)) == pytest.approx(
        float(triplet_loss(None, [y[:, 0], y[:, 1], y[:, 2]])), rel=1e-6)


# -- the embedding network, verify and who_is_it ---------------------------------------------------
@pytest.fixture(scope="module")
def encoder():
    import keras
    keras.utils.set_random_seed(0)
    return embedding_network((16, 16, 3), embedding_dim=8, filters=(4, 8))


def test_embedding_network_outputs_unit_vectors(encoder):
    x = np.random.default_rng(0).random((5, 16, 16, 3)).astype("float32")
    e = np.asarray(encoder.predict(x, verbose=0))
    assert e.shape == (5, 8)
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1, rtol=1e-5)
    model = triplet_model(encoder)
    out = np.asarray(model.predict([x, x, x[::-1]], verbose=0))
    assert out.shape == (5, 3, 8)
    np.testing.assert_allclose(out[:, 0], e, rtol=1e-5, atol=1e-6)


def test_img_to_encoding_reads_a_path_or_an_array(encoder, tmp_path):
    import keras
    img = (np.random.default_rng(3).random((16, 16, 3)) * 255).astype("uint8")
    path = tmp_path / "face.png"
    keras.utils.save_img(path, img)
    from_path = img_to_encoding(str(path), encoder)
    from_array = img_to_encoding(img / 255.0, encoder)
    assert from_path.shape == (1, 8)
    np.testing.assert_allclose(from_path, from_array, atol=1e-3)  # float32 vs float64 /255
    assert np.linalg.norm(from_array) == pytest.approx(1, rel=1e-5)
    with pytest.raises(ValueError, match="image_path"):
        img_to_encoding(np.zeros((2, 16, 16, 3)), encoder)


def test_verify_and_who_is_it_follow_the_course(encoder):
    rng = np.random.default_rng(4)
    imgs = rng.random((3, 16, 16, 3)).astype("float32")
    database = {name: img_to_encoding(im, encoder) for name, im in zip("abc", imgs)}
    dist, door_open = verify(imgs[1], "b", database, encoder)
    assert dist == pytest.approx(0, abs=1e-5) and door_open is True
    # the course's who_is_it on a database picture: distance 0, that name
    min_dist, identity = who_is_it(imgs[2], database, encoder)
    assert identity == "c" and min_dist == pytest.approx(0, abs=1e-5)
    # a far encoding: verify refuses (dist >= 0.7), who_is_it still names the nearest
    far = {"a": database["a"], "z": -database["a"]}  # distance 2 on the unit sphere
    dist, door_open = verify(imgs[0], "z", far, encoder)
    assert dist == pytest.approx(2, abs=1e-4) and door_open is False
    assert isinstance(door_open, bool) and THRESHOLD == 0.7
    with pytest.raises(ValueError, match="identity"):
        verify(imgs[0], "nobody", database, encoder)


# -- semi-hard mining: vectorised against a brute-force loop ----------------------------------
def _brute_force_semi_hard(emb, labels):
    m = len(labels)
    d = [[float(np.sum((emb[i] - emb[j]) ** 2)) for j in range(m)] for i in range(m)]
    out = []
    for a in range(m):
        for p in range(m):
            if p == a or labels[p] != labels[a]:
                continue
            negs = [n for n in range(m) if labels[n] != labels[a]]
            if not negs:
                continue
            farther = [n for n in negs if d[a][n] > d[a][p]]
            if farther:
                n = min(farther, key=lambda k: (d[a][k], k))
            else:
                n = max(negs, key=lambda k: (d[a][k], -k))
            out.append((a, p, n))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_semi_hard_triplets_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, 14)
    emb = rng.normal(size=(14, 3))
    a, p, n = semi_hard_triplets(emb, labels)
    assert list(zip(a.tolist(), p.tolist(), n.tolist())) == _brute_force_semi_hard(emb, labels)
    d = pairwise_squared_distances(emb)
    assert np.all(labels[a] == labels[p]) and np.all(labels[a] != labels[n])
    semi = d[a, n] > d[a, p]
    assert semi.mean() > 0.5  # with random embeddings most pairs have a farther negative


def test_semi_hard_triplets_one_identity_has_none():
    a, p, n = semi_hard_triplets(np.eye(3), [0, 0, 0])
    assert len(a) == len(p) == len(n) == 0


def test_pairwise_distances_match_numpy():
    e = np.random.default_rng(5).normal(size=(6, 4))
    expected = ((e[:, None] - e[None]) ** 2).sum(-1)
    np.testing.assert_allclose(pairwise_squared_distances(e), expected, atol=1e-10)


# -- ROC and threshold -----------------------------------------------------------------------
def test_roc_curve_matches_sklearn():
    from sklearn.metrics import roc_auc_score
    from sklearn.metrics import roc_curve as sk_roc

    rng = np.random.default_rng(6)
    same = rng.random(200) < 0.5
    dist = np.where(same, rng.normal(0.5, 0.2, 200), rng.normal(1.0, 0.2, 200)).round(2)
    _, fpr, tpr = roc_curve(dist, same)
    sk_fpr, sk_tpr, _ = sk_roc(same, -dist, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    assert auc(fpr, tpr) == pytest.approx(roc_auc_score(same, -dist))


def test_best_threshold_is_the_accuracy_maximiser():
    rng = np.random.default_rng(7)
    same = rng.random(300) < 0.5
    dist = np.where(same, rng.normal(0.5, 0.25, 300), rng.normal(1.1, 0.25, 300))
    t, acc = best_threshold(dist, same)
    assert acc == pytest.approx(np.mean((dist < t) == same))
    grid = np.linspace(0, 2, 2001)
    assert acc >= max(np.mean((dist < g) == same) for g in grid) - 1e-12


def test_verification_pairs_are_balanced():
    labels = np.repeat(np.arange(5), 4)
    i, j, same = verification_pairs(labels, np.random.default_rng(0))
    assert same.sum() == (~same).sum() == 5 * 6  # all C(4, 2) same pairs of each person
    assert np.all((labels[i] == labels[j]) == same)


# -- the generated faces ------------------------------------------------------------------------
def test_make_faces_shapes_labels_and_seed():
    x, y = make_faces(3, 2, size=16, seed=1, first_label=10)
    assert x.shape == (6, 16, 16, 3) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() <= 1
    assert y.tolist() == [10, 10, 11, 11, 12, 12]
    x2, _ = make_faces(3, 2, size=16, seed=1, first_label=10)
    np.testing.assert_array_equal(x, x2)
    assert not np.allclose(x[0], x[1])  # two pictures of one person differ (nuisance)
    with pytest.raises(ValueError, match="make_faces: argument `n_identities`"):
        make_faces(0, 2)
