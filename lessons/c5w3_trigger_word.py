"""Trigger-word detection: synthesized 10-second clips, a Conv1D + GRU model, event-level scores (Course 5, week 3).

The course teaches a model to say "now!" right after someone says "activate". Its data is made,
not recorded: 10-second backgrounds with 0-4 "activate"s and 0-2 other words pasted in at
random, non-overlapping times (``get_random_time_segment``, ``is_overlapping``,
``insert_audio_clip``), and labels y⟨t⟩ = 1 for the output steps just after each "activate"
ends (``insert_ones``), all in ``create_training_example``. Here the same functions
(``tfcourse.trigger_word``) work on NumPy waveforms at 8 kHz (the course: pydub clips at
44.1 kHz; the mapping is in that module's docstring).

Audio source (``--source``):

- ``espeak`` (the default when it is installed, ``pip install -e ".[speech]"``): eSpeak NG
  speaks "activate", near-misses ("activity", "captivate", "motivate", …) and background words
  in 16 voices, each word at a random rate and pitch. Four voices are held out: the test clips
  are spoken only by voices the model never heard.
- ``chirp`` (the fallback when eSpeak NG is missing, so that the lesson runs anywhere, in CI
  too): synthetic "words", one tone glide per syllable, near-misses sharing syllables with
  "activate". Not speech; the lesson prints which source it used and records it.

Backgrounds: pink noise, a mains hum and a babble of background words.

x is the course's spectrogram (nfft 200, noverlap 120, through ``tf.signal.stft``): 998 frames ×
101 frequencies for 10 s at 8 kHz (the course's 5511 × 101 at 44.1 kHz), as log power. The model
is the course's: Conv1D(kernel 15, stride 4) → BN → ReLU → dropout → GRU → dropout → BN → GRU →
dropout → BN → dropout → a sigmoid per step, T_y = 246 output steps (the course's 1375); smaller
for 2 CPU cores (64 filters, GRU(64), dropout 0.2 instead of 196 / 128 / 0.8). The labels keep
the course's 364 ms of ones after each "activate" (50 of its 1375 steps, 9 of these 246).

**Why frame accuracy misleads.** Most steps are 0: a model that never fires is right on ~90 %
of them (``all_zeros_frame_accuracy``) and useless. What matters is events: a detection is a
rise of the output above 0.5 (then nothing for 364 ms), it is a hit if it falls within 0.5 s of
a true "activate"'s label, and every other detection is a false alarm. The lesson reports
``event_f1`` (precision and recall over events) and ``false_alarms_per_minute`` on the held-out
voices, beside ``frame_accuracy``.

Outputs: ``example.png`` (a clip's spectrogram, labels and the model's output), ``learning_
curves.png``, ``results.json``, TensorBoard logs, and the model exported to
``saved_models/c5w3_trigger_word/`` (input (m, 998, 101) log-power spectrograms, output
(m, 246, 1) probabilities).
"""
import numpy as np

import keras
from tfcourse import plots
from tfcourse.data import speech
from tfcourse.errors import UsageError
from tfcourse.lesson import Lesson, int_arg
from tfcourse.trigger_word import (SAMPLE_RATE, create_training_example, event_scores,
                                   output_steps, trigger_model)

TEST_VOICES = ("en+f4", "en-gb-scotland", "en+m7", "en-us+f2")  # never heard in training
FRAMES = 1 + (10 * SAMPLE_RATE - 200) // 80  # 998 spectrogram frames
TY = output_steps(FRAMES)  # 246
ONES = round(50 * TY / 1375)  # the course's 364 ms of ones
TOLERANCE = round(TY * 500 / 10_000)  # 0.5 s, in output steps


def word_clips(source, voices, words, per_voice, rng):
    """Clips of each word in each voice: eSpeak NG at a random rate and pitch, or chirps."""
    clips = []
    for v, voice in enumerate(voices):
        for word in words:
            for _ in range(per_voice):
                if source == "espeak":
                    clips.append(speech.speak(word, voice, rate=int(rng.integers(130, 220)),
                                              pitch=int(rng.integers(30, 70)),
                                              sample_rate=SAMPLE_RATE))
                else:
                    clips.append(speech.chirp_word(word, voice=int(voice),
                                                   sample_rate=SAMPLE_RATE))
    return clips


def make_set(n, activates, negatives, babble, rng):
    """n examples from create_training_example: log-power (n, 998, 101) and labels (n, 246, 1)."""
    xs, ys = [], []
    for _ in range(n):
        picks = rng.choice(len(babble), size=4)
        background = speech.background_noise(rng, 10.0, SAMPLE_RATE, [babble[i] for i in picks])
        x, y = create_training_example(background, activates, negatives, TY, ones=ONES)
        xs.append(np.log10(x.T + 1e-10))  # (frames, freqs), the course's model input layout
        ys.append(y.T)
    return np.stack(xs).astype("float32"), np.stack(ys).astype("float32")


