"""ESPNet (architecture only, random weights) as a speed peer for `npm run bench -- --compare`.

What this is
  The full ESPNet -- the ESPNet-C encoder plus its light-weight RUM decoder, with p=2, q=8 and 11 classes,
  the variant the authors evaluated on CamVid -- from
    Sachin Mehta, Mohammad Rastegari, Anat Caspi, Linda Shapiro, Hannaneh Hajishirzi,
    "ESPNet: Efficient Spatial Pyramid of Dilated Convolutions for Semantic Segmentation", ECCV 2018
    (arXiv:1803.06815),
  rebuilt layer for layer after the authors' public PyTorch code (GitHub sacmehta/ESPNet, train/Model.py,
  class `ESPNet`, built there as ESPNet(classes=11, p=2, q=8) for CamVid).

What this is NOT
  A trained model. The weights are seeded random values (torch.manual_seed(0)); its class maps are
  meaningless and no accuracy may be read from it. It exists because inference speed does not depend on
  the weight values, and the authors' CamVid weights cannot be fetched on the machines this project is
  built on. The module names follow the authors' code, so the state dict keys are the same as theirs:
  `--weights FILE` loads their checkpoint (e.g. espnet_p_2_q_8_camvid.pth) if you have it.

Regenerate (writes models/peers/espnet-camvid-arch.onnx; prints params and MACs):
  /usr/bin/python3 models/peers/espnet.py

ONNX: opset 17, static input "image" float32 [1, 3, 360, 480], one output "logits" float32
[1, 11, 360, 480] (full-resolution logits; the last layer is a stride-2 transposed convolution).
The exporter (eval mode) folds each BatchNorm that follows a convolution into it; the 18 that follow a concat
or an addition stay BatchNormalization nodes, PReLU stays PRelu, and the image's first 3x3 average pooling,
computed twice in PyTorch (sample1, and the first step of sample2), is exported once. No contract
JSON is written: the app's bench derives one for a bare model (workers/segmentation.worker.ts,
resolveBareContract: RGB/255 with ImageNet mean/std, argmax over the logits).
"""
from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent
DEFAULT_ONNX = HERE / "espnet-camvid-arch.onnx"
HEIGHT, WIDTH = 360, 480
NUM_CLASSES, P, Q = 11, 2, 8
BN_EPS = 1e-3  # as in the authors' code


# --- building blocks (names of submodules kept as in the authors' code, for state-dict compatibility) ---

def _pad(k: int, dilation: int = 1) -> int:
    return (k - 1) // 2 * dilation


class C(nn.Module):
    """Bias-free k x k convolution, 'same' padding."""

    def __init__(self, c_in: int, c_out: int, k: int, stride: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=_pad(k), bias=False)

    def forward(self, x):
        return self.conv(x)


class CDilated(nn.Module):
    """Bias-free 3x3 (k x k) convolution with dilation d, 'same' padding."""

    def __init__(self, c_in: int, c_out: int, k: int, stride: int = 1, d: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=_pad(k, d), dilation=d, bias=False)

    def forward(self, x):
        return self.conv(x)


class BR(nn.Module):
    """BatchNorm + PReLU (one slope per channel)."""

    def __init__(self, c: int):
        super().__init__()
        self.bn = nn.BatchNorm2d(c, eps=BN_EPS)
        self.act = nn.PReLU(c)

    def forward(self, x):
        return self.act(self.bn(x))


class CBR(nn.Module):
    """Convolution + BatchNorm + PReLU."""

    def __init__(self, c_in: int, c_out: int, k: int, stride: int = 1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=_pad(k), bias=False)
        self.bn = nn.BatchNorm2d(c_out, eps=BN_EPS)
        self.act = nn.PReLU(c_out)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


def _esp_widths(c_out: int) -> tuple[int, int]:
    """ESP split: K=5 branches; four of width n = floor(c_out / 5), the d=1 branch takes the rest."""
    n = c_out // 5
    return n, c_out - 4 * n


def _hff(branches):
    """Hierarchical feature fusion: [d1, d2, d2+d4, d2+d4+d8, d2+d4+d8+d16] concatenated."""
    d1, *dilated = branches
    outs, acc = [d1], None
    for b in dilated:
        acc = b if acc is None else acc + b
        outs.append(acc)
    return torch.cat(outs, 1)


def _add_esp_branches(module: nn.Module, c_in: int, c_out: int, reduce_kernel: int, reduce_stride: int) -> None:
    """The reduction `c1` and the five parallel dilated 3x3 branches `d1`..`d16` of an ESP module, under the
    authors' attribute names (so their state-dict keys load)."""
    n, n1 = _esp_widths(c_out)
    module.c1 = C(c_in, n, reduce_kernel, reduce_stride)
    module.d1 = CDilated(n, n1, 3, 1, 1)
    module.d2 = CDilated(n, n, 3, 1, 2)
    module.d4 = CDilated(n, n, 3, 1, 4)
    module.d8 = CDilated(n, n, 3, 1, 8)
    module.d16 = CDilated(n, n, 3, 1, 16)


