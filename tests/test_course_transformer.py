"""The course's Transformer (tfcourse.layers.course_transformer) against its printed outputs.

The deterministic pieces (get_angles, positional_encoding, the masks, scaled_dot_product_attention)
reproduce the assignment's expected outputs on its own test inputs (its latest version: masks with
1 = keep). The layers with weights are twin-tested: MultiHeadAttention against
keras.layers.MultiHeadAttention with copied weights, EncoderLayer / DecoderLayer against the
course's composition of Keras layers with the same weights; on the course's test inputs they are
checked for shapes and mask structure, and Decoder_test's and Transformer_test's own checks
(shapes and keys only) are reproduced as they are.

The assignment's printed numbers for EncoderLayer_test, Encoder_test, Decoder_test and
Transformer_test are functions of the layers' initial weights, which its tests draw with
TF-Keras 2's default initializers after tf.keras.utils.set_random_seed(42) (the latest version:
tf.random.set_seed(10)). Keras 3's unseeded initializers draw from keras.random's SeedGenerator,
so no seed gives those weights here. The tests at the end of this file get them from TF-Keras 2
itself (tf_keras, the optional `tf-keras` extra: they skip without it): the course's layers
written in tf_keras reproduce the seed-42 figures, and our layers given those weights reproduce
its training=False figures. The latest version's (seed 10) figures did not reproduce in
tf_keras 2.21 with the layers written as below (one attempt) and are not asserted.
"""
import keras
import numpy as np
import pytest

from tfcourse.layers import (Decoder, DecoderLayer, Encoder, EncoderLayer, MultiHeadAttention,
                             Transformer, create_look_ahead_mask, create_padding_mask,
                             get_angles, greedy_decode, positional_encoding,
                             scaled_dot_product_attention)

# the course's test inputs for scaled_dot_product_attention
Q = np.array([[1, 0, 1, 1], [0, 1, 1, 1], [1, 0, 0, 1]], "float32")
K = np.array([[1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 0], [0, 0, 0, 1]], "float32")
V = np.array([[0, 0], [1, 0], [1, 0], [1, 1]], "float32")


def test_get_angles_course_checks():
    position, d = 4, 16
    result = get_angles(np.arange(position)[:, None], np.arange(d)[None, :], d)
    assert isinstance(result, np.ndarray) and result.shape == (position, d)
    assert np.sum(result[0, :]) == 0
    assert np.isclose(np.sum(result[:, 0]), position * (position - 1) / 2)
    assert np.all(result[:, 0::2] == result[:, 1::2]), "columns 2i and 2i+1 share a frequency"
    assert np.isclose(result[position - 1, d - 1], (position - 1) / np.power(10000, 14.0 / 16.0))


def test_positional_encoding_course_checks():
    position, d = 8, 16
    pe = positional_encoding(position, d)
    assert keras.ops.is_tensor(pe) and tuple(pe.shape) == (1, position, d)
    pe = np.asarray(pe)
    sin_part, cos_part = pe[:, :, 0::2], pe[:, :, 1::2]
    np.testing.assert_allclose(sin_part ** 2 + cos_part ** 2, 1.0, atol=1e-6)
    angles = get_angles(np.arange(position)[:, None], np.arange(d)[None, :], d)[:, 0::2]
    np.testing.assert_allclose(sin_part[0], np.sin(angles), atol=1e-6)
    np.testing.assert_allclose(cos_part[0], np.cos(angles), atol=1e-6)
    with pytest.raises(ValueError, match="positional_encoding: argument `d`"):
        positional_encoding(4, 0)


def test_create_padding_mask_course_output():
    x = np.array([[7, 6, 0, 0, 1], [1, 2, 3, 0, 0], [0, 0, 0, 4, 5]])
    mask = np.asarray(create_padding_mask(x))
    np.testing.assert_array_equal(mask, [[[1, 1, 0, 0, 1]], [[1, 1, 1, 0, 0]],
                                         [[0, 0, 0, 1, 1]]])
    # the course then shows softmax(x + (1 - mask) * -1e9): padded positions get weight 0
    logits = x[:, None, :].astype("float32")
    masked = np.asarray(keras.ops.softmax(logits + (1 - mask) * -1e9))
    assert np.all(masked[mask == 0] == 0)
    np.testing.assert_allclose(masked.sum(-1), 1.0, atol=1e-6)


