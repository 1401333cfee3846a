"""tfcourse: the Deep Learning Specialization as a working Keras 3 / TensorFlow package.

``import tfcourse`` registers every serializable component (layers, losses, optimizers,
regularizers, initializers, learning-rate schedules) with Keras, so a ``.keras`` file saved by a
lesson loads with ``keras.saving.load_model`` after that one import. The listing of lessons
(``python -m lessons``) does not import this package and stays instant.

Course map (course, week -> library module -> lesson):

========  ===========================================  =========================================
Week      Library                                      Lessons
========  ===========================================  =========================================
C1 W1     ``data.houses``                              ``c1w1_house_prices``
C1 W2     ``metrics``, ``training``,                   ``c1w2_logistic_regression``,
          ``vectorization``                            ``c1w2_vectorization``
C1 W3     ``data.planar``,                             ``c1w3_planar_data``
          ``layers.MixedActivationDense``
C1 W4     ``data.digits``, ``data.images``             ``c1w4_deep_network``
C2 W1     ``initializers``, ``regularizers``,          ``c2w1_initialization``,
          ``layers.InvertedDropout``, ``gradcheck``    ``c2w1_regularization``,
                                                       ``c2w1_gradient_checking``
C2 W2     ``optimizers``, ``schedules``, ``ewma``,     ``c2w2_optimization``,
          ``callbacks``,                               ``c2w2_adaptive_step_size``
          ``optimizers.BarzilaiBorwein``
C2 W3     ``layers.BatchNorm``, ``tuning``             ``c2w3_batch_norm``, ``c2w3_softmax``,
                                                       ``c2w3_hyperparameter_search``
C3 W1     ``strategy`` (metrics, splits, diagnosis),   ``c3w1_bias_variance``
          ``callbacks.BiasVarianceReport``
C3 W2     ``strategy`` (error analysis), ``losses``,   ``c3w2_error_analysis``,
          ``transfer``, ``data.strips``                ``c3w2_data_mismatch``,
                                                       ``c3w2_transfer_learning``,
                                                       ``c3w2_multitask``,
                                                       ``c3w2_end_to_end``
C4 W1     ``convolution``; ``scratch.cnn`` (NumPy,     ``c4w1_convolution``
          the course's forward and backward passes)
C4 W2     ``layers`` (residual blocks), ``resnet``,    ``c4w2_residual_networks``
          ``transfer``
C4 W3     ``detection``, ``segmentation``,             ``c4w3_object_detection``,
          ``layers.YoloHead``, ``losses.YoloLoss``,    ``c4w3_image_segmentation``
          ``data.scenes``
C4 W4     ``faces``, ``data.faces``, ``style``,        ``c4w4_face_recognition``,
          ``data.style_images``                        ``c4w4_neural_style_transfer``
C5 W1     ``sequence``, ``data.names``;                ``c5w1_rnn``, ``c5w1_time_series``,
          ``scratch.rnn``, ``scratch.dinosaurs``       ``c5w1_jazz``
          (NumPy: the course's backward passes,
          clip and sample); ``music``, ``data.music``
          (the Jazz generator; extra ``[music]``)
C5 W2     ``embeddings``, ``data.glove``,              ``c5w2_word_vectors``, ``c5w2_emojify``
          ``data.emojify``, ``data.analogies``
C5 W3     ``layers`` (attention), ``data.dates``       ``c5w3_attention``
C5 W3     ``trigger_word``, ``data.speech``            ``c5w3_trigger_word``
C5 W4     ``layers`` (the course's Transformer,        ``c5w4_transformer``
          ``course_transformer``)
C1 W2-4   ``scratch`` (``basics``, ``logistic``,       ``c1w2_logistic_regression``,
          ``planar``, ``deep``): the course's NumPy    ``c1w3_planar_data``,
          code, twin-tested against Keras              ``c1w4_deep_network``
C2 W1-2   ``scratch`` (``initialization``,             ``c2w1_initialization``,
          ``regularization``, ``gradient_checking``,   ``c2w1_regularization``,
          ``optimization``, ``three_layer``)           ``c2w1_gradient_checking``,
                                                       ``c2w2_optimization``
========  ===========================================  =========================================

Shared machinery: ``lesson`` (flags, output folder, seeding, results, export), ``plots`` (every
figure), ``export`` (SavedModel and ``.keras``), ``checks`` (argument validation), ``device``.
"""
import importlib
import os
import sys

# TensorFlow's C++ start-up chatter (CPU feature flags, "no CUDA drivers") buries the lessons'
# output; a user who sets the variable keeps their own level.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# XLA executables kept on disk: a lesson run again loads its compiled trainings instead of
# compiling them again (see tfcourse.compile_cache; TFCOURSE_XLA_CACHE=off turns it off).
from tfcourse import compile_cache as _compile_cache  # noqa: E402

_compile_cache.enable()

__version__ = "0.1.0"

# The modules whose classes are registered with ``keras.saving.register_keras_serializable``.
COMPONENT_MODULES = ("layers", "losses", "optimizers", "regularizers", "initializers",
                     "schedules")


def import_tensorflow_quietly():
    """Import TensorFlow with the process's stderr muted for the duration of the import.

    Some of TensorFlow's start-up lines ("Could not find cuda drivers ...") are written by its
    C++ logging before ``TF_CPP_MIN_LOG_LEVEL`` is read. Muting file descriptor 2 while the
    import runs keeps a lesson's stderr for what the user must read, such as the one-line error
    for a bad flag. An import that fails still raises its Python exception after stderr is back.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    return tensorflow


def _register_components():
    """Import the component modules, so that Keras can deserialize every tfcourse class."""
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow":
        try:
            import_tensorflow_quietly()
        except ImportError:  # Keras reports a missing backend itself, with its own message
            pass
    for name in COMPONENT_MODULES:
        importlib.import_module(f"{__name__}.{name}")


# TFCOURSE_NUMPY_ONLY=1: the package without TensorFlow and Keras, for the helper processes that
# run the course's NumPy code (tfcourse.background); nothing Keras-based is usable there.
if os.environ.get("TFCOURSE_NUMPY_ONLY") != "1":
    _register_components()
