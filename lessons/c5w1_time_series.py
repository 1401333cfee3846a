"""Forecasting a time series with an LSTM, against the naive forecasts (Course 5, week 1).

A sequence model reads x⟨1⟩ … x⟨T⟩ and predicts what comes next; for a time series that is the
next value. This is the question the finance-minded reader of the course asks ("can an RNN
forecast my series?"), and the honest answer starts with the baselines a forecaster must beat:

- naive (last value):     ŷ⟨t+1⟩ = y⟨t⟩
- seasonal naive:         ŷ⟨t+1⟩ = y⟨t+1−P⟩ (the same point one season of P steps ago)

Data: a generated series (so the lesson runs offline and the truth is known): a linear trend,
a season of P = 50 steps with a sharp rise and a slow decay, and Gaussian noise,

    y⟨t⟩ = 10 + 0.05·t + 15·s((t mod P)/P) + ε⟨t⟩,   ε⟨t⟩ ~ N(0, 2²).

It is split in time: the first 1000 steps train, the next 200 validate (early stopping), the
last 300 test. Nothing of the future leaks into the past: the normalization (mean and standard
deviation) is fitted on the training part only, and every window is a slice of W = 60 values
that ends just before the value it forecasts.

The LSTM forecaster (one model, so the exported file is the whole forecaster): raw window →
normalized with the training statistics → minus its last value (so the network sees the shape of
the recent past, not its level, which keeps drifting upwards with the trend and would otherwise
leave the training range) → LSTM(32) → Dense(1) = the predicted change → plus the last value →
back to the series' units. The naive forecast is the special case "predicted change = 0", so
the network starts from the baseline and has to learn the season and to average the noise to
beat it. The best any forecaster can do here is the noise itself: E|ε| = 2·√(2/π) ≈ 1.6.

Outputs: ``forecasts.png`` (test period: truth, LSTM, naive and seasonal-naive forecasts, and
the whole series with its splits), ``learning_curves.png``, ``results.json`` (test MAE of each
forecaster), TensorBoard logs, and the forecaster exported to ``saved_models/c5w1_time_series/``
(input: (m, 60) raw values; output: (m, 1) the next value).
"""
import numpy as np

import keras
from tfcourse import plots
from tfcourse.errors import UsageError
from tfcourse.lesson import Lesson

LENGTH, PERIOD, WINDOW = 1500, 50, 60
TRAIN_END, VALID_END = 1000, 1200  # train [0, 1000), validation [1000, 1200), test [1200, 1500)
NOISE = 2.0


def seasonal_pattern(phase):
    """One season: a cosine rise over the first 30 %, then an exponential decay."""
    return np.where(phase < 0.3, np.cos(phase * 2 * np.pi), 1 / np.exp(3 * phase))


def make_series(seed):
    rng = np.random.default_rng(seed)
    t = np.arange(LENGTH)
    clean = 10 + 0.05 * t + 15 * seasonal_pattern((t % PERIOD) / PERIOD)
    return (clean + rng.normal(0, NOISE, LENGTH)).astype("float32"), clean.astype("float32")


def windows(series, start, end):
    """Inputs series[t−W : t] and targets series[t] for every t in [start, end)."""
    start = max(start, WINDOW)
    x = np.stack([series[t - WINDOW:t] for t in range(start, end)])  # (m, W)
    return x, series[start:end, None], np.arange(start, end)  # (m, W), (m, 1), (m,)


def forecaster(mean: float, std: float, units: int = 32):
    """raw window (m, W) → next value (m, 1): normalize, remove the level, LSTM, add it back."""
    window = keras.Input((WINDOW,), name="window")
    z = keras.layers.Reshape((WINDOW, 1))((window - mean) / std)  # (m, W, 1), train statistics
    last = z[:, -1:, :]  # (m, 1, 1): the naive forecast, normalized
    h = keras.layers.LSTM(units, name="lstm")(z - last)  # (m, units): shape of the recent past
    change = keras.layers.Dense(1, name="change")(h)  # (m, 1): predicted y⟨t+1⟩ − y⟨t⟩
    forecast = (last[:, 0, :] + change) * std + mean  # (m, 1), the series' units
    return keras.Model(window, forecast, name="lstm_forecaster")