def test_create_look_ahead_mask_course_output():
    np.testing.assert_array_equal(np.asarray(create_look_ahead_mask(3)),
                                  [[[1, 0, 0], [1, 1, 0], [1, 1, 1]]])
    with pytest.raises(ValueError, match="sequence_length"):
        create_look_ahead_mask(0)


def test_scaled_dot_product_attention_course_outputs():
    attention, weights = scaled_dot_product_attention(Q, K, V, None)
    assert keras.ops.is_tensor(weights) and tuple(weights.shape) == (3, 4)
    np.testing.assert_allclose(weights, [[0.2589478, 0.42693272, 0.15705977, 0.15705977],
                                         [0.2772748, 0.2772748, 0.2772748, 0.16817567],
                                         [0.33620113, 0.33620113, 0.12368149, 0.2039163]],
                               atol=1e-6)
    np.testing.assert_allclose(attention, [[0.74105227, 0.15705977], [0.7227253, 0.16817567],
                                           [0.6637989, 0.2039163]], atol=1e-6)
    mask = np.array([[[1, 1, 0, 1], [1, 1, 0, 1], [1, 1, 0, 1]]])
    attention, weights = scaled_dot_product_attention(Q, K, V, mask)
    np.testing.assert_allclose(weights[0], [[0.30719590187072754, 0.5064803957939148, 0.0,
                                             0.18632373213768005],
                                            [0.3836517333984375, 0.3836517333984375, 0.0,
                                             0.2326965481042862],
                                            [0.3836517333984375, 0.3836517333984375, 0.0,
                                             0.2326965481042862]], atol=1e-6)
    np.testing.assert_allclose(attention[0], [[0.6928040981292725, 0.18632373213768005],
                                              [0.6163482666015625, 0.2326965481042862],
                                              [0.6163482666015625, 0.2326965481042862]],
                               atol=1e-6)


def _keras_twin(num_heads, key_dim, query, value, dropout=0.0):
    ours = MultiHeadAttention(num_heads, key_dim, dropout=dropout)
    ref = keras.layers.MultiHeadAttention(num_heads, key_dim, dropout=dropout)
    ref(query, value)
    ours(query, value)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in ref.get_weights()]
    ours.set_weights(ref.get_weights())
    return ours, ref


def test_multi_head_attention_equals_keras_with_copied_weights():
    rng = np.random.default_rng(0)
    query = rng.normal(size=(2, 4, 5)).astype("float32")
    value = rng.normal(size=(2, 6, 5)).astype("float32")
    ours, ref = _keras_twin(3, 2, query, value, dropout=0.3)
    mask = np.ones((2, 1, 6), "float32")
    mask[0, 0, 4:] = 0  # padding in the first example
    for m in (None, mask):
        out, scores = ours(query, value, attention_mask=m, return_attention_scores=True,
                           training=False)
        want, want_scores = ref(query, value, attention_mask=None if m is None else m > 0,
                                return_attention_scores=True, training=False)
        np.testing.assert_allclose(out, want, atol=1e-5)
        np.testing.assert_allclose(scores, want_scores, atol=1e-6)
    assert np.all(np.asarray(scores)[0, :, :, 4:] == 0), "padded keys get no weight"
    # a look-ahead mask (1, T, T) broadcasts over batch and heads, as in Keras
    x = query
    la = create_look_ahead_mask(4)
    ours, ref = _keras_twin(2, 3, x, x)
    np.testing.assert_allclose(ours(x, x, x, attention_mask=la),
                               ref(x, x, x, attention_mask=np.asarray(la) > 0), atol=1e-5)


