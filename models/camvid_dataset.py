"""CamVid-format folders (images + label PNGs whose pixel value is the class id) for training and eval.

Every file is checked up front; a missing label, a label of the wrong size, ids outside
0..num_classes-1 and void, or an unreadable file stop with a message naming the file.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np
from PIL import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


class DatasetError(Exception):
    pass


def _read_image(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()
    except Exception as exc:  # PIL raises several types for unreadable files
        raise DatasetError(f"{path}: unreadable image ({exc})") from exc


def _read_label(path: Path, expected_hw: Tuple[int, int], num_classes: int, void_id: int) -> np.ndarray:
    """An 8-bit single-channel PNG whose values are class ids.

    Rejected with the file's name, as the app's and the eval CLI's decoders do: any bit depth other than 8
    (a 16-bit label would be read differently by a canvas decoder, which keeps the high byte), and palette
    PNGs whose palette is not the identity (index i -> grey i), whose indices are not what a viewer shows.
    """
    try:
        with Image.open(path) as im:
            if im.mode in ("I", "I;16", "I;16B", "I;16L", "F") or im.info.get("bits", 8) not in (8,):
                raise DatasetError(f"{path}: label has bit depth 16 (mode {im.mode}); class-id labels must be 8-bit")
            if im.mode == "P":
                palette = im.getpalette() or []
                used = np.unique(np.asarray(im))
                for i in used.tolist():
                    rgb = palette[3 * i:3 * i + 3]
                    if rgb and rgb != [i, i, i]:
                        raise DatasetError(f"{path}: palette label maps index {i} to colour {tuple(rgb)}; "
                                           "class-id labels must be greyscale or use the identity palette")
            elif im.mode != "L":
                raise DatasetError(f"{path}: label must be a single-channel PNG of class ids, got mode {im.mode}")
            label = np.asarray(im, dtype=np.int64)
    except DatasetError:
        raise
    except Exception as exc:
        raise DatasetError(f"{path}: unreadable label ({exc})") from exc
    if label.shape != expected_hw:
        raise DatasetError(f"{path}: label is {label.shape[1]}x{label.shape[0]}, image is {expected_hw[1]}x{expected_hw[0]}")
    bad = np.unique(label[(label >= num_classes) & (label != void_id) | (label < 0)])
    if bad.size:
        raise DatasetError(f"{path}: label ids {bad.tolist()[:10]} outside 0..{num_classes - 1} (void = {void_id})")
    return label.astype(np.uint8)


@dataclass
class LabelledFrames:
    names: List[str]
    images: List[np.ndarray]   # HxWx3 uint8 RGB
    labels: List[np.ndarray]   # HxW uint8 class ids, void = void_id


def load_labelled_folder(image_dir: Path, label_dir: Path, num_classes: int, void_id: int) -> LabelledFrames:
    image_dir, label_dir = Path(image_dir), Path(label_dir)
    for d in (image_dir, label_dir):
        if not d.is_dir():
            raise DatasetError(f"{d}: not a folder")
    files = sorted(p for p in image_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DatasetError(f"{image_dir}: no images (.png/.jpg)")
    frames = LabelledFrames([], [], [])
    for f in files:
        label_path = label_dir / (f.stem + ".png")
        if not label_path.exists():
            raise DatasetError(f"{f}: no label {label_path}")
        image = _read_image(f)
        frames.names.append(f.name)
        frames.images.append(image)
        frames.labels.append(_read_label(label_path, image.shape[:2], num_classes, void_id))
    return frames


def class_frequencies(labels: List[np.ndarray], num_classes: int) -> np.ndarray:
    counts = np.zeros(num_classes, np.float64)
    for label in labels:
        counts += np.bincount(label.ravel(), minlength=256)[:num_classes]
    return counts / counts.sum()


def log_balanced_weights(freq: np.ndarray, c: float = 1.02) -> np.ndarray:
    """ENet's class weighting w = 1 / ln(c + p): rare classes (poles, signs, people) weigh more."""
    return 1.0 / np.log(c + freq)


