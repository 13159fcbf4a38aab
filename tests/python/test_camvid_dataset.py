"""Bad-input checks of the CamVid folder loader used by models/train.py (numpy + PIL only)."""
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models"))
import random  # noqa: E402

from camvid_dataset import (DatasetError, OverheadStructures, class_frequencies, load_labelled_folder,  # noqa: E402
                            log_balanced_weights, paste_overhead_structure)
from metrics import accumulate_confusion, iou_per_class, mean_iou, pixel_accuracy  # noqa: E402


class LoaderErrors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = Path(self.tmp.name)
        self.images, self.labels = root / "img", root / "ann"
        self.images.mkdir()
        self.labels.mkdir()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, size=(6, 4), label=None, label_mode="L"):
        Image.fromarray(np.zeros((size[1], size[0], 3), np.uint8)).save(self.images / name)
        if label is not False:
            arr = np.zeros((size[1], size[0]), np.uint8) if label is None else label
            Image.fromarray(arr).convert(label_mode).save(self.labels / name)

    def load(self):
        return load_labelled_folder(self.images, self.labels, 11, 11)

    def test_valid_folder_loads(self):
        self.write("a.png", label=np.full((4, 6), 11, np.uint8))
        frames = self.load()
        self.assertEqual(frames.names, ["a.png"])
        self.assertEqual(frames.labels[0].shape, (4, 6))

    def test_missing_label_names_the_file(self):
        self.write("a.png", label=False)
        with self.assertRaisesRegex(DatasetError, r"a\.png: no label"):
            self.load()

    def test_wrong_label_size(self):
        self.write("a.png")
        Image.fromarray(np.zeros((5, 5), np.uint8)).save(self.labels / "a.png")
        with self.assertRaisesRegex(DatasetError, r"ann/a\.png: label is 5x5, image is 6x4"):
            self.load()

    def test_ids_outside_class_table(self):
        bad = np.zeros((4, 6), np.uint8)
        bad[0, 0] = 12
        bad[1, 1] = 200
        self.write("a.png", label=bad)
        with self.assertRaisesRegex(DatasetError, r"label ids \[12, 200\] outside 0\.\.10"):
            self.load()

    def test_rgb_label_is_rejected(self):
        self.write("a.png", label=np.zeros((4, 6), np.uint8), label_mode="RGB")
        with self.assertRaisesRegex(DatasetError, r"single-channel"):
            self.load()

    def test_16_bit_label_is_rejected_naming_the_file(self):
        # Same ids, 16-bit samples: a browser canvas would read every small id as 0 (Sky).
        self.write("a.png", label=False)
        Image.fromarray(np.full((4, 6), 3, np.uint16)).save(self.labels / "a.png")
        with Image.open(self.labels / "a.png") as im:
            self.assertIn(im.mode, ("I;16", "I"))  # the premise: PIL reads it as 16-bit
        with self.assertRaisesRegex(DatasetError, r"ann/a\.png: label has bit depth 16"):
            self.load()

    def _palette_label(self, palette):
        self.write("a.png", label=False)
        im = Image.fromarray(np.array([[0, 3, 10, 11, 5, 1]] * 4, np.uint8), mode="P")
        im.putpalette(palette)
        im.save(self.labels / "a.png")

    def test_palette_label_with_colours_is_rejected(self):
        palette = [v for i in range(256) for v in (i, i, i)]
        palette[9:12] = [128, 64, 128]  # index 3 shown as CamVid's Road colour
        self._palette_label(palette)
        with self.assertRaisesRegex(DatasetError, r"a\.png: palette label maps index 3 to colour \(128, 64, 128\)"):
            self.load()

    def test_identity_palette_label_loads(self):
        self._palette_label([v for i in range(256) for v in (i, i, i)])
        frames = self.load()
        self.assertEqual(frames.labels[0][0].tolist(), [0, 3, 10, 11, 5, 1])

    def test_unreadable_image(self):
        (self.images / "a.png").write_bytes(b"not a png")
        Image.fromarray(np.zeros((4, 6), np.uint8)).save(self.labels / "a.png")
        with self.assertRaisesRegex(DatasetError, r"a\.png: unreadable image"):
            self.load()

    def test_empty_folder(self):
        with self.assertRaisesRegex(DatasetError, r"no images"):
            self.load()


