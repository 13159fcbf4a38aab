"""Turns the int8 TorchScript MobileNetV2 in ../shared/pretrained into float nn.Modules.

BatchNorm is folded into every conv of that file, so the float layers are conv + bias (no BN).
The quantized graph uses ReLU (not ReLU6) after the expansion and depthwise convs.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import List

import torch
from torch import nn

DEFAULT_INT8_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "pretrained" / "mobilenet_v2_imagenet_int8.pt"

# (expansion t, output channels c, repeats n, first stride s) — the MobileNetV2 1.0 table.
INVERTED_RESIDUAL_SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                              (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def conv(in_ch: int, out_ch: int, k: int, stride: int = 1, groups: int = 1, dilation: int = 1) -> nn.Conv2d:
    # Explicit symmetric padding keeps the ONNX graph free of auto_pad / asymmetric pads.
    return nn.Conv2d(in_ch, out_ch, k, stride, padding=dilation * (k // 2), dilation=dilation,
                     groups=groups, bias=True)


class InvertedResidual(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, stride: int, expand: int, dilation: int = 1):
        super().__init__()
        hidden = in_ch * expand
        layers: List[nn.Module] = []
        if expand != 1:
            layers += [conv(in_ch, hidden, 1), nn.ReLU(inplace=True)]
        layers += [conv(hidden, hidden, 3, stride, groups=hidden, dilation=dilation), nn.ReLU(inplace=True),
                   conv(hidden, out_ch, 1)]
        self.conv = nn.Sequential(*layers)
        self.use_residual = stride == 1 and in_ch == out_ch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        return x + y if self.use_residual else y


def build_mobilenet_v2_features(num_blocks: int = 19) -> nn.Sequential:
    """features[0..num_blocks-1] of MobileNetV2 with conv+bias layers (torchvision indexing)."""
    blocks: List[nn.Module] = [nn.Sequential(conv(3, 32, 3, 2), nn.ReLU(inplace=True))]
    in_ch = 32
    for t, c, n, s in INVERTED_RESIDUAL_SETTINGS:
        for i in range(n):
            blocks.append(InvertedResidual(in_ch, c, s if i == 0 else 1, t))
            in_ch = c
    blocks.append(nn.Sequential(conv(in_ch, 1280, 1), nn.ReLU(inplace=True)))
    return nn.Sequential(*blocks[:num_blocks])


def _packed_param_names(scripted: torch.jit.ScriptModule) -> List[str]:
    names = set(re.findall(r"_jit_pass_hoist_conv_packed_params\.features\.[\w\.]+?\._packed_params\.\d+", scripted.code))
    return sorted(names, key=lambda s: int(s.rsplit(".", 1)[1]))


def load_int8_conv_weights(features: nn.Sequential, path: Path = DEFAULT_INT8_PATH) -> int:
    """Copies the dequantized conv weights into `features` (in order); returns how many convs were loaded."""
    if not Path(path).exists():
        raise FileNotFoundError(f"pretrained MobileNetV2 not found at {path} (see ../shared/pretrained/README.md)")
    scripted = torch.jit.load(str(path), map_location="cpu")
    packed = _packed_param_names(scripted)
    convs = [m for m in features.modules() if isinstance(m, nn.Conv2d)]
    if len(convs) > len(packed):
        raise ValueError(f"{path}: {len(packed)} conv layers, but the float network has {len(convs)}")
    for module, name in zip(convs, packed):
        params = scripted._c.getattr(name)
        qweight, bias = params.unpack()
        weight = qweight.dequantize()
        if tuple(weight.shape) != tuple(module.weight.shape) or list(params.stride()) != list(module.stride):
            raise ValueError(f"{path}: {name} has shape {tuple(weight.shape)} stride {params.stride()}, "
                             f"expected {tuple(module.weight.shape)} stride {module.stride}")
        with torch.no_grad():
            module.weight.copy_(weight)
            module.bias.copy_(bias if bias is not None else torch.zeros_like(module.bias))
    return len(convs)


class FloatMobileNetV2Classifier(nn.Module):
    """Full float classifier, only used to verify the conversion against the int8 model."""

    def __init__(self, path: Path = DEFAULT_INT8_PATH):
        super().__init__()
        self.features = build_mobilenet_v2_features(19)
        load_int8_conv_weights(self.features, path)
        scripted = torch.jit.load(str(path), map_location="cpu")
        packed = getattr(scripted.classifier, "1")._packed_params._c.getattr("_packed_params")
        qweight, bias = torch.ops.quantized.linear_unpack(packed)
        self.classifier = nn.Linear(1280, 1000)
        with torch.no_grad():
            self.classifier.weight.copy_(qweight.dequantize())
            self.classifier.bias.copy_(bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).mean((2, 3)))
