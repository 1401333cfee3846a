"""Recurrent networks by hand, then a character-level language model (Course 5, week 1).

Part 1 — the cells, checked. The course's first assignment writes the forward pass of a basic
RNN cell and of an LSTM cell in NumPy:

    RNN:   a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a),   ŷ⟨t⟩ = softmax(W_ya a⟨t⟩ + b_y)
    LSTM:  Γf, Γu, Γo = σ(W_{f,i,o} [a⟨t−1⟩; x⟨t⟩] + b),  c̃⟨t⟩ = tanh(W_c [a⟨t−1⟩; x⟨t⟩] + b_c),
           c⟨t⟩ = Γf ∗ c⟨t−1⟩ + Γu ∗ c̃⟨t⟩,   a⟨t⟩ = Γo ∗ tanh(c⟨t⟩)

``tfcourse.sequence`` writes them with ``keras.ops``; this lesson copies the weights of a
``keras.layers.SimpleRNN`` and a ``keras.layers.LSTM`` (each followed by a softmax ``Dense``) into
the course's matrices (the exact mapping, gate order i, f, c, o included, is in that module's
docstring) and records the largest difference over whole random sequences
(``rnn_max_abs_difference``, ``lstm_max_abs_difference``: float32 round-off, ~1e-7).

Part 2 — "Dinosaur Island". The course trains a character-level RNN on 1536 dinosaur names and
samples new ones. Each name is a sequence x⟨1⟩ … x⟨T⟩ of characters over a 27-symbol vocabulary
(a–z and "\\n", which ends a name); the network reads the name so far and predicts the next
character, ŷ⟨t⟩ = P(x⟨t+1⟩ | x⟨1⟩ … x⟨t⟩), trained on the cross-entropy
L = −Σ_t log ŷ⟨t⟩[x⟨t+1⟩]. The course's training details kept here: a 50-unit tanh RNN, one-hot
inputs (a frozen identity ``Embedding`` is exactly a one-hot encoder), and gradient clipping
to [−5, 5] element-wise (``clipvalue=5`` in the optimizer), which keeps an exploding gradient
from wrecking an update. Differences: mini-batches of names with Adam instead of one name per
SGD step, and names padded to the same length with zero sample weights on the padding.

Data: a list of 271 well-known dinosaur genus names shipped with the package
(``tfcourse/data/dinosaur_names.txt``, written for this project, read by
``tfcourse.data.load_dinosaur_names``). The course's file cannot be downloaded here; Python
ships no list of names this close to it (keywords and module names are too few and too unlike
names, and the words in Unicode character names are dominated by Hangul syllables), and
dinosaur names keep the course's fun: the model should learn "-saurus",
"-raptor", "-ceratops" and the like. With a fifth of the course's names a 50-unit RNN soon
recites its training names instead of inventing new ones, so a tenth of the names is held out
and training stops (best weights kept) when their loss stops falling — the course's model,
trained on every name, never checks this.

The course's view of the loss: an untrained model spreads its bets over 27 symbols, so a name of
T characters (plus its "\\n") costs about (T + 1)·log 27; with names of ~11 letters that is ~40
per name (the course quotes its smoothed initial loss), and training brings it down to the 20s
and below. The lesson reports both the per-character cross-entropy Keras minimizes
(``char_model_final_loss`` on the training names, starting near log 27 ≈ 3.30;
``char_model_heldout_loss`` on names it never saw) and the same losses per name.

Outputs: ``samples.txt`` (sampled names at temperatures 0.2, 0.5, 1.0 and 1.5: low temperatures
give the safest, most repetitive names, high ones more inventive and misspelt ones; names that
are in the training list are marked), ``learning_curves.png``, ``results.json``, TensorBoard logs,
and the next-character model exported to ``saved_models/c5w1_rnn/`` (input: character ids
(m, T) as float32, "\\n" = 0, a–z = 1–26; output: (m, T, 27) probabilities of the next character).
"""
import numpy as np

import keras
from tfcourse import plots, sequence
from tfcourse.data import DINOSAUR_NAMES_FILE, load_dinosaur_names
from tfcourse.errors import UsageError
from tfcourse._deprecation import moved_names
from tfcourse.lesson import Lesson

VOCAB = "\n" + "abcdefghijklmnopqrstuvwxyz"  # the course's 27 symbols: "\n" = 0, a–z = 1–26
N_A = 50  # the course's hidden size
TEMPERATURES = (0.2, 0.5, 1.0, 1.5)


