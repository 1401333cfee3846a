"""A small Transformer on the dates task: positional encoding and self-attention (Course 5, week 4).

The Transformer drops recurrence: every position looks at every other through attention,
Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V, in several heads at once, and the order of the
characters enters only through a positional encoding added to the embeddings, the course's

    PE(pos, 2i) = sin(pos / 10000^(2i/d)),   PE(pos, 2i+1) = cos(pos / 10000^(2i/d)).

The lesson first checks ``tfcourse.layers.positional_encoding`` against that formula written
out element by element (``positional_encoding_max_abs_difference``) and plots the encoding.

Then it solves week 3's task (human-readable dates → ISO dates, the same generated data, T_x = 30,
T_y = 10) with a small Transformer:

- Encoder: ``PositionalEmbedding`` (embedding · √d + PE), then 2 of the course's encoder layers:
  multi-head self-attention (``keras.layers.MultiHeadAttention``, padding masked) → dropout →
  LayerNorm(x + attention) → feed-forward (ReLU, then linear) → dropout → LayerNorm(out₁ + ffn).
- Output: 10 learned queries (``LearnedQueries``), one per ISO character, cross-attend to the
  encoder's outputs; a feed-forward layer and a softmax over the 11 output characters.

This differs from the course's Transformer decoder, which is autoregressive (it reads its own
previous outputs under a look-ahead mask, like a translation model must when the output length
varies). An ISO date always has 10 characters, so each position can be asked for directly and
the model stays one input → one output for the export. Compare ``exact_match_accuracy`` with
``c5w3_attention``'s.

Outputs: ``positional_encoding.png``, ``cross_attention.png`` (which input characters each output
character reads, averaged over heads), ``learning_curves.png``, ``results.json``, TensorBoard
logs, and the model exported to ``saved_models/c5w4_transformer/`` (input (m, 30) character ids
as float32, output (m, 10, 11) probabilities).
"""
import numpy as np

import keras
from keras import ops
from tfcourse import plots
from tfcourse.data.dates import (INPUT_CHARS, OUTPUT_CHARS, TX, TY, decode, encode_input,
                                 encode_output, make_dates)
from tfcourse.layers import LearnedQueries, PositionalEmbedding, positional_encoding
from tfcourse.lesson import Lesson, int_arg, positive_number_arg

D_MODEL, HEADS, FFN, LAYERS, DROPOUT = 64, 4, 128, 2, 0.1


