"""Neural machine translation with attention: human-readable dates to ISO dates (Course 5, week 3).

The course's attention assignment translates dates written the way people write them
("3 may 1979", "thursday, may 3, 1979", "05/03/79") into machine dates ("1979-05-03"). It is
translation in miniature: the input is T_x = 30 characters, the output T_y = 10 characters, and
which input characters matter for each output character moves around from one format to the
next, which is exactly what attention is for.

The course's model (built here the same way):

- Encoder: a bidirectional LSTM over the input characters gives a⟨t'⟩ = [a→⟨t'⟩; a←⟨t'⟩] for
  every input step t' = 1 … T_x.
- Attention, for each output step t: a small dense network scores every input step,
  e⟨t,t'⟩ = Dense(1)(tanh(Dense(10)([a⟨t'⟩; s⟨t−1⟩]))), the scores become weights
  α⟨t,t'⟩ = exp(e⟨t,t'⟩) / Σ_t'' exp(e⟨t,t''⟩), and the context is context⟨t⟩ = Σ_t' α⟨t,t'⟩ a⟨t'⟩
  (``tfcourse.layers.OneStepAttention``).
- Decoder: a post-attention LSTM reads context⟨t⟩ with its state s⟨t−1⟩ and a softmax over the 11
  output characters (0–9 and "-") gives ŷ⟨t⟩ (``tfcourse.layers.AttentionDecoder``).

Differences from the course, each for a reason: the characters go through a learned
``Embedding`` (one-hot times a matrix, which is what the course's one-hot input does in the
LSTM's first product) so the model has a single integer input; s⟨0⟩ = c⟨0⟩ = 0 are made inside
the decoder instead of being two extra inputs; and the energy output is linear (Bahdanau's
additive attention) where the course has a ReLU, which can leave every energy at 0 and the
attention uniform early in training (``--energy-activation relu`` runs the course's choice).

Data (``tfcourse.data.dates``): generated with Python's ``datetime`` (no download; the course
used the Faker package), dates from 1950 to 2049 in 13 formats, in English, French and German:
"3 may 1979", "03 may 1979", "3 may 79", "may 3, 1979", "thursday, may 3, 1979",
"thu 3 may 1979", "05/03/79" (US: month/day), "03.05.1979" (German: day.month), "3. mai 1979",
"3 mai 1979" (French), "le 3 mai 1979", "1979-05-03" and "3 sep. 1979"-style abbreviations, all
lower-cased as in the course.
Two-digit years are unambiguous because every year is in 1950–2049 (50–99 → 19xx, 00–49 → 20xx),
and the held-out test dates are calendar days that never occur in the training set, so exact-match
accuracy measures generalization, not recall.

Outputs: ``attention_maps.png`` (α⟨t,t'⟩ for a few test dates: rows are output characters,
columns input characters), ``learning_curves.png``, ``examples.txt`` (test translations, wrong
ones first), ``results.json`` with ``exact_match_accuracy`` (whole date right) and
``char_accuracy``, TensorBoard logs, and the translator exported to
``saved_models/c5w3_attention/`` (input: (m, 30) character ids as float32; output: (m, 10, 11)
probabilities; ``tfcourse.data.dates.decode`` turns them into text).
"""
import numpy as np

import keras
from tfcourse import plots
from tfcourse.data.dates import (FORMATS, INPUT_CHARS, OUTPUT_CHARS, TX, TY, decode, encode_input,
                                 encode_output, make_dates)
from tfcourse.layers import AttentionDecoder
from tfcourse._deprecation import moved_names
from tfcourse.lesson import Lesson, int_arg, positive_number_arg

_MOVED = ("FIRST", "LAST", "MONTHS", "WEEKDAYS", "human_date")  # the rest of the date maker


__getattr__ = moved_names("lessons.c5w3_attention",  # the date maker's old home
                          {n: "tfcourse.data.dates" for n in _MOVED})


def translator(n_a: int, n_s: int, embed: int, energy_activation):
    """Embedding → Bi-LSTM(n_a) → AttentionDecoder(T_y, n_s): ids (m, 30) → probs (m, 10, 11)."""
    ids = keras.Input((TX,), dtype="float32", name="char_ids")  # float: the export's input dtype
    x = keras.layers.Embedding(len(INPUT_CHARS) + 2, embed, name="embedding")(ids)  # (m, Tx, e)
    a = keras.layers.Bidirectional(keras.layers.LSTM(n_a, return_sequences=True),
                                   name="encoder")(x)  # (m, Tx, 2·n_a)
    decoder = AttentionDecoder(TY, n_s, len(OUTPUT_CHARS), attention_units=10,
                               energy_activation=energy_activation, name="decoder")
    return keras.Model(ids, decoder(a), name="date_translator")


def attention_weights(model, x) -> np.ndarray:
    """α⟨t,t'⟩ for inputs ``x``: the trained layers called directly, (k, TY, TX)."""
    a = model.get_layer("encoder")(model.get_layer("embedding")(x))
    _, alphas = model.get_layer("decoder")(a, return_attention=True)
    return np.asarray(alphas)


def exact_match(model, x, y):
    pred = np.asarray(model.predict(x, batch_size=512, verbose=0)).argmax(-1)  # (m, TY)
    return float(np.mean(np.all(pred == y, axis=1))), float(np.mean(pred == y)), pred


