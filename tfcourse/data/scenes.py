"""Generated scenes for detection and segmentation on crops of real photographs, and loaders
for a user's own labelled images (Course 4, week 3).

The course's data cannot be had offline (the drive.ai car photos for YOLO, the CARLA
simulator's frames for U-Net). These generators make scenes with exact labels instead, on
backgrounds cut from the two photographs scikit-learn ships (``sklearn.datasets.
load_sample_images``: ``china.jpg``, a temple, and ``flower.jpg``, 427 × 640 each; bundled
inside the package, nothing is downloaded; CC BY 2.0 per scikit-learn's notes):

- :func:`detection_scenes` — a random crop of a photo with 1-3 objects of three classes
  (rectangle, disc, triangle) of random colour, size and aspect ratio, with their boxes;
- :func:`road_scenes` — a road-like frame with per-pixel labels: sky, buildings (a photo
  crop), road, lane markings (thin dashed lines toward the vanishing point), vehicles, and a
  rare class (pedestrians, in about a third of the frames, a few pixels each).

Loaders for real data (``--data-path`` in the lessons):

- :func:`load_detection_folder` — images with YOLO-format label files (``<stem>.txt``, one
  ``class x_centre y_centre width height`` line per object, fractions of the image; the format
  of Darknet and of most labelling tools);
- :func:`load_segmentation_folder` — the course's CARLA layout: ``CameraRGB/`` images and
  ``CameraMask/`` masks of the same names, the class id in the mask's channels (the course
  takes the maximum over the channels).
"""
from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import numpy as np

from tfcourse.checks import check_int, invalid
from tfcourse.errors import DataError

SHAPES = ("rectangle", "disc", "triangle")
ROAD_CLASSES = ("other", "sky", "road", "lane marking", "vehicle", "pedestrian")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


@dataclasses.dataclass(frozen=True)
class DetectionScenes:
    """Images ``(n, H, W, 3)`` in [0, 1] with, per image, boxes ``(k, 4)`` ``(x, y, w, h)``
    (centre and size, fractions of the image) and classes ``(k,)``.

    Course 4, week 3; lesson c4w3_object_detection.
    """

    images: np.ndarray
    boxes: list
    classes: list
    class_names: tuple

    def __len__(self):
        return len(self.images)

    def subset(self, start, stop):
        return DetectionScenes(self.images[start:stop], self.boxes[start:stop],
                               self.classes[start:stop], self.class_names)


@dataclasses.dataclass(frozen=True)
class SegmentationScenes:
    """Images ``(n, H, W, 3)`` in [0, 1] and integer masks ``(n, H, W)``.

    Course 4, week 3; lesson c4w3_image_segmentation.
    """

    images: np.ndarray
    masks: np.ndarray
    class_names: tuple

    def __len__(self):
        return len(self.images)


@functools.lru_cache(maxsize=1)
def sample_photos():
    """scikit-learn's two bundled photographs as float arrays in [0, 1] (427 × 640 × 3).

    Course 4, week 3; lessons c4w3_object_detection, c4w3_image_segmentation.
    """
    from sklearn.datasets import load_sample_images

    return tuple(np.asarray(img, "float32") / 255.0 for img in load_sample_images().images)


def _resize(image, size, nearest=False):
    from PIL import Image

    h, w = size
    if image.ndim == 2 or nearest:
        arr = np.asarray(image)
        rows = (np.arange(h) * arr.shape[0] / h).astype(int)
        cols = (np.arange(w) * arr.shape[1] / w).astype(int)
        return arr[rows][:, cols]
    pil = Image.fromarray(np.clip(image * 255, 0, 255).astype("uint8"))
    return np.asarray(pil.resize((w, h), Image.BILINEAR), "float32") / 255.0


def photo_crop(rng, size, scale=(1.0, 3.0)):
    """A random crop of a random bundled photo, ``scale`` × ``size`` pixels, resized to ``size``.

    Course 4, week 3; lessons c4w3_object_detection, c4w3_image_segmentation.
    """
    photos = sample_photos()
    photo = photos[rng.integers(len(photos))]
    h, w = size
    s = rng.uniform(*scale)
    ch, cw = min(int(h * s), photo.shape[0]), min(int(w * s), photo.shape[1])
    top = rng.integers(0, photo.shape[0] - ch + 1)
    left = rng.integers(0, photo.shape[1] - cw + 1)
    crop = photo[top:top + ch, left:left + cw]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    return _resize(crop, (h, w))


