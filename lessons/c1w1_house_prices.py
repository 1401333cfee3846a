"""What is a neural network: house prices with a small ReLU network (Course 1, week 1).

The course opens with a house-price predictor: price as a function of size is not a straight
line (it cannot go below zero, and it bends), and a "neuron" is a ReLU, max(0, w·x + b). Stack a
few of them and a network can combine size, bedrooms, family size, zip code and the
neighbourhood's wealth into features of its own ("family size", "walkability", "school
quality") without being told which ones matter. This lesson makes that concrete:

- A linear-regression baseline, ŷ = w·x + b, solved exactly by least squares (the best any
  straight-plane model can do on these inputs).
- A small network with ReLU hidden layers and a linear output (regression, not classification):
      a1 = relu(W1·x + b1),  a2 = relu(W2·a1 + b2),  ŷ = W3·a2 + b3,
  trained on the mean squared error J = (1/m) Σ (ŷ − y)² with Adam on mini-batches.
- A Keras linear model (no hidden layer) trained the same way, to show in the learning curves
  that "a network without hidden layers" is linear regression and stops where least squares does.

Data: ``tfcourse.data.house_prices``, a synthetic table generated from a documented formula
with non-linear effects (a square of wealth, a min of bedrooms and family size, a product of size
and wealth, and a zip-code premium that is not monotonic in the code, so the code is useless to a
straight line) and N(0, 15) k$ noise; 10 000 houses split 60/20/20 (``--houses``). The course
has no data set for this lecture; a generated table lets the lesson state exactly what a model
could learn: the noise puts a floor of about 15 k$ under any model's RMSE, and the non-linear
terms are what separates the network from the linear fit. With ``--houses 2000`` the network
overfits its 1 200 training rows and only just beats the line: the lecture's "scale drives deep
learning" (a bigger network needs more data to pay off) in one flag.

Inputs are standardized by a ``Normalization`` layer fitted on the training split only and
placed first in the model, so the exported model takes raw features.

Outputs: ``learning_curves.png`` (MSE and RMSE per epoch, train and dev, network and linear),
``predicted_vs_actual.png`` (test set, both models), ``results.json`` (``test_rmse``,
``linear_baseline_rmse`` in k$), TensorBoard logs and the network exported to
``saved_models/c1w1_house_prices/``.
"""
import keras
import numpy as np

from tfcourse import data, plots
from tfcourse.lesson import Lesson, int_arg

HIDDEN = (32, 16)  # two small ReLU layers: enough for the square, the min and the look-up table
LEARNING_RATE = 0.003  # Adam
BATCH_SIZE = 64
HOUSES = 10_000  # table rows; with 2 000 the network overfits its 1 200 training rows
NOISE_RMSE = 15.0  # the N(0, 15) k$ noise in the generating formula: no model can go below it


def network(x_train, y_train, hidden=HIDDEN, name="relu_network"):
    """[5, *hidden, 1]: ReLU hidden layers and a linear output; hidden=() is linear regression."""
    layers = [keras.Input((x_train.shape[1],)), data.normalizer(x_train)]
    layers += [keras.layers.Dense(n, activation="relu", name=f"hidden_{i + 1}")
               for i, n in enumerate(hidden)]
    # Prices are hundreds of k$ with a spread of about 100: the output layer predicts a
    # standardized price and a fixed Rescaling maps it back to k$ (the mirror image of the input
    # Normalization, with the training split's mean and standard deviation), so one learning rate
    # suits the network and the linear model and the exported model still outputs k$.
    layers.append(keras.layers.Dense(1, name="standardized_price"))
    layers.append(keras.layers.Rescaling(scale=float(np.std(y_train)),
                                         offset=float(np.mean(y_train)), name="price"))
    model = keras.Sequential(layers, name=name)
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="mse",
                  metrics=[keras.metrics.RootMeanSquaredError(name="rmse")])
    return model


def rmse(y_true, y_pred) -> float:
    return float(np.sqrt(np.mean((np.asarray(y_pred).reshape(-1) - y_true) ** 2)))


