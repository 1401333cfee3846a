"""Old import paths of moved components keep working for one release, with a DeprecationWarning,
and return the very object of the new home; registered names (saved .keras files) are unchanged."""
import importlib
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

MOVED = [  # (old module, name, new module)
    ("tfcourse.sequence", "OneStepAttention", "tfcourse.layers"),
    ("tfcourse.sequence", "AttentionDecoder", "tfcourse.layers"),
    ("tfcourse.sequence", "PositionalEmbedding", "tfcourse.layers"),
    ("tfcourse.sequence", "LearnedQueries", "tfcourse.layers"),
    ("tfcourse.sequence", "positional_encoding", "tfcourse.layers"),
    ("tfcourse.resnet", "IdentityBlock", "tfcourse.layers"),
    ("tfcourse.resnet", "ConvolutionalBlock", "tfcourse.layers"),
    ("tfcourse.strategy", "MaskedBinaryCrossentropy", "tfcourse.losses"),
    ("tfcourse.strategy", "masked_accuracy", "tfcourse.metrics"),
    ("tfcourse.strategy", "classification_error", "tfcourse.metrics"),
    ("tfcourse.strategy", "precision_recall_f1", "tfcourse.metrics"),
    ("tfcourse.training", "accuracy", "tfcourse.metrics"),
]


@pytest.mark.parametrize("old, name, new", MOVED, ids=[f"{o}.{n}" for o, n, _ in MOVED])
def test_old_path_warns_and_returns_the_same_object(old, name, new):
    module = importlib.import_module(old)
    with pytest.warns(DeprecationWarning, match=f"{old}.{name} moved to {new}"):
        obj = getattr(module, name)
    assert obj is getattr(importlib.import_module(new), name)


def test_old_from_import_warns():
    with pytest.warns(DeprecationWarning, match="tfcourse.resnet.IdentityBlock"):
        from tfcourse.resnet import IdentityBlock  # noqa: F401


def test_unknown_names_still_raise_attribute_error():
    for old in ("tfcourse.sequence", "tfcourse.resnet", "tfcourse.strategy", "tfcourse.training"):
        with pytest.raises(AttributeError):
            getattr(importlib.import_module(old), "no_such_name")


def test_names_that_stay_need_no_warning(recwarn):
    from tfcourse.callbacks import (BiasVarianceReport, GradientNorms, LearningCurves,  # noqa
                                    LearningRateDecay, SmoothedLoss, WeightNorms)
    from tfcourse.resnet import small_resnet, weight_layer_depth  # noqa: F401
    from tfcourse.sequence import lstm_forward, rnn_forward, sample_sequence  # noqa: F401
    from tfcourse.strategy import (OTHER, RECIPE, choose_model, course_ratios, diagnose,  # noqa
                                   error_analysis, format_diagnosis, format_error_table,
                                   large_split, latency_ms, same_distribution,
                                   save_misclassified_grid)
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)
                and "tfcourse" in str(w.message)]


def test_registered_names_are_unchanged():
    from tfcourse import layers, losses

    for cls in (layers.OneStepAttention, layers.AttentionDecoder, layers.PositionalEmbedding,
                layers.LearnedQueries, layers.IdentityBlock, layers.ConvolutionalBlock,
                layers.BatchNorm, layers.InvertedDropout, losses.MaskedBinaryCrossentropy):
        assert keras.saving.get_registered_name(cls) == f"tfcourse>{cls.__name__}"


def test_a_model_with_moved_layers_saves_and_loads(tmp_path):
    from tfcourse.layers import IdentityBlock, LearnedQueries, PositionalEmbedding

    ids = keras.Input((5,))
    x = PositionalEmbedding(7, 4, 5)(ids)
    q = LearnedQueries(3, 4)(x)
    img = keras.layers.Reshape((5, 4, 1))(x)
    y = keras.layers.GlobalAveragePooling2D()(IdentityBlock((2, 2, 1), kernel_size=2)(img))
    model = keras.Model(ids, [q, y])
    data = np.array([[1, 2, 3, 4, 5]], "float32")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    for a, b in zip(model(data), loaded(data)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-6)


def test_old_modules_alone_still_register_what_moved_out():
    # A user who imported the old module before loading a .keras file keeps working for a release.
    code = ("import keras, tfcourse.sequence, tfcourse.strategy\n"
            "get = keras.saving.get_registered_object\n"
            "assert get('tfcourse>OneStepAttention') is not None\n"
            "assert get('tfcourse>MaskedBinaryCrossentropy') is not None\n")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ})