def _shape_mask(kind, h, w, x0, y0, bw, bh):
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    inside = (xx >= x0) & (xx < x0 + bw) & (yy >= y0) & (yy < y0 + bh)
    if kind == "rectangle":
        return inside
    if kind == "disc":
        return ((xx - x0 - bw / 2) / (bw / 2)) ** 2 + ((yy - y0 - bh / 2) / (bh / 2)) ** 2 <= 1
    # an upward triangle filling its box: apex at the top centre, base along the bottom
    return inside & (np.abs(xx - x0 - bw / 2) <= (yy - y0) / bh * bw / 2)


def _box_iou_xywh(a, b):
    ax0, ay0, ax1, ay1 = a[0] - a[2] / 2, a[1] - a[3] / 2, a[0] + a[2] / 2, a[1] + a[3] / 2
    bx0, by0, bx1, by1 = b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2
    inter = max(0, min(ax1, bx1) - max(ax0, bx0)) * max(0, min(ay1, by1) - max(ay0, by0))
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def detection_scenes(n, size=64, max_objects=3, min_size=0.18, max_size=0.45, seed=0):
    """``n`` generated detection scenes: shapes of three classes on crops of photographs.

    Course 4, week 3; lesson c4w3_object_detection.

    Each image (``size`` × ``size``) is a random crop of a bundled photo (:func:`photo_crop`)
    with 1 to ``max_objects`` objects. An object is a rectangle, a disc (ellipse) or an upward
    triangle (its class), filling a box whose width and height are drawn independently in
    [``min_size``, ``max_size``] of the image (so boxes come in many aspect ratios, which is
    what anchors are for), in a random saturated colour with a dark outline; objects overlap
    another's box by IoU ≤ 0.15. Everything comes from ``numpy.random.default_rng(seed)``.
    """
    n = check_int("n", n, low=1, owner="detection_scenes")
    size = check_int("size", size, low=16, owner="detection_scenes")
    max_objects = check_int("max_objects", max_objects, low=1, owner="detection_scenes")
    if not 0 < min_size <= max_size < 1:
        raise invalid("min_size", f"in (0, max_size={max_size}]", min_size, "detection_scenes")
    rng = np.random.default_rng(seed)
    images = np.empty((n, size, size, 3), "float32")
    all_boxes, all_classes = [], []
    for i in range(n):
        img = photo_crop(rng, (size, size))
        boxes, classes = [], []
        for _ in range(rng.integers(1, max_objects + 1)):
            for _attempt in range(20):
                bw, bh = rng.uniform(min_size, max_size, size=2)
                x, y = rng.uniform(bw / 2, 1 - bw / 2), rng.uniform(bh / 2, 1 - bh / 2)
                box = (x, y, bw, bh)
                if all(_box_iou_xywh(box, b) <= 0.15 for b in boxes):
                    break
            else:
                continue
            cls = int(rng.integers(len(SHAPES)))
            mask = _shape_mask(SHAPES[cls], size, size, (x - bw / 2) * size,
                               (y - bh / 2) * size, bw * size, bh * size)
            # a dark outline one pixel wide, then the saturated fill
            outline = mask & ~(np.roll(mask, 1, 0) & np.roll(mask, -1, 0)
                               & np.roll(mask, 1, 1) & np.roll(mask, -1, 1))
            hue = rng.uniform(0, 1)
            colour = 0.5 + 0.5 * np.cos(2 * np.pi * (hue + np.array([0, 1 / 3, 2 / 3])))
            img[mask] = colour
            img[outline] = 0.05
            boxes.append(box)
            classes.append(cls)
        images[i] = img
        all_boxes.append(np.asarray(boxes, "float32").reshape(-1, 4))
        all_classes.append(np.asarray(classes, "int64"))
    return DetectionScenes(images, all_boxes, all_classes, SHAPES)


