"""Every Keras layer of the course, reimplemented from its formulas (Courses 2, 4 and 5).

Each layer is a ``keras.layers.Layer`` registered as serializable (``tfcourse>ClassName``), so a
``.keras`` file that uses it loads once this package is imported. The tests check each one
against its Keras twin, or against the course's composition of Keras layers where Keras has none.

============================  ================  ===========  ====================================
layer                         course            module       Keras twin
============================  ================  ===========  ====================================
:class:`InvertedDropout`      Course 2, week 1  dropout      ``keras.layers.Dropout``
:class:`BatchNorm`            Course 2, week 3  batch_norm   ``keras.layers.BatchNormalization``
:class:`IdentityBlock`        Course 4, week 2  residual     none: the course's Conv2D, BN, ReLU
:class:`ConvolutionalBlock`   Course 4, week 2  residual     none: as above, 1×1 conv shortcut
:class:`OneStepAttention`     Course 5, week 3  attention    none: the course's Dense/softmax/Dot
:class:`AttentionDecoder`     Course 5, week 3  attention    none: the course's ``modelf`` loop
:class:`PositionalEmbedding`  Course 5, week 4  transformer  none: ``Embedding`` + sinusoids
:class:`LearnedQueries`       Course 5, week 4  transformer  none: a learned weight, broadcast
:class:`MixedActivationDense` Course 1, week 3  mixed        ``Dense`` + an activation per slice
:class:`YoloHead`             Course 4, week 3  yolo         none: the course's ``yolo_head``
:class:`MultiHeadAttention`   Course 5, week 4  course_tr…   ``keras.layers.MultiHeadAttention``
:class:`EncoderLayer`         Course 5, week 4  course_tr…   none: Keras's MHA, Dense, LayerNorm
:class:`Encoder`              Course 5, week 4  course_tr…   none: Embedding + PE + EncoderLayers
:class:`DecoderLayer`         Course 5, week 4  course_tr…   none: Keras's MHA, Dense, LayerNorm
:class:`Decoder`              Course 5, week 4  course_tr…   none: Embedding + PE + DecoderLayers
:class:`Transformer`          Course 5, week 4  course_tr…   none: Encoder + Decoder + Dense
:class:`GreedyDecoder`        Course 5, week 4  course_tr…   none: the course's decoding loop
============================  ================  ===========  ====================================

``course_tr…`` is :mod:`tfcourse.layers.course_transformer`, the course's Transformer piece by
piece; its functions :func:`get_angles`, :func:`positional_encoding` (the (1, positions, d)
table PositionalEmbedding adds too), :func:`scaled_dot_product_attention`,
:func:`create_padding_mask`, :func:`create_look_ahead_mask`, :func:`FullyConnected` and
:func:`greedy_decode` are exported here as well (Course 5, week 4).
"""
from tfcourse.layers.attention import AttentionDecoder, OneStepAttention
from tfcourse.layers.batch_norm import BatchNorm
from tfcourse.layers.dropout import InvertedDropout
from tfcourse.layers.mixed import MixedActivationDense, even_split
from tfcourse.layers.residual import ConvolutionalBlock, IdentityBlock
from tfcourse.layers.course_transformer import (Decoder, DecoderLayer, Encoder, EncoderLayer,
                                                FullyConnected, GreedyDecoder, MultiHeadAttention,
                                                Transformer,
                                                create_look_ahead_mask, create_padding_mask,
                                                get_angles, greedy_decode, positional_encoding,
                                                scaled_dot_product_attention)
from tfcourse.layers.transformer import LearnedQueries, PositionalEmbedding
from tfcourse.layers.yolo import YoloHead

__all__ = ["AttentionDecoder", "BatchNorm", "ConvolutionalBlock", "IdentityBlock",
           "InvertedDropout", "LearnedQueries", "MixedActivationDense", "OneStepAttention",
           "PositionalEmbedding", "YoloHead", "even_split", "positional_encoding",
           # the course's Transformer (course_transformer)
           "Decoder", "DecoderLayer", "Encoder", "EncoderLayer", "FullyConnected", "GreedyDecoder",
           "MultiHeadAttention", "Transformer", "create_look_ahead_mask", "create_padding_mask",
           "get_angles", "greedy_decode", "scaled_dot_product_attention"]
