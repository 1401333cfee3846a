"""tfcourse.scratch for Course 1: the course's expected outputs, and twins in Keras / autodiff.

Three kinds of test, as in micrograd's test_engine.py:

1. each graded function on the course's own test inputs (regenerated here from the course's
   seeds) reproduces the notebook's printed "expected output";
2. the same weights through the scratch code and through a float64 Keras model under
   ``tf.GradientTape`` give the same values and gradients, to round-off;
3. the training functions reproduce the course's figures where that is cheap (the flower).
"""
import numpy as np
import pytest

from tfcourse.scratch import basics, deep, logistic, planar
from tfcourse.scratch.bridge import (keras_mlp, keras_weights_from_parameters,
                                     parameters_from_keras_weights)

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

ROUND_OFF = dict(rtol=1e-10, atol=1e-12)


def keras_gradient_descent(model, X, Y, learning_rate, steps):
    """Full-batch steps of keras.optimizers.SGD on a float64 Keras model; the cost of each step.

    The learning rates used are exact in float32 (Keras keeps the rate in a float32 variable),
    so the two paths take identical steps.
    """
    optimizer = keras.optimizers.SGD(learning_rate)
    loss = keras.losses.BinaryCrossentropy(dtype="float64")
    x = tf.constant(X.T, dtype=tf.float64)
    y = tf.constant(np.asarray(Y, dtype="float64").T)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            cost = loss(y, model(x))
        grads = tape.gradient(cost, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return cost

    return [float(step()) for _ in range(steps)]


def printed(actual, expected):
    """The notebooks print 8 significant digits: agree to that."""
    np.testing.assert_allclose(actual, expected, rtol=1e-7, atol=1e-8)


def tape_gradients(model, X, Y, loss=None):
    """Run columns X (the course's layout) through a Keras model; cost and course-shaped grads."""
    loss = loss or keras.losses.BinaryCrossentropy(dtype="float64")
    x = tf.constant(X.T, dtype=tf.float64)
    y = tf.constant(np.asarray(Y, dtype="float64").T)
    with tf.GradientTape() as tape:
        out = model(x)
        cost = loss(y, out)
    grads = tape.gradient(cost, model.trainable_variables)
    return out.numpy().T, float(cost), parameters_from_keras_weights([g.numpy() for g in grads])


# -- C1W2 Python basics ---------------------------------------------------------------------------
def test_basics_expected_outputs():
    printed(basics.sigmoid(np.array([1, 2, 3])), [0.73105858, 0.88079708, 0.95257413])
    printed(basics.sigmoid_derivative(np.array([1, 2, 3])), [0.19661193, 0.10499359, 0.04517666])
    printed(basics.normalize_rows(np.array([[0, 3, 4], [1, 6, 4]])),
            [[0, 0.6, 0.8], [0.13736056, 0.82416338, 0.54944226]])
    printed(basics.softmax(np.array([[9, 2, 5, 0, 0], [7, 5, 0, 0, 0]])),
            [[9.80897665e-01, 8.94462891e-04, 1.79657674e-02, 1.21052389e-04, 1.21052389e-04],
             [8.78679856e-01, 1.18916387e-01, 8.01252314e-04, 8.01252314e-04, 8.01252314e-04]])
    yhat, y = np.array([.9, 0.2, 0.1, .4, .9]), np.array([1, 0, 0, 1, 1])
    assert basics.L1(yhat, y) == pytest.approx(1.1)
    assert basics.L2(yhat, y) == pytest.approx(0.43)


def test_image2vector_is_a_column_in_row_major_order():
    image = np.random.RandomState(0).rand(3, 3, 2)
    v = basics.image2vector(image)
    assert v.shape == (18, 1)
    np.testing.assert_array_equal(v[:, 0], image.ravel())
    # Keras's Flatten gives the same numbers as a row per example.
    np.testing.assert_array_equal(keras.layers.Flatten(dtype="float64")(image[None]).numpy().T, v)


def test_image2vector_on_the_course_image():
    # The notebook's 3 x 3 x 2 test image; its printed "expected output" is these 18 values as
    # one column, in this order.
    image = np.array([[[0.67826139, 0.29380381], [0.90714982, 0.52835647],
                       [0.4215251, 0.45017551]],
                      [[0.92814219, 0.96677647], [0.85304703, 0.52351845],
                       [0.19981397, 0.27417313]],
                      [[0.60659855, 0.00533165], [0.10820313, 0.49978937],
                       [0.34144279, 0.94630077]]])
    expected = [0.67826139, 0.29380381, 0.90714982, 0.52835647, 0.4215251, 0.45017551,
                0.92814219, 0.96677647, 0.85304703, 0.52351845, 0.19981397, 0.27417313,
                0.60659855, 0.00533165, 0.10820313, 0.49978937, 0.34144279, 0.94630077]
    np.testing.assert_array_equal(basics.image2vector(image), np.array(expected)[:, None])


def test_basics_twins():
    x = np.linspace(-4, 4, 9)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        s = tf.math.sigmoid(xt)
    np.testing.assert_allclose(basics.sigmoid(x), s.numpy(), **ROUND_OFF)
    np.testing.assert_allclose(basics.sigmoid_derivative(x), tape.gradient(s, xt).numpy(),
                               **ROUND_OFF)
    m = np.random.RandomState(1).randn(4, 5)
    np.testing.assert_allclose(basics.softmax(m), keras.activations.softmax(m, axis=-1).numpy(),
                               **ROUND_OFF)
    np.testing.assert_allclose(basics.normalize_rows(m), keras.utils.normalize(m, axis=1, order=2),
                               **ROUND_OFF)


# -- C1W2 logistic regression -----------------------------------------------------------------------
def test_logistic_expected_outputs():
    w, b = logistic.initialize_with_zeros(2)
    assert w.shape == (2, 1) and not w.any() and isinstance(b, float) and b == 0.0
    # the older notebook's propagate test, then the current one
    grads, cost = logistic.propagate(np.array([[1.], [2.]]), 2., np.array([[1., 2., -1.],
                                     [3., 4., -3.2]]), np.array([[1, 0, 1]]))
    printed(grads["dw"], [[0.99845601], [2.39507239]])
    assert grads["db"] == pytest.approx(0.00145557813678) and cost == pytest.approx(
        5.801545319394553, rel=1e-12)
    w, b = np.array([[1.], [2]]), 1.5
    X, Y = np.array([[1., -2., -1.], [3., 0.5, -3.2]]), np.array([[1, 1, 0]])
    grads, cost = logistic.propagate(w, b, X, Y)
    printed(grads["dw"], [[0.25071532], [-0.06604096]])
    assert grads["db"] == pytest.approx(-0.1250040450043965, rel=1e-12)
    assert cost == pytest.approx(0.15900537707692405, rel=1e-12)
    assert type(grads["db"]) is np.float64 and np.shape(cost) == ()
    params, grads, costs = logistic.optimize(w, b, X, Y, num_iterations=100,
                                             learning_rate=0.009, print_cost=False)
    printed(params["w"], [[0.80956046], [2.0508202]])
    assert params["b"] == pytest.approx(1.5948713189708588, rel=1e-12)
    printed(grads["dw"], [[0.17860505], [-0.04840656]])
    assert grads["db"] == pytest.approx(-0.08888460336847771, rel=1e-12)
    assert costs == [pytest.approx(0.15900537707692405)]
    np.testing.assert_array_equal(w, [[1.], [2]])  # optimize works on a copy, as the course
    pred = logistic.predict(np.array([[0.1124579], [0.23106775]]), -0.3,
                            np.array([[1., -1.1, -3.2], [1.2, 2., 0.1]]))
    np.testing.assert_array_equal(pred, [[1., 1., 0.]])


def _blobs(m=120, n=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, m)
    Y = (X[0] + 0.5 * X[1] - X[2] + 0.3 * rng.randn(m) > 0).astype(int).reshape(1, m)
    return X, Y


def test_logistic_propagate_twin_keras_dense():
    X, Y = _blobs()
    w, b = np.random.RandomState(3).randn(3, 1) * 0.5, 0.2
    model = keras.Sequential([keras.Input((3,), dtype="float64"),
                              keras.layers.Dense(1, activation="sigmoid", dtype="float64")])
    model.set_weights([w, np.array([b])])
    A, cost, g = tape_gradients(model, X, Y)
    grads, scratch_cost = logistic.propagate(w, b, X, Y)
    np.testing.assert_allclose(scratch_cost, cost, **ROUND_OFF)
    np.testing.assert_allclose(grads["dw"], g["W1"].T, **ROUND_OFF)  # Keras kernel is w itself
    np.testing.assert_allclose(grads["db"], g["b1"][0, 0], **ROUND_OFF)


def test_logistic_model_twin_keras_sgd():
    """model(): the same costs and predictions as Dense(1, sigmoid) trained full-batch by SGD."""
    X, Y = _blobs()
    d = logistic.model(X, Y, X, Y, num_iterations=301, learning_rate=0.5)
    keras_model = keras.Sequential([keras.Input((3,), dtype="float64"), keras.layers.Dense(
        1, activation="sigmoid", kernel_initializer="zeros", dtype="float64")])
    costs = keras_gradient_descent(keras_model, X, Y, 0.5, 301)
    np.testing.assert_allclose(d["costs"], costs[::100], **ROUND_OFF)
    np.testing.assert_allclose(d["w"], keras_model.get_weights()[0], rtol=1e-9, atol=1e-12)
    keras_pred = (keras_model(X.T).numpy().T > 0.5).astype(float)
    np.testing.assert_array_equal(d["Y_prediction_train"], keras_pred)


# -- C1W3 planar ----------------------------------------------------------------------------------
W1_T = np.array([[-0.00416758, -0.00056267], [-0.02136196, 0.01640271],
                 [-0.01793436, -0.00841747], [0.00502881, -0.01245288]])
W2_T = np.array([[-0.01057952, -0.00909008, 0.00551454, 0.02292208]])


def _planar_backward_case():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    Y = np.random.randn(1, 3) > 0
    parameters = {"W1": W1_T, "b1": np.zeros((4, 1)), "W2": W2_T, "b2": np.zeros((1, 1))}
    return parameters, X, Y


def test_planar_expected_outputs():
    np.random.seed(1)
    assert planar.layer_sizes(np.random.randn(5, 3), np.random.randn(2, 3)) == (5, 4, 2)
    np.random.seed(2)
    p = planar.initialize_parameters(2, 4, 1)
    printed(p["W1"], W1_T)
    printed(p["W2"], W2_T)
    assert not p["b1"].any() and p["b2"].shape == (1, 1)
    np.random.seed(1)
    X = np.random.randn(2, 3)
    b1 = np.random.randn(4, 1)
    A2, cache = planar.forward_propagation(X, {"W1": W1_T, "b1": b1, "W2": W2_T,
                                               "b2": np.array([[-1.3]])})
    printed(A2, [[0.21292656, 0.21274673, 0.21295976]])
    assert set(cache) == {"Z1", "A1", "Z2", "A2"}
    np.random.seed(1)
    Y = np.random.randn(1, 3) > 0
    cost = planar.compute_cost(np.array([[0.5002307, 0.49985831, 0.50023963]]), Y)
    assert cost == pytest.approx(0.6930587610394646, rel=1e-12) and isinstance(cost, float)

    parameters, X, Y = _planar_backward_case()
    cache = {"A1": np.array([[-0.00616578, 0.0020626, 0.00349619],
                             [-0.05225116, 0.02725659, -0.02646251],
                             [-0.02009721, 0.0036869, 0.02883756],
                             [0.02152675, -0.01385234, 0.02599885]]),
             "A2": np.array([[0.5002307, 0.49985831, 0.50023963]])}
    grads = planar.backward_propagation(parameters, cache, X, Y)
    printed(grads["dW1"], [[0.00301023, -0.00747267], [0.00257968, -0.00641288],
                           [-0.00156892, 0.003893], [-0.00652037, 0.01618243]])
    printed(grads["db1"], [[0.00176201], [0.00150995], [-0.00091736], [-0.00381422]])
    printed(grads["dW2"], [[0.00078841, 0.01765429, -0.00084166, -0.01022527]])
    printed(grads["db2"], [[-0.16655712]])

    trained = {"W1": np.array([[-0.00615039, 0.0169021], [-0.02311792, 0.03137121],
                               [-0.0169217, -0.01752545], [0.00935436, -0.05018221]]),
               "W2": np.array([[-0.0104319, -0.04019007, 0.01607211, 0.04440255]]),
               "b1": np.array([[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07],
                               [-2.54560700e-06]]),
               "b2": np.array([[9.14954378e-05]])}
    grads = {"dW1": np.array([[0.00023322, -0.00205423], [0.00082222, -0.00700776],
                              [-0.00031831, 0.0028636], [-0.00092857, 0.00809933]]),
             "dW2": np.array([[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03,
                               -2.55715317e-03]]),
             "db1": np.array([[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07],
                              [5.46467802e-07]]),
             "db2": np.array([[-1.08923140e-05]])}
    updated = planar.update_parameters(trained, grads)
    printed(updated["W1"], [[-0.00643025, 0.01936718], [-0.02410458, 0.03978052],
                            [-0.01653973, -0.02096177], [0.01046864, -0.05990141]])
    printed(updated["b1"], [[-1.02420756e-06], [1.27373948e-05], [8.32996807e-07],
                            [-3.20136836e-06]])
    printed(updated["W2"], [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]])
    printed(updated["b2"], [[0.00010457]])

    np.random.seed(1)
    X = np.random.randn(2, 3)
    np.testing.assert_array_equal(planar.predict(trained, X), [[True, False, True]])