def road_scenes(n, size=(64, 64), pedestrian_rate=0.35, seed=0):
    """``n`` generated road-like frames with per-pixel labels (:data:`ROAD_CLASSES`).

    Course 4, week 3; lesson c4w3_image_segmentation.

    A horizon at 30-50 % of the height; above it a blue sky gradient over a band of
    "buildings" (a photo crop under a random skyline); below it a road (grey, noisy) widening
    from the vanishing point to the bottom edge, the rest "other" (a photo crop); on the road
    2-3 lane markings (dashed, one to two pixels wide, white or yellow), 0-3 vehicles (boxes
    of random colour with a dark window band, larger nearer the bottom), and with probability
    ``pedestrian_rate`` one or two pedestrians (tall thin figures of a few pixels, the rare
    class). Labels: 0 other (buildings and roadside), 1 sky, 2 road, 3 lane marking,
    4 vehicle, 5 pedestrian. Everything from ``numpy.random.default_rng(seed)``.
    """
    n = check_int("n", n, low=1, owner="road_scenes")
    h, w = (int(s) for s in size)
    rng = np.random.default_rng(seed)
    images = np.empty((n, h, w, 3), "float32")
    masks = np.empty((n, h, w), "int32")
    yy, xx = np.mgrid[0:h, 0:w].astype("float32") + 0.5
    for i in range(n):
        horizon = rng.uniform(0.3, 0.5) * h
        vx = rng.uniform(0.3, 0.7) * w  # vanishing point
        img = photo_crop(rng, (h, w))
        label = np.zeros((h, w), "int32")
        # sky above a random skyline
        skyline = horizon - rng.uniform(0.05, 0.25) * h * (
            1 + 0.5 * np.sign(np.sin(xx[0] / w * rng.uniform(4, 12) + rng.uniform(0, 6))))
        sky = yy < skyline[None, :]
        sky_colour = np.stack([0.45 + 0.3 * yy / h, 0.6 + 0.25 * yy / h,
                               np.full_like(yy, 0.95)], -1)
        img[sky] = sky_colour[sky] + rng.normal(0, 0.02, size=(sky.sum(), 3))
        label[sky] = 1
        # the road: a trapezoid from the vanishing point to the bottom edge
        depth = np.clip((yy - horizon) / (h - horizon), 0, None)  # 0 at horizon, 1 at bottom
        half_width = depth * rng.uniform(0.45, 0.7) * w
        road = (yy > horizon) & (np.abs(xx - vx) <= half_width)
        grey = rng.uniform(0.3, 0.5)
        img[road] = grey + rng.normal(0, 0.04, size=(road.sum(), 1))
        label[road] = 2
        # lane markings: dashed lines toward the vanishing point, 1-2 px wide
        colour = np.array([0.95, 0.95, 0.9]) if rng.random() < 0.7 else np.array([0.95, 0.8, 0.1])
        for offset in rng.choice([-0.5, 0.0, 0.5], size=rng.integers(2, 4), replace=False):
            line_x = vx + offset * half_width
            width = 0.5 + 0.7 * depth
            phase = rng.uniform(0, 1)
            dashes = np.sin(2 * np.pi * (4 * np.sqrt(depth) + phase)) > -0.3
            lane = road & (np.abs(xx - line_x) <= width) & dashes & (depth > 0.08)
            img[lane] = colour
            label[lane] = 3
        # vehicles on the road, larger nearer the bottom
        for _ in range(rng.integers(0, 4)):
            d = rng.uniform(0.25, 0.95)
            cy = horizon + d * (h - horizon)
            cw, ch = d * rng.uniform(0.2, 0.3) * w, d * rng.uniform(0.12, 0.2) * h
            cx = vx + rng.uniform(-0.6, 0.6) * d * 0.55 * w
            car = (np.abs(xx - cx) <= cw / 2) & (yy <= cy) & (yy >= cy - ch)
            window = car & (yy < cy - 0.55 * ch) & (yy > cy - 0.85 * ch)
            hue = rng.uniform(0, 1)
            img[car] = 0.5 + 0.45 * np.cos(2 * np.pi * (hue + np.array([0, 1 / 3, 2 / 3])))
            img[window] = 0.1
            label[car] = 4
        # the rare class: pedestrians, a few pixels each, at the roadside
        if rng.random() < pedestrian_rate:
            for _ in range(rng.integers(1, 3)):
                d = rng.uniform(0.3, 0.9)
                foot = horizon + d * (h - horizon)
                side = rng.choice([-1, 1])
                px = vx + side * (d * 0.6 * w + rng.uniform(-2, 2))
                ph, pw = max(4.0, d * 0.22 * h), max(1.5, d * 0.05 * w)
                person = (np.abs(xx - px) <= pw / 2) & (yy <= foot) & (yy >= foot - ph)
                img[person] = rng.uniform(0.0, 1.0, size=3) * 0.6 + np.array([0.4, 0.0, 0.0])
                label[person] = 5
        images[i] = np.clip(img, 0, 1)
        masks[i] = label
    return SegmentationScenes(images, masks, ROAD_CLASSES)


# -- loaders for a user's own data -----------------------------------------------------------------
def _read_image(path, size):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            arr = np.asarray(img.convert("RGB"), "float32") / 255.0
    except (OSError, UnidentifiedImageError) as exc:
        raise DataError(f"cannot read image {path}: {exc}") from None
    return _resize(arr, size)