class Metrics(unittest.TestCase):
    def test_hand_computed_case(self):
        conf = np.zeros((3, 3), np.int64)
        label = np.array([0, 0, 1, 1, 3, 2])  # 3 = void
        pred = np.array([0, 1, 1, 1, 2, 0])
        accumulate_confusion(conf, pred, label, void_id=3)
        # class 0: tp 1, fp 1 (the 2 predicted as 0), fn 1 -> 1/3; class 1: tp 2, fp 1 -> 2/3; class 2: tp 0 -> 0
        ious = iou_per_class(conf)
        self.assertAlmostEqual(ious[0], 100 / 3)
        self.assertAlmostEqual(ious[1], 200 / 3)
        self.assertEqual(ious[2], 0.0)
        self.assertAlmostEqual(mean_iou(conf), 100 / 3)
        self.assertAlmostEqual(pixel_accuracy(conf), 60.0)

    def test_absent_class_left_out(self):
        conf = np.zeros((3, 3), np.int64)
        accumulate_confusion(conf, np.array([0, 1]), np.array([0, 1]), void_id=3)
        self.assertIsNone(iou_per_class(conf)[2])
        self.assertEqual(mean_iou(conf), 100.0)

    def test_rare_classes_weigh_more(self):
        freq = class_frequencies([np.array([[0, 0, 0, 1]], np.uint8)], 2)
        w = log_balanced_weights(freq)
        self.assertGreater(w[1], w[0])


SKY, BUILDING, POLE, ROAD, CAR = 0, 1, 2, 3, 8


class OverheadPaste(unittest.TestCase):
    """The training augmentation that pastes structure over the sky at the top of a crop."""

    @staticmethod
    def source(label):
        image = np.stack([label * 10 + 1] * 3, axis=-1).astype(np.uint8)  # pixel value says where it came from
        return OverheadStructures([image], [label], structure_ids=(BUILDING, POLE), forbidden_ids=(CAR,), sky_id=SKY)

    @staticmethod
    def sky_crop(h=40, w=60):
        label = np.full((h, w), ROAD, np.uint8)
        label[:h // 2] = SKY
        return np.zeros((h, w, 3), np.uint8), label

    def test_pastes_structure_with_its_labels_over_the_sky_at_the_top(self):
        src_label = np.full((40, 60), BUILDING, np.uint8)
        src_label[::7, ::5] = POLE
        source = self.source(src_label)
        pasted = 0
        for seed in range(20):
            image, label = self.sky_crop()
            if not paste_overhead_structure(image, label, source, random.Random(seed)):
                continue
            pasted += 1
            changed = label != np.where(np.arange(40)[:, None] < 20, SKY, ROAD)
            rows = np.nonzero(changed.any(axis=1))[0]
            self.assertLessEqual(rows.min(), 4, "the patch touches or nearly touches the top edge")
            self.assertTrue(set(np.unique(label[changed]).tolist()) <= {BUILDING, POLE})
            # image and label come from the same place of the source: pixel = 10 * label + 1
            self.assertTrue(np.array_equal(image[..., 0][changed], label[changed] * 10 + 1))
            self.assertFalse((image[~changed] != 0).any(), "nothing outside the patch changes")
        self.assertGreater(pasted, 10)

    def test_never_pastes_a_patch_holding_a_car(self):
        src_label = np.full((40, 60), BUILDING, np.uint8)
        src_label[:, ::3] = CAR  # every possible patch holds car pixels
        image, label = self.sky_crop()
        before = label.copy()
        for seed in range(10):
            self.assertFalse(paste_overhead_structure(image, label, self.source(src_label), random.Random(seed)))
        self.assertTrue(np.array_equal(label, before))
        self.assertFalse(image.any())

    def test_leaves_a_crop_without_sky_at_the_top_alone(self):
        image = np.zeros((40, 60, 3), np.uint8)
        label = np.full((40, 60), ROAD, np.uint8)
        source = self.source(np.full((40, 60), BUILDING, np.uint8))
        for seed in range(10):
            self.assertFalse(paste_overhead_structure(image, label, source, random.Random(seed)))
        self.assertTrue((label == ROAD).all())
        self.assertFalse(image.any())


if __name__ == "__main__":
    unittest.main()