class DownSamplerB(nn.Module):
    """Strided ESP module: 3x3 stride-2 reduction, 5 parallel dilated 3x3 (d = 1, 2, 4, 8, 16), HFF, BN, PReLU."""

    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        _add_esp_branches(self, c_in, c_out, reduce_kernel=3, reduce_stride=2)
        self.bn = nn.BatchNorm2d(c_out, eps=BN_EPS)
        self.act = nn.PReLU(c_out)

    def forward(self, x):
        r = self.c1(x)
        y = _hff([self.d1(r), self.d2(r), self.d4(r), self.d8(r), self.d16(r)])
        return self.act(self.bn(y))


class DilatedParllelResidualBlockB(nn.Module):  # (sic) the authors' class name
    """ESP module: 1x1 reduction, 5 parallel dilated 3x3 (d = 1, 2, 4, 8, 16), HFF, optional identity, BR."""

    def __init__(self, c_in: int, c_out: int, add: bool = True):
        super().__init__()
        _add_esp_branches(self, c_in, c_out, reduce_kernel=1, reduce_stride=1)
        self.bn = BR(c_out)
        self.add = add

    def forward(self, x):
        r = self.c1(x)
        y = _hff([self.d1(r), self.d2(r), self.d4(r), self.d8(r), self.d16(r)])
        if self.add:
            y = x + y
        return self.bn(y)


class InputProjectionA(nn.Module):
    """The RGB image average-pooled (3x3, stride 2, pad 1) `times` times, to re-inject at 1/2, 1/4."""

    def __init__(self, times: int):
        super().__init__()
        self.pool = nn.ModuleList(nn.AvgPool2d(3, stride=2, padding=1) for _ in range(times))

    def forward(self, x):
        for pool in self.pool:
            x = pool(x)
        return x


class ESPNetEncoder(nn.Module):
    """ESPNet-C: output stride 8. (Its `classifier` is also the first decoder layer of the full ESPNet.)"""

    def __init__(self, classes: int, p: int, q: int):
        super().__init__()
        self.level1 = CBR(3, 16, 3, 2)                              # 1/2, 16
        self.sample1 = InputProjectionA(1)                          # image at 1/2
        self.sample2 = InputProjectionA(2)                          # image at 1/4
        self.b1 = BR(16 + 3)
        self.level2_0 = DownSamplerB(16 + 3, 64)                    # 1/4, 64
        self.level2 = nn.ModuleList(DilatedParllelResidualBlockB(64, 64) for _ in range(p))
        self.b2 = BR(128 + 3)
        self.level3_0 = DownSamplerB(128 + 3, 128)                  # 1/8, 128
        self.level3 = nn.ModuleList(DilatedParllelResidualBlockB(128, 128) for _ in range(q))
        self.b3 = BR(256)
        self.classifier = C(256, classes, 1, 1)

    def features(self, image):
        out0 = self.level1(image)
        l1 = self.b1(torch.cat([out0, self.sample1(image)], 1))     # 1/2, 19
        out1_0 = self.level2_0(l1)
        out1 = out1_0
        for block in self.level2:
            out1 = block(out1)
        l2 = self.b2(torch.cat([out1, out1_0, self.sample2(image)], 1))  # 1/4, 131
        out2_0 = self.level3_0(l2)
        out2 = out2_0
        for block in self.level3:
            out2 = block(out2)
        l3 = self.b3(torch.cat([out2_0, out2], 1))                  # 1/8, 256
        return l1, l2, l3

    def forward(self, image):
        return self.classifier(self.features(image)[2])


class ESPNet(nn.Module):
    """Full ESPNet: ESPNet-C + the RUM-based decoder; full-resolution logits [N, classes, H, W]."""

    def __init__(self, classes: int = NUM_CLASSES, p: int = P, q: int = Q):
        super().__init__()
        self.encoder = ESPNetEncoder(classes, p, q)
        self.level3_C = C(128 + 3, classes, 1, 1)
        self.br = nn.BatchNorm2d(classes, eps=BN_EPS)
        self.conv = CBR(19 + classes, classes, 3, 1)
        self.up_l3 = nn.Sequential(nn.ConvTranspose2d(classes, classes, 2, stride=2, bias=False))
        self.combine_l2_l3 = nn.Sequential(BR(2 * classes), DilatedParllelResidualBlockB(2 * classes, classes, add=False))
        self.up_l2 = nn.Sequential(nn.ConvTranspose2d(classes, classes, 2, stride=2, bias=False), BR(classes))
        self.classifier = nn.ConvTranspose2d(classes, classes, 2, stride=2, bias=False)

    def forward(self, image):
        l1, l2, l3 = self.encoder.features(image)
        up3 = self.up_l3(self.br(self.encoder.classifier(l3)))               # 1/8 -> 1/4
        up2 = self.up_l2(self.combine_l2_l3(torch.cat([self.level3_C(l2), up3], 1)))  # 1/4 -> 1/2
        fused = self.conv(torch.cat([up2, l1], 1))
        return self.classifier(fused)                                        # 1/2 -> 1/1


