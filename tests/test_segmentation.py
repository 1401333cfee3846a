"""tfcourse.segmentation: the course's U-Net blocks and model against its printed summaries, the
no-skip ablation, pixel accuracy / IoU / mean IoU against Keras, the road scenes and the
CARLA-style loader."""
import numpy as np
import pytest

import keras

from tfcourse import segmentation as S
from tfcourse.data import scenes
from tfcourse.errors import DataError


def _summary(model):
    """The course's ``test_utils.summary`` rows: [class, output shape, parameters, extras]."""
    rows = []
    for layer in model.layers:
        row = [type(layer).__name__, tuple(layer.output.shape), layer.count_params()]
        if isinstance(layer, keras.layers.Conv2D) and not isinstance(
                layer, keras.layers.Conv2DTranspose):
            row += [layer.padding, layer.activation.__name__,
                    type(layer.kernel_initializer).__name__]
        if isinstance(layer, keras.layers.MaxPooling2D):
            row.append(layer.pool_size)
        if isinstance(layer, keras.layers.Dropout):
            row.append(layer.rate)
        rows.append(row)
    return rows


def test_conv_block_course_summary():
    inputs = keras.Input((96, 128, 3))
    model = keras.Model(inputs, S.conv_block(inputs, 32))
    assert _summary(model) == [
        ["InputLayer", (None, 96, 128, 3), 0],
        ["Conv2D", (None, 96, 128, 32), 896, "same", "relu", "HeNormal"],
        ["Conv2D", (None, 96, 128, 32), 9248, "same", "relu", "HeNormal"],
        ["MaxPooling2D", (None, 48, 64, 32), 0, (2, 2)]]
    inputs = keras.Input((96, 128, 3))
    model = keras.Model(inputs, S.conv_block(inputs, 32 * 32, dropout_prob=0.1))
    assert _summary(model) == [
        ["InputLayer", (None, 96, 128, 3), 0],
        ["Conv2D", (None, 96, 128, 1024), 28672, "same", "relu", "HeNormal"],
        ["Conv2D", (None, 96, 128, 1024), 9438208, "same", "relu", "HeNormal"],
        ["Dropout", (None, 96, 128, 1024), 0, 0.1],
        ["MaxPooling2D", (None, 48, 64, 1024), 0, (2, 2)]]


def test_conv_block_returns_pooled_and_skip():
    inputs = keras.Input((16, 16, 3))
    pooled, skip = S.conv_block(inputs, 4)
    assert tuple(pooled.shape) == (None, 8, 8, 4) and tuple(skip.shape) == (None, 16, 16, 4)
    same, skip = S.conv_block(inputs, 4, max_pooling=False)
    assert same is skip


def test_upsampling_block_course_summary():
    expansive, contractive = keras.Input((12, 16, 256)), keras.Input((24, 32, 128))
    model = keras.Model([expansive, contractive], S.upsampling_block(expansive, contractive, 32))
    rows = _summary(model)
    assert ["Conv2DTranspose", (None, 24, 32, 32), 73760] in rows
    assert ["Concatenate", (None, 24, 32, 160), 0] in rows
    assert rows[-2:] == [["Conv2D", (None, 24, 32, 32), 46112, "same", "relu", "HeNormal"],
                         ["Conv2D", (None, 24, 32, 32), 9248, "same", "relu", "HeNormal"]]


def test_unet_model_course_parameter_count_and_shapes():
    unet = S.unet_model((96, 128, 3))
    assert unet.count_params() == 8_640_471  # the course's "Total params: 8,640,471"
    assert tuple(unet.output.shape) == (None, 96, 128, 23)
    convs = [layer for layer in unet.layers if type(layer).__name__ == "Conv2DTranspose"]
    assert [layer.count_params() for layer in convs] == [1179904, 295040, 73792, 18464]
    assert [type(layer).__name__ for layer in unet.layers].count("Concatenate") == 4


def test_unet_without_skips_has_no_concatenation_and_the_same_output():
    plain = S.unet_model((32, 32, 3), n_filters=4, n_classes=5, skips=False)
    assert "Concatenate" not in [type(layer).__name__ for layer in plain.layers]
    assert tuple(plain.output.shape) == (None, 32, 32, 5)
    assert plain.count_params() < S.unet_model((32, 32, 3), 4, 5).count_params()