def test_nn_model_expected_output():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    Y = np.random.randn(1, 3) > 0
    p = planar.nn_model(X, Y, 4, num_iterations=10000)
    printed(p["W1"], [[0.56305445, -1.03925886], [0.7345426, -1.36286875],
                      [-0.72533346, 1.33753027], [0.74757629, -1.38274074]])
    printed(p["b1"], [[-0.22240654], [-0.34662093], [0.33663708], [-0.35296113]])
    printed(p["W2"], [[1.82196893, 3.09657075, -2.98193564, 3.19946508]])
    printed(p["b2"], [[0.21344644]])


def test_planar_forward_backward_twin_gradient_tape():
    rng = np.random.RandomState(5)
    X, Y = rng.randn(2, 50), (rng.rand(1, 50) > 0.5).astype(int)
    parameters = {"W1": rng.randn(4, 2), "b1": rng.randn(4, 1), "W2": rng.randn(1, 4),
                  "b2": rng.randn(1, 1)}
    model = keras_mlp(parameters, ("tanh", "sigmoid"))
    A_keras, cost_keras, g = tape_gradients(model, X, Y)
    A2, cache = planar.forward_propagation(X, parameters)
    grads = planar.backward_propagation(parameters, cache, X, Y)
    np.testing.assert_allclose(A2, A_keras, **ROUND_OFF)
    np.testing.assert_allclose(planar.compute_cost(A2, Y), cost_keras, **ROUND_OFF)
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(grads["d" + k], g[k], **ROUND_OFF)


