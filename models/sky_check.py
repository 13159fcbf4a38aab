"""Looks for "objects in the sky" in a checkpoint's masks on a driving video: the share of the frame's top
band that the net paints as a thing that stands on the road (Car, Pedestrian, Bicyclist) or as Road.

  /usr/bin/python3 models/sky_check.py --checkpoint models/checkpoints/dashseg-mnv2.pt \
      --video samples/data/solidWhiteRight.mp4 [--every 5] [--top 0.36] [--out sheet.png]

The top band (default: the top 36 % of the frame, above the horizon of the sample clip) holds sky, trees,
buildings, poles, signs and gantries in forward-facing dashcam footage; a car or road painted there is a
defect. Prints one line per frame with any such pixel, then a summary; --out writes the worst frames
beside their masks (PyTorch, 360x480, class colours of models/camvid_classes.json).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from camvid_dataset import normalise  # noqa: E402
from checkpoint_io import load_checkpoint  # noqa: E402
from contract import load_contract_base  # noqa: E402
from network import ARCHITECTURES, DashSegNet  # noqa: E402

GROUND_THINGS = ("Car", "Pedestrian", "Bicyclist")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="a train.py checkpoint (ema.pt, last.pt or a shipped .pt)")
    p.add_argument("--arch", choices=ARCHITECTURES, default="",
                   help="architecture (default: the one recorded in the checkpoint, else os16)")
    p.add_argument("--video", required=True, help="a driving video OpenCV can read")
    p.add_argument("--every", type=int, default=5, help="look at every Nth frame")
    p.add_argument("--top", type=float, default=0.36, help="the top band, as a share of the frame's height")
    p.add_argument("--out", default="", help="write a PNG of the (up to 3) worst frames and their masks")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    if args.every < 1 or not 0 < args.top <= 1:
        p.error("--every must be at least 1 and --top in (0, 1]")
    import cv2  # only this tool and training need OpenCV

    torch.set_num_threads(args.threads)
    base = load_contract_base()
    if not Path(args.checkpoint).is_file():
        sys.exit(f"--checkpoint {args.checkpoint}: no such file")
    state = load_checkpoint(args.checkpoint)
    arch = args.arch or (state.get("args", {}).get("arch", "os16") if isinstance(state, dict) else "os16")
    net = DashSegNet(base.num_classes, pretrained=False, arch=arch)
    net.load_state_dict(state.get("model", state) if isinstance(state, dict) else state)
    net.eval()
    ids = {name: i for i, name in enumerate(base.class_names)}
    things = [ids[n] for n in GROUND_THINGS]
    road = ids["Road"]
    palette = np.zeros((256, 3), np.uint8)
    for c in base.raw["classes"]:
        palette[c["id"]] = c["color"]

    cap = cv2.VideoCapture(args.video)
    if not cap.isOpened():
        sys.exit(f"{args.video}: OpenCV cannot open this video")
    band = max(1, round(args.top * base.height))
    rows, index = [], 0
    with torch.no_grad():
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            if index % args.every == 0:
                rgb = cv2.cvtColor(cv2.resize(bgr, (base.width, base.height), interpolation=cv2.INTER_AREA),
                                   cv2.COLOR_BGR2RGB)
                x = torch.from_numpy(normalise(rgb[None], base.mean, base.std, base.scale))
                logits = F.interpolate(net.forward_quarter(x), size=(base.height, base.width), mode="bilinear",
                                       align_corners=False)
                classes = logits.argmax(1)[0].numpy().astype(np.uint8)
                top = classes[:band]
                rows.append((index, 100 * np.isin(top, things).mean(), 100 * (top == road).mean(), rgb, classes))
            index += 1
    if not rows:
        sys.exit(f"{args.video}: no frames decoded")
    print(f"{args.checkpoint} ({arch}) on {args.video}: {len(rows)} frames (1 in {args.every} of {index}), "
          f"top {args.top:.0%} of each frame")
    for i, things_pct, road_pct, _, _ in rows:
        if things_pct > 0 or road_pct > 0:
            print(f"  frame {i:4d}: {'/'.join(GROUND_THINGS)} {things_pct:5.2f} %   Road {road_pct:5.2f} %")
    bad = [r for r in rows if r[1] > 0 or r[2] > 0]
    print(f"frames with a car, person, bicycle or road in the top band: {len(bad)} of {len(rows)}; "
          f"worst {max(r[1] for r in rows):.2f} % ({'/'.join(GROUND_THINGS)}), {max(r[2] for r in rows):.2f} % (Road)")
    if args.out:
        worst = sorted(rows, key=lambda r: -(r[1] + r[2]))[:3]
        tiles = [np.concatenate([rgb, (0.5 * rgb + 0.5 * palette[classes]).astype(np.uint8)], axis=1)
                 for _, _, _, rgb, classes in worst]
        cv2.imwrite(args.out, cv2.cvtColor(np.concatenate(tiles, axis=0), cv2.COLOR_RGB2BGR))
        print(f"wrote {args.out} (frames {', '.join(str(r[0]) for r in worst)})")


if __name__ == "__main__":
    main()