def _images_in(folder):
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def load_detection_folder(path, size=64, num_classes=None):
    """A folder of images with YOLO-format labels, as :class:`DetectionScenes` (``--data-path``).

    Course 4, week 3; lesson c4w3_object_detection.

    Each image ``<stem>.png``/``.jpg`` needs ``<stem>.txt`` beside it, one line per object:
    ``class x_centre y_centre width height`` (class an integer from 0, the rest fractions of
    the image: YOLO's format, which fractions keep valid when the image is resized to
    ``size`` × ``size`` here). An optional ``classes.txt`` names the classes, one per line.
    A missing or malformed label file is a :class:`~tfcourse.errors.DataError` naming it.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(f"--data-path {folder}: expected a folder of images with YOLO .txt labels")
    files = _images_in(folder)
    if not files:
        raise DataError(f"--data-path {folder}: no images ({', '.join(IMAGE_SUFFIXES)}) in it")
    images, boxes, classes = [], [], []
    for file in files:
        label_file = file.with_suffix(".txt")
        if not label_file.is_file():
            raise DataError(f"{file.name} has no label file {label_file.name}")
        rows = []
        for number, line in enumerate(label_file.read_text().splitlines(), 1):
            if not line.strip():
                continue
            fields = line.split()
            try:
                c, x, y, w, h = int(fields[0]), *map(float, fields[1:])
                if len(fields) != 5 or not (0 <= x <= 1 and 0 <= y <= 1 and 0 < w <= 1
                                            and 0 < h <= 1) or c < 0:
                    raise ValueError
            except (ValueError, IndexError):
                raise DataError(f"{label_file}:{number}: expected 'class x y w h' (fractions), "
                                f"got {line.strip()!r}") from None
            rows.append((c, x, y, w, h))
        images.append(_read_image(file, (size, size)))
        arr = np.asarray(rows, "float64").reshape(-1, 5)
        boxes.append(arr[:, 1:].astype("float32"))
        classes.append(arr[:, 0].astype("int64"))
    names_file = folder / "classes.txt"
    if names_file.is_file():
        names = tuple(line.strip() for line in names_file.read_text().splitlines() if line.strip())
    else:
        top = max((int(c.max()) for c in classes if len(c)), default=0)
        names = tuple(f"class {i}" for i in range(max(top + 1, num_classes or 0)))
    if any(len(c) and c.max() >= len(names) for c in classes):
        raise DataError(f"--data-path {folder}: a label's class is beyond classes.txt's "
                        f"{len(names)} names")
    return DetectionScenes(np.stack(images), boxes, classes, names)


def load_segmentation_folder(path, size=(64, 64), n_classes=None):
    """The course's CARLA layout, ``CameraRGB/`` + ``CameraMask/``, as :class:`SegmentationScenes`.

    Course 4, week 3; lesson c4w3_image_segmentation.

    Images and masks are matched by file name; a mask's class id is the maximum over its
    channels (the course: ``tf.math.reduce_max(mask, axis=-1)``). Images are resized bilinearly
    and masks by nearest neighbour to ``size`` (the course: 96 × 128). With ``n_classes`` a mask
    value ≥ n_classes is a :class:`~tfcourse.errors.DataError`.
    """
    from PIL import Image, UnidentifiedImageError

    root = Path(path)
    rgb_dir, mask_dir = root / "CameraRGB", root / "CameraMask"
    if not rgb_dir.is_dir() or not mask_dir.is_dir():
        raise DataError(f"--data-path {root}: expected the folders CameraRGB/ and CameraMask/")
    files = _images_in(rgb_dir)
    if not files:
        raise DataError(f"--data-path {root}: no images in CameraRGB/")
    images, masks = [], []
    for file in files:
        mask_file = mask_dir / file.name
        if not mask_file.is_file():
            raise DataError(f"CameraRGB/{file.name} has no mask CameraMask/{file.name}")
        images.append(_read_image(file, size))
        try:
            with Image.open(mask_file) as m:
                mask = np.asarray(m)
        except (OSError, UnidentifiedImageError) as exc:
            raise DataError(f"cannot read mask {mask_file}: {exc}") from None
        if mask.ndim == 3:
            mask = mask.max(axis=-1)
        masks.append(_resize(mask.astype("int32"), size, nearest=True))
    masks = np.stack(masks).astype("int32")
    top = int(masks.max())
    if n_classes is not None and top >= n_classes:
        raise DataError(f"--data-path {root}: mask value {top} >= the {n_classes} classes")
    names = tuple(f"class {i}" for i in range(max(top + 1, n_classes or 0)))
    return SegmentationScenes(np.stack(images), masks, names)
