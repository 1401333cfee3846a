"""An LSTM that improvises melodies, from the course's shared-layer generator (Course 5, week 1).

The course's "Improvise a Jazz Solo with an LSTM Network" turns one jazz MIDI file into 90
musical "values" and trains an LSTM to predict the next value from the ones before. Its point is
the architecture: three layers created **once** and **shared** by every time step,

    reshaper  = Reshape((1, n_values))               x⟨t⟩ → a one-step sequence
    LSTM_cell = LSTM(n_a = 64, return_state=True)    a⟨t⟩, c⟨t⟩ = LSTM(x⟨t⟩; a⟨t−1⟩, c⟨t−1⟩)
    densor    = Dense(n_values, activation="softmax") ŷ⟨t⟩ = softmax(W_y a⟨t⟩ + b_y)

``djmodel(Tx, LSTM_cell, densor, reshaper)`` unrolls them over Tx = 30 steps for training
(step t reads the true value and predicts the next, "teacher forcing", with the cross-entropy
−Σ_t log ŷ⟨t⟩[x⟨t+1⟩]); ``music_inference_model(LSTM_cell, densor, Ty)`` unrolls the **same**
layers for generation, feeding each step's most likely value back as the next input (argmax →
one-hot), from a zero start vector and zero states. Both live in :mod:`tfcourse.music`.

Data. The course's MIDI file is not available; music21 (optional extra, BSD) ships public-domain
tune books in ABC notation. The default is *Ryan's Mammoth Collection* (Boston, 1883): 1059
fiddle tunes. :mod:`tfcourse.data.music` transposes each tune to the key signature without
sharps or flats and writes it as values "pitch_duration" (``"72_1/2"``: C5, an eighth note;
``"r_1/4"``: a sixteenth rest), ~120 values per tune; values seen fewer than twice become
``<unk>``. The parsed corpus is cached (``~/.cache/tfcourse/music/``), so only the first run
parses. A tenth of the tunes is held out, whole.

Measured: the held-out cross-entropy per value (nats) of the LSTM (``heldout_loss``) against two
counting baselines on exactly the same positions: the unigram (``unigram_loss``: how often each
value occurs, no context) and the bigram (``bigram_loss``: the value given the previous one),
both add-α smoothed. Shape: LSTM < bigram < unigram — the bigram already knows that melodies move
by small steps and that an eighth note tends to follow an eighth note; the LSTM also sees the bar
and the phrase (its 30-value window covers two to four bars). Each window starts from zero
context for all three models, as the course's generator does.

Differences from the course, each measured or stated: (1) the model is trained through
``next_value_model`` — ``RNN(LSTM_cell.cell, return_sequences=True)`` on the same cell object, so
the same weights — because on a CPU the unrolled djmodel (30 separate LSTM calls) trains ~25
times slower; the lesson builds djmodel and records that both give the same predictions
(``djmodel_max_abs_difference``, float32 round-off). (2) The course's last target of each window
is an all-zero vector; here every step has a real target. (3) The course's
``Adam(lr=0.01, decay=0.01)`` decays the rate every update over its 100 updates; with thousands
of updates that would stop learning, so the rate decays as lr_t = 0.01 / (1 + t / T) over the T
updates of the run (the course's shape: halved by the end). (4) Tens of thousands of windows from
a thousand tunes instead of 60 windows from one solo.

Outputs: ``melody_argmax.mid`` (the course's generator: argmax at every step; deterministic, and
it tends to settle into a loop), ``melody_sampled.mid`` (drawn from ŷ⟨t⟩ at temperature 1, which
varies), ``melodies.png`` (both as piano rolls), ``losses.png`` (the three held-out losses),
``learning_curves.png``, TensorBoard logs, and ``saved_models/c5w1_jazz/``: the next-value model
(input (m, 30, n_values) one-hot windows, zero first step; output (m, 30, n_values) probabilities
of the next value; the value list is ``values.json`` in the output folder).

Budget: the full run (all 1059 tunes, 10 000 windows, 8 epochs: 1256 updates) took 5 minutes
on a heavily loaded 2-core machine (48 s of CPU), most of it training; the first run also parses
the corpus (~15 s). The LSTM passes the bigram only after ~1000 updates, which is why its claim
test is marked slow.
"""
import json

import numpy as np

