"""``tfcourse.scratch``: the course's own NumPy code, under the course's names and layouts.

Courses 1 and 2 have the learner write forward and backward propagation by hand, vectorized,
in NumPy. This package is that code path, function for function: the course's names,
signatures, argument order, seeding (``np.random.seed`` calls where the course makes them)
and array layouts (features × examples; ``parameters``/``grads``/``caches`` as the course's
dicts and tuples). Each function reproduces the course's printed expected output on the course's
test inputs and is twin-tested against Keras or ``tf.GradientTape`` in float64
(tests/test_scratch_course1.py, tests/test_scratch_course2.py, tests/test_scratch_course45.py). It shares nothing with the
Keras components of the library; :mod:`tfcourse.scratch.bridge` moves parameters between the two
(Keras kernels are Wᵀ).

One module per assignment, because the assignments reuse names (``predict``, ``model``,
``initialize_parameters``, ``forward_propagation``, ...) with different signatures:

=====================================================  =========================================
Assignment                                             Module
=====================================================  =========================================
C1 W2 Python basics with NumPy                         ``tfcourse.scratch.basics``
C1 W2 Logistic regression with a neural-network        ``tfcourse.scratch.logistic``
mindset
C1 W3 Planar data classification with one hidden       ``tfcourse.scratch.planar``
layer
C1 W4 Building your deep neural network: step by       ``tfcourse.scratch.deep``
step, and its application
C2 W1 Initialization                                   ``tfcourse.scratch.initialization``
C2 W1 Regularization                                   ``tfcourse.scratch.regularization``
C2 W1 Gradient checking                                ``tfcourse.scratch.gradient_checking``
C2 W2 Optimization methods                             ``tfcourse.scratch.optimization``
C2 W1-W2 the utility files' 3-layer network            ``tfcourse.scratch.three_layer``
C4 W1 Convolutional model, step by step (forward and   ``tfcourse.scratch.cnn``
the optional backward passes)
C5 W1 Building a recurrent network, step by step       ``tfcourse.scratch.rnn``
(forward and the optional backward passes)
C5 W1 Dinosaur island, character-level language        ``tfcourse.scratch.dinosaurs``
model
Scratch <-> Keras parameters                           ``tfcourse.scratch.bridge``
=====================================================  =========================================

Course map rows (course, week -> module -> lesson):

- C1 W2: ``scratch.basics``, ``scratch.logistic`` -> ``c1w2_logistic_regression``
- C1 W3: ``scratch.planar`` -> ``c1w3_planar_data``
- C1 W4: ``scratch.deep`` -> ``c1w4_deep_network``
- C2 W1: ``scratch.initialization``, ``scratch.regularization``, ``scratch.gradient_checking``
  -> ``c2w1_initialization``, ``c2w1_regularization``, ``c2w1_gradient_checking``
- C2 W2: ``scratch.optimization`` -> ``c2w2_optimization``
- C4 W1: ``scratch.cnn`` -> ``c4w1_convolution``
- C5 W1: ``scratch.rnn``, ``scratch.dinosaurs`` -> ``c5w1_rnn``

Import a module, not names from the package: ``from tfcourse.scratch import planar`` then
``planar.predict(parameters, X)``.
"""
