"""Course 5, week 1 in NumPy: the character-level dinosaur-name model ("Dinosaur Island").

The course's second Course 5 assignment trains a one-layer RNN on dinosaur names, character by
character, with plain SGD, gradient clipping and sampling. This module keeps its graded functions
``clip(gradients, maxValue)``, ``sample(parameters, char_to_ix, seed)``, ``optimize(X, Y,
a_prev, parameters, learning_rate=0.01)`` and ``model(data_x, ix_to_char, char_to_ix, ...)``, and
the helpers of its ``utils.py`` they rely on (``rnn_step_forward``, ``rnn_step_backward``,
``rnn_forward``, ``rnn_backward``, ``update_parameters``, ``initialize_parameters``,
``get_initial_loss``, ``smooth``, ``get_sample``), under the course's names and layouts.

Layout: one example at a time, one-hot column vectors: x⟨t⟩ is (vocab_size, 1), a⟨t⟩ (n_a, 1).
Parameters are ``Wax`` (n_a, vocab_size), ``Waa`` (n_a, n_a), ``Wya`` (vocab_size, n_a),
``b`` (n_a, 1) and ``by`` (vocab_size, 1) — note ``b``, not the first assignment's ``ba``.
A sequence is a list of character indices; ``X[0] = None`` stands for the zero vector x⟨1⟩ = 0.

Seeding is the course's, so that the course's printed samples reproduce: ``sample`` calls
``np.random.seed(counter + seed)`` before each draw and adds one to ``seed`` after it (so the
seeds used are seed, seed + 2, seed + 4, ...), and ``initialize_parameters`` and ``model`` seed
NumPy's global generator exactly where the course does.

The Keras version of the same model is lesson c5w1_rnn (``tfcourse.sequence``, ``data.names``);
the course's 1536-name ``dinos.txt`` is not shipped (the package's 271 names are), so ``model``'s
printed losses differ from the course's, while every function's test-input figures match.
"""
from __future__ import annotations

import numpy as np

from tfcourse.checks import check_int, check_number, invalid

GRADIENT_NAMES = ("dWaa", "dWax", "dWya", "db", "dby")


def _softmax(x):
    e_x = np.exp(x - np.max(x))
    return e_x / e_x.sum(axis=0)


def clip(gradients, maxValue):
    """Clip every gradient element-wise into [−maxValue, maxValue], in place (the course's way).

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    ``np.clip(g, -maxValue, maxValue, out=g)`` for ``dWaa, dWax, dWya, db, dby``: element-wise
    clipping, which changes the gradient's direction, unlike norm clipping
    (``keras.optimizers.SGD(clipvalue=maxValue)`` is this; ``clipnorm`` is the other).

    Args:
        gradients: dict with ``dWaa, dWax, dWya, db, dby`` (NumPy float arrays).
        maxValue: the bound, a number > 0.

    Returns the same dict, its arrays clipped.
    """
    maxValue = check_number("maxValue", maxValue, low=0, low_open=True, owner="clip")
    missing = [k for k in GRADIENT_NAMES if k not in gradients]
    if missing:
        raise invalid("gradients", "a dict with the keys " + ", ".join(GRADIENT_NAMES),
                      sorted(gradients), "clip")
    for name in GRADIENT_NAMES:
        gradient = gradients[name]
        if isinstance(gradient, np.ndarray) and gradient.dtype.kind == "f":
            np.clip(gradient, -maxValue, maxValue, out=gradient)
        else:
            gradients[name] = np.clip(np.asarray(gradient, dtype=float), -maxValue, maxValue)
    return gradients


def sample(parameters, char_to_ix, seed):
    """Sample a name, one character at a time, from the RNN's softmax: the course's indices.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Starts from x⟨1⟩ = 0 and a⟨0⟩ = 0; each step computes a⟨t+1⟩ = tanh(Wax x + Waa a + b),
    ŷ = softmax(Wya a⟨t+1⟩ + by), seeds NumPy with ``np.random.seed(counter + seed)``, draws
    ``idx = np.random.choice(range(vocab_size), p=ŷ.ravel())``, feeds its one-hot back as the next
    x, and adds one to ``seed`` and to ``counter``. It stops at the newline index or after 50
    characters, and then appends the newline itself.

    Args:
        parameters: ``Waa, Wax, Wya, by, b``.
        char_to_ix: dict character → index; must contain ``"\\n"``.
        seed: an integer.

    Returns the list of sampled indices (ending with ``char_to_ix["\\n"]``).
    """
    seed = check_int("seed", seed, owner="sample")
    if "\n" not in char_to_ix:
        raise invalid("char_to_ix", "a dict with the newline character '\\n'", "no '\\n'",
                      "sample")
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    idx = -1
    counter = 0
    newline_character = char_to_ix["\n"]
    while idx != newline_character and counter != 50:
        a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
        z = np.dot(Wya, a) + by
        y = _softmax(z)
        np.random.seed(counter + seed)
        idx = np.random.choice(range(len(y)), p=y.ravel())
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


