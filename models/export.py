"""Exports a trained DashSegNet checkpoint to ONNX + its contract JSON + golden test fixtures.

  /usr/bin/python3 models/export.py --checkpoint models/checkpoints/dashseg-mnv2.pt --name dashseg-mnv2

Writes models/<name>.onnx (opset 17, static 1x3xHxW float32 input named "image"), models/<name>.json (the
model contract: constants from models/camvid_classes.json + names, shapes, sha256) and
tests/fixtures/golden/<name>/ (PyTorch quarter-resolution logits and class map of one CamVid val frame,
plus sampled values of the Python preprocessing — the frame itself is not stored: tests fetch it).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from contract import load_contract_base  # noqa: E402
from camvid_dataset import normalise  # noqa: E402
from checkpoint_io import load_checkpoint  # noqa: E402
from network import ARCHITECTURES, DashSegNet, count_macs, count_parameters  # noqa: E402

MODELS_DIR = Path(__file__).resolve().parent
ROOT = MODELS_DIR.parent
GOLDEN_FRAME = "0016E5_07959.png"  # first frame of the CamVid val clip
DEFAULT_FRAME_DIR = ROOT.parent / "shared" / "camvid" / "val"


class ExportWrapper(torch.nn.Module):
    """image -> (classmap uint8, logits float32 at 1/4 resolution).

    classmap_scale "full": bilinear x4 of the logits, then ArgMax (360x480 class map, the accurate head);
    "half": bilinear x2 of the logits, then ArgMax (180x240 class map, upscaled by the renderer);
    "quarter": ArgMax of the 1/4 logits (90x120 class map, upscaled by the renderer; cheapest in the graph).
    """

    def __init__(self, net: DashSegNet, classmap_scale: str = "full"):
        super().__init__()
        self.net = net
        self.classmap_scale = classmap_scale

    def forward(self, image: torch.Tensor):
        logits = self.net.forward_quarter(image)
        if self.classmap_scale == "full":
            logits_for_map = F.interpolate(logits, size=image.shape[-2:], mode="bilinear", align_corners=False)
        elif self.classmap_scale == "half":
            half = (image.shape[-2] // 2, image.shape[-1] // 2)
            logits_for_map = F.interpolate(logits, size=half, mode="bilinear", align_corners=False)
        else:
            logits_for_map = logits
        classmap = logits_for_map.argmax(1).to(torch.uint8)
        return classmap, logits


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_ops(model: onnx.ModelProto) -> None:
    """Only ops and attributes that onnxruntime-web's WebGPU backend handles well."""
    for node in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type in ("Conv", "MaxPool", "AveragePool"):
            if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                raise ValueError(f"{node.name}: auto_pad {attrs['auto_pad']}")
            pads = list(attrs.get("pads", []))
            if pads and pads[: len(pads) // 2] != pads[len(pads) // 2:]:
                raise ValueError(f"{node.name}: asymmetric pads {pads}")
            if attrs.get("ceil_mode", 0):
                raise ValueError(f"{node.name}: ceil_mode pooling")
        if node.op_type == "Resize":
            if attrs.get("mode") != b"linear" or attrs.get("coordinate_transformation_mode") != b"half_pixel":
                raise ValueError(f"{node.name}: Resize must be bilinear half_pixel (align_corners=False), got {attrs}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--name", default="dashseg-mnv2")
    p.add_argument("--frame-dir", default=str(DEFAULT_FRAME_DIR))
    p.add_argument("--val-miou", type=float, default=None, help="recorded in the printout only")
    p.add_argument("--classmap-scale", choices=["full", "half", "quarter"], default="full",
                   help="full: class map at the input size (bilinear logits); half / quarter: at 1/2 / 1/4")
    p.add_argument("--arch", choices=ARCHITECTURES, default=None,
                   help="network architecture; default: the one recorded in the checkpoint (os16 if none)")
    args = p.parse_args()
    torch.set_num_threads(2)

    base = load_contract_base()
    state = load_checkpoint(args.checkpoint)
    arch = args.arch or state.get("args", {}).get("arch", "os16")
    net = DashSegNet(base.num_classes, pretrained=False, arch=arch)
    net.load_state_dict(state["model"] if "model" in state else state)
    net.eval()
    wrapper = ExportWrapper(net, args.classmap_scale).eval()

    onnx_path = MODELS_DIR / f"{args.name}.onnx"
    dummy = torch.zeros(1, 3, base.height, base.width)
    torch.onnx.export(wrapper, dummy, str(onnx_path), opset_version=17, input_names=["image"],
                      output_names=["classmap", "logits"], do_constant_folding=True)
    model = onnx.load(str(onnx_path))
    onnx.checker.check_model(model)
    check_ops(model)
    qh, qw = (d.dim_value for d in model.graph.output[1].type.tensor_type.shape.dim[2:])
    classmap_hw = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim[1:]]

    raw = base.raw
    contract = {
        "name": args.name,
        "version": 1,
        "onnx": onnx_path.name,
        "sha256": sha256_of(onnx_path),
        "dataset": raw["dataset"],
        "input": {"name": "image", "shape": [1, 3, base.height, base.width], "layout": raw["input"]["layout"],
                  "dtype": "float32", "channelOrder": raw["input"]["channelOrder"], "scale": base.scale,
                  "mean": list(base.mean), "std": list(base.std)},
        "outputs": [
            {"name": "classmap", "kind": "classmap", "dtype": "uint8", "shape": [1] + list(classmap_hw)},
            {"name": "logits", "kind": "logits", "dtype": "float32", "shape": [1, base.num_classes, qh, qw]},
        ],
        "voidId": base.void_id,
        "groups": raw["groups"],
        "classes": raw["classes"],
    }
    contract_path = MODELS_DIR / f"{args.name}.json"
    contract_path.write_text(json.dumps(contract, indent=2) + "\n")

    # Golden fixtures: PyTorch outputs of a real val frame (the frame itself is fetched by the tests).
    frame_path = Path(args.frame_dir) / GOLDEN_FRAME
    rgb = np.asarray(Image.open(frame_path).convert("RGB"), np.uint8)
    if rgb.shape[:2] != (base.height, base.width):
        sys.exit(f"{frame_path}: golden frame must be {base.width}x{base.height}")
    x = normalise(rgb[None], base.mean, base.std, base.scale)
    with torch.no_grad():
        classmap, logits = wrapper(torch.from_numpy(x))
    golden = ROOT / "tests" / "fixtures" / "golden" / args.name
    golden.mkdir(parents=True, exist_ok=True)
    logits.numpy().astype("<f4").tofile(golden / "logits.f32")
    classmap.numpy().astype(np.uint8).tofile(golden / "classmap.u8")
    rng = np.random.default_rng(7)
    flat = x.reshape(-1)
    sample_idx = np.sort(rng.choice(flat.size, 2000, replace=False))
    (golden / "golden.json").write_text(json.dumps({
        "model": onnx_path.name,
        "frame": f"camvid-val/images/{GOLDEN_FRAME}",
        "frameSha256": sha256_of(frame_path),
        "logitsShape": list(logits.shape),
        "classmapShape": list(classmap.shape),
        "preprocessSamples": {"index": sample_idx.tolist(), "value": [float(v) for v in flat[sample_idx]]},
        "preprocessChannelSums": [float(x[0, c].astype(np.float64).sum()) for c in range(3)],
    }, indent=1) + "\n")

    params = count_parameters(net)
    macs = count_macs(net, base.height, base.width)
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.2f} MB), {contract_path}, {golden}/")
    print(f"architecture {arch}, class map {'x'.join(str(v) for v in classmap_hw)}")
    print(f"params {params / 1e6:.3f} M, {macs / 1e9:.3f} GMACs at {base.height}x{base.width}"
          + (f", val mIoU {args.val_miou:.2f}" if args.val_miou is not None else ""))


if __name__ == "__main__":
    main()