__getattr__ = moved_names("lessons.c5w1_rnn", {  # the names' old home, for one release
    "NAMES_FILE": "tfcourse.data:DINOSAUR_NAMES_FILE",
    "load_names": "tfcourse.data:load_dinosaur_names"})


def check_cells(seed):
    """Hand-written RNN/LSTM forward vs Keras's layers with the same weights: max |difference|."""
    m, t, n_x, n_a, n_y = 8, 10, 5, 6, 4
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(m, t, n_x)).astype("float32")
    a0 = np.zeros((m, n_a), "float32")
    diffs = {}
    for name, layer in (("rnn", keras.layers.SimpleRNN(n_a, return_sequences=True)),
                        ("lstm", keras.layers.LSTM(n_a, return_sequences=True))):
        dense = keras.layers.Dense(n_y, activation="softmax")
        inp = keras.Input((t, n_x))
        states = layer(inp)
        model = keras.Model(inp, [states, dense(states)])
        # random weights everywhere, biases included, so a mis-mapped block cannot hide
        model.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32")
                           for w in model.get_weights()])
        a_keras, y_keras = (np.asarray(v) for v in model(x))
        if name == "rnn":
            a, y = sequence.rnn_forward(x, a0, sequence.rnn_params_from_keras(layer, dense))
        else:
            a, _, y = sequence.lstm_forward(x, a0, sequence.lstm_params_from_keras(layer, dense))
        diffs[name] = max(np.max(np.abs(np.asarray(a) - a_keras)),
                          np.max(np.abs(np.asarray(y) - y_keras)))
    return diffs


def encode_names(names):
    """X = "\\n" + name, Y = name + "\\n" (the next character at every step), padded; weights
    are 1 on real characters and 0 on the padding."""
    t = max(len(n) for n in names) + 1
    x = np.zeros((len(names), t), "float32")
    y = np.zeros((len(names), t), "int32")
    w = np.zeros((len(names), t), "float32")
    for i, name in enumerate(names):
        ids = [VOCAB.index(c) for c in name]
        x[i, 1:len(ids) + 1] = ids  # x⟨1⟩ = "\n" (id 0) starts every name
        y[i, :len(ids)] = ids
        w[i, :len(ids) + 1] = 1.0  # the final "\n" target (id 0) counts
    return x, y, w


def char_model():
    """ids (m, T) → one-hot (m, T, 27) → SimpleRNN(50, tanh) → softmax (m, T, 27)."""
    ids = keras.Input((None,), dtype="float32", name="char_ids")  # float: the export's dtype
    one_hot = keras.layers.Embedding(len(VOCAB), len(VOCAB), embeddings_initializer="identity",
                                     trainable=False, name="one_hot")(ids)
    a = keras.layers.SimpleRNN(N_A, return_sequences=True, name="rnn")(one_hot)  # (m, T, 50)
    probs = keras.layers.Dense(len(VOCAB), activation="softmax", name="y_hat")(a)  # (m, T, 27)
    return keras.Model(ids, probs, name="dinosaur_names")