def get_sample(sample_ix, ix_to_char):
    """The sampled indices as a string, first letter upper-cased (the course's ``print_sample``).

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).
    """
    txt = "".join(ix_to_char[ix] for ix in sample_ix)
    return txt[0].upper() + txt[1:] if txt else txt


def initialize_parameters(n_a, n_x, n_y):
    """Small random weights (× 0.01) and zero biases, after ``np.random.seed(1)`` (the course's).

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Returns ``{"Wax": (n_a, n_x), "Waa": (n_a, n_a), "Wya": (n_y, n_a), "b": (n_a, 1),
    "by": (n_y, 1)}``.
    """
    np.random.seed(1)
    Wax = np.random.randn(n_a, n_x) * 0.01
    Waa = np.random.randn(n_a, n_a) * 0.01
    Wya = np.random.randn(n_y, n_a) * 0.01
    b = np.zeros((n_a, 1))
    by = np.zeros((n_y, 1))
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": b, "by": by}


def get_initial_loss(vocab_size, seq_length):
    """The loss of a uniform guess over ``seq_length`` characters: −log(1/vocab_size)·seq_length.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    The course's ``model`` starts its smoothed loss here, with ``seq_length = dino_names = 7``:

    >>> round(float(get_initial_loss(27, 7)), 4)
    23.0709
    """
    return -np.log(1.0 / vocab_size) * seq_length


def smooth(loss, cur_loss):
    """The course's running average of the loss: 0.999·loss + 0.001·cur_loss.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).
    """
    return loss * 0.999 + cur_loss * 0.001


def rnn_step_forward(parameters, a_prev, x):
    """One step: a_next = tanh(Wax x + Waa a_prev + b), p_t = softmax(Wya a_next + by).

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Returns ``(a_next, p_t)``, both columns.
    """
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    a_next = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
    p_t = _softmax(np.dot(Wya, a_next) + by)
    return a_next, p_t


def rnn_step_backward(dy, gradients, parameters, x, a, a_prev):
    """One step back from dy = ŷ⟨t⟩ − y⟨t⟩ (softmax + cross-entropy), accumulating gradients.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

        dWya += dy aᵀ,  dby += dy,  da = Wyaᵀ dy + da_next,  dz = (1 − a²) ⊙ da,
        db += dz,  dWax += dz xᵀ,  dWaa += dz a_prevᵀ,  da_next = Waaᵀ dz.

    Returns the updated ``gradients`` dict (it also carries ``da_next``).
    """
    gradients["dWya"] += np.dot(dy, a.T)
    gradients["dby"] += dy
    da = np.dot(parameters["Wya"].T, dy) + gradients["da_next"]
    daraw = (1 - a * a) * da
    gradients["db"] += daraw
    gradients["dWax"] += np.dot(daraw, x.T)
    gradients["dWaa"] += np.dot(daraw, a_prev.T)
    gradients["da_next"] = np.dot(parameters["Waa"].T, daraw)
    return gradients


def rnn_forward(X, Y, a0, parameters, vocab_size=27):
    """Forward over one example: the summed cross-entropy loss −Σ_t log ŷ⟨t⟩[Y[t]] and a cache.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    ``X[t] = None`` is the zero input (the first step). Returns ``(loss, (y_hat, a, x))`` with
    dicts keyed by step, ``a[-1] = a0``.
    """
    x, a, y_hat = {}, {}, {}
    a[-1] = np.copy(a0)
    loss = 0
    for t in range(len(X)):
        x[t] = np.zeros((vocab_size, 1))
        if X[t] is not None:
            x[t][X[t]] = 1
        a[t], y_hat[t] = rnn_step_forward(parameters, a[t - 1], x[t])
        loss -= np.log(y_hat[t][Y[t], 0])
    cache = (y_hat, a, x)
    return loss, cache