def test_multi_head_attention_dropout_and_config():
    x = np.random.default_rng(1).normal(size=(2, 3, 4)).astype("float32")
    layer = MultiHeadAttention(2, 4, dropout=0.5)
    a = np.asarray(layer(x, x, training=False))
    b = np.asarray(layer(x, x, training=True))
    assert not np.allclose(a, b), "dropout on the attention weights acts in training only"
    np.testing.assert_allclose(layer(x, x, training=False), a)
    clone = MultiHeadAttention.from_config(layer.get_config())
    clone(x, x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x, x), a, atol=1e-6)
    with pytest.raises(ValueError, match="MultiHeadAttention: argument `dropout`"):
        MultiHeadAttention(2, 4, dropout=1.0)


def _keras_encoder_layer(layer, x, mask):
    """The course's EncoderLayer written with Keras's MHA, with ``layer``'s weights."""
    mha = keras.layers.MultiHeadAttention(layer.num_heads, layer.embedding_dim)
    mha(x, x, x)
    mha.set_weights(layer.mha.get_weights())
    ln1, ln2 = (keras.layers.LayerNormalization(epsilon=layer.layernorm_eps) for _ in range(2))
    ln1.build(x.shape), ln2.build(x.shape)
    ln1.set_weights(layer.layernorm1.get_weights())
    ln2.set_weights(layer.layernorm2.get_weights())
    out1 = ln1(x + mha(x, x, x, attention_mask=None if mask is None else np.asarray(mask) > 0))
    return ln2(out1 + layer.ffn(out1))


def test_encoder_layer_course_test_inputs_and_keras_twin():
    q = Q[None]  # the course's EncoderLayer_test input (1, 3, 4)
    keras.utils.set_random_seed(42)
    layer = EncoderLayer(4, 2, 8)
    encoded = layer(q, True, np.array([[1, 0, 1]]))  # the course's call, positional training
    assert keras.ops.is_tensor(encoded) and tuple(encoded.shape) == (1, 3, 4)
    np.testing.assert_allclose(np.asarray(encoded).mean(-1), 0, atol=1e-5)  # LayerNorm output
    for mask in (np.array([[1, 1, 0]]), None):
        got = layer(q, False, mask)
        np.testing.assert_allclose(got, _keras_encoder_layer(layer, q, mask), atol=1e-5)
    clone = EncoderLayer.from_config(layer.get_config())
    clone(q, training=False)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(q, training=False), layer(q, training=False), atol=1e-6)
    with pytest.raises(ValueError, match="EncoderLayer: argument `embedding_dim`"):
        EncoderLayer(0, 2, 8)
    with pytest.raises(ValueError, match="EncoderLayer: argument `dropout_rate`"):
        EncoderLayer(4, 2, 8, dropout_rate=1.0)


def test_encoder_course_test_inputs():
    keras.utils.set_random_seed(42)
    enc = Encoder(num_layers=2, embedding_dim=4, num_heads=2, fully_connected_dim=8,
                  input_vocab_size=32, maximum_position_encoding=5)
    x = np.array([[2, 1, 3], [1, 2, 0]])
    out = enc(x, True, None)
    assert tuple(out.shape) == (2, 3, 4)
    mask = np.array([[[[1., 1., 1.]]], [[[1., 1., 0.]]]])
    a = np.asarray(enc(x, False, mask))
    # masking the padded id 0 makes the second example independent of what sits there
    b = np.asarray(enc(np.array([[2, 1, 3], [1, 2, 7]]), False, mask))
    np.testing.assert_allclose(a[1, :2], b[1, :2], atol=1e-5)
    np.testing.assert_allclose(a[0], b[0], atol=1e-6)
    # the layer stack is Embedding·√d + PE, then the encoder layers
    emb = np.asarray(enc.embedding(x)) * 2.0 + np.asarray(positional_encoding(5, 4))[:, :3]
    for layer in enc.enc_layers:
        emb = layer(emb, False, mask)
    np.testing.assert_allclose(a, emb, atol=1e-5)
    assert Encoder.from_config(enc.get_config()).get_config()["maximum_position_encoding"] == 5


