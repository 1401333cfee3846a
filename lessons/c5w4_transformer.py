"""The course's Transformer on the dates task: positional encoding, masks, attention (Course 5, week 4).

The Transformer drops recurrence: every position looks at every other through attention,
Attention(Q, K, V) = softmax(Q Kᵀ / √d_k + (1 − mask)·(−1e9)) V, in several heads at once, and
the order of the characters enters only through a positional encoding added to the embeddings,
the course's

    PE(pos, 2i) = sin(pos / 10000^(2i/d)),   PE(pos, 2i+1) = cos(pos / 10000^(2i/d)).

The lesson first checks ``tfcourse.layers.positional_encoding`` (the course's (1, positions, d)
table) against that formula written out element by element
(``positional_encoding_max_abs_difference``) and plots the encoding.

Then it solves week 3's task (human-readable dates → ISO dates, the same generated data,
T_x = 30, T_y = 10) with the course's own Transformer, built piece by piece in
``tfcourse.layers.course_transformer``: ``Encoder`` (embedding · √d + PE, 2 ``EncoderLayer``s:
multi-head self-attention under the padding mask, LayerNorm(x + ·), feed-forward, dropout,
LayerNorm), ``Decoder`` (2 ``DecoderLayer``s: masked self-attention under the look-ahead mask,
attention over the encoder's outputs, feed-forward) and a softmax over the output characters.

- Training is the course's teacher forcing: the decoder reads the true ISO string shifted right
  behind a start token, [start, y⟨1⟩, …, y⟨9⟩], and predicts y⟨1⟩ … y⟨10⟩; the look-ahead mask
  (``create_look_ahead_mask``) stops position t from reading y⟨t⟩ itself.
- Testing decodes greedily (``GreedyDecoder``, the loop of ``greedy_decode`` as one layer): the decoder starts from [start], appends its own
  most likely character and runs again, 10 times; only then is the string compared with the
  truth (``exact_match_accuracy``, all 10 characters right; ``char_accuracy`` per character).

Sizes: d_model 64, 4 heads, feed-forward 128, 2 + 2 layers (``--fast``: 1 + 1, 1000 dates, one
epoch: a check that it runs, not a result), dropout 0.1. One departure from the
course's defaults: ``key_dim = d_model / heads = 16`` (the paper's) rather than the course's
``key_dim = embedding_dim``, which would make each head as wide as the model and quadruple the
attention's projections on 2 CPU cores for no gain on this task. The decoder's vocabulary is
the 11 ISO characters shifted by one (id 0 is padding, as in the course's masks) plus a start
token, 13 ids; the exported model returns the 11 characters' probabilities.

The previous version of this lesson used an encoder and 10 learned queries
(``PositionalEmbedding``, ``LearnedQueries``, non-autoregressive); the course's decoder reads its
own previous outputs, as a translation model must when the output length varies.

Outputs: ``positional_encoding.png``, ``cross_attention.png`` (which input characters each output
character reads in the last decoder layer, averaged over heads), ``learning_curves.png``,
``results.json``, TensorBoard logs, and the greedy translator exported to
``saved_models/c5w4_transformer/`` (input (m, 30) character ids as float32, output (m, 10, 11)
probabilities).
"""
import numpy as np

import keras
from tfcourse import plots
from tfcourse.data.dates import (INPUT_CHARS, OUTPUT_CHARS, TX, TY, encode_input,
                                 encode_output, make_dates)
from tfcourse.layers import (Transformer, create_look_ahead_mask, create_padding_mask,
                             GreedyDecoder, positional_encoding)
from tfcourse.lesson import Lesson, int_arg, positive_number_arg

D_MODEL, HEADS, FFN, LAYERS, DROPOUT = 64, 4, 128, 2, 0.1
N_OUT = len(OUTPUT_CHARS)  # 11 ISO characters
START = N_OUT + 1  # decoder ids: 0 padding, 1..11 the characters, 12 the start token


