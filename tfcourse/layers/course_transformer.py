"""The course's Transformer, built piece by piece as in its week-4 assignment (Course 5, week 4).

The pieces keep the course's names, signatures, argument order and array layouts:

- :func:`get_angles`, :func:`positional_encoding` — the sinusoidal table, shape (1, positions, d);
- :func:`create_padding_mask`, :func:`create_look_ahead_mask` — masks with **1 = keep, 0 = hide**
  (the assignment's latest version; an earlier one used 1 = hide and added ``mask · −1e9``);
- :func:`scaled_dot_product_attention` — softmax(Q Kᵀ / √d_k + (1 − mask) · (−1e9)) V;
- :class:`MultiHeadAttention` — the attention above in ``num_heads`` heads, with the weight
  layout of ``keras.layers.MultiHeadAttention`` (which the course uses) so the two are
  twin-tested with copied weights;
- :func:`FullyConnected`, :class:`EncoderLayer`, :class:`Encoder`, :class:`DecoderLayer`,
  :class:`Decoder`, :class:`Transformer`.

Which version of the assignment: the one with ``layernorm_eps``, ``dropout_ffn`` and
``MultiHeadAttention(num_heads, key_dim=embedding_dim, dropout=dropout_rate)`` (its public
tests pass ``mask=[[[1, 1, 0, 1], …]]`` to ``scaled_dot_product_attention``). Its printed
outputs for the deterministic functions (angles, encodings, masks, attention) are reproduced
exactly in ``tests/test_course_transformer.py``.

Its printed outputs for the layers with weights depend on their initial weights. How its tests
make them (``public_tests.py``, versions of 2021-2024): seed the global stream
(``tf.keras.utils.set_random_seed(42)``; the latest version ``tf.random.set_seed(10)``), build
the layer with the default initializers (``glorot_uniform`` kernels, ``uniform`` embeddings, zero
biases, unit LayerNorm scales) and call it, first with ``training=True``; then compare with
``np.allclose``: ``EncoderLayer_test`` the (1, 3, 4) output for ``training=True`` and ``False``,
``Encoder_test`` three (2, 3, 4) outputs, ``DecoderLayer_test`` attention rows and ``out[0, 0]``
(``training=True`` only), ``Decoder_test`` ``x[1, 1]`` and an attention row, ``Transformer_test``
``translation[0, 0, :8]`` (the latest version checks shapes and keys only). In TF-Keras 2 an
unseeded initializer draws from TF's global stream in the order the layer builds its sublayers
during that first call; Keras 3's unseeded initializers draw from ``keras.random``'s
``SeedGenerator`` with other ops, so with Keras 3 initial weights no seed gives those figures.
With the course's own weights they do: ``tests/test_course_transformer.py`` writes the course's
layers in ``tf_keras`` (the TF-Keras 2 of this TensorFlow, the test-only ``tf-keras`` extra),
which reproduces the seed-42 version's figures (to 1e-5) including the ``training=True`` ones,
copies those weights into these layers, and checks the course's ``training=False`` figures for
``EncoderLayer``, ``Encoder``, ``Decoder`` and ``Transformer`` (to 1e-5; ``DecoderLayer_test``
prints none). Our ``training=True`` outputs cannot match: they also depend on the dropout masks,
drawn by Keras 3. The latest version's figures (``tf.random.set_seed(10)``) were not
reproduced by ``tf_keras`` 2.21 with the layers written that way (one attempt). Without
``tf_keras`` those tests skip, and the values are tested against twins built from
``keras.layers.MultiHeadAttention`` and ``LayerNormalization`` with our weights copied in.

Note the course's choice ``key_dim = embedding_dim``: each head projects to the full embedding
size (the paper uses d_model / h). The constructors take ``key_dim=None`` (the course's) or an
explicit size.
"""
from __future__ import annotations

import inspect

import numpy as np

import keras
from keras import ops

from tfcourse.checks import check_int, check_number, invalid

_NEG = -1.0e9  # the course's "minus infinity" for hidden positions


def get_angles(pos, k, d):
    """The angles pos / 10000^(2i/d) with i = k // 2, the course's ``get_angles``.

    angle(pos, k) = pos / 10000^(2·⌊k/2⌋ / d): columns 2i and 2i + 1 share a frequency; the
    even one gets the sine, the odd one the cosine (:func:`positional_encoding`).

    Course 5, week 4; lesson c5w4_transformer.

    Args:
        pos: column vector of positions, shape (positions, 1).
        k: row vector of dimension indices, shape (1, d).
        d: the encoding size (an int).

    Returns:
        a NumPy array (positions, d).

    >>> get_angles(np.arange(2)[:, None], np.arange(4)[None, :], 4).round(4).tolist()
    [[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.01, 0.01]]
    """
    check_int("d", d, low=1, owner="get_angles")
    i = np.asarray(k) // 2
    return np.asarray(pos) / np.power(10000, (2 * i) / np.float32(d))