def _keras_decoder_layer(layer, x, enc, la, pad):
    mhas = []
    for ours, src in ((layer.mha1, x), (layer.mha2, enc)):
        mha = keras.layers.MultiHeadAttention(layer.num_heads, layer.embedding_dim)
        mha(x, src, src)
        mha.set_weights(ours.get_weights())
        mhas.append(mha)
    lns = []
    for ours in (layer.layernorm1, layer.layernorm2, layer.layernorm3):
        ln = keras.layers.LayerNormalization(epsilon=layer.layernorm_eps)
        ln.build(x.shape)
        ln.set_weights(ours.get_weights())
        lns.append(ln)
    q1 = lns[0](x + mhas[0](x, x, x, attention_mask=np.asarray(la) > 0))
    out2 = lns[1](q1 + mhas[1](q1, enc, enc,
                               attention_mask=None if pad is None else np.asarray(pad) > 0))
    return lns[2](out2 + layer.ffn(out2))


ENC_OUT = np.array([[[-0.40172306, 0.11519244, -1.2322885, 1.5188192],
                     [0.4017268, 0.33922842, -1.6836855, 0.9427304],
                     [0.4685002, -1.6252842, 0.09368491, 1.063099]]], "float32")


ENC_OUT_2 = np.array([[[-0.3489219, 0.31335592, -1.3568854, 1.3924513],
                       [-0.08761203, -0.1680029, -1.2742313, 1.5298463],
                       [0.2627198, -1.6140151, 0.2212624, 1.130033]]], "float32")


def test_decoder_layer_course_test_inputs_and_keras_twin():
    keras.utils.set_random_seed(42)
    layer = DecoderLayer(embedding_dim=4, num_heads=8, fully_connected_dim=32, dropout_rate=0.1,
                         layernorm_eps=1e-6)
    q = Q[None]
    la = create_look_ahead_mask(3)
    out, w1, w2 = layer(q, ENC_OUT, True, la, None)
    assert tuple(w1.shape) == tuple(w2.shape) == (1, 8, 3, 3) and tuple(out.shape) == q.shape
    assert np.all(np.asarray(w1)[0, :, 1, 2] == 0), "position 1 cannot see position 2"
    np.testing.assert_allclose(np.asarray(w1).sum(-1), 1.0, atol=1e-5)
    pad = np.array([[[1, 1, 0]]])
    out, w1, w2 = layer(q, ENC_OUT, False, la, pad)
    assert np.all(np.asarray(w2)[..., 2] == 0), "the padded encoder position gets no weight"
    np.testing.assert_allclose(out, _keras_decoder_layer(layer, q, ENC_OUT, la, pad), atol=1e-5)
    clone = DecoderLayer.from_config(layer.get_config())
    assert clone.get_config()["fully_connected_dim"] == 32


def test_decoder_course_test_inputs():
    keras.utils.set_random_seed(42)
    num_layers, num_heads = 7, 3
    dec = Decoder(num_layers, 4, num_heads, 8, 33, 6)
    x = np.array([[3, 2, 1], [2, 1, 0]])
    enc = np.concatenate([ENC_OUT, ENC_OUT_2])  # the course's Decoder_test encoder output
    out, weights = dec(x, enc, False, create_look_ahead_mask(3), None)
    assert tuple(out.shape) == enc.shape
    keys = list(weights)
    assert len(keys) == 2 * num_layers
    assert keys[:2] == ["decoder_layer1_block1_self_att", "decoder_layer1_block2_decenc_att"]
    assert tuple(weights[keys[1]].shape) == (2, num_heads, 3, 3)
    first = np.asarray(weights[keys[0]])[0, 0, 1]  # the course prints [0.4848, 0.5152, 0.]
    assert first[2] == 0 and np.isclose(first.sum(), 1.0, atol=1e-6)
    out_t, _ = dec(x, enc, True, create_look_ahead_mask(3), create_padding_mask(x))
    assert not np.allclose(out_t, out), "dropout acts with training=True"