def run(ctx):
    if not ctx.args.learning_rate > 0:
        raise UsageError(f"--learning-rate must be > 0, got {ctx.args.learning_rate}")
    ## Part 1: the cells against Keras's layers
    ctx.section("RNN and LSTM cells by hand vs keras.layers.SimpleRNN / LSTM")
    diffs = check_cells(ctx.seed)
    ctx.record("rnn_max_abs_difference", float(diffs["rnn"]), course="unit checks")
    ctx.record("lstm_max_abs_difference", float(diffs["lstm"]), course="unit checks")
    ctx.log(f"max |hand − Keras|: RNN {diffs['rnn']:.2e}, LSTM {diffs['lstm']:.2e}")

    ## Part 2: the data, names as character ids; a tenth of the names held out
    ctx.section("Dinosaur names")
    names = load_dinosaur_names(VOCAB[1:])  # every name written in the 26 letters
    order = np.random.default_rng(ctx.seed).permutation(len(names))
    held = {names[i] for i in order[:len(names) // 10]}
    train_names = [n for n in names if n not in held]
    held_names = [n for n in names if n in held]
    x, y, w = encode_names(train_names)
    xv, yv, wv = encode_names(held_names)
    mean_len = float(np.mean([len(n) + 1 for n in names]))  # characters per name, "\n" included
    ctx.log(f"{len(train_names)} training and {len(held_names)} held-out names from "
            f"{DINOSAUR_NAMES_FILE.name}, {mean_len:.1f} characters per name with the final "
            f"'\\n', vocabulary {len(VOCAB)}")

    ## Part 3: the model, with gradient clipping; stop when held-out names stop improving
    model = char_model()
    model.compile(optimizer=keras.optimizers.Adam(ctx.args.learning_rate, clipvalue=5.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(
                      reduction="mean_with_sample_weight"))  # mean over real characters

    def loss_of(xs, ys, ws):
        return float(model.evaluate(xs, ys, sample_weight=ws, verbose=0, batch_size=len(xs)))

    initial = loss_of(x, y, w)
    ctx.log(f"untrained loss {initial:.3f} per character (log 27 = {np.log(27):.3f}), "
            f"{initial * mean_len:.1f} per name ((T+1)·log 27 = {np.log(27) * mean_len:.1f})")
    # 271 names are few: a 50-unit RNN ends up reciting them. Early stopping on the held-out
    # names keeps the model at the point where it still generalizes.
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=20,
                                         restore_best_weights=True)
    history = model.fit(x, y, sample_weight=w, validation_data=(xv, yv, wv), batch_size=32,
                        epochs=ctx.epochs, verbose=0, shuffle=True,
                        callbacks=ctx.callbacks("char_model") + [stop])
    final, held_loss = loss_of(x, y, w), loss_of(xv, yv, wv)
    best_epoch = int(np.argmin(history.history["val_loss"])) + 1
    ctx.record("char_model_initial_loss", initial, course=round(float(np.log(27)), 3))
    ctx.record("char_model_final_loss", final)
    ctx.record("char_model_heldout_loss", held_loss)
    ctx.record("char_model_initial_loss_per_name", initial * mean_len, course="(T+1)·log 27")
    ctx.record("char_model_final_loss_per_name", final * mean_len, course="~20s")
    ctx.record("char_model_best_epoch", best_epoch)
    ctx.log(f"best held-out loss at epoch {best_epoch} of {len(history.history['loss'])}: "
            f"train {final:.3f} per character ({final * mean_len:.1f} per name), "
            f"held-out {held_loss:.3f} ({held_loss * mean_len:.1f} per name)")

    ## Part 4: sampling at several temperatures
    ctx.section("Sampling")
    rng = np.random.default_rng(ctx.seed)
    known = set(train_names)
    per_temperature = 2 if ctx.fast else 10
    # One model call per character, each a separate call: a minute on 2 cores, so the loop
    # shows its progress (the trainings' renderer), and the names are printed after it.
    sampled = {t: [] for t in TEMPERATURES}
    with ctx.progress("sampling", per_temperature * len(TEMPERATURES), unit="name") as bar:
        for temperature in TEMPERATURES:
            for _ in range(per_temperature):
                ids = sequence.sample_sequence(model, start_id=0, end_id=0,
                                               temperature=temperature, rng=rng, max_length=30)
                sampled[temperature].append("".join(VOCAB[i] for i in ids).capitalize())
                bar.update(sum(map(len, sampled.values())))
    lines, novel = [], 0
    for temperature in TEMPERATURES:
        lines.append(f"temperature {temperature}:")
        for name in sampled[temperature]:
            novel += name.lower() not in known
            mark = "   (in the training list)" if name.lower() in known else ""
            lines.append(f"  {name}{mark}")
        ctx.log(" ".join(lines[-per_temperature:]).replace("   (in the training list)", "*")[:160])
    ctx.path("samples.txt").write_text("\n".join(lines) + "\n", encoding="utf8")
    ctx.record("sampled_novel_fraction", novel / (per_temperature * len(TEMPERATURES)))
    ctx.log(f"samples written to {ctx.path('samples.txt')} (* = a training name)")

    plots.learning_curves({"char RNN": history.history}, ctx.path("learning_curves.png"),
                          title="Dinosaur names: cross-entropy per character "
                                "(dashed: held-out names)")
    ctx.export(model, x[:16])


def add_arguments(p):
    p.add_argument("--learning-rate", type=float, default=0.01, help="Adam learning rate")


LESSON = Lesson(__file__, __doc__, run, epochs=100, fast_epochs=3, add_arguments=add_arguments,
                epochs_help="training epochs (at most: early stopping on the held-out names)",
                keys=("rnn_max_abs_difference", "lstm_max_abs_difference",
                      "char_model_final_loss"))

if __name__ == "__main__":
    LESSON.cli()