@dataclass
class AugmentConfig:
    crop_h: int = 320
    crop_w: int = 448
    scale_min: float = 0.5
    scale_max: float = 2.0
    jitter: float = 0.25  # brightness / contrast / saturation
    hue_degrees: float = 6.0
    # Dashcam-footage augmentations (all 0 = the earlier recipe):
    rotate_degrees: float = 0.0    # small camera roll, label NEAREST, uncovered corners void
    gamma: float = 0.0             # exposure: gamma drawn in [1 - g, 1 + g]
    colour_temperature: float = 0.0  # red and blue gains moved apart by up to this fraction
    blur_prob: float = 0.0         # Gaussian or horizontal motion blur (sigma / length up to 1.5 / 7 px)
    jpeg_prob: float = 0.0         # JPEG re-encode at quality 25-75 (compression artefacts)
    overhead_prob: float = 0.0     # paste a structure patch (see OverheadStructures) at the top of the crop


@dataclass
class OverheadStructures:
    """Where `paste_overhead_structure` takes its patches from, and what it may paste them over.

    Dashcam footage has gantries, overhead signs and bridges cut by the top of the frame against the sky;
    CamVid (city streets) has almost none, and a net trained on it can read such a dark panel as Car.
    The patches are rectangles of static structure (Building, SignSymbol, Pole, Fence) from other
    training frames, pasted with their own labels: the net sees the same texture labelled for what it is.
    """
    images: List[np.ndarray]
    labels: List[np.ndarray]
    structure_ids: Tuple[int, ...]   # a patch is at least `min_structure` of these
    forbidden_ids: Tuple[int, ...]   # and has no pixel of these (Car, Pedestrian, Bicyclist)
    sky_id: int                      # pasted only where the top of the crop is mostly this
    min_structure: float = 0.85
    min_sky: float = 0.5
    tries: int = 30

    def __post_init__(self) -> None:
        # Lookup tables by label value, built once: a patch is checked with one indexing each.
        self.is_structure = np.zeros(256, bool)
        self.is_structure[list(self.structure_ids)] = True
        self.is_forbidden = np.zeros(256, bool)
        self.is_forbidden[list(self.forbidden_ids)] = True


DASHCAM_AUGMENT = dict(rotate_degrees=5.0, gamma=0.3, colour_temperature=0.15, blur_prob=0.3, jpeg_prob=0.3)


def paste_overhead_structure(image: np.ndarray, label: np.ndarray, source: OverheadStructures,
                             rng: random.Random) -> bool:
    """Pastes, in place, one patch of structure from `source` at the top edge of the crop, over sky.

    The patch (6-25 % of the crop's height, 20-60 % of its width) touches the top edge or floats up to
    10 % below it, as an overhead sign cut by the frame does. Returns False, changing nothing, when the
    crop's top has no room of sky or no frame in `source` yields a clean patch within `source.tries`.
    """
    h, w = label.shape
    ph = max(4, round(h * rng.uniform(0.06, 0.25)))
    pw = max(8, round(w * rng.uniform(0.2, 0.6)))
    if ph > h or pw > w:
        return False
    y0 = rng.randint(0, max(0, round(0.1 * h)))
    y0 = min(y0, h - ph)
    x0 = rng.randint(0, w - pw)
    if np.mean(label[y0:y0 + ph, x0:x0 + pw] == source.sky_id) < source.min_sky:
        return False
    for _ in range(source.tries):
        j = rng.randrange(len(source.labels))
        src_label, src_image = source.labels[j], source.images[j]
        sh, sw = src_label.shape
        if ph > sh or pw > sw:
            continue
        sy, sx = rng.randint(0, sh - ph), rng.randint(0, sw - pw)
        patch_label = src_label[sy:sy + ph, sx:sx + pw]
        if source.is_forbidden[patch_label].any() or source.is_structure[patch_label].mean() < source.min_structure:
            continue
        image[y0:y0 + ph, x0:x0 + pw] = src_image[sy:sy + ph, sx:sx + pw]
        label[y0:y0 + ph, x0:x0 + pw] = patch_label
        return True
    return False