def test_flower_hidden_sizes_reproduce_the_course():
    """The course's sweep (5000 iterations): 1 unit 67.5 %, 4 units 90.5 %."""
    from tfcourse.data.planar import flower

    x, y = flower(400, 1)
    X, Y = x.T.astype("float64"), y.reshape(1, -1)
    for n_h, course in ((1, 67.5), (4, 90.5)):
        parameters = planar.nn_model(X, Y, n_h, num_iterations=5000)
        assert np.mean(planar.predict(parameters, X) == Y) * 100 == pytest.approx(course)


def test_nn_model_side_by_side_with_keras_on_the_flower(tmp_path):
    """The recipe for a lesson: nn_model's costs and a float32 Keras twin from the same start
    (``np.random.seed(3)`` then ``initialize_parameters``), trained by ``fit_steps``."""
    from tfcourse import plots
    from tfcourse.data.planar import flower
    from tfcourse.scratch.bridge import fit_recording_cost, max_curve_gap

    x, y = flower(400, 1)
    X, Y = x.T.astype("float64"), y.reshape(1, -1)
    parameters, costs = planar.nn_model(X, Y, 4, num_iterations=500, return_costs=True)
    np.random.seed(3)
    model = keras_mlp(planar.initialize_parameters(2, 4, 1), ("tanh", "sigmoid"), dtype="float32")
    model.compile(optimizer=keras.optimizers.SGD(1.2), loss="binary_crossentropy")
    keras_costs, seconds, _ = fit_recording_cost(model, X, Y, 500)
    assert len(costs) == len(keras_costs) == 5 and seconds > 0
    assert max_curve_gap(costs, keras_costs) < 1e-4
    keras_pred = model(x).numpy().T > 0.5
    assert np.mean(keras_pred == planar.predict(parameters, X)) >= 0.99
    assert plots.side_by_side_costs({"NumPy": costs, "Keras": keras_costs},
                                    tmp_path / "s.png").exists()


