"""Writes a small SVG scatter plot of val mIoU vs inference FPS for the model candidates.

  /usr/bin/python3 models/plot_candidates.py --out docs/miou_vs_fps.svg \
      --point "accurate,70.1,9.8" --point "fast,69.5,11.2"

Each point is "label,val mIoU (%),FPS[,above|below|left]" (where its label goes; default above right); FPS
and mIoU come from `npm run bench` and `npm run eval`.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--point", action="append", required=True, help="label,miou,fps[,above|below|left]")
    p.add_argument("--title", default="CamVid val mIoU vs end-to-end FPS (WASM, 2 cores, 360x480)")
    args = p.parse_args()
    points = []
    for spec in args.point:
        place = "above"
        if spec.endswith((",above", ",below", ",left")):
            spec, place = spec.rsplit(",", 1)
        label, miou, fps = spec.rsplit(",", 2)
        points.append((label, float(miou), float(fps), place))
    w, h, m = 520, 320, 60
    fps_lo, fps_hi = 0.0, max(25.0, max(f for _, _, f, _ in points) * 1.15)
    miou_lo = min(55.0, min(v for _, v, _, _ in points) - 2)
    miou_hi = max(75.0, max(v for _, v, _, _ in points) + 2)
    x = lambda f: m + (f - fps_lo) / (fps_hi - fps_lo) * (w - 2 * m)  # noqa: E731
    y = lambda v: h - m + -(v - miou_lo) / (miou_hi - miou_lo) * (h - 2 * m)  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{w / 2}" y="20" text-anchor="middle" font-size="13">{args.title}</text>',
             f'<line x1="{m}" y1="{h - m}" x2="{w - m}" y2="{h - m}" stroke="black"/>',
             f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h - m}" stroke="black"/>',
             f'<text x="{w / 2}" y="{h - 20}" text-anchor="middle">inference FPS (end to end)</text>',
             f'<text x="18" y="{h / 2}" text-anchor="middle" transform="rotate(-90 18 {h / 2})">val mIoU (%)</text>']
    for target, label in ((15.0, "15 FPS target"), (25.0, "25 FPS goal")):
        parts.append(f'<line x1="{x(target):.1f}" y1="{m}" x2="{x(target):.1f}" y2="{h - m}" stroke="#bbb" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x(target) + 3:.1f}" y="{m + 12}" fill="#888">{label}</text>')
    parts.append(f'<line x1="{m}" y1="{y(70):.1f}" x2="{w - m}" y2="{y(70):.1f}" stroke="#bbb" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{w - m - 2}" y="{y(70) - 4:.1f}" text-anchor="end" fill="#888">70 % val target</text>')
    for tick in range(int(fps_lo), int(fps_hi) + 1, 5):
        parts.append(f'<text x="{x(tick):.1f}" y="{h - m + 16}" text-anchor="middle">{tick}</text>')
    for tick in range(int(miou_lo) // 5 * 5 + 5, int(miou_hi) + 1, 5):
        parts.append(f'<text x="{m - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    for label, miou, fps, place in points:
        parts.append(f'<circle cx="{x(fps):.1f}" cy="{y(miou):.1f}" r="5" fill="#c0f"/>')
        dx, dy, anchor = {"above": (8, -6, "start"), "below": (8, 16, "start"), "left": (-8, 4, "end")}[place]
        parts.append(f'<text x="{x(fps) + dx:.1f}" y="{y(miou) + dy:.1f}" text-anchor="{anchor}">{label} ({miou:.1f} %, {fps:.1f} FPS)</text>')
    parts.append("</svg>")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(parts) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