def attention_maps(model, texts, path):
    x = encode_input(texts).astype("float32")
    alphas = attention_weights(model, x)  # (k, TY, TX)
    outputs = decode(model.predict(x, verbose=0))
    panels = [(f"“{text}” → {out}", alpha[:, :max(len(text), 1)], list(text),
               [f"{c} (ŷ{t + 1})" for t, c in enumerate(out)])
              for text, alpha, out in zip(texts, alphas, outputs)]
    return plots.attention_maps(
        panels, path, vmin=0,
        title="Attention weights α⟨t,t'⟩: output character t (rows) over input characters")


def run(ctx):
    args = ctx.args
    n_train, n_test = (2000, 500) if ctx.fast else (args.train_size, 2000)

    ## Data: human dates in 13 formats → ISO
    ctx.section("Data")
    parts = make_dates(n_train, n_test, ctx.seed)
    (h_train, iso_train, _), (h_test, iso_test, f_test) = parts["train"], parts["test"]
    x_train, y_train = encode_input(h_train), encode_output(iso_train)
    x_test, y_test = encode_input(h_test), encode_output(iso_test)
    longest = max(len(t) for t in h_train + h_test)
    ctx.log(f"{n_train} train / {n_test} test dates (disjoint days), {len(FORMATS)} formats, "
            f"longest input {longest} characters (T_x = {TX})")
    for h, iso in list(zip(h_train, iso_train))[:5]:
        ctx.log(f"{h!r:>32} -> {iso}")

    ## The model: Bi-LSTM encoder, one-step attention, post-attention LSTM
    ctx.section("Attention model")
    model = translator(args.n_a, args.n_s, args.embed, args.energy_activation)
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate, clipnorm=1.0),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    ctx.log(f"{model.count_params()} parameters; encoder n_a = {args.n_a}, "
            f"decoder n_s = {args.n_s}")
    history = model.fit(x_train.astype("float32"), y_train, batch_size=args.batch_size,
                        epochs=ctx.epochs, validation_split=0.1, verbose=2 if args.verbose else 0,
                        shuffle=True,
                        callbacks=ctx.callbacks("attention"))
    h = history.history
    ctx.log(f"after {ctx.epochs} epochs: loss {h['loss'][-1]:.4f}, "
            f"dev per-character accuracy {h['val_accuracy'][-1]:.4f}")

    ## Held-out dates: the whole date must be right
    ctx.section("Held-out test dates")
    em, char_acc, pred = exact_match(model, x_test.astype("float32"), y_test)
    ctx.record("exact_match_accuracy", em, course=">= 0.95 (target)")
    ctx.record("char_accuracy", char_acc)
    ctx.log(f"exact match {em:.4f}, per-character {char_acc:.4f}")
    by_format = {}
    for f in FORMATS:
        rows = [i for i, g in enumerate(f_test) if g == f]
        if rows:
            by_format[f] = float(np.mean(np.all(pred[rows] == y_test[rows], axis=1)))
            ctx.log(f"{f:>24}: {by_format[f]:.3f} ({len(rows)} dates)")
    ctx.record("worst_format_exact_match", min(by_format.values()))
    decoded = ["".join(OUTPUT_CHARS[i] for i in row) for row in pred]
    order = sorted(range(n_test), key=lambda i: decoded[i] == iso_test[i])
    with open(ctx.path("examples.txt"), "w", encoding="utf8") as fh:
        fh.write("input | prediction | truth | ok\n")
        for i in order[:60]:
            ok = decoded[i] == iso_test[i]
            fh.write(f"{h_test[i]!r} | {decoded[i]} | {iso_test[i]} | {ok}\n")

    ## Attention maps and learning curves
    examples = ["3 may 1979", "thursday, may 3, 1979", "05/03/79", "le 14 juillet 1989",
                "03.05.1979"]
    attention_maps(model, examples, ctx.path("attention_maps.png"))
    for text, iso in zip(examples, decode(model.predict(encode_input(examples).astype("float32"),
                                                        verbose=0))):
        ctx.log(f"{text!r:>26} -> {iso}")
    plots.learning_curves({"attention model": h}, ctx.path("learning_curves.png"),
                          metrics=("loss", "accuracy"),
                          title="Date translation: per-character loss and accuracy")

    ctx.export(model, x_test[:16])


def add_arguments(p):
    p.add_argument("--verbose", action="store_true", help="print one line per epoch")
    p.add_argument("--train-size", type=int_arg(1), default=10_000,
                   help="training dates (default 10000, as in the course)")
    p.add_argument("--n-a", type=int_arg(1), default=32,
                   help="encoder LSTM units per direction (course 32)")
    p.add_argument("--n-s", type=int_arg(1), default=64, help="post-attention LSTM units (course 64)")
    p.add_argument("--embed", type=int_arg(1), default=16, help="character embedding size")
    p.add_argument("--batch-size", type=int_arg(1), default=100, help="mini-batch size (course 100)")
    p.add_argument("--learning-rate", type=positive_number_arg, default=0.005,
                   help="Adam learning rate (course 0.005)")
    p.add_argument("--energy-activation", choices=("linear", "relu"), default="linear",
                   help="activation of the attention energies (course: relu)")


LESSON = Lesson(__file__, __doc__, run, epochs=8, fast_epochs=1, add_arguments=add_arguments,
                epochs_help="training epochs", keys=("exact_match_accuracy",))

if __name__ == "__main__":
    LESSON.cli()
