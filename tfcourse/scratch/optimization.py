"""Course 2, week 2, "Optimization methods", in NumPy: mini-batches, momentum, Adam, decay.

The graded functions :func:`update_parameters_with_gd`, :func:`random_mini_batches`,
:func:`initialize_velocity`, :func:`update_parameters_with_momentum`, :func:`initialize_adam`,
:func:`update_parameters_with_adam`, :func:`update_lr`, :func:`schedule_lr_decay`, and the
assignment's :func:`model` for the [n_x, 5, 2, 1] network on the moons
(``tfcourse.data.planar.load_moons``), with the course's ``initialize_parameters`` (He, seed 3)
and ``compute_cost`` (a *sum* over the mini-batch; the model divides by m per epoch).

The update rules, as the course writes them::

    momentum: v := β v + (1 − β) dW;             W := W − α v
    Adam:     v := β1 v + (1 − β1) dW;           s := β2 s + (1 − β2) dW²
              v̂ = v / (1 − β1ᵗ);  ŝ = s / (1 − β2ᵗ);  W := W − α v̂ / (√ŝ + ε)

Keras mapping: ``keras.optimizers.SGD(learning_rate=α(1 − β), momentum=β)`` is exactly the
course's momentum (Keras keeps u = −α v without the (1 − β) factor); ``keras.optimizers.Adam``
adds ε to the *uncorrected* √s (ε̂ = ε·√(1 − β2ᵗ)), so it equals the course's only as ε → 0;
``tfcourse.optimizers.Momentum`` and ``tfcourse.optimizers.Adam`` are the course's rules exactly.
All three mappings are tested in tests/test_scratch_course2.py.
"""
import math

import numpy as np

from tfcourse.scratch.three_layer import backward_propagation, forward_propagation, predict

__all__ = ["initialize_parameters", "compute_cost", "update_parameters_with_gd",
           "random_mini_batches", "initialize_velocity", "update_parameters_with_momentum",
           "initialize_adam", "update_parameters_with_adam", "update_lr", "schedule_lr_decay",
           "model", "forward_propagation", "backward_propagation", "predict"]