import keras
from tfcourse import music, plots
from tfcourse.data import music as music_data
from tfcourse.errors import DataError
from tfcourse.lesson import Lesson, int_arg

N_A = 64  # the course's hidden size
TX = 30  # the course's window: 30 values
HELDOUT_FRACTION = 0.1
BATCH = 64


def melody_of(values):
    """(midi or None, quarter length) pairs for the piano roll."""
    from fractions import Fraction

    out = []
    for v in values:
        if v == music_data.UNKNOWN:
            continue
        head, _, ql = v.partition("_")
        out.append((None if head == "r" else int(head), float(Fraction(ql))))
    return out


def run(ctx):
    music_data.require_music21()  # a missing extra: one line, exit status 2, before any work
    fast = ctx.fast
    windows = ctx.args.windows or (256 if fast else 10_000)
    Ty = ctx.args.ty or (10 if fast else 50)

    ## Data: tunes → values, a tenth of the tunes held out
    ctx.section("Tunes as values")
    limit = ctx.args.tunes or (60 if fast else None)
    if ctx.data_path is not None:
        tunes = music_data.load_abc_path(ctx.data_path, limit=limit)
        source = str(ctx.data_path)
    else:
        with ctx.progress("parsing ABC", limit or 1059, unit="file") as bar:
            tunes = music_data.load_tunes(ctx.data, limit=limit, cache_dir=ctx.args.cache_dir,
                                          progress=lambda done, total: bar.update(done))
        source = f"music21 corpus {ctx.data!r}"
    if len(tunes) < 2 or max(map(len, tunes)) < TX:
        raise DataError(f"{source}: {len(tunes)} tunes, the longest {max(map(len, tunes))} "
                        f"values; the lesson needs at least 2 tunes and one of {TX} values")
    rng = np.random.default_rng(ctx.seed)
    order = rng.permutation(len(tunes))
    n_held = max(1, int(round(HELDOUT_FRACTION * len(tunes))))
    held = [tunes[i] for i in sorted(order[:n_held])]
    train = [tunes[i] for i in sorted(order[n_held:])]
    values = music_data.build_values(train, min_count=2)
    n_values = len(values)
    enc_train, enc_held = music_data.encode(train, values), music_data.encode(held, values)
    unk = sum(int((t == n_values - 1).sum()) for t in enc_held)
    ctx.log(f"{len(tunes)} tunes from {source}: {len(train)} for training, {len(held)} held out; "
            f"{sum(map(len, train))} training values, n_values = {n_values} (with <unk>; "
            f"{unk} held-out values unknown)")
    if max(map(len, enc_train)) < TX:
        raise DataError(f"{source}: no training tune has {TX} values (hold-out took the long "
                        f"ones); give more tunes")
    X, Y = music_data.training_windows(enc_train, n_values, TX, windows, rng)
    Xh, th, mh = music_data.heldout_windows(enc_held, n_values, TX)
    ctx.log(f"X {X.shape} (m, Tx, n_values), Y {Y.shape} (Ty, m, n_values); held-out windows "
            f"{Xh.shape[0]} ({int(mh.sum())} values)")
    (ctx.path("values.json")).write_text(json.dumps(values) + "\n")

    ## The course's shared layers, its training model and the fused equivalent
    ctx.section("djmodel: three shared layers unrolled over Tx steps")
    reshaper = keras.layers.Reshape((1, n_values), name="reshaper")
    LSTM_cell = keras.layers.LSTM(N_A, return_state=True, name="LSTM_cell")
    densor = keras.layers.Dense(n_values, activation="softmax", name="densor")
    dj = music.djmodel(TX, LSTM_cell, densor, reshaper)
    fused = music.next_value_model(TX, LSTM_cell, densor, unroll=not fast)
    ctx.log(f"djmodel: {len(dj.outputs)} outputs, {dj.count_params()} parameters (shared by "
            f"all steps); next_value_model: {fused.count_params()} (the same weights)")

    ## Train (through the fused model: the same layers), scored on the held-out tunes
    steps = ctx.epochs * int(np.ceil(windows / BATCH))
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=steps,
                                                           decay_rate=1.0)
    fused.compile(optimizer=keras.optimizers.Adam(schedule, beta_1=0.9, beta_2=0.999),
                  loss="categorical_crossentropy")
    Yh = keras.utils.to_categorical(th, n_values) * mh[..., None]
    history = fused.fit(X, Y.transpose(1, 0, 2), batch_size=BATCH, epochs=ctx.epochs,
                        validation_data=(Xh, Yh, mh), verbose=0, shuffle=True,
                        callbacks=ctx.callbacks("lstm"))
    probs = fused.predict(Xh, batch_size=512, verbose=0)  # (k, Tx, n_values)
    heldout = music.cross_entropy_per_value(probs, th, mh)
    base = music.ngram_losses(enc_train, th, mh, n_values)
    zeros = np.zeros((4, N_A), "float32")
    pred_dj = dj([Xh[:4], zeros, zeros], training=False)  # the course's model, same weights
    diff = float(np.max(np.abs(np.stack([np.asarray(p) for p in pred_dj], axis=1) - probs[:4])))
    ctx.record("heldout_loss", heldout)
    ctx.record("bigram_loss", base["bigram"])
    ctx.record("unigram_loss", base["unigram"])
    ctx.record("train_loss", float(history.history["loss"][-1]))
    ctx.record("n_values", n_values, course=90)
    ctx.record("djmodel_max_abs_difference", diff)
    ctx.log(f"held-out cross-entropy per value: LSTM {heldout:.3f}, bigram {base['bigram']:.3f}, "
            f"unigram {base['unigram']:.3f} nats (uniform: log {n_values} = "
            f"{np.log(n_values):.3f}); djmodel vs fused max |Δ| = {diff:.1e}")

    ## Generate: the course's argmax generator, and sampling at temperature 1
    ctx.section("Improvise")
    inference_model = music.music_inference_model(LSTM_cell, densor, Ty=Ty)
    x_initializer = np.zeros((1, 1, n_values))
    a_initializer, c_initializer = np.zeros((1, N_A)), np.zeros((1, N_A))
    _, indices = music.predict_and_sample(inference_model, x_initializer, a_initializer,
                                          c_initializer)
    argmax_values = [values[i] for i in indices[:, 0]]
    sampled_values = [values[i] for i in music.sample_values(
        LSTM_cell, densor, Ty, np.random.default_rng(ctx.seed), temperature=1.0)]
    for name, vals in (("melody_argmax", argmax_values), ("melody_sampled", sampled_values)):
        music.write_midi(vals, ctx.path(f"{name}.mid"))
    ctx.record("argmax_distinct_values", len(set(argmax_values)))
    ctx.record("sampled_distinct_values", len(set(sampled_values)))
    ctx.log(f"argmax: {' '.join(argmax_values[:12])} ... ({len(set(argmax_values))} distinct "
            f"of {Ty})")
    ctx.log(f"sampled: {' '.join(sampled_values[:12])} ... ({len(set(sampled_values))} "
            f"distinct); MIDI files {ctx.path('melody_argmax.mid').name}, "
            f"{ctx.path('melody_sampled.mid').name}")

    plots.piano_roll({"argmax (the course's generator)": melody_of(argmax_values),
                      "sampled, temperature 1": melody_of(sampled_values)},
                     ctx.path("melodies.png"), title=f"{Ty} generated values")
    plots.bars({"unigram": base["unigram"], "bigram": base["bigram"], "LSTM": heldout},
               ctx.path("losses.png"), ylabel="held-out cross-entropy (nats per value)",
               title="Next-value prediction on held-out tunes")
    plots.learning_curves({"LSTM": history.history}, ctx.path("learning_curves.png"),
                          title="Cross-entropy per value (dashed: held-out tunes)")
    ctx.export(fused, Xh[:8])


def add_arguments(p):
    p.add_argument("--windows", type=int_arg(1), default=None,
                   help="training windows of Tx = 30 values (default 10000; 256 with --fast)")
    p.add_argument("--tunes", type=int_arg(1), default=None,
                   help="use only the first N files of the corpus (default all; 60 with --fast)")
    p.add_argument("--ty", type=int_arg(1), default=None,
                   help="values to generate (default 50, the course's; 10 with --fast)")
    p.add_argument("--cache-dir", default=None,
                   help="cache folder for the parsed corpus (default $TFCOURSE_CACHE or "
                        "~/.cache/tfcourse)")


LESSON = Lesson(__file__, __doc__, run, epochs=8, fast_epochs=1, data=music_data.CORPORA,
                add_arguments=add_arguments, keys=("heldout_loss", "bigram_loss", "unigram_loss"))

if __name__ == "__main__":
    LESSON.cli()