def test_transformer_course_test_inputs_save_and_greedy_decode(tmp_path):
    keras.utils.set_random_seed(42)
    num_layers, num_heads, target_vocab_size = 6, 4, 35
    trans = Transformer(num_layers, 4, num_heads, 8, 30, target_vocab_size, 5, 6)
    a = np.array([[2, 1, 4, 3, 0]])
    b = np.array([[3, 2, 1, 0, 0]])
    enc_mask, dec_mask = create_padding_mask(a), create_padding_mask(b)
    la = create_look_ahead_mask(a.shape[1])
    translation, weights = trans(a, b, True, enc_mask, la, dec_mask)
    assert tuple(translation.shape) == (1, 5, target_vocab_size)
    np.testing.assert_allclose(np.asarray(translation).sum(-1), 1.0, atol=1e-5)
    keys = list(weights)
    assert len(keys) == 2 * num_layers
    assert tuple(weights[keys[1]].shape) == (1, num_heads, 5, 5)
    first = np.asarray(weights[keys[0]])[0, 0, 1]  # the course: [0.4752, 0.5248, 0, 0, 0]
    assert np.all(first[2:] == 0) and np.isclose(first.sum(), 1.0, atol=1e-6)
    assert np.all(np.asarray(weights[keys[1]])[..., 3:] == 0), "dec_padding_mask hides 3, 4"
    infer, _ = trans(a, b, False, enc_mask, la, dec_mask)
    np.testing.assert_allclose(trans(a, b, False, enc_mask, la, dec_mask)[0], infer)

    # greedy decoding inside a functional model: one input, one output, saved and reloaded
    # (a one-layer Transformer keeps the save/load quick)
    trans = Transformer(1, 4, 2, 8, 30, target_vocab_size, 5, 6)
    ids = keras.Input((5,), dtype="float32")
    model = keras.Model(ids, greedy_decode(trans, ids, 3, start_id=34))
    x = a.astype("float32")
    probs = np.asarray(model(x))
    assert probs.shape == (1, 3, target_vocab_size)
    step0, _ = trans(a, np.array([[34]]), False, enc_mask, create_look_ahead_mask(1), enc_mask)
    np.testing.assert_allclose(probs[:, 0], np.asarray(step0)[:, 0], atol=1e-5)
    model.save(tmp_path / "t.keras")
    loaded = keras.saving.load_model(tmp_path / "t.keras")
    np.testing.assert_allclose(loaded(x), probs, atol=1e-6)
    with pytest.raises(ValueError, match="Transformer: argument `target_vocab_size`"):
        Transformer(1, 4, 2, 8, 30, 0, 5, 6)


def test_greedy_decoder_layer_equals_the_growing_prefix_loop(tmp_path):
    from tfcourse.layers import GreedyDecoder

    keras.utils.set_random_seed(3)
    trans = Transformer(1, 8, 2, 8, 12, 7, 6, 4)
    x = np.array([[3, 1, 4, 1, 5, 0], [2, 7, 1, 8, 0, 0]], "float32")
    want = np.asarray(greedy_decode(trans, x, 4, start_id=6))
    ids = keras.Input((6,), dtype="float32")
    model = keras.Model(ids, GreedyDecoder(trans, 4, 6)(ids))
    np.testing.assert_allclose(model.predict(x, verbose=0), want, atol=1e-5)
    model.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), want, atol=1e-5)
    with pytest.raises(ValueError, match="GreedyDecoder: argument `steps`"):
        GreedyDecoder(trans, 0, 6)


# -- the course's printed figures, with the weights TF-Keras 2 draws ------------------------------
# The assignment's seed-42 version of EncoderLayer_test and Encoder_test. Its figures come from
# TF-Keras 2's initializers; with the tf_keras package (the TF-Keras 2 of this TensorFlow; an
# optional test dependency, the `tf-keras` extra) the course's own layers, written below in
# tf_keras as the assignment writes them, draw those weights again under the same seed and call
# order and reproduce its training=True figures. Copied into our Keras 3 layers, the same weights
# give the course's training=False figures. (The training=True figures also depend on TF-Keras
# 2's dropout masks, which a Keras 3 layer does not draw, so for ours only training=False is
# comparable.)
COURSE_ENCODER_LAYER_TRAIN = [[0.50068265, -1.7271469, 0.52905715, 0.69740695],
                              [-1.2686021, 0.0331768, -0.2840655, 1.519491],
                              [0.88460815, -1.4898368, -0.33562618, 0.94085467]]