def test_unet_rejects_sizes_that_do_not_pool_four_times():
    with pytest.raises(ValueError, match="unet_model: argument `input_size`"):
        S.unet_model((30, 32, 3))


def test_scores_hand_worked():
    y_true = np.array([[0, 0, 1, 1], [0, 2, 2, 1]])
    y_pred = np.array([[0, 1, 1, 1], [0, 2, 0, 1]])
    assert S.pixel_accuracy(y_true, y_pred) == 6 / 8
    # class 0: TP 2, FP 1, FN 1 -> 2/4; class 1: TP 3, FP 1 -> 3/4; class 2: TP 1, FN 1 -> 1/2
    np.testing.assert_allclose(S.per_class_iou(y_true, y_pred, 4)[:3], [0.5, 0.75, 0.5])
    assert np.isnan(S.per_class_iou(y_true, y_pred, 4)[3])  # class 3 absent from both
    assert S.mean_iou(y_true, y_pred, 4) == pytest.approx((0.5 + 0.75 + 0.5) / 3)


@pytest.mark.parametrize("seed", range(3))
def test_mean_iou_equals_keras_mean_iou(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 5, size=(3, 16, 16))
    y_pred = np.where(rng.random((3, 16, 16)) < 0.6, y_true, rng.integers(0, 5, (3, 16, 16)))
    y_true[y_true == 4] = 3  # class 4 absent from the truth, present in the predictions
    metric = keras.metrics.MeanIoU(num_classes=6)  # class 5 absent from both: skipped by both
    metric.update_state(y_true, y_pred)
    assert S.mean_iou(y_true, y_pred, 6) == pytest.approx(float(metric.result()), rel=1e-6)


def test_road_scenes_have_every_class_and_thin_lanes():
    data = scenes.road_scenes(30, seed=0)
    assert data.images.shape == (30, 64, 64, 3) and data.masks.shape == (30, 64, 64)
    shares = np.bincount(data.masks.ravel(), minlength=6) / data.masks.size
    assert np.all(shares > 0), shares
    assert shares[5] < 0.01 and shares[3] < 0.05  # the rare and the thin classes
    np.testing.assert_array_equal(scenes.road_scenes(2, seed=4).masks,
                                  scenes.road_scenes(2, seed=4).masks)


def _write_png(path, array):
    from PIL import Image

    Image.fromarray(np.asarray(array, "uint8")).save(path)


def test_load_segmentation_folder_carla_layout(tmp_path):
    (tmp_path / "CameraRGB").mkdir()
    (tmp_path / "CameraMask").mkdir()
    mask = np.zeros((32, 32, 3), "uint8")
    mask[:16, :, 0] = 7  # the class id in the red channel, as in CARLA's masks
    for name in ("000.png", "001.png"):
        _write_png(tmp_path / "CameraRGB" / name, np.full((32, 32, 3), 120))
        _write_png(tmp_path / "CameraMask" / name, mask)
    data = scenes.load_segmentation_folder(tmp_path, size=(16, 16))
    assert data.images.shape == (2, 16, 16, 3) and data.masks.shape == (2, 16, 16)
    assert set(np.unique(data.masks).tolist()) == {0, 7} and np.all(data.masks[:, :8] == 7)
    with pytest.raises(DataError, match="mask value 7 >= the 5 classes"):
        scenes.load_segmentation_folder(tmp_path, size=(16, 16), n_classes=5)


def test_load_segmentation_folder_errors(tmp_path):
    with pytest.raises(DataError, match="CameraRGB/ and CameraMask/"):
        scenes.load_segmentation_folder(tmp_path)
    (tmp_path / "CameraRGB").mkdir()
    (tmp_path / "CameraMask").mkdir()
    _write_png(tmp_path / "CameraRGB" / "a.png", np.zeros((8, 8, 3)))
    with pytest.raises(DataError, match="has no mask"):
        scenes.load_segmentation_folder(tmp_path)


def test_lesson_bad_data_flags_are_one_line(tmp_path, capsys):
    from lessons.c4w3_image_segmentation import LESSON

    assert LESSON.main(["--data", "carla", "--out", str(tmp_path), "--no-export"]) == 2
    assert LESSON.main(["--data", "carla", "--data-path", str(tmp_path), "--out",
                        str(tmp_path / "out"), "--no-export"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "needs --data-path" in err[0]
    assert "CameraRGB/ and CameraMask/" in err[1]
