"""How far above the horizon the labelled objects lie: the figures behind the app's floating-object check
(src/processing/floatingObjects.ts) and its margin.

  /usr/bin/python3 models/placement_stats.py [--data ../shared/camvid] [--splits train+val] [--scale 0.5]

For each labelled frame (labels resized NEAREST by --scale, as the model's class map: 0.5 = the fast model's
240x180), the horizon is found as the check finds it: the top row of the 8-connected region of "ground" and
"onGround" classes (placements from models/camvid_classes.json) that holds ground on the bottom edge. For
every 8-connected region of an "onGround" class outside that region the script measures (region's lowest
row - horizon) / height. The check drops a region lying wholly more than its margin (0.25 of the height)
above the horizon, so every figure printed must be above -0.25 for no labelled object to be dropped. It
also prints the same figure against the top of the ground alone (a stricter horizon: what the check used
before it counted what stands on the ground), and measures ground regions outside the horizon's region
the same way (the check drops those too).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from camvid_dataset import DatasetError, load_labelled_folder  # noqa: E402
from contract import load_contract_base  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "camvid"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=str(DEFAULT_DATA), help="folder with train/, trainannot/, val/, valannot/")
    p.add_argument("--splits", default="train+val", help="splits to read, e.g. train, val or train+val")
    p.add_argument("--scale", type=float, default=0.5, help="labels resized NEAREST by this (the class map's scale)")
    p.add_argument("--margin", type=float, default=0.25, help="the check's margin, as a share of the height")
    args = p.parse_args()
    splits = [s for s in args.splits.split("+") if s]
    if not splits or any(s not in ("train", "val") for s in splits) or not 0 < args.scale <= 1:
        p.error("--splits takes train, val or train+val; --scale is in (0, 1]")
    import cv2  # only the tools and training need OpenCV

    base = load_contract_base()
    model = [c for c in base.raw["classes"] if not c["ignore"]]
    ground = [c["id"] for c in model if c.get("placement") == "ground"]
    on_ground = {c["id"]: c["name"] for c in model if c.get("placement") == "onGround"}
    if not ground or not on_ground:
        sys.exit("models/camvid_classes.json declares no ground or onGround placement: nothing to measure")

    def horizon_region(mask: np.ndarray, seeds: np.ndarray):
        """The 8-connected regions of `mask` holding a seed on the bottom row: (their labels map, ids, top row)."""
        n, regions, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
        ids = set(regions[-1][seeds[-1]].tolist()) - {0}
        return regions, ids, (min(stats[i][1] for i in ids) if ids else None)

    things, things_ground_only, patches, no_ground, frames = [], [], [], 0, 0
    for split in splits:
        try:
            data = load_labelled_folder(Path(args.data) / split, Path(args.data) / f"{split}annot",
                                        base.num_classes, base.void_id)
        except DatasetError as e:
            sys.exit(str(e))
        for name, label in zip(data.names, data.labels):
            frames += 1
            h, w = label.shape
            label = cv2.resize(label, (round(w * args.scale), round(h * args.scale)), interpolation=cv2.INTER_NEAREST)
            h = label.shape[0]
            is_ground = np.isin(label, ground)
            if not is_ground[-1].any():
                no_ground += 1
                continue
            support = is_ground | np.isin(label, list(on_ground))
            support_regions, support_ids, horizon = horizon_region(support, is_ground)
            _, _, ground_top = horizon_region(is_ground, is_ground)
            in_horizon = np.isin(support_regions, list(support_ids))
            n, regions, stats, _ = cv2.connectedComponentsWithStats((is_ground & ~in_horizon).astype(np.uint8), connectivity=8)
            for i in range(1, n):
                y, rh, area = stats[i][1], stats[i][3], stats[i][4]
                patches.append(((y + rh - 1 - horizon) / h, int(area), f"{split}/{name}"))
            for cls, cls_name in on_ground.items():
                n_c, regions_c, stats_c, _ = cv2.connectedComponentsWithStats((label == cls).astype(np.uint8), connectivity=8)
                for i in range(1, n_c):
                    y, rh, area = stats_c[i][1], stats_c[i][3], stats_c[i][4]
                    lowest = y + rh - 1
                    things_ground_only.append((lowest - ground_top) / h)
                    if not in_horizon[regions_c == i].any():
                        things.append(((lowest - horizon) / h, int(area), cls_name, f"{split}/{name}"))

    print(f"{frames} labelled frames ({args.splits}, labels at scale {args.scale}); {no_ground} without ground at the bottom edge")
    things.sort()
    g = np.array(things_ground_only)
    print(f"{len(g)} regions of {', '.join(on_ground.values())}; against the top of the ground alone, (lowest row - top) / height: "
          f"min {g.min():+.3f}, 0.1 % {np.percentile(g, 0.1):+.3f}; beyond the margin: {int((g < -args.margin).sum())}")
    print(f"{len(things)} of them outside the horizon's region: (lowest row - horizon) / height")
    d = np.array([t[0] for t in things])
    print(f"  min {d.min():+.3f}; 0.1 % {np.percentile(d, 0.1):+.3f}; 1 % {np.percentile(d, 1):+.3f}; 5 % {np.percentile(d, 5):+.3f}")
    print(f"  wholly more than {args.margin:.2f} above the horizon (the check would drop them): "
          f"{sum(1 for t in things if t[0] < -args.margin)}")
    for t in things[:5]:
        print(f"  {t[0]:+.3f}  {t[2]}, {t[1]} px, {t[3]}")
    patches.sort()
    print(f"{len(patches)} ground regions outside the horizon's region; wholly more than {args.margin:.2f} above the horizon: "
          f"{sum(1 for t in patches if t[0] < -args.margin)} ({sum(t[1] for t in patches if t[0] < -args.margin)} px)")
    for t in patches[:5]:
        print(f"  {t[0]:+.3f}  {t[1]} px, {t[2]}")


if __name__ == "__main__":
    main()