COURSE_ENCODER_LAYER_INFER = [[0.19307354, -1.685749, 0.6874707, 0.80520487],
                              [-1.4838818, 0.04238091, 0.105391, 1.33611],
                              [0.7177963, -1.5438266, -0.20350842, 1.0295385]]
COURSE_ENCODER_CASE1 = [[[-0.7971118, 0.85400605, -1.1759804, 1.1190861],
                         [-0.64581424, -0.25346905, -0.7982203, 1.6975037],
                         [0.2252863, -1.2023212, 1.4950882, -0.5180533]],
                        [[-1.3417134, 1.479414, -0.09762204, -0.04007855],
                         [-1.6554903, 1.0217665, 0.40211105, 0.23161274],
                         [0.06369102, -1.0942822, 1.580056, -0.5494647]]]
COURSE_ENCODER_CASE3 = [[[-1.3025213, 1.3020152, -0.55119544, 0.55170155],
                         [0.03750244, -1.5926285, 1.1331725, 0.4219535],
                         [0.07615094, -1.2685362, 1.5111033, -0.31871796]],
                        [[-1.3577062, 1.4475601, -0.21398903, 0.12413511],
                         [0.31797162, -1.7108289, 0.72747874, 0.66537863],
                         [0.17300025, -1.3473498, 1.4430861, -0.26873654]]]