def check_encoding(positions=TX, d=D_MODEL):
    """max |positional_encoding − the course's formula written out element by element|."""
    want = np.zeros((positions, d))
    for pos in range(positions):
        for k in range(d):
            angle = pos / 10000 ** (2 * (k // 2) / d)
            want[pos, k] = np.sin(angle) if k % 2 == 0 else np.cos(angle)
    got = np.asarray(positional_encoding(positions, d))
    return float(np.max(np.abs(got - want))), got


def encoder_layer(x, mask, i):
    """The course's EncoderLayer: MHA → dropout → LN(x + ·) → FFN → dropout → LN(out1 + ·)."""
    attn = keras.layers.MultiHeadAttention(HEADS, D_MODEL // HEADS, name=f"self_attention_{i}")(
        x, x, attention_mask=mask)
    out1 = keras.layers.LayerNormalization(epsilon=1e-6, name=f"ln1_{i}")(
        x + keras.layers.Dropout(DROPOUT)(attn))
    ffn = keras.layers.Dense(FFN, activation="relu", name=f"ffn1_{i}")(out1)
    ffn = keras.layers.Dense(D_MODEL, name=f"ffn2_{i}")(ffn)
    return keras.layers.LayerNormalization(epsilon=1e-6, name=f"ln2_{i}")(
        out1 + keras.layers.Dropout(DROPOUT)(ffn))


def transformer():
    ids = keras.Input((TX,), dtype="float32", name="char_ids")
    key_mask = ops.expand_dims(ops.not_equal(ids, 0), 1)  # (m, 1, Tx): padding is never attended
    x = PositionalEmbedding(len(INPUT_CHARS) + 2, D_MODEL, TX, name="positional_embedding")(ids)
    for i in range(LAYERS):
        x = encoder_layer(x, key_mask, i)  # (m, Tx, d)
    q = LearnedQueries(TY, D_MODEL, name="queries")(x)  # (m, Ty, d)
    cross = keras.layers.MultiHeadAttention(HEADS, D_MODEL // HEADS, name="cross_attention")
    ctx_vec = cross(q, x, attention_mask=key_mask)  # (m, Ty, d)
    h = keras.layers.LayerNormalization(epsilon=1e-6, name="ln_out")(q + ctx_vec)
    h = keras.layers.Dense(FFN, activation="relu", name="ffn_out")(h)
    probs = keras.layers.Dense(len(OUTPUT_CHARS), activation="softmax", name="output")(h)
    return keras.Model(ids, probs, name="date_transformer")


def cross_attention_maps(model, texts, path):
    """Cross-attention weights (averaged over heads) for a few inputs, by calling the layers."""
    x = encode_input(texts).astype("float32")
    probe = keras.Model(model.input, [model.get_layer("queries").input,
                                      model.get_layer("queries").output])
    enc, q = probe(x)
    mask = ops.expand_dims(ops.not_equal(x, 0), 1)
    _, scores = model.get_layer("cross_attention")(q, enc, attention_mask=mask,
                                                   return_attention_scores=True)
    scores = np.asarray(scores).mean(axis=1)  # (k, Ty, Tx)
    outputs = decode(model.predict(x, verbose=0))
    panels = [(f"“{text}” → {out}", s[:, :len(text)], list(text), list(out))
              for text, s, out in zip(texts, scores, outputs)]
    return plots.attention_maps(
        panels, path,
        title="Cross-attention of the 10 output queries over the input (mean of heads)")


def run(ctx):
    ## Positional encoding, checked against the course's formula
    ctx.section("Positional encoding")
    diff, pe = check_encoding()
    ctx.record("positional_encoding_max_abs_difference", diff, course="formula")
    ctx.log(f"max |PE − formula| over {TX} positions × {D_MODEL} dims: {diff:.2e}")
    # extra code: the figure
    fig, ax = plots.pyplot().subplots(figsize=(8, 3.5))
    im = ax.pcolormesh(pe, cmap="RdBu", vmin=-1, vmax=1)
    ax.set_xlabel("dimension k (even: sin, odd: cos)")
    ax.set_ylabel("position")
    ax.set_title("PE(pos, 2i) = sin(pos/10000^(2i/d)), PE(pos, 2i+1) = cos(…), d = 64")
    fig.colorbar(im)
    plots.save(fig, ctx.path("positional_encoding.png"))

    ## The dates task
    ctx.section("Dates → ISO with a small Transformer")
    n_train, n_test = (2000, 500) if ctx.fast else (ctx.args.train_size, 2000)
    parts = make_dates(n_train, n_test, ctx.seed)
    (h_train, iso_train, _), (h_test, iso_test, _) = parts["train"], parts["test"]
    x_train, y_train = encode_input(h_train).astype("float32"), encode_output(iso_train)
    x_test, y_test = encode_input(h_test).astype("float32"), encode_output(iso_test)
    model = transformer()
    model.compile(optimizer=keras.optimizers.Adam(ctx.args.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    ctx.log(f"{model.count_params()} parameters, {LAYERS} encoder layers, {HEADS} heads, "
            f"d_model {D_MODEL}; {n_train} train / {n_test} held-out dates")
    history = model.fit(x_train, y_train, batch_size=64, epochs=ctx.epochs, validation_split=0.1,
                        verbose=0, shuffle=True, callbacks=ctx.callbacks("transformer"))
    pred = np.asarray(model.predict(x_test, batch_size=512, verbose=0)).argmax(-1)
    em = float(np.mean(np.all(pred == y_test, axis=1)))
    ctx.record("exact_match_accuracy", em, course=">= 0.95 (target)")
    ctx.record("char_accuracy", float(np.mean(pred == y_test)))
    ctx.log(f"held-out exact match {em:.4f}")

    examples = ["3 may 1979", "thursday, may 3, 1979", "05/03/79", "le 14 juillet 1989"]
    cross_attention_maps(model, examples, ctx.path("cross_attention.png"))
    plots.learning_curves({"transformer": history.history}, ctx.path("learning_curves.png"),
                          metrics=("loss", "accuracy"),
                          title="Dates with a Transformer: per-character loss and accuracy")
    ctx.export(model, x_test[:16])


def add_arguments(p):
    p.add_argument("--train-size", type=int_arg(1), default=10_000, help="training dates (default 10000)")
    p.add_argument("--learning-rate", type=positive_number_arg, default=0.001, help="Adam learning rate")


LESSON = Lesson(__file__, __doc__, run, epochs=20, fast_epochs=1, add_arguments=add_arguments,
                keys=("positional_encoding_max_abs_difference", "exact_match_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