def run(ctx):
    ds = data.load_house_prices(m=ctx.args.houses, seed=0)
    ctx.log(ds.summary() + f"; features {', '.join(data.HOUSE_FEATURES)}")

    ## The baseline: linear regression by least squares
    ctx.section("Linear regression (least squares)")
    from sklearn.linear_model import LinearRegression

    # Standardizing does not change a least-squares fit's predictions, only its coefficients;
    # we use the same normalized inputs as the network so the coefficients are comparable.
    norm = data.normalizer(ds.x_train)
    z = lambda x: np.asarray(norm(x))  # noqa: E731
    linear = LinearRegression().fit(z(ds.x_train), ds.y_train)
    linear_pred = linear.predict(z(ds.x_test))
    ctx.record("linear_baseline_rmse", rmse(ds.y_test, linear_pred))
    ctx.record("linear_baseline_train_rmse", rmse(ds.y_train, linear.predict(z(ds.x_train))))
    coefs = ", ".join(f"{n} {c:+.1f}" for n, c in zip(data.HOUSE_FEATURES, linear.coef_))
    ctx.log(f"price ≈ {linear.intercept_:.1f} + ({coefs}) per standard deviation")
    ctx.log(f"test RMSE {ctx.results['linear_baseline_rmse']:.2f} k$")

    ## The same straight plane as a network with no hidden layer
    ctx.section("Linear model as a network without hidden layers (Keras, Adam)")
    keras_linear = network(ds.x_train, ds.y_train, hidden=(), name="linear")
    fit_args = dict(epochs=ctx.epochs, batch_size=BATCH_SIZE, verbose=0,
                    validation_data=(ds.x_dev, ds.y_dev))
    h_linear = keras_linear.fit(ds.x_train, ds.y_train, callbacks=ctx.callbacks("linear"),
                                **fit_args)
    ctx.record("keras_linear_test_rmse",
               rmse(ds.y_test, keras_linear.predict(ds.x_test, verbose=0)))
    ctx.log(f"test RMSE {ctx.results['keras_linear_test_rmse']:.2f} k$ "
            f"(least squares: {ctx.results['linear_baseline_rmse']:.2f})")

    ## A small ReLU network with a linear output
    ctx.section(f"ReLU network [5, {', '.join(map(str, HIDDEN))}, 1]")
    model = network(ds.x_train, ds.y_train)
    h_net = model.fit(ds.x_train, ds.y_train, callbacks=ctx.callbacks("network"), **fit_args)
    net_pred = model.predict(ds.x_test, verbose=0)
    ctx.record("test_rmse", rmse(ds.y_test, net_pred))
    ctx.record("train_rmse", rmse(ds.y_train, model.predict(ds.x_train, verbose=0)))
    ctx.record("dev_rmse", rmse(ds.y_dev, model.predict(ds.x_dev, verbose=0)))
    ctx.record("rmse_ratio_network_to_linear",
               ctx.results["test_rmse"] / ctx.results["linear_baseline_rmse"])
    ctx.log(f"test RMSE {ctx.results['test_rmse']:.2f} k$ "
            f"(linear {ctx.results['linear_baseline_rmse']:.2f}; "
            f"the noise floor is {NOISE_RMSE:.0f})")

    ## Plots
    plots.learning_curves({"ReLU network": h_net.history, "linear (Keras)": h_linear.history},
                          ctx.path("learning_curves.png"), metrics=("loss", "rmse"), logy=True,
                          title="House prices: MSE and RMSE (k$) per epoch, train and dev")
    plots.predicted_vs_actual(ds.y_test, {"linear regression": linear_pred,
                                            "ReLU network": net_pred},
                                ctx.path("predicted_vs_actual.png"),
                                title="Test set: predicted vs actual price")

    ctx.export(model, ds.x_test[:32])


def add_arguments(parser):
    parser.add_argument("--houses", type=int_arg(100), default=HOUSES,
                        help=f"rows in the generated table, split 60/20/20 (default {HOUSES}); "
                             f"try 2000 to see a network without enough data")


LESSON = Lesson(__file__, __doc__, run, epochs=100, fast_epochs=2, add_arguments=add_arguments,
                epochs_help=f"training epochs (mini-batches of {BATCH_SIZE})",
                keys=("test_rmse", "linear_baseline_rmse"))

if __name__ == "__main__":
    LESSON.cli()
