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
============================  ================  ===========  ====================================

The function :func:`positional_encoding` (Course 5, week 4) is the table PositionalEmbedding adds.
"""
from tfcourse.layers.attention import AttentionDecoder, OneStepAttention
from tfcourse.layers.batch_norm import BatchNorm
from tfcourse.layers.dropout import InvertedDropout
from tfcourse.layers.mixed import MixedActivationDense, even_split
from tfcourse.layers.residual import ConvolutionalBlock, IdentityBlock
from tfcourse.layers.transformer import LearnedQueries, PositionalEmbedding, positional_encoding
from tfcourse.layers.yolo import YoloHead

__all__ = ["AttentionDecoder", "BatchNorm", "ConvolutionalBlock", "IdentityBlock",
           "InvertedDropout", "LearnedQueries", "MixedActivationDense", "OneStepAttention",
           "PositionalEmbedding", "YoloHead", "even_split", "positional_encoding"]