# --- counting ---

def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _forward_with_hooks(model: nn.Module, handles: list, shape) -> None:
    """One forward pass on zeros of `shape` with the counting hooks registered, which are removed after it."""
    try:
        with torch.no_grad():
            model(torch.zeros(shape))
    finally:
        for h in handles:
            h.remove()


def count_macs(model: nn.Module, shape=(1, 3, HEIGHT, WIDTH)) -> dict[str, int]:
    """Multiply-accumulates of every Conv2d and ConvTranspose2d (forward hooks, one pass). BatchNorm,
    PReLU, pooling, additions and concatenations are not counted (the usual convention)."""
    totals = {"conv": 0, "deconv": 0}

    def conv_hook(m: nn.Conv2d, _inp, out):
        kh, kw = m.kernel_size
        totals["conv"] += out.numel() * (m.in_channels // m.groups) * kh * kw

    def deconv_hook(m: nn.ConvTranspose2d, inp, _out):
        kh, kw = m.kernel_size  # every input element is scattered into kh*kw*C_out/groups outputs
        totals["deconv"] += inp[0].numel() * (m.out_channels // m.groups) * kh * kw

    handles = []
    for m in model.modules():
        if isinstance(m, nn.ConvTranspose2d):
            handles.append(m.register_forward_hook(deconv_hook))
        elif isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
    _forward_with_hooks(model, handles, shape)
    totals["total"] = totals["conv"] + totals["deconv"]
    return totals


def count_other_ops(model: nn.Module, shape=(1, 3, HEIGHT, WIDTH)) -> int:
    """The non-convolution operations some counters add to the total: BatchNorm 2 per element, PReLU 1 per
    element, average pooling 1 per input element (ptflops' convention). Only to explain published figures."""
    total = 0

    def hook(m, inp, out):
        nonlocal total
        if isinstance(m, nn.BatchNorm2d):
            total += 2 * inp[0].numel()
        elif isinstance(m, nn.PReLU):
            total += out.numel()
        elif isinstance(m, nn.AvgPool2d):
            total += inp[0].numel()

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.BatchNorm2d, nn.PReLU, nn.AvgPool2d))]
    _forward_with_hooks(model, handles, shape)
    return total


def build(seed: int = 0) -> ESPNet:
    torch.manual_seed(seed)
    model = ESPNet(NUM_CLASSES, P, Q)
    # Random BatchNorm and PReLU parameters too: left at their constant initial values, the exporter would
    # merge the identical tensors into 34 Identity nodes that a trained checkpoint's graph does not have.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
            elif isinstance(m, nn.PReLU):
                m.weight.uniform_(0.05, 0.45)
    return model.eval()


def load_authors_weights(model: ESPNet, path: Path) -> None:
    """A third-party file: tensors only (weights_only) where this torch knows the argument."""
    if "weights_only" in inspect.signature(torch.load).parameters:
        state = torch.load(str(path), map_location="cpu", weights_only=True)
    else:
        state = torch.load(str(path), map_location="cpu")
    state = {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}
    model.load_state_dict(state, strict=True)


def export(model: ESPNet, onnx_path: Path) -> None:
    dummy = torch.zeros(1, 3, HEIGHT, WIDTH)
    torch.onnx.export(model, dummy, str(onnx_path), opset_version=17, input_names=["image"],
                      output_names=["logits"], do_constant_folding=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_ONNX, help="ONNX path (default: %(default)s)")
    ap.add_argument("--weights", type=Path, default=None,
                    help="optional: the authors' ESPNet p=2 q=8 CamVid state dict instead of random weights")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (default: %(default)s)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    model = build(seed=0)
    if args.weights is not None:
        load_authors_weights(model, args.weights)
        print(f"weights: {args.weights}")
    else:
        print("weights: random (seed 0) -- architecture only, for speed comparison; class maps are meaningless")

    enc_macs = count_macs(model.encoder)
    macs = count_macs(model)
    with torch.no_grad():
        out = model(torch.zeros(1, 3, HEIGHT, WIDTH))
    print(f"ESPNet p={P} q={Q} classes={NUM_CLASSES}: params {count_params(model):,} "
          f"(encoder ESPNet-C {count_params(model.encoder):,})")
    print(f"MACs at 1x3x{HEIGHT}x{WIDTH}: {macs['total'] / 1e9:.3f} G (conv {macs['conv'] / 1e9:.3f} G, "
          f"transposed conv {macs['deconv'] / 1e9:.4f} G); ESPNet-C alone {enc_macs['total'] / 1e9:.3f} G")
    other = count_other_ops(model)
    print(f"  + BatchNorm/PReLU/avg-pool element ops ({other / 1e9:.3f} G), as ptflops-style counters add them: "
          f"{(macs['total'] + other) / 1e9:.3f} G")
    print(f"output: {list(out.shape)}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    export(model, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