def initialize_parameters(layer_dims):
    """He initialization W[l] ~ N(0, 1)·√(2/n[l−1]), b[l] = 0, after ``np.random.seed(3)``.

    Course 2, week 2; lesson c2w2_optimization.
    """
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = (np.random.randn(layer_dims[l], layer_dims[l - 1])
                                    * np.sqrt(2 / layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def compute_cost(a3, Y):
    """The *summed* cross-entropy −Σ [Y log a3 + (1 − Y) log(1 − a3)] over a mini-batch.

    Course 2, week 2; lesson c2w2_optimization.

    Summed so that the model can add the mini-batches and divide by m once per epoch.
    """
    logprobs = np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    return np.float64(np.sum(logprobs))


def update_parameters_with_gd(parameters, grads, learning_rate):
    """One gradient-descent step W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l] (in place).

    Course 2, week 2; lesson c2w2_optimization.

    ``keras.optimizers.SGD(learning_rate)`` and ``tfcourse.optimizers.GradientDescent``.
    """
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the columns of (X, Y) with ``np.random.seed(seed)`` and cut them into mini-batches.

    Course 2, week 2; lesson c2w2_optimization.

    The last mini-batch holds the m mod mini_batch_size leftover examples. The Keras analogue
    is ``tf.data.Dataset.from_tensor_slices((X.T, Y.T)).shuffle(m).batch(mini_batch_size)``
    (another permutation; the same partition sizes).

    Returns:
        mini_batches, a list of ``(mini_batch_X, mini_batch_Y)``.
    """
    np.random.seed(seed)
    m = X.shape[1]
    mini_batches = []
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    return mini_batches


def initialize_velocity(parameters):
    """Momentum's velocity: ``v["dW" + str(l)]``, ``v["db" + str(l)]`` zeros shaped like W, b.

    Course 2, week 2; lesson c2w2_optimization.
    """
    L = len(parameters) // 2
    v = {}
    for l in range(1, L + 1):
        v["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        v["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return v


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """Momentum: v := β v + (1 − β) dW, W := W − α v (and the same for b).

    Course 2, week 2; lesson c2w2_optimization.

    Exactly ``keras.optimizers.SGD(learning_rate=α·(1 − β), momentum=β)`` and
    ``tfcourse.optimizers.Momentum(α, β)``.

    Returns:
        parameters, v.
    """
    L = len(parameters) // 2
    for l in range(1, L + 1):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
    return parameters, v


def initialize_adam(parameters):
    """Adam's moments v and s: zeros shaped like each W[l], b[l], keyed ``"dW1"``, ``"db1"``, ….

    Course 2, week 2; lesson c2w2_optimization.

    Returns:
        v, s.
    """
    L = len(parameters) // 2
    v = {}
    s = {}
    for l in range(1, L + 1):
        v["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        v["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
        s["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        s["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9,
                                beta2=0.999, epsilon=1e-8):
    """One Adam step with the course's ε placement: W := W − α v̂ / (√ŝ + ε).

    Course 2, week 2; lesson c2w2_optimization.

    t counts Adam steps from 1. Keras's ``Adam`` computes α√(1 − β2ᵗ)/(1 − β1ᵗ) · v/(√s + ε),
    which is the course's rule with ε replaced by ε/√(1 − β2ᵗ): the same as ε → 0 (tested with
    ε = 0), a different step when √ŝ is comparable to ε. ``tfcourse.optimizers.Adam`` is this
    rule exactly (tested).

    Returns:
        parameters, v, s, v_corrected, s_corrected (the current course's five values).
    """
    L = len(parameters) // 2
    v_corrected = {}
    s_corrected = {}
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key = "d" + p + str(l)
            v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            v_corrected[key] = v[key] / (1 - np.power(beta1, t))
            s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
            s_corrected[key] = s[key] / (1 - np.power(beta2, t))
            parameters[p + str(l)] = (parameters[p + str(l)] - learning_rate * v_corrected[key]
                                      / (np.sqrt(s_corrected[key]) + epsilon))
    return parameters, v, s, v_corrected, s_corrected


def update_lr(learning_rate0, epoch_num, decay_rate):
    """Learning-rate decay every epoch: α = α0 / (1 + decay_rate · epoch_num).

    Course 2, week 2; lesson c2w2_optimization.

    Example (the course's):
        >>> update_lr(0.5, 2, 1)
        0.16666666666666666
    """
    return learning_rate0 / (1 + decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    """Scheduled decay: α = α0 / (1 + decay_rate · ⌊epoch_num / time_interval⌋).

    Course 2, week 2; lesson c2w2_optimization.

    Keras: ``keras.optimizers.schedules.InverseTimeDecay(α0, decay_steps=time_interval,
    decay_rate=decay_rate, staircase=True)`` counts optimizer *steps*, not epochs; with one
    step per epoch it is this function (``tfcourse.schedules`` has the course's version).

    Example (the course's):
        >>> schedule_lr_decay(0.5, 100, 0.3, 100)
        0.3846153846153846
    """
    return learning_rate0 / (1 + decay_rate * math.floor(epoch_num / time_interval))


def model(X, Y, layers_dims, optimizer, learning_rate=0.0007, mini_batch_size=64, beta=0.9,
          beta1=0.9, beta2=0.999, epsilon=1e-8, num_epochs=5000, print_cost=True, decay=None,
          decay_rate=1):
    """Train the 3-layer network with mini-batch "gd", "momentum" or "adam", optionally decayed.

    Course 2, week 2; lesson c2w2_optimization.

    As the course: He initialization (seed 3); each epoch reshuffles with seed 10 + epoch + 1;
    Adam's t counts mini-batch steps; ``decay`` (e.g. :func:`schedule_lr_decay`) is applied
    after each epoch as ``decay(learning_rate0, epoch, decay_rate)``; the epoch's cost is the
    summed cost over its mini-batches divided by m, printed every 1000 epochs and recorded every
    100 when ``print_cost``.

    Returns:
        parameters.
    """
    costs = []
    t = 0
    seed = 10
    m = X.shape[1]
    learning_rate0 = learning_rate
    parameters = initialize_parameters(layers_dims)
    if optimizer == "gd":
        pass
    elif optimizer == "momentum":
        v = initialize_velocity(parameters)
    elif optimizer == "adam":
        v, s = initialize_adam(parameters)
    else:
        raise ValueError("model: argument `optimizer` must be one of 'gd', 'momentum', 'adam'. "
                         f"Received: optimizer={optimizer!r}")
    for i in range(num_epochs):
        seed = seed + 1
        minibatches = random_mini_batches(X, Y, mini_batch_size, seed)
        cost_total = 0
        for minibatch_X, minibatch_Y in minibatches:
            a3, caches = forward_propagation(minibatch_X, parameters)
            cost_total += compute_cost(a3, minibatch_Y)
            grads = backward_propagation(minibatch_X, minibatch_Y, caches)
            if optimizer == "gd":
                parameters = update_parameters_with_gd(parameters, grads, learning_rate)
            elif optimizer == "momentum":
                parameters, v = update_parameters_with_momentum(parameters, grads, v, beta,
                                                                learning_rate)
            else:
                t = t + 1
                parameters, v, s, _, _ = update_parameters_with_adam(
                    parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        cost_avg = cost_total / m
        if decay:
            learning_rate = decay(learning_rate0, i, decay_rate)
        if print_cost and i % 1000 == 0:
            print("Cost after epoch %i: %f" % (i, cost_avg))
            if decay:
                print("learning rate after epoch %i: %f" % (i, learning_rate))
        if print_cost and i % 100 == 0:
            costs.append(cost_avg)
    return parameters