def rnn_backward(X, Y, parameters, cache):
    """Backpropagation through time over one example (from :func:`rnn_forward`'s cache).

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Returns ``(gradients, a)``: ``dWax, dWaa, dWya, db, dby`` (and ``da_next``) and the states.
    """
    gradients = {}
    (y_hat, a, x) = cache
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    gradients["dWax"], gradients["dWaa"], gradients["dWya"] = (np.zeros_like(Wax),
                                                               np.zeros_like(Waa),
                                                               np.zeros_like(Wya))
    gradients["db"], gradients["dby"] = np.zeros_like(b), np.zeros_like(by)
    gradients["da_next"] = np.zeros_like(a[0])
    for t in reversed(range(len(X))):
        dy = np.copy(y_hat[t])
        dy[Y[t]] -= 1
        gradients = rnn_step_backward(dy, gradients, parameters, x[t], a[t], a[t - 1])
    return gradients, a


def update_parameters(parameters, gradients, lr):
    """Plain gradient descent, in place: W −= lr · dW for the five parameters.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).
    """
    parameters["Wax"] += -lr * gradients["dWax"]
    parameters["Waa"] += -lr * gradients["dWaa"]
    parameters["Wya"] += -lr * gradients["dWya"]
    parameters["b"] += -lr * gradients["db"]
    parameters["by"] += -lr * gradients["dby"]
    return parameters


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    """One training step on one example: forward, backward, ``clip(gradients, 5)``, update.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    Args:
        X: list of input indices (``X[0]`` may be None, the zero input).
        Y: the targets, ``X`` shifted by one (ending with the newline index).
        a_prev: (n_a, 1), the state to start from.
        parameters: ``Wax, Waa, Wya, b, by`` (updated in place).
        learning_rate: the SGD step.

    Returns ``(loss, gradients, a[len(X) - 1])``: the example's loss (before the update), the
    clipped gradients and the last hidden state.
    """
    loss, cache = rnn_forward(X, Y, a_prev, parameters, vocab_size=parameters["by"].shape[0])
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    parameters = update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7,
          vocab_size=27, verbose=False):
    """Train the character-level model with SGD, one name per iteration, sampling as it goes.

    Course 5, week 1; used by no lesson (the NumPy path of tfcourse.scratch).

    The course's loop: shuffle the names with ``np.random.seed(0)``, then for iteration j take
    name ``j % len(names)``, ``X = [None] + indices``, ``Y = X[1:] + [newline]``, call
    :func:`optimize` (carrying ``a_prev`` from name to name, as the course does), smooth the
    loss, and every 2000 iterations print it and ``dino_names`` samples (seeds 0, 1, ...).

    Args:
        data_x: list of names (strings, e.g. ``text.split("\\n")``).
        ix_to_char, char_to_ix: the vocabulary maps (``"\\n"`` included).
        num_iterations, n_a, dino_names, vocab_size: the course's defaults.
        verbose: print the first example's X and Y, as the course does.

    Returns ``(parameters, last_dino_name)``.
    """
    num_iterations = check_int("num_iterations", num_iterations, low=1, owner="model")
    n_x, n_y = vocab_size, vocab_size
    parameters = initialize_parameters(n_a, n_x, n_y)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    for j in range(num_iterations):
        idx = j % len(examples)
        single_example_ix = [char_to_ix[c] for c in examples[idx]]
        X = [None] + single_example_ix
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        if verbose and j == 0:
            print("single_example =", examples[idx])
            print(" X = ", X, "\n", "Y =       ", Y, "\n")
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            print("Iteration: %d, Loss: %f" % (j, loss) + "\n")
            seed = 0
            for _ in range(dino_names):
                sampled_indices = sample(parameters, char_to_ix, seed)
                last_dino_name = get_sample(sampled_indices, ix_to_char)
                print(last_dino_name.replace("\n", ""))
                seed += 1
            print("\n")
    return parameters, last_dino_name


__all__ = ["clip", "sample", "get_sample", "initialize_parameters", "get_initial_loss", "smooth",
           "rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
           "update_parameters", "optimize", "model", "GRADIENT_NAMES"]