def _course_layers_in_tf_keras():
    K = pytest.importorskip("tf_keras")
    tf = pytest.importorskip("tensorflow")

    class CourseEncoderLayer(K.layers.Layer):
        def __init__(self, embedding_dim, num_heads, fully_connected_dim, dropout_rate=0.1,
                     layernorm_eps=1e-6):
            super().__init__()
            self.mha = K.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embedding_dim,
                                                   dropout=dropout_rate)
            self.ffn = K.Sequential([K.layers.Dense(fully_connected_dim, activation="relu"),
                                     K.layers.Dense(embedding_dim)])
            self.layernorm1 = K.layers.LayerNormalization(epsilon=layernorm_eps)
            self.layernorm2 = K.layers.LayerNormalization(epsilon=layernorm_eps)
            self.dropout_ffn = K.layers.Dropout(dropout_rate)

        def call(self, x, training, mask):
            skip = self.layernorm1(x + self.mha(x, x, x, mask))
            return self.layernorm2(skip + self.dropout_ffn(self.ffn(skip), training=training))

    class CourseDecoderLayer(K.layers.Layer):
        def __init__(self, embedding_dim, num_heads, fully_connected_dim, dropout_rate=0.1,
                     layernorm_eps=1e-6):
            super().__init__()
            self.mha1 = K.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embedding_dim,
                                                    dropout=dropout_rate)
            self.mha2 = K.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embedding_dim,
                                                    dropout=dropout_rate)
            self.ffn = K.Sequential([K.layers.Dense(fully_connected_dim, activation="relu"),
                                     K.layers.Dense(embedding_dim)])
            self.layernorm1 = K.layers.LayerNormalization(epsilon=layernorm_eps)
            self.layernorm2 = K.layers.LayerNormalization(epsilon=layernorm_eps)
            self.layernorm3 = K.layers.LayerNormalization(epsilon=layernorm_eps)
            self.dropout_ffn = K.layers.Dropout(dropout_rate)

        def call(self, x, enc_output, training, look_ahead_mask, padding_mask):
            a1, w1 = self.mha1(x, x, x, look_ahead_mask, return_attention_scores=True)
            q1 = self.layernorm1(a1 + x)
            a2, w2 = self.mha2(q1, enc_output, enc_output, padding_mask,
                               return_attention_scores=True)
            out2 = self.layernorm2(a2 + q1)
            return (self.layernorm3(self.dropout_ffn(self.ffn(out2), training=training) + out2),
                    w1, w2)

    class CourseStack(K.layers.Layer):
        """What the course's Encoder and Decoder share: embedding × √d, positional encoding,
        dropout, and num_layers layers (created in the course's order, so that
        set_random_seed(42) draws its weights)."""

        def __init__(self, layer, num_layers, embedding_dim, num_heads, fully_connected_dim,
                     vocab_size, maximum_position_encoding, dropout_rate=0.1,
                     layernorm_eps=1e-6):
            super().__init__()
            self.embedding_dim = embedding_dim
            self.embedding = K.layers.Embedding(vocab_size, embedding_dim)
            self.pos_encoding = np.asarray(positional_encoding(maximum_position_encoding,
                                                               embedding_dim))
            self.stack = [layer(embedding_dim, num_heads, fully_connected_dim, dropout_rate,
                                layernorm_eps) for _ in range(num_layers)]
            self.dropout = K.layers.Dropout(dropout_rate)

        def embed(self, x, training):
            seq_len = tf.shape(x)[1]
            x = self.embedding(x) * tf.math.sqrt(tf.cast(self.embedding_dim, tf.float32))
            return self.dropout(x + self.pos_encoding[:, :seq_len, :], training=training)

    class CourseEncoder(CourseStack):
        def __init__(self, *args, **kwargs):
            super().__init__(CourseEncoderLayer, *args, **kwargs)

        def call(self, x, training, mask):
            x = self.embed(x, training)
            for layer in self.stack:
                x = layer(x, training, mask)
            return x

    class CourseDecoder(CourseStack):
        def __init__(self, *args, **kwargs):
            super().__init__(CourseDecoderLayer, *args, **kwargs)

        def call(self, x, enc_output, training, look_ahead_mask, padding_mask):
            x = self.embed(x, training)
            weights = {}
            for i, layer in enumerate(self.stack):
                x, b1, b2 = layer(x, enc_output, training, look_ahead_mask, padding_mask)
                weights[f"decoder_layer{i + 1}_block1_self_att"] = b1
                weights[f"decoder_layer{i + 1}_block2_decenc_att"] = b2
            return x, weights

    return K, CourseEncoderLayer, CourseEncoder, CourseDecoder


def test_encoder_layer_reproduces_the_course_figures_with_its_weights():
    K, CourseEncoderLayer, _, _ = _course_layers_in_tf_keras()
    q = Q[None]
    K.utils.set_random_seed(42)  # the course's EncoderLayer_test, step by step
    course = CourseEncoderLayer(4, 2, 8)
    np.testing.assert_allclose(course(q, True, np.array([[1, 0, 1]])),
                               [COURSE_ENCODER_LAYER_TRAIN], atol=1e-5)
    ours = EncoderLayer(4, 2, 8)
    ours(q, training=False)
    ours.set_weights([w.numpy() for w in course.weights])  # the same layout, in order
    np.testing.assert_allclose(ours(q, False, np.array([[1, 1, 0]])),
                               [COURSE_ENCODER_LAYER_INFER], atol=1e-5)


def test_encoder_reproduces_the_course_figures_with_its_weights():
    K, _, CourseEncoder, _ = _course_layers_in_tf_keras()
    x = np.array([[2, 1, 3], [1, 2, 0]])
    mask = np.array([[[[1., 1., 1.]]], [[[1., 1., 0.]]]])
    K.utils.set_random_seed(42)  # the course's Encoder_test, step by step
    course = CourseEncoder(2, 4, 2, 8, 32, 5)
    np.testing.assert_allclose(course(x, True, None), COURSE_ENCODER_CASE1, atol=1e-5)
    ours = Encoder(2, 4, 2, 8, 32, 5)
    ours(x, training=False)
    ours.set_weights([w.numpy() for w in course.weights])
    np.testing.assert_allclose(ours(x, False, mask), COURSE_ENCODER_CASE3, atol=1e-5)