def positional_encoding(positions, d):
    """The course's sinusoidal positional encodings, a float32 tensor (1, positions, d).

    PE(pos, 2i) = sin(pos / 10000^(2i/d)),   PE(pos, 2i+1) = cos(pos / 10000^(2i/d))

    The leading axis of 1 is the course's: the table broadcasts over a batch
    (``x + pe[:, :seq_len, :]``).

    Course 5, week 4; lesson c5w4_transformer.

    Args:
        positions: the number of positions (the longest sequence).
        d: the encoding size.
    """
    check_int("positions", positions, low=1, owner="positional_encoding")
    check_int("d", d, low=1, owner="positional_encoding")
    angles = get_angles(np.arange(positions)[:, np.newaxis], np.arange(d)[np.newaxis, :], d)
    angles[:, 0::2] = np.sin(angles[:, 0::2])
    angles[:, 1::2] = np.cos(angles[:, 1::2])
    return ops.convert_to_tensor(angles[np.newaxis, ...].astype("float32"))


def create_padding_mask(decoder_token_ids):
    """1 where a token is real, 0 where it is padding (id 0): shape (n, 1, m) for ids (n, m).

    mask[b, 0, j] = 1 − [ids[b, j] = 0]   (the course's latest convention: 1 = attend)

    The middle axis broadcasts over the query positions inside the attention.

    Course 5, week 4; lesson c5w4_transformer.
    """
    seq = 1.0 - ops.cast(ops.equal(decoder_token_ids, 0), "float32")
    return seq[:, None, :]


def create_look_ahead_mask(sequence_length):
    """The lower-triangular mask (1, T, T): query position i may attend to keys j <= i only.

    mask[0, i, j] = 1 if j <= i else 0   (``tf.linalg.band_part(ones, -1, 0)`` in the course)

    Course 5, week 4; lesson c5w4_transformer.
    """
    check_int("sequence_length", sequence_length, low=1, owner="create_look_ahead_mask")
    return ops.tril(ops.ones((sequence_length, sequence_length), "float32"))[None]


def scaled_dot_product_attention(q, k, v, mask):
    """Attention(Q, K, V) = softmax(Q Kᵀ / √d_k + (1 − mask) · (−1e9)) V, the course's function.

    Course 5, week 4; lesson c5w4_transformer.

    The mask follows the course's latest convention (1 = attend, 0 = hide) and broadcasts to
    (…, seq_len_q, seq_len_k). Keras's ``MultiHeadAttention`` computes the same thing per head
    (it scales Q by 1/√d_k before the product, and its boolean ``attention_mask`` has the same
    meaning, True = attend; its softmax adds the same −1e9 for float32).

    Args:
        q: queries (…, seq_len_q, depth).
        k: keys (…, seq_len_k, depth).
        v: values (…, seq_len_k, depth_v).
        mask: None, or a 0/1 tensor broadcastable to (…, seq_len_q, seq_len_k).

    Returns:
        ``(output, attention_weights)``: (…, seq_len_q, depth_v) and (…, seq_len_q, seq_len_k).
    """
    matmul_qk = ops.matmul(q, ops.swapaxes(k, -1, -2))  # (..., seq_len_q, seq_len_k)
    dk = ops.cast(ops.shape(k)[-1], matmul_qk.dtype)
    logits = matmul_qk / ops.sqrt(dk)
    if mask is not None:
        logits = logits + (1.0 - ops.cast(mask, logits.dtype)) * _NEG
    if k.shape[-2] == 1:
        # one key: its weight is 1 whatever the logit (Keras warns on a softmax over size 1;
        # greedy decoding's first step attends over the start token alone)
        attention_weights = ops.ones_like(logits)
    else:
        attention_weights = ops.softmax(logits, axis=-1)
    output = ops.matmul(attention_weights, v)  # (..., seq_len_q, depth_v)
    return output, attention_weights


