"""Checks that the float MobileNetV2 built from the int8 weights predicts like the int8 model.

Usage: /usr/bin/python3 models/verify_pretrained.py [--images DIR] [--count N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mobilenet_v2_int8 import DEFAULT_INT8_PATH, FloatMobileNetV2Classifier  # noqa: E402

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", default=str(Path(__file__).resolve().parents[2] / "shared" / "camvid" / "val"))
    parser.add_argument("--count", type=int, default=16)
    args = parser.parse_args()
    torch.set_num_threads(2)
    files = sorted(Path(args.images).glob("*.png"))[: args.count]
    batch = []
    for f in files:
        img = np.asarray(Image.open(f).convert("RGB").resize((224, 224), Image.BILINEAR), np.float32) / 255
        batch.append(((img - MEAN) / STD).transpose(2, 0, 1))
    x = torch.from_numpy(np.stack(batch))
    int8 = torch.jit.load(str(DEFAULT_INT8_PATH), map_location="cpu").eval()
    float_model = FloatMobileNetV2Classifier().eval()
    with torch.no_grad():
        # The int8 TorchScript was traced with batch 1 (it reshapes to [1, -1]): run frames one by one.
        a = torch.cat([int8(x[i : i + 1]) for i in range(len(files))])
        b = float_model(x)
    top1 = (a.argmax(1) == b.argmax(1)).float().mean().item()
    top5 = np.mean([int(a[i].argmax()) in b[i].topk(5).indices.tolist() for i in range(len(files))])
    corr = np.corrcoef(a.flatten().numpy(), b.flatten().numpy())[0, 1]
    print(f"{len(files)} images: top-1 agreement {top1:.3f}, int8 top-1 within float top-5 {top5:.3f}, logit correlation {corr:.4f}")
    # Street scenes are ambiguous ImageNet inputs, so top-1 flips between near-tied classes; top-5 and
    # logit correlation are the meaningful checks of the conversion.
    if top5 < 0.9 or corr < 0.95:
        sys.exit("float conversion does not match the int8 model")


if __name__ == "__main__":
    main()