def run(ctx):
    ## The audio
    ctx.section("Words and voices")
    source = ctx.args.source
    if source == "auto":
        source = "espeak" if speech.espeak_available() else "chirp"
    if source == "chirp":
        ctx.log("NOTE: eSpeak NG is not installed (pip install -e \".[speech]\"): the words are "
                "synthetic chirps, not speech")
        voices = list(range(16))
        train_voices, test_voices = voices[:12], voices[12:]
    else:
        train_voices = [v for v in speech.VOICES if v not in TEST_VOICES]
        test_voices = list(TEST_VOICES)
    if ctx.fast:
        train_voices, test_voices = train_voices[:4], test_voices[:2]
    ctx.record("audio_source", source)
    rng = np.random.default_rng(ctx.seed)
    negatives_words = speech.NEAR_MISSES + speech.BACKGROUND_WORDS[:4]
    per_voice = 1 if ctx.fast else 4
    sets = {}
    for split, voices in (("train", train_voices), ("test", test_voices)):
        sets[split] = (word_clips(source, voices, [speech.TRIGGER], per_voice, rng),
                       word_clips(source, voices, negatives_words, 1, rng),
                       word_clips(source, voices, speech.BACKGROUND_WORDS[4:], 1, rng))
    ctx.log(f"{source}: {len(train_voices)} training voices, {len(test_voices)} held-out voices; "
            f"{len(sets['train'][0])} + {len(sets['test'][0])} \"activate\" clips, "
            f"negatives {', '.join(negatives_words)}")

    ## The training set, the course's way
    ctx.section("Synthesizing 10-second clips")
    n_train, n_test = (32, 16) if ctx.fast else (ctx.args.train_size, 200)
    np.random.seed(ctx.seed)  # the course's functions draw from NumPy's global generator
    x_train, y_train = make_set(n_train, *sets["train"], rng)
    x_test, y_test = make_set(n_test, *sets["test"], rng)
    ctx.log(f"x {x_train.shape[1:]} (frames × frequencies), y {y_train.shape[1:]}; "
            f"{n_train} training / {n_test} held-out-voice clips; "
            f"{y_train.mean():.1%} of the training steps are 1")

    ## The course's model
    ctx.section("Conv1D + GRU")
    norm = keras.layers.Normalization(axis=-1, name="normalize")
    norm.adapt(x_train.reshape(-1, x_train.shape[-1]))
    model = trigger_model((FRAMES, x_train.shape[-1]), filters=64, units=64, dropout=0.2,
                          normalization=norm)
    model.compile(optimizer=keras.optimizers.Adam(0.002), loss="binary_crossentropy",
                  metrics=["accuracy"])
    # --fast skips the validation pass: one graph fewer to trace (a few seconds of its ~15)
    history = model.fit(x_train, y_train, batch_size=16, epochs=ctx.epochs, verbose=0,
                        validation_split=0.0 if ctx.fast else 0.1,
                        callbacks=ctx.callbacks("trigger_word"))
    probs = np.asarray(model.predict(x_test, batch_size=32, verbose=0))  # (m, Ty, 1)

    ## Frame accuracy against events
    ctx.section("Held-out voices: frames and events")
    frame_acc = float(np.mean((probs > 0.5) == (y_test > 0.5)))
    zeros_acc = float(np.mean(y_test < 0.5))
    scores = event_scores(probs[..., 0], y_test[..., 0], tolerance=TOLERANCE)
    silent = event_scores(np.zeros_like(probs[..., 0]), y_test[..., 0], tolerance=TOLERANCE)
    ctx.record("frame_accuracy", frame_acc)
    ctx.record("all_zeros_frame_accuracy", zeros_acc)
    ctx.record("event_f1", scores["f1"])
    ctx.record("event_precision", scores["precision"])
    ctx.record("event_recall", scores["recall"])
    ctx.record("false_alarms_per_minute", scores["false_alarms_per_minute"])
    ctx.record("all_zeros_event_f1", silent["f1"])
    ctx.log(f"frame accuracy {frame_acc:.3f}, but a model that never fires scores "
            f"{zeros_acc:.3f} (and finds no event)")
    ctx.log(f"{scores['events']} \"activate\"s, {scores['detections']} detections: "
            f"{scores['hits']} hits, {scores['false_alarms']} false alarms "
            f"({scores['false_alarms_per_minute']:.2f} per minute), F1 {scores['f1']:.3f}")

    # extra code: the figure
    k = int(np.argmax(y_test[..., 0].sum(1)))
    fig, axes = plots.pyplot().subplots(2, 1, figsize=(9, 5), sharex=False)
    axes[0].imshow(x_test[k].T, origin="lower", aspect="auto", cmap="magma")
    axes[0].set_title("held-out voice: log-power spectrogram (frames × frequencies)")
    axes[1].plot(y_test[k, :, 0], label="label y")
    axes[1].plot(probs[k, :, 0], label="model output")
    axes[1].axhline(0.5, color="gray", lw=0.5)
    axes[1].set_xlabel("output step (246 per 10 s)")
    axes[1].legend()
    plots.save(fig, ctx.path("example.png"))
    plots.learning_curves({"trigger_word": history.history}, ctx.path("learning_curves.png"),
                          metrics=("loss", "accuracy"),
                          title="Trigger word: per-step loss and accuracy")
    ctx.export(model, x_test[:8])


def add_arguments(p):
    p.add_argument("--source", choices=("auto", "espeak", "chirp"), default="auto",
                   help="word audio: eSpeak NG speech, synthetic chirps, or auto (eSpeak NG "
                        "when installed)")
    p.add_argument("--train-size", type=int_arg(1), default=600,
                   help="training clips (default 600)")


def check(ctx):
    if ctx.args.source == "espeak" and not speech.espeak_available():
        raise UsageError('--source espeak needs eSpeak NG: pip install -e ".[speech]" '
                         "(the espeakng-loader wheel)")


def run_checked(ctx):
    check(ctx)
    run(ctx)


LESSON = Lesson(__file__, __doc__, run_checked, epochs=25, fast_epochs=1,
                add_arguments=add_arguments,
                keys=("frame_accuracy", "event_f1", "false_alarms_per_minute"))

if __name__ == "__main__":
    LESSON.cli()