class _CourseCallOrder:
    """Lets a layer be called in the course's order, ``layer(x, True, mask)``.

    Keras 3 accepts only tensors as positional arguments of a layer call (Keras 2 accepted
    ``training`` there). This mixin moves ``training`` and every argument after it, when given
    by position, to keywords before ``keras.layers.Layer.__call__`` sees them; calls by keyword
    are unchanged.
    """

    def __call__(self, *args, **kwargs):
        names = list(inspect.signature(self.call).parameters)
        at = names.index("training")
        if len(args) > at:
            kwargs.update(zip(names[at:], args[at:]))
            args = args[:at]
        return super().__call__(*args, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        # ``mask`` here is the course's attention mask, an argument, not a Keras mask carried
        # by the output (overriding this also stops Keras warning that the mask is dropped).
        return None


def _check_rate_eps(owner, dropout_rate, layernorm_eps):
    check_number("dropout_rate", dropout_rate, low=0, high=1, high_open=True, owner=owner)
    check_number("layernorm_eps", layernorm_eps, low=0, low_open=True, owner=owner)


def _check_key_dim(owner, key_dim):
    if key_dim is not None:
        check_int("key_dim", key_dim, low=1, owner=owner)


@keras.saving.register_keras_serializable(package="tfcourse")
class MultiHeadAttention(keras.layers.Layer):
    """Multi-head attention from :func:`scaled_dot_product_attention`, Keras's weight layout.

    headₕ = Attention(Q W_qʰ + b_qʰ, K W_kʰ + b_kʰ, V W_vʰ + b_vʰ),
    output = Σₕ headₕ W_oʰ + b_o

    Course 5, week 4; lesson c5w4_transformer.

    The course calls ``keras.layers.MultiHeadAttention`` (its ``MultiHeadAttention``); this is
    that layer written out. Mapping: the weights are created in Keras's order and shapes —
    query/key/value kernels (d, num_heads, key_dim) with biases (num_heads, key_dim), output
    kernel (num_heads, key_dim, d) with bias (d,) — so ``set_weights(keras_mha.get_weights())``
    copies a Keras layer into this one (the tests do, and compare outputs and scores).
    ``attention_mask`` uses the course's 0/1 convention (1 = attend), Keras's True = attend;
    a mask of rank < 4 gets a heads axis inserted, as Keras does. Dropout acts on the attention
    weights in training; the returned scores are the weights before dropout, as in Keras.

    Args:
        num_heads: number of heads h.
        key_dim: size of each head's queries, keys and values.
        dropout: dropout rate on the attention weights.

    Call arguments:
        query (m, T_q, d_q), value (m, T_v, d_v), key (default: value), attention_mask,
        return_attention_scores, training.

    Example::

        out, scores = MultiHeadAttention(2, 4)(x, x, return_attention_scores=True)
    """

    def __init__(self, num_heads, key_dim, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = check_int("num_heads", num_heads, low=1, owner="MultiHeadAttention")
        self.key_dim = check_int("key_dim", key_dim, low=1, owner="MultiHeadAttention")
        self.dropout = check_number("dropout", dropout, low=0, high=1, high_open=True,
                                    owner="MultiHeadAttention")
        self.dropout_layer = keras.layers.Dropout(self.dropout)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        h, dk = self.num_heads, self.key_dim

        def projection(name, d_in):
            return (self.add_weight(shape=(d_in, h, dk), name=f"{name}_kernel",
                                    initializer="glorot_uniform"),
                    self.add_weight(shape=(h, dk), name=f"{name}_bias", initializer="zeros"))

        self.wq, self.bq = projection("query", query_shape[-1])
        self.wk, self.bk = projection("key", key_shape[-1])
        self.wv, self.bv = projection("value", value_shape[-1])
        self.wo = self.add_weight(shape=(h, dk, query_shape[-1]), name="output_kernel",
                                  initializer="glorot_uniform")
        self.bo = self.add_weight(shape=(query_shape[-1],), name="output_bias",
                                  initializer="zeros")

    def call(self, query, value, key=None, attention_mask=None, return_attention_scores=False,
             training=None):
        key = value if key is None else key
        # (m, T, d) x (d, h, dk) -> (m, h, T, dk)
        q = ops.einsum("btd,dhk->bhtk", query, self.wq) + self.bq[None, :, None, :]
        k = ops.einsum("btd,dhk->bhtk", key, self.wk) + self.bk[None, :, None, :]
        v = ops.einsum("btd,dhk->bhtk", value, self.wv) + self.bv[None, :, None, :]
        mask = attention_mask
        if mask is not None:
            mask = ops.cast(mask, q.dtype)
            while len(mask.shape) < 4:  # add the heads axis, as Keras does
                mask = ops.expand_dims(mask, -3)
        if self.dropout > 0:
            # the course's formula, with dropout between the softmax and the product with V
            _, weights = scaled_dot_product_attention(q, k, v, mask)
            heads = ops.matmul(self.dropout_layer(weights, training=training), v)
        else:
            heads, weights = scaled_dot_product_attention(q, k, v, mask)  # (m, h, T_q, dk)
        out = ops.einsum("bhtk,hkd->btd", heads, self.wo) + self.bo  # (m, T_q, d)
        return (out, weights) if return_attention_scores else out

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "dropout": self.dropout}


def FullyConnected(embedding_dim, fully_connected_dim):  # noqa: N802 (the course's name)
    """The course's position-wise feed-forward network: Dense(fc, ReLU) → Dense(embedding_dim).

    FFN(x) = max(0, x W₁ + b₁) W₂ + b₂, applied to every position alike.

    Course 5, week 4; lesson c5w4_transformer.
    """
    check_int("embedding_dim", embedding_dim, low=1, owner="FullyConnected")
    check_int("fully_connected_dim", fully_connected_dim, low=1, owner="FullyConnected")
    return keras.Sequential([keras.layers.Dense(fully_connected_dim, activation="relu"),
                             keras.layers.Dense(embedding_dim)])


@keras.saving.register_keras_serializable(package="tfcourse")
class EncoderLayer(_CourseCallOrder, keras.layers.Layer):
    """The course's encoder layer: self-attention and a feed-forward network, each + LayerNorm.

    out₁ = LayerNorm(x + MHA(x, x, x, mask))
    out  = LayerNorm(out₁ + Dropout(FFN(out₁)))

    Course 5, week 4; lesson c5w4_transformer.

    No Keras twin; the tests compare it with the same composition of Keras's
    ``MultiHeadAttention``, ``Dense`` and ``LayerNormalization`` with copied weights.

    Args:
        embedding_dim: d_model.
        num_heads: heads of the self-attention.
        fully_connected_dim: hidden size of the feed-forward network.
        dropout_rate: dropout on the attention weights and on the FFN output.
        layernorm_eps: LayerNormalization's epsilon.
        key_dim: per-head size; None is the course's choice, ``embedding_dim``.

    Call arguments (the course's order): ``x`` (m, T, d), ``training``, ``mask`` (0/1,
    broadcastable to (m, T, T), e.g. :func:`create_padding_mask`'s (m, 1, T)).
    """

    def __init__(self, embedding_dim, num_heads, fully_connected_dim, dropout_rate=0.1,
                 layernorm_eps=1e-6, key_dim=None, **kwargs):
        super().__init__(**kwargs)
        owner = "EncoderLayer"
        self.embedding_dim = check_int("embedding_dim", embedding_dim, low=1, owner=owner)
        self.num_heads = check_int("num_heads", num_heads, low=1, owner=owner)
        self.fully_connected_dim = check_int("fully_connected_dim", fully_connected_dim, low=1,
                                             owner=owner)
        _check_rate_eps(owner, dropout_rate, layernorm_eps)
        _check_key_dim(owner, key_dim)
        self.dropout_rate, self.layernorm_eps, self.key_dim = dropout_rate, layernorm_eps, key_dim
        self.mha = MultiHeadAttention(num_heads, key_dim or embedding_dim, dropout=dropout_rate)
        self.ffn = FullyConnected(embedding_dim, fully_connected_dim)
        self.layernorm1 = keras.layers.LayerNormalization(epsilon=layernorm_eps)
        self.layernorm2 = keras.layers.LayerNormalization(epsilon=layernorm_eps)
        self.dropout_ffn = keras.layers.Dropout(dropout_rate)

    def call(self, x, training=None, mask=None):
        self_mha_output = self.mha(x, x, x, attention_mask=mask, training=training)
        skip_x_attention = self.layernorm1(x + self_mha_output)  # (m, T, d)
        ffn_output = self.dropout_ffn(self.ffn(skip_x_attention), training=training)
        return self.layernorm2(skip_x_attention + ffn_output)  # (m, T, d)

    def compute_output_shape(self, x_shape, *args, **kwargs):
        return x_shape

    def get_config(self):
        return {**super().get_config(), "embedding_dim": self.embedding_dim,
                "num_heads": self.num_heads, "fully_connected_dim": self.fully_connected_dim,
                "dropout_rate": self.dropout_rate, "layernorm_eps": self.layernorm_eps,
                "key_dim": self.key_dim}


class _Stack(_CourseCallOrder, keras.layers.Layer):
    """What :class:`Encoder` and :class:`Decoder` share: their arguments' checks, the input
    ``Dropout(Embedding(ids) · √d + PE[:, :T, :])`` and the config.

    A subclass names its vocabulary argument (``_vocab_arg``) and the attribute holding its
    layers (``_layers_attr``: ``enc_layers`` / ``dec_layers``, the names saved files use).
    """

    _vocab_arg = _layers_attr = None

    def __init__(self, owner, layer_class, num_layers, embedding_dim, num_heads,
                 fully_connected_dim, vocab_size, maximum_position_encoding, dropout_rate,
                 layernorm_eps, key_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_layers = check_int("num_layers", num_layers, low=1, owner=owner)
        self.embedding_dim = check_int("embedding_dim", embedding_dim, low=1, owner=owner)
        self.num_heads = check_int("num_heads", num_heads, low=1, owner=owner)
        self.fully_connected_dim = check_int("fully_connected_dim", fully_connected_dim, low=1,
                                             owner=owner)
        setattr(self, self._vocab_arg, check_int(self._vocab_arg, vocab_size, low=1,
                                                 owner=owner))
        self.maximum_position_encoding = check_int(
            "maximum_position_encoding", maximum_position_encoding, low=1, owner=owner)
        _check_rate_eps(owner, dropout_rate, layernorm_eps)
        _check_key_dim(owner, key_dim)
        self.dropout_rate, self.layernorm_eps, self.key_dim = dropout_rate, layernorm_eps, key_dim
        self.embedding = keras.layers.Embedding(vocab_size, embedding_dim)
        self.pos_encoding = positional_encoding(maximum_position_encoding, embedding_dim)
        setattr(self, self._layers_attr,
                [layer_class(embedding_dim, num_heads, fully_connected_dim, dropout_rate,
                             layernorm_eps, key_dim) for _ in range(num_layers)])
        self.dropout = keras.layers.Dropout(dropout_rate)

    def _embed(self, x, training):
        seq_len = ops.shape(x)[1]
        x = self.embedding(x)  # (m, T, d)
        x = x * ops.sqrt(ops.cast(self.embedding_dim, x.dtype))
        x = x + ops.cast(self.pos_encoding[:, :seq_len, :], x.dtype)
        return self.dropout(x, training=training)

    def get_config(self):
        return {**super().get_config(), "num_layers": self.num_layers,
                "embedding_dim": self.embedding_dim, "num_heads": self.num_heads,
                "fully_connected_dim": self.fully_connected_dim,
                self._vocab_arg: getattr(self, self._vocab_arg),
                "maximum_position_encoding": self.maximum_position_encoding,
                "dropout_rate": self.dropout_rate, "layernorm_eps": self.layernorm_eps,
                "key_dim": self.key_dim}


@keras.saving.register_keras_serializable(package="tfcourse")
class Encoder(_Stack):
    """The course's encoder: embedding · √d + positional encoding, dropout, ``num_layers`` layers.

    x = Dropout(Embedding(ids) · √d + PE[:, :T, :]);   x = EncoderLayerₗ(x) for l = 1…L

    Course 5, week 4; lesson c5w4_transformer.

    Args:
        num_layers, embedding_dim, num_heads, fully_connected_dim: as in :class:`EncoderLayer`.
        input_vocab_size: number of input token ids (0 is padding).
        maximum_position_encoding: the longest input; the PE table is (1, that, d).
        dropout_rate, layernorm_eps, key_dim: as in :class:`EncoderLayer`.

    Call arguments (the course's order): ``x`` ids (m, T), ``training``, ``mask``.
    """

    _vocab_arg, _layers_attr = "input_vocab_size", "enc_layers"

    def __init__(self, num_layers, embedding_dim, num_heads, fully_connected_dim,
                 input_vocab_size, maximum_position_encoding, dropout_rate=0.1,
                 layernorm_eps=1e-6, key_dim=None, **kwargs):
        super().__init__("Encoder", EncoderLayer, num_layers, embedding_dim, num_heads,
                         fully_connected_dim, input_vocab_size, maximum_position_encoding,
                         dropout_rate, layernorm_eps, key_dim, **kwargs)

    def call(self, x, training=None, mask=None):
        x = self._embed(x, training)
        for layer in self.enc_layers:
            x = layer(x, training=training, mask=mask)
        return x  # (m, T, d)

    def compute_output_shape(self, x_shape, *args, **kwargs):
        return (*x_shape, self.embedding_dim)


@keras.saving.register_keras_serializable(package="tfcourse")
class DecoderLayer(_CourseCallOrder, keras.layers.Layer):
    """The course's decoder layer: masked self-attention, encoder-decoder attention, FFN.

    Q₁   = LayerNorm(x + MHA₁(x, x, x, look_ahead_mask))
    out₂ = LayerNorm(Q₁ + MHA₂(Q₁, enc, enc, padding_mask))
    out₃ = LayerNorm(out₂ + Dropout(FFN(out₂)))

    Course 5, week 4; lesson c5w4_transformer.

    No Keras twin; tested like :class:`EncoderLayer`.

    Args: as :class:`EncoderLayer`.

    Call arguments (the course's order): ``x`` (m, T_y, d), ``enc_output`` (m, T_x, d),
    ``training``, ``look_ahead_mask`` ((1, T_y, T_y)), ``padding_mask`` (over the encoder's
    positions, (m, 1, T_x)). Returns ``(out3, attn_weights_block1, attn_weights_block2)``,
    the weights (m, heads, T_y, T_y) and (m, heads, T_y, T_x).
    """

    def __init__(self, embedding_dim, num_heads, fully_connected_dim, dropout_rate=0.1,
                 layernorm_eps=1e-6, key_dim=None, **kwargs):
        super().__init__(**kwargs)
        owner = "DecoderLayer"
        self.embedding_dim = check_int("embedding_dim", embedding_dim, low=1, owner=owner)
        self.num_heads = check_int("num_heads", num_heads, low=1, owner=owner)
        self.fully_connected_dim = check_int("fully_connected_dim", fully_connected_dim, low=1,
                                             owner=owner)
        _check_rate_eps(owner, dropout_rate, layernorm_eps)
        _check_key_dim(owner, key_dim)
        self.dropout_rate, self.layernorm_eps, self.key_dim = dropout_rate, layernorm_eps, key_dim
        self.mha1 = MultiHeadAttention(num_heads, key_dim or embedding_dim, dropout=dropout_rate)
        self.mha2 = MultiHeadAttention(num_heads, key_dim or embedding_dim, dropout=dropout_rate)
        self.ffn = FullyConnected(embedding_dim, fully_connected_dim)
        self.layernorm1 = keras.layers.LayerNormalization(epsilon=layernorm_eps)
        self.layernorm2 = keras.layers.LayerNormalization(epsilon=layernorm_eps)
        self.layernorm3 = keras.layers.LayerNormalization(epsilon=layernorm_eps)
        self.dropout_ffn = keras.layers.Dropout(dropout_rate)

    def call(self, x, enc_output, training=None, look_ahead_mask=None, padding_mask=None):
        attn1, attn_weights_block1 = self.mha1(x, x, x, attention_mask=look_ahead_mask,
                                               return_attention_scores=True, training=training)
        q1 = self.layernorm1(attn1 + x)
        attn2, attn_weights_block2 = self.mha2(q1, enc_output, enc_output,
                                               attention_mask=padding_mask,
                                               return_attention_scores=True, training=training)
        out2 = self.layernorm2(attn2 + q1)
        ffn_output = self.dropout_ffn(self.ffn(out2), training=training)
        out3 = self.layernorm3(ffn_output + out2)  # (m, T_y, d)
        return out3, attn_weights_block1, attn_weights_block2

    def get_config(self):
        return {**super().get_config(), "embedding_dim": self.embedding_dim,
                "num_heads": self.num_heads, "fully_connected_dim": self.fully_connected_dim,
                "dropout_rate": self.dropout_rate, "layernorm_eps": self.layernorm_eps,
                "key_dim": self.key_dim}


@keras.saving.register_keras_serializable(package="tfcourse")
class Decoder(_Stack):
    """The course's decoder: embedding · √d + PE, dropout, ``num_layers`` decoder layers.

    Course 5, week 4; lesson c5w4_transformer.

    Returns ``(x, attention_weights)`` with x (m, T_y, d) and the course's dict of weights,
    keys ``decoder_layer{l}_block1_self_att`` and ``decoder_layer{l}_block2_decenc_att``
    for l = 1…num_layers.

    Args:
        num_layers, embedding_dim, num_heads, fully_connected_dim: as in :class:`DecoderLayer`.
        target_vocab_size: number of output token ids.
        maximum_position_encoding: the longest output.
        dropout_rate, layernorm_eps, key_dim: as in :class:`DecoderLayer`.

    Call arguments (the course's order): ``x`` ids (m, T_y), ``enc_output``, ``training``,
    ``look_ahead_mask``, ``padding_mask``.
    """

    _vocab_arg, _layers_attr = "target_vocab_size", "dec_layers"

    def __init__(self, num_layers, embedding_dim, num_heads, fully_connected_dim,
                 target_vocab_size, maximum_position_encoding, dropout_rate=0.1,
                 layernorm_eps=1e-6, key_dim=None, **kwargs):
        super().__init__("Decoder", DecoderLayer, num_layers, embedding_dim, num_heads,
                         fully_connected_dim, target_vocab_size, maximum_position_encoding,
                         dropout_rate, layernorm_eps, key_dim, **kwargs)

    def call(self, x, enc_output, training=None, look_ahead_mask=None, padding_mask=None):
        attention_weights = {}
        x = self._embed(x, training)
        for i, layer in enumerate(self.dec_layers):
            x, block1, block2 = layer(x, enc_output, training=training,
                                      look_ahead_mask=look_ahead_mask, padding_mask=padding_mask)
            attention_weights[f"decoder_layer{i + 1}_block1_self_att"] = block1
            attention_weights[f"decoder_layer{i + 1}_block2_decenc_att"] = block2
        return x, attention_weights


@keras.saving.register_keras_serializable(package="tfcourse")
class Transformer(_CourseCallOrder, keras.layers.Layer):
    """The course's Transformer: Encoder → Decoder → Dense(target_vocab_size, softmax).

    enc = Encoder(input_sentence, enc_padding_mask)
    dec, weights = Decoder(output_sentence, enc, look_ahead_mask, dec_padding_mask)
    probabilities = softmax(dec W + b)

    Course 5, week 4; lesson c5w4_transformer.

    The course's is a ``tf.keras.Model``; this one is a Layer (Keras 3 forbids nothing here, but
    a Layer nests in functional models — the lesson's teacher-forcing and greedy-decoding
    models share one Transformer — and saves with them). Keras has no Transformer twin.

    Args (the course's order): num_layers, embedding_dim, num_heads, fully_connected_dim,
    input_vocab_size, target_vocab_size, max_positional_encoding_input,
    max_positional_encoding_target, dropout_rate=0.1, layernorm_eps=1e-6; and key_dim (None:
    the course's ``embedding_dim``).

    Call arguments (the course's order): ``input_sentence`` (m, T_x), ``output_sentence``
    (m, T_y), ``training``, ``enc_padding_mask``, ``look_ahead_mask``, ``dec_padding_mask``
    (the mask the decoder's encoder-decoder attention applies to the encoder's positions).
    Returns ``(final_output, attention_weights)``: probabilities (m, T_y, target_vocab_size)
    and the decoder's dict of attention weights.

    Example::

        t = Transformer(2, 32, 4, 64, 40, 12, 30, 10)
        probs, weights = t(x_ids, y_ids, False, create_padding_mask(x_ids),
                           create_look_ahead_mask(10), create_padding_mask(x_ids))
    """

    def __init__(self, num_layers, embedding_dim, num_heads, fully_connected_dim,
                 input_vocab_size, target_vocab_size, max_positional_encoding_input,
                 max_positional_encoding_target, dropout_rate=0.1, layernorm_eps=1e-6,
                 key_dim=None, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("input_vocab_size", input_vocab_size),
                            ("target_vocab_size", target_vocab_size),
                            ("max_positional_encoding_input", max_positional_encoding_input),
                            ("max_positional_encoding_target", max_positional_encoding_target)):
            check_int(name, value, low=1, owner="Transformer")
        self.settings = dict(num_layers=num_layers, embedding_dim=embedding_dim,
                             num_heads=num_heads, fully_connected_dim=fully_connected_dim,
                             input_vocab_size=input_vocab_size,
                             target_vocab_size=target_vocab_size,
                             max_positional_encoding_input=max_positional_encoding_input,
                             max_positional_encoding_target=max_positional_encoding_target,
                             dropout_rate=dropout_rate, layernorm_eps=layernorm_eps,
                             key_dim=key_dim)
        self.encoder = Encoder(num_layers, embedding_dim, num_heads, fully_connected_dim,
                               input_vocab_size, max_positional_encoding_input, dropout_rate,
                               layernorm_eps, key_dim)
        self.decoder = Decoder(num_layers, embedding_dim, num_heads, fully_connected_dim,
                               target_vocab_size, max_positional_encoding_target, dropout_rate,
                               layernorm_eps, key_dim)
        self.final_layer = keras.layers.Dense(target_vocab_size, activation="softmax")

    def call(self, input_sentence, output_sentence, training=None, enc_padding_mask=None,
             look_ahead_mask=None, dec_padding_mask=None):
        enc_output = self.encoder(input_sentence, training=training,
                                  mask=enc_padding_mask)  # (m, T_x, d)
        dec_output, attention_weights = self.decoder(output_sentence, enc_output,
                                                     training=training,
                                                     look_ahead_mask=look_ahead_mask,
                                                     padding_mask=dec_padding_mask)
        return self.final_layer(dec_output), attention_weights

    def get_config(self):
        return {**super().get_config(), **self.settings}

    def build_from_config(self, config):
        # Built by its first call (two inputs; Keras's default would call build() with the
        # first input's shape only, which creates nothing): a functional model that wraps it
        # calls it while it is being loaded, and GreedyDecoder.build calls it, before the
        # weights are read.
        pass

    @classmethod
    def from_config(cls, config):
        base = {k: config[k] for k in ("name", "trainable", "dtype") if k in config}
        return cls(**{k: v for k, v in config.items() if k not in {"name", "trainable", "dtype"}},
                   **base)


def greedy_decode(transformer, input_ids, steps, start_id):
    """Translate ``input_ids`` by feeding the decoder its own argmax outputs, ``steps`` times.

    y⁽⁰⁾ = [start];  y⁽ᵗ⁾ = y⁽ᵗ⁻¹⁾ ⊕ argmax P(· | x, y⁽ᵗ⁻¹⁾)_t  (the course's inference loop).
    The fed-back ids are the argmax over the Transformer's ``target_vocab_size`` outputs (the
    course's convention: one vocabulary for the decoder's input and output); ``start_id`` is
    the start token.

    Course 5, week 4; lesson c5w4_transformer.

    Each step calls the whole ``transformer`` (the encoder is recomputed: cheap for short
    inputs, and it keeps the graph a chain of calls of one layer), so it works on tensors and on
    Keras symbolic inputs: a functional model can wrap it, and the whole loop exports as one
    SavedModel and one ``.keras`` file. Returns the probabilities (m, steps, V).
    """
    check_int("steps", steps, low=1, owner="greedy_decode")
    if not isinstance(transformer, Transformer):
        raise invalid("transformer", "a tfcourse.layers.Transformer", type(transformer).__name__,
                      "greedy_decode")
    enc_mask = create_padding_mask(input_ids)  # (m, 1, T_x)
    dec_in = ops.ones_like(ops.cast(input_ids[:, :1], "int32")) * start_id  # (m, 1)
    probs = []
    for t in range(steps):
        p, _ = transformer(input_ids, dec_in, training=False, enc_padding_mask=enc_mask,
                           look_ahead_mask=create_look_ahead_mask(t + 1),
                           dec_padding_mask=enc_mask)
        probs.append(p[:, -1:, :])  # (m, 1, V): the newest position
        nxt = ops.cast(ops.argmax(p[:, -1:, :], axis=-1), "int32")  # (m, 1)
        dec_in = ops.concatenate([dec_in, nxt], axis=1)
    return ops.concatenate(probs, axis=1)


@keras.saving.register_keras_serializable(package="tfcourse")
class GreedyDecoder(keras.layers.Layer):
    """:func:`greedy_decode` as one layer with a loop that is traced once: ids → probabilities.

    dec⁽⁰⁾ = [start, 0, …, 0];  dec⁽ᵗ⁺¹⁾[t + 1] = argmax P(· | x, dec⁽ᵗ⁾)[t]  for t < steps − 1;
    output = P(· | x, dec⁽ˢᵗᵉᵖˢ⁻¹⁾)   (m, steps, target_vocab_size)

    Course 5, week 4; lesson c5w4_transformer.

    The same numbers as :func:`greedy_decode` (the tests compare them): the decoder always reads
    a full-length input whose unwritten positions are padding, and the look-ahead mask keeps
    position t from seeing them, so each step's newest prediction is the one the growing prefix
    would give. The loop is ``keras.ops.fori_loop``, so a SavedModel holds two calls of the
    Transformer (the loop body and the last pass) rather than ``steps`` of them. No Keras twin.

    Args:
        transformer: a :class:`Transformer` (its weights are this layer's).
        steps: output length.
        start_id: the start token's id in the target vocabulary.
    """

    def __init__(self, transformer, steps, start_id, **kwargs):
        super().__init__(**kwargs)
        if isinstance(transformer, dict):  # from_config
            transformer = keras.saving.deserialize_keras_object(transformer)
        if not isinstance(transformer, Transformer):
            raise invalid("transformer", "a tfcourse.layers.Transformer",
                          type(transformer).__name__, "GreedyDecoder")
        self.transformer = transformer
        self.steps = check_int("steps", steps, low=1, owner="GreedyDecoder")
        self.start_id = check_int("start_id", start_id, low=0, owner="GreedyDecoder")

    def build(self, ids_shape):
        if not self.transformer.weights:  # e.g. when a saved model is loaded
            self.transformer(ops.zeros((1, ids_shape[1])), ops.zeros((1, self.steps)),
                             training=False)

    def call(self, input_ids):
        pad = create_padding_mask(input_ids)  # (m, 1, T_x)
        look_ahead = create_look_ahead_mask(self.steps)
        first = ops.cast(ops.equal(ops.arange(self.steps), 0), "int32")[None, :]  # (1, steps)
        dec = ops.cast(ops.zeros_like(input_ids[:, :1]), "int32") + first * self.start_id

        def probabilities(dec):
            p, _ = self.transformer(input_ids, dec, training=False, enc_padding_mask=pad,
                                    look_ahead_mask=look_ahead, dec_padding_mask=pad)
            return p  # (m, steps, V)

        def step(t, dec):
            best = ops.cast(ops.argmax(probabilities(dec), axis=-1), "int32")  # (m, steps)
            shifted = ops.concatenate([ops.zeros_like(best[:, :1]), best[:, :-1]], axis=1)
            put = ops.cast(ops.equal(ops.arange(self.steps), t + 1), "int32")[None, :]
            return dec * (1 - put) + shifted * put  # writes best[:, t] at position t + 1

        dec = ops.fori_loop(0, self.steps - 1, step, dec)
        return probabilities(dec)

    def compute_output_shape(self, ids_shape):
        return (ids_shape[0], self.steps, self.transformer.settings["target_vocab_size"])

    def get_config(self):
        return {**super().get_config(),
                "transformer": keras.saving.serialize_keras_object(self.transformer),
                "steps": self.steps, "start_id": self.start_id}