@pytest.mark.slow
def test_flower_full_sweep_reproduces_the_course():
    """The course's sweep (5000 iterations each). 1-5 units reproduce to the example; 20 and 50
    units land within one point (four of 400 flowers) of the course's 90.0 / 90.75: their
    boundaries depend on round-off (float32 or float64 flower data already move them by 0.5)."""
    from tfcourse.data.planar import flower

    x, y = flower(400, 1)
    X, Y = x.T.astype("float64"), y.reshape(1, -1)
    course = {1: 67.5, 2: 67.25, 3: 90.75, 4: 90.5, 5: 91.25, 20: 90.0, 50: 90.75}
    measured = {n_h: np.mean(planar.predict(planar.nn_model(X, Y, n_h, 5000), X) == Y) * 100
                for n_h in course}
    for n_h, figure in course.items():
        assert measured[n_h] == pytest.approx(figure, abs=0 if n_h <= 5 else 1.0), n_h
    p = planar.nn_model(X, Y, 4, num_iterations=10000)
    assert np.mean(planar.predict(p, X) == Y) == pytest.approx(0.905)


# -- C1W4 deep ------------------------------------------------------------------------------------
def test_deep_initialization_expected_outputs():
    p = deep.initialize_parameters(3, 2, 1)
    printed(p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408,
                                                               -0.02301539]])
    printed(p["W2"], [[0.01744812, -0.00761207]])
    p = deep.initialize_parameters_deep([5, 4, 3])
    printed(p["W1"], [[0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
                      [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
                      [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
                      [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068]])
    printed(p["W2"], [[-0.01185047, -0.0020565, 0.01486148, 0.00236716],
                      [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
                      [-0.00768836, -0.00230031, 0.00745056, 0.01976111]])
    assert p["b1"].shape == (4, 1) and p["b2"].shape == (3, 1) and not p["b2"].any()


def test_deep_forward_expected_outputs():
    np.random.seed(1)
    A, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    Z, cache = deep.linear_forward(A, W, b)
    printed(Z, [[3.26295337, -1.23429987]])
    assert cache[0] is A and cache[1] is W and cache[2] is b
    np.random.seed(2)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    printed(deep.linear_activation_forward(A_prev, W, b, "sigmoid")[0], [[0.96890023, 0.11013289]])
    printed(deep.linear_activation_forward(A_prev, W, b, "relu")[0], [[3.43896131, 0.]])
    np.random.seed(6)
    X = np.random.randn(5, 4)
    parameters = {}
    for l, shape in ((1, (4, 5)), (2, (3, 4)), (3, (1, 3))):
        parameters["W" + str(l)] = np.random.randn(*shape)
        parameters["b" + str(l)] = np.random.randn(shape[0], 1)
    AL, caches = deep.L_model_forward(X, parameters)
    printed(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])
    assert len(caches) == 3
    cost = deep.compute_cost(np.array([[.8, .9, 0.4]]), np.asarray([[1, 1, 0]]))
    assert cost == pytest.approx(0.2797765635793422, rel=1e-12) and cost.shape == ()


def test_deep_backward_expected_outputs():
    np.random.seed(1)
    dZ = np.random.randn(3, 4)
    linear_cache = (np.random.randn(5, 4), np.random.randn(3, 5), np.random.randn(3, 1))
    dA_prev, dW, db = deep.linear_backward(dZ, linear_cache)
    printed(dA_prev, [[-1.15171336, 0.06718465, -0.3204696, 2.09812712],
                      [0.60345879, -3.72508701, 5.81700741, -3.84326836],
                      [-0.4319552, -1.30987417, 1.72354705, 0.05070578],
                      [-0.38981415, 0.60811244, -1.25938424, 1.47191593],
                      [-2.52214926, 2.67882552, -0.67947465, 1.48119548]])
    printed(dW, [[0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
                 [0.85508818, 0.37530413, -0.59912655, 0.71278189, -0.58931808],
                 [0.97913304, -0.24376494, -0.08839671, 0.55151192, -0.10290907]])
    printed(db, [[-0.14713786], [-0.11313155], [-0.13209101]])

    np.random.seed(2)
    dA = np.random.randn(1, 2)
    cache = ((np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)),
             np.random.randn(1, 2))
    dA_prev, dW, db = deep.linear_activation_backward(dA, cache, "sigmoid")
    printed(dA_prev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723],
                      [-0.05743092, -0.00576154]])
    printed(dW, [[0.10266786, 0.09778551, -0.01968084]])
    printed(db, [[-0.05729622]])
    dA_prev, dW, db = deep.linear_activation_backward(dA, cache, "relu")
    printed(dA_prev, [[0.44090989, 0.], [0.37883606, 0.], [-0.2298228, 0.]])
    printed(dW, [[0.44513824, 0.37371418, -0.10478989]])
    printed(db, [[-0.20837892]])

    np.random.seed(3)
    AL = np.random.randn(1, 2)
    Y = np.array([[1, 0]])
    caches = []
    for shapes in (((4, 2), (3, 4), (3, 1), (3, 2)), ((3, 2), (1, 3), (1, 1), (1, 2))):
        A, W, b, Z = (np.random.randn(*s) for s in shapes)
        caches.append(((A, W, b), Z))
    grads = deep.L_model_backward(AL, Y, tuple(caches))
    printed(grads["dW1"], [[0.41010002, 0.07807203, 0.13798444, 0.10502167], [0., 0., 0., 0.],
                           [0.05283652, 0.01005865, 0.01777766, 0.0135308]])
    printed(grads["db1"], [[-0.22007063], [0.], [-0.02835349]])
    printed(grads["dA1"], [[0.12913162, -0.44014127], [-0.14175655, 0.48317296],
                           [0.01663708, -0.05670698]])

    np.random.seed(2)
    parameters = {"W1": np.random.randn(3, 4), "b1": np.random.randn(3, 1),
                  "W2": np.random.randn(1, 3), "b2": np.random.randn(1, 1)}
    np.random.seed(3)
    grads = {"dW1": np.random.randn(3, 4), "db1": np.random.randn(3, 1),
             "dW2": np.random.randn(1, 3), "db2": np.random.randn(1, 1)}
    updated = deep.update_parameters(parameters, grads, 0.1)
    printed(updated["W1"], [[-0.59562069, -0.09991781, -2.14584584, 1.82662008],
                            [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
                            [-1.0535704, -0.86128581, 0.68284052, 2.20374577]])
    printed(updated["b1"], [[-0.04659241], [-1.28888275], [0.53405496]])
    printed(updated["W2"], [[-0.55569196, 0.0354055, 1.32964895]])
    printed(updated["b2"], [[-0.84610769]])


def test_deep_forward_backward_twin_gradient_tape():
    rng = np.random.RandomState(7)
    dims = [6, 5, 4, 1]
    X, Y = rng.randn(6, 40), (rng.rand(1, 40) > 0.5).astype(int)
    parameters = {}
    for l in range(1, len(dims)):
        parameters["W" + str(l)] = rng.randn(dims[l], dims[l - 1]) * 0.7
        parameters["b" + str(l)] = rng.randn(dims[l], 1) * 0.1
    model = keras_mlp(parameters, ("relu", "relu", "sigmoid"))
    A_keras, cost_keras, g = tape_gradients(model, X, Y)
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)
    np.testing.assert_allclose(AL, A_keras, **ROUND_OFF)
    np.testing.assert_allclose(deep.compute_cost(AL, Y), cost_keras, **ROUND_OFF)
    for k in parameters:
        np.testing.assert_allclose(grads["d" + k], g[k], **ROUND_OFF)
    # dA0, the gradient with respect to the input, too
    x = tf.constant(X.T)
    with tf.GradientTape() as tape:
        tape.watch(x)
        cost = keras.losses.BinaryCrossentropy(dtype="float64")(tf.constant(Y.T, tf.float64), model(x))
    np.testing.assert_allclose(grads["dA0"] / X.shape[1], tape.gradient(cost, x).numpy().T,
                               **ROUND_OFF)


def test_L_layer_model_twin_keras_sgd():
    """L_layer_model and Keras SGD (full batch) from the same weights: the same costs."""
    rng = np.random.RandomState(0)
    X = rng.rand(20, 64)
    Y = (X[:10].sum(0, keepdims=True) > 5).astype(int)
    dims = [20, 7, 5, 1]
    parameters, costs = deep.L_layer_model(X, Y, dims, learning_rate=0.125, num_iterations=201)
    model = keras_mlp(deep.initialize_parameters_deep_app(dims), ("relu", "relu", "sigmoid"))
    keras_costs = keras_gradient_descent(model, X, Y, 0.125, 201)
    np.testing.assert_allclose(costs, keras_costs[::100], rtol=1e-9)
    for k, v in parameters_from_keras_weights(model.get_weights()).items():
        np.testing.assert_allclose(parameters[k], v, rtol=1e-8, atol=1e-10)
    p = deep.predict(X, Y, parameters, print_accuracy=False)
    np.testing.assert_array_equal(p, model(X.T).numpy().T > 0.5)


def test_two_layer_model_returns_costs_every_100_iterations():
    rng = np.random.RandomState(0)
    X = rng.rand(8, 30)
    Y = (X[0:1] > 0.5).astype(int)
    parameters, costs = deep.two_layer_model(X, Y, (8, 3, 1), num_iterations=201)
    assert len(costs) == 3 and costs[0] == pytest.approx(np.log(2), abs=1e-3)
    assert set(parameters) == {"W1", "b1", "W2", "b2"} and parameters["W1"].shape == (3, 8)


def test_bridge_round_trip_and_bad_activation_list():
    p = deep.initialize_parameters_deep([3, 4, 1])
    back = parameters_from_keras_weights(keras_weights_from_parameters(p))
    for k in p:
        np.testing.assert_array_equal(back[k], p[k])
    with pytest.raises(ValueError, match="activations"):
        keras_mlp(p, ("relu",))
    with pytest.raises(ValueError, match="activation"):
        deep.linear_activation_forward(np.ones((3, 1)), p["W1"], p["b1"], "tanh")