def check_encoding(positions=TX, d=D_MODEL):
    """max |positional_encoding − the course's formula written out element by element|."""
    want = np.zeros((positions, d))
    for pos in range(positions):
        for k in range(d):
            angle = pos / 10000 ** (2 * (k // 2) / d)
            want[pos, k] = np.sin(angle) if k % 2 == 0 else np.cos(angle)
    got = np.asarray(positional_encoding(positions, d))  # (1, positions, d)
    return float(np.max(np.abs(got[0] - want))), got[0]


def course_transformer(layers=LAYERS):
    """The course's Transformer for dates: 30 character ids in, 13 decoder ids out."""
    return Transformer(num_layers=layers, embedding_dim=D_MODEL, num_heads=HEADS,
                       fully_connected_dim=FFN, input_vocab_size=len(INPUT_CHARS) + 2,
                       target_vocab_size=START + 1, max_positional_encoding_input=TX,
                       max_positional_encoding_target=TY, dropout_rate=DROPOUT,
                       key_dim=D_MODEL // HEADS, name="transformer")


def teacher_forcing_model(transformer):
    """(input ids, [start, y1..y9]) -> P(y1..y10): the course's call with its three masks."""
    ids = keras.Input((TX,), dtype="float32", name="char_ids")
    dec_in = keras.Input((TY,), dtype="float32", name="decoder_ids")
    pad = create_padding_mask(ids)  # (m, 1, Tx): padding is never attended
    probs, _ = transformer(ids, dec_in, enc_padding_mask=pad,
                           look_ahead_mask=create_look_ahead_mask(TY), dec_padding_mask=pad)
    return keras.Model([ids, dec_in], probs, name="teacher_forcing")


def translator(transformer):
    """Greedy decoding, 10 steps, as one model: (m, 30) ids -> (m, 10, 11) probabilities."""
    ids = keras.Input((TX,), dtype="float32", name="char_ids")
    probs = GreedyDecoder(transformer, TY, START, name="greedy")(ids)  # (m, Ty, 13)
    return keras.Model(ids, probs[:, :, 1:START], name="date_translator")


def shift_right(y):
    """Decoder inputs for teacher forcing: [start, y1 + 1, …, y9 + 1] (ids 1..11 = characters)."""
    return np.concatenate([np.full((len(y), 1), START), y[:, :-1] + 1], axis=1).astype("float32")


def cross_attention_maps(transformer, model, texts, path):
    """The last decoder layer's attention over the input (mean of heads), for a few inputs."""
    x = encode_input(texts).astype("float32")
    pred = np.asarray(model.predict(x, verbose=0)).argmax(-1)  # (k, Ty) greedy outputs
    pad = create_padding_mask(x)
    _, weights = transformer(x, shift_right(pred), training=False, enc_padding_mask=pad,
                             look_ahead_mask=create_look_ahead_mask(TY), dec_padding_mask=pad)
    last = transformer.decoder.num_layers
    scores = np.asarray(weights[f"decoder_layer{last}_block2_decenc_att"]).mean(axis=1)
    outputs = ["".join(OUTPUT_CHARS[i] for i in row) for row in pred]
    panels = [(f"“{text}” → {out}", s[:, :len(text)], list(text), list(out))
              for text, s, out in zip(texts, scores, outputs)]
    return plots.attention_maps(
        panels, path, vmin=0,
        title="Decoder's attention over the input, last layer (mean of heads)")


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
    n_train, n_test = (1000, 200) if ctx.fast else (ctx.args.train_size, 2000)
    layers = 1 if ctx.fast else LAYERS  # --fast: half the graph to trace (train, decode, export)
    parts = make_dates(n_train, n_test, ctx.seed)
    (h_train, iso_train, _), (h_test, iso_test, _) = parts["train"], parts["test"]
    x_train, y_train = encode_input(h_train).astype("float32"), encode_output(iso_train)
    x_test, y_test = encode_input(h_test).astype("float32"), encode_output(iso_test)
    transformer = course_transformer(layers)
    model = teacher_forcing_model(transformer)
    model.compile(optimizer=keras.optimizers.Adam(ctx.args.learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    ctx.log(f"{model.count_params()} parameters, {layers} encoder + {layers} decoder layers, "
            f"{HEADS} heads, d_model {D_MODEL}; {n_train} train / {n_test} held-out dates")
    history = model.fit([x_train, shift_right(y_train)], y_train + 1, batch_size=64,
                        epochs=ctx.epochs, validation_split=0.1, verbose=0, shuffle=True,
                        callbacks=ctx.callbacks("transformer"))
    # the test: greedy decoding, each step reading the model's own previous characters
    greedy = translator(transformer)
    pred = np.asarray(greedy.predict(x_test, batch_size=500, verbose=0)).argmax(-1)
    em = float(np.mean(np.all(pred == y_test, axis=1)))
    ctx.record("exact_match_accuracy", em, course=">= 0.95 (target)")
    ctx.record("char_accuracy", float(np.mean(pred == y_test)))
    ctx.log(f"held-out exact match {em:.4f} (greedy decoding, 10 steps)")

    examples = ["3 may 1979", "thursday, may 3, 1979", "05/03/79", "le 14 juillet 1989"]
    cross_attention_maps(transformer, greedy, examples, ctx.path("cross_attention.png"))
    plots.learning_curves({"transformer": history.history}, ctx.path("learning_curves.png"),
                          metrics=("loss", "accuracy"),
                          title="Dates with a Transformer: per-character loss and accuracy")
    ctx.export(greedy, x_test[:16])


def add_arguments(p):
    p.add_argument("--train-size", type=int_arg(1), default=10_000, help="training dates (default 10000)")
    p.add_argument("--learning-rate", type=positive_number_arg, default=0.001, help="Adam learning rate")


LESSON = Lesson(__file__, __doc__, run, epochs=20, fast_epochs=1, add_arguments=add_arguments,
                keys=("positional_encoding_max_abs_difference", "exact_match_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