def augment(image: np.ndarray, label: np.ndarray, cfg: AugmentConfig, void_id: int,
            rng: random.Random, overhead: Optional[OverheadStructures] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Driving-footage augmentation: random scale, crop, horizontal flip, photometric jitter
    (and, with `overhead` and cfg.overhead_prob, a structure pasted over the sky at the top)."""
    import cv2  # only training needs OpenCV; loading and validation work without it
    s = math.exp(rng.uniform(math.log(cfg.scale_min), math.log(cfg.scale_max)))
    h, w = label.shape
    nh, nw = max(8, round(h * s)), max(8, round(w * s))
    image = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)
    label = cv2.resize(label, (nw, nh), interpolation=cv2.INTER_NEAREST)
    ph, pw = max(0, cfg.crop_h - nh), max(0, cfg.crop_w - nw)
    if ph or pw:
        image = cv2.copyMakeBorder(image, 0, ph, 0, pw, cv2.BORDER_CONSTANT, value=(124, 116, 104))
        label = cv2.copyMakeBorder(label, 0, ph, 0, pw, cv2.BORDER_CONSTANT, value=void_id)
    y = rng.randint(0, image.shape[0] - cfg.crop_h)
    x = rng.randint(0, image.shape[1] - cfg.crop_w)
    image = image[y:y + cfg.crop_h, x:x + cfg.crop_w]
    label = label[y:y + cfg.crop_h, x:x + cfg.crop_w]
    if rng.random() < 0.5:  # horizontal only: driving scenes are not upside down
        image, label = image[:, ::-1], label[:, ::-1]
    if cfg.rotate_degrees > 0:
        angle = rng.uniform(-cfg.rotate_degrees, cfg.rotate_degrees)
        m = cv2.getRotationMatrix2D((cfg.crop_w / 2, cfg.crop_h / 2), angle, 1.0)
        image = cv2.warpAffine(np.ascontiguousarray(image), m, (cfg.crop_w, cfg.crop_h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=(124, 116, 104))
        label = cv2.warpAffine(np.ascontiguousarray(label), m, (cfg.crop_w, cfg.crop_h), flags=cv2.INTER_NEAREST,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=void_id)
    if overhead is not None and cfg.overhead_prob > 0 and rng.random() < cfg.overhead_prob:
        image, label = np.ascontiguousarray(image), np.ascontiguousarray(label)  # crops and flips are views
        paste_overhead_structure(image, label, overhead, rng)
    image = image.astype(np.float32)
    if cfg.gamma > 0:
        image = 255.0 * (image / 255.0) ** rng.uniform(1 - cfg.gamma, 1 + cfg.gamma)
    if cfg.colour_temperature > 0:
        t = rng.uniform(-cfg.colour_temperature, cfg.colour_temperature)  # > 0 warmer, < 0 cooler
        image *= np.array([1 + t, 1.0, 1 - t], np.float32)
    j = cfg.jitter
    image *= rng.uniform(1 - j, 1 + j)                                   # brightness
    mean = image.mean()
    image = (image - mean) * rng.uniform(1 - j, 1 + j) + mean            # contrast
    gray = image.mean(axis=2, keepdims=True)
    image = (image - gray) * rng.uniform(1 - j, 1 + j) + gray            # saturation
    image = np.clip(image, 0, 255).astype(np.uint8)
    if cfg.hue_degrees > 0:
        hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
        shift = int(round(rng.uniform(-cfg.hue_degrees, cfg.hue_degrees) / 2))  # OpenCV hue is 0..179
        hsv[..., 0] = ((hsv[..., 0].astype(np.int16) + shift) % 180).astype(np.uint8)
        image = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    if cfg.blur_prob > 0 and rng.random() < cfg.blur_prob:
        if rng.random() < 0.5:
            image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.5))
        else:  # horizontal motion blur, as from a turning or shaking car
            length = rng.randint(3, 7)
            kernel = np.zeros((length, length), np.float32)
            kernel[length // 2, :] = 1.0 / length
            image = cv2.filter2D(image, -1, kernel)
    if cfg.jpeg_prob > 0 and rng.random() < cfg.jpeg_prob:
        ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(image[..., ::-1]),  # OpenCV encodes BGR
                               [cv2.IMWRITE_JPEG_QUALITY, rng.randint(25, 75)])
        if ok:
            image = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1]
    return np.ascontiguousarray(image), np.ascontiguousarray(label)


def normalise(images_uint8: np.ndarray, mean, std, scale: float) -> np.ndarray:
    """NHWC uint8 RGB -> NCHW float32, x = (pixel / scale - mean) / std (the contract's normalisation)."""
    x = images_uint8.astype(np.float32) / scale
    x = (x - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))