def run(ctx):
    if not ctx.args.learning_rate > 0:
        raise UsageError(f"--learning-rate must be > 0, got {ctx.args.learning_rate}")
    ## The series and its time-ordered split
    ctx.section("Data")
    series, clean = make_series(ctx.seed)
    train = series[:TRAIN_END]
    mean, std = float(train.mean()), float(train.std())  # fitted on the training part only
    x_train, y_train, _ = windows(series, 0, TRAIN_END)
    x_val, y_val, _ = windows(series, TRAIN_END, VALID_END)
    x_test, y_test, t_test = windows(series, VALID_END, LENGTH)
    ctx.log(f"{LENGTH} steps, season {PERIOD}, window {WINDOW}: {len(x_train)} train / "
            f"{len(x_val)} validation / {len(x_test)} test windows; "
            f"train mean {mean:.2f}, std {std:.2f}")

    ## Baselines: naive and seasonal naive
    ctx.section("Baselines")
    naive = series[t_test - 1]
    seasonal = series[t_test - PERIOD]
    truth = y_test[:, 0]
    naive_mae = float(np.mean(np.abs(naive - truth)))
    seasonal_mae = float(np.mean(np.abs(seasonal - truth)))
    noise_mae = float(np.mean(np.abs(clean[t_test] - truth)))  # the unbeatable part
    ctx.log(f"naive MAE {naive_mae:.3f}, seasonal naive MAE {seasonal_mae:.3f}, "
            f"noise floor (true curve) {noise_mae:.3f}")

    ## The LSTM forecaster
    ctx.section("LSTM forecaster")
    model = forecaster(mean, std)
    model.compile(optimizer=keras.optimizers.Adam(ctx.args.learning_rate),
                  loss=keras.losses.Huber(delta=std), metrics=["mae"])
    stop = keras.callbacks.EarlyStopping(monitor="val_mae", patience=15,
                                         restore_best_weights=True)
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), batch_size=32,
                        epochs=ctx.epochs, shuffle=True, verbose=0,
                        callbacks=ctx.callbacks("lstm") + [stop])
    lstm = np.asarray(model.predict(x_test, verbose=0))[:, 0]
    lstm_mae = float(np.mean(np.abs(lstm - truth)))
    ctx.log(f"{len(history.history['loss'])} epochs (best kept): test MAE {lstm_mae:.3f}")

    ctx.record("lstm_test_mae", lstm_mae)
    ctx.record("naive_test_mae", naive_mae)
    ctx.record("seasonal_naive_test_mae", seasonal_mae)
    ctx.record("noise_floor_mae", noise_mae)

    ## Plots
    # extra code: the figure
    fig, (top, bottom) = plots.pyplot().subplots(2, 1, figsize=(11, 7))
    top.plot(np.arange(LENGTH), series, lw=0.7, color="0.4", label="series")
    for edge, label in ((TRAIN_END, "train | validation"), (VALID_END, "validation | test")):
        top.axvline(edge, color="k", ls="--", lw=0.8)
        top.text(edge + 5, series.max(), label, fontsize=8, va="top")
    top.set_title("Generated series: trend + season (P = 50) + noise")
    top.set_xlabel("t")
    show = slice(0, 150)
    bottom.plot(t_test[show], truth[show], "k.", ms=3, label="truth")
    bottom.plot(t_test[show], lstm[show], lw=1.6, label=f"LSTM (MAE {lstm_mae:.2f})")
    bottom.plot(t_test[show], naive[show], lw=0.9, label=f"naive (MAE {naive_mae:.2f})")
    bottom.plot(t_test[show], seasonal[show], lw=0.9, ls=":",
                label=f"seasonal naive (MAE {seasonal_mae:.2f})")
    bottom.set_title("One-step forecasts on the test period (first 150 steps)")
    bottom.set_xlabel("t")
    bottom.legend(fontsize=8)
    plots.save(fig, ctx.path("forecasts.png"))
    plots.learning_curves({"LSTM": history.history}, ctx.path("learning_curves.png"),
                          metrics=("loss", "mae"), title="LSTM forecaster: train and validation",
                          val_label="validation")

    ctx.export(model, x_test[:32])


def add_arguments(p):
    p.add_argument("--learning-rate", type=float, default=0.003, help="Adam learning rate")


LESSON = Lesson(__file__, __doc__, run, epochs=100, fast_epochs=2, add_arguments=add_arguments,
                epochs_help="training epochs (at most: early stopping on the validation MAE)",
                keys=("lstm_test_mae", "naive_test_mae", "seasonal_naive_test_mae"))

if __name__ == "__main__":
    LESSON.cli()
