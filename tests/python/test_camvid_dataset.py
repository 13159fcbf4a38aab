"""Bad-input checks of the CamVid folder loader used by models/train.py (numpy + PIL only)."""
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models"))
from camvid_dataset import DatasetError, class_frequencies, load_labelled_folder, log_balanced_weights  # noqa: E402
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


if __name__ == "__main__":
    unittest.main()