def test_decoder_reproduces_the_course_figures_with_its_weights():
    K, _, _, CourseDecoder = _course_layers_in_tf_keras()
    x = np.array([[3, 2, 1], [2, 1, 0]])
    enc = np.concatenate([ENC_OUT, ENC_OUT_2])
    la = create_look_ahead_mask(3)
    K.utils.set_random_seed(42)  # the course's Decoder_test, step by step
    course = CourseDecoder(7, 4, 3, 8, 33, 6)
    out, weights = course(x, enc, False, la, None)
    np.testing.assert_allclose(out[1, 1], [1.6465435, -1.0554001, -0.2834093, -0.30773413],
                               atol=1e-5)
    out, _ = course(x, enc, True, la, None)
    np.testing.assert_allclose(out[1, 1], [1.2481778, -1.5399985, 0.2639646, 0.02785601],
                               atol=1e-5)
    ours = Decoder(7, 4, 3, 8, 33, 6)
    ours(x, enc, training=False, look_ahead_mask=la)
    ours.set_weights([w.numpy() for w in course.weights])
    out, weights = ours(x, enc, False, la, None)
    np.testing.assert_allclose(out[1, 1], [1.6465435, -1.0554001, -0.2834093, -0.30773413],
                               atol=1e-5)
    np.testing.assert_allclose(weights["decoder_layer1_block1_self_att"][0, 0, 1],
                               [0.48481178, 0.5151882, 0.], atol=1e-5)


def test_transformer_reproduces_the_course_figures_with_its_weights():
    K, _, CourseEncoder, CourseDecoder = _course_layers_in_tf_keras()

    class CourseTransformer(K.Model):
        def __init__(self, num_layers, embedding_dim, num_heads, fully_connected_dim,
                     input_vocab_size, target_vocab_size, max_positional_encoding_input,
                     max_positional_encoding_target, dropout_rate=0.1, layernorm_eps=1e-6):
            super().__init__()
            self.encoder = CourseEncoder(num_layers, embedding_dim, num_heads,
                                         fully_connected_dim, input_vocab_size,
                                         max_positional_encoding_input, dropout_rate,
                                         layernorm_eps)
            self.decoder = CourseDecoder(num_layers, embedding_dim, num_heads,
                                         fully_connected_dim, target_vocab_size,
                                         max_positional_encoding_target, dropout_rate,
                                         layernorm_eps)
            self.final_layer = K.layers.Dense(target_vocab_size, activation="softmax")

        def call(self, a, b, training, enc_mask, la, dec_mask):
            enc = self.encoder(a, training, enc_mask)
            dec, weights = self.decoder(b, enc, training, la, dec_mask)
            return self.final_layer(dec), weights

    a, b = np.array([[2, 1, 4, 3, 0]]), np.array([[3, 2, 1, 0, 0]])
    masks = create_padding_mask(a), create_look_ahead_mask(5), create_padding_mask(b)
    masks = [np.asarray(m) for m in masks]
    K.utils.set_random_seed(42)  # the course's Transformer_test, step by step
    course = CourseTransformer(6, 4, 4, 8, 30, 35, 5, 6)
    probs, _ = course(a, b, True, *masks)
    np.testing.assert_allclose(probs[0, 0, :8], [0.01598642, 0.03246542, 0.02865042, 0.03237151,
                                                  0.0384616, 0.01717172, 0.01019837, 0.02168636],
                               atol=1e-5)
    want = [0.042736, 0.02721556, 0.0233324, 0.03952922, 0.02491077, 0.01355808, 0.0224883,
            0.01778231]  # the course's training=False figure
    np.testing.assert_allclose(course(a, b, False, *masks)[0][0, 0, :8], want, atol=1e-5)
    ours = Transformer(6, 4, 4, 8, 30, 35, 5, 6)
    ours(a, b, False, *masks)
    ours.set_weights([w.numpy() for w in course.weights])
    np.testing.assert_allclose(ours(a, b, False, *masks)[0][0, 0, :8], want, atol=1e-5)
