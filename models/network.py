"""DashSegNet: a dilated context network for driving scenes (after Yu & Koltun, ICLR 2016).

front-end  MobileNetV2 features[0..13] (ImageNet init), output stride 16, taps at 1/4 and 1/8
context    1x1 projection, then 3x3 depthwise-separable convs with dilation 1,1,2,4,8,16,1 and a final
           1x1, identity-initialised as in the paper (the module starts as an identity map)
fusion     FCN-style: upsample x2, concat the 1/8 tap, 3x3 DW-sep conv; upsample x2, concat the 1/4 tap
head       1x1 classifier at 1/4 resolution; bilinear x4 upsampling (align_corners=False) to the input

Two architectures share this code (ARCHITECTURES):
  "os16"  the accurate net above: front-end features[0..13] (96 ch at 1/16), separable fusion at 1/4.
  "lite2" the faster net (dashseg-lite2): every downsampling moved one block earlier (features[1] to 1/4,
          features[2] to 1/8, features[4]'s depthwise conv at stride 1), so features[2..6] run at 1/8 instead of
          1/4; features[9] dropped; linear fusion at 1/8 as well as at 1/4; the 1/4 tap is features[1] (16 ch).
  "lite"  the fast net: features[1] downsamples (stride 2 moved from features[2]'s depthwise conv into
          features[1]'s, so the expansion to 96 channels runs at 1/4 instead of 1/2, same pretrained weights),
          front-end cut at features[0..10] (64 ch at 1/16), and a linear fusion at 1/4: the 1x1 projection of
          the 1/8 features is applied before the x2 upsampling (bilinear upsampling and a 1x1 conv commute),
          added to a 1x1 projection of the 1/4 tap, then one 3x3 depthwise conv.
"""
from __future__ import annotations

import re
from collections import OrderedDict
from typing import List, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from mobilenet_v2_int8 import build_mobilenet_v2_features, load_int8_conv_weights

CONTEXT_DILATIONS = (1, 1, 2, 4, 8, 16, 1)


def conv_bn_relu(in_ch: int, out_ch: int, k: int = 1, groups: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_ch, out_ch, k, padding=dilation * (k // 2), dilation=dilation, groups=groups, bias=False),
        nn.BatchNorm2d(out_ch), nn.ReLU(inplace=True))


def separable_bn_relu(in_ch: int, out_ch: int, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(conv_bn_relu(in_ch, in_ch, 3, groups=in_ch, dilation=dilation), conv_bn_relu(in_ch, out_ch, 1))


class ContextLayer(nn.Module):
    """3x3 depthwise conv with dilation d, then 1x1 pointwise, ReLU; no BN, so identity init is exact."""

    def __init__(self, channels: int, dilation: int, kernel: int = 3):
        super().__init__()
        self.kernel = kernel
        if kernel == 3:
            self.depthwise = nn.Conv2d(channels, channels, 3, padding=dilation, dilation=dilation, groups=channels)
        self.pointwise = nn.Conv2d(channels, channels, 1)
        self.reset_to_identity()

    def reset_to_identity(self) -> None:
        with torch.no_grad():
            if self.kernel == 3:
                self.depthwise.weight.zero_()
                self.depthwise.weight[:, 0, 1, 1] = 1.0
                self.depthwise.bias.zero_()
            self.pointwise.weight.zero_()
            self.pointwise.weight[:, :, 0, 0].copy_(torch.eye(self.pointwise.weight.shape[0]))
            self.pointwise.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.kernel == 3:
            x = self.depthwise(x)
        return F.relu(self.pointwise(x))


class ContextModule(nn.Module):
    def __init__(self, channels: int, dilations: Sequence[int] = CONTEXT_DILATIONS):
        super().__init__()
        layers: List[nn.Module] = [ContextLayer(channels, d) for d in dilations]
        layers.append(ContextLayer(channels, 1, kernel=1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


ARCHITECTURES = ("os16", "lite", "lite2")


class LinearFusion(nn.Module):
    """relu(bn(up(W8 * coarse) + W4 * fine)), then a 3x3 depthwise conv: the same map as a 1x1 conv of the
    concatenation [up(coarse), fine], but the coarse projection runs at the coarse resolution."""

    def __init__(self, coarse_ch: int, fine_ch: int, out_ch: int):
        super().__init__()
        self.coarse = nn.Conv2d(coarse_ch, out_ch, 1, bias=False)
        self.fine = nn.Conv2d(fine_ch, out_ch, 1, bias=False)
        self.bn = nn.BatchNorm2d(out_ch)
        self.refine = conv_bn_relu(out_ch, out_ch, 3, groups=out_ch)

    def forward(self, coarse: torch.Tensor, fine: torch.Tensor) -> torch.Tensor:
        up = F.interpolate(self.coarse(coarse), size=fine.shape[-2:], mode="bilinear", align_corners=False)
        return self.refine(F.relu(self.bn(up + self.fine(fine))))


def _blocks(features: nn.Sequential, ids: Sequence[int]) -> nn.Sequential:
    """features[i] for i in ids, keeping torchvision's index as the module name (stage_to_16.10, ...)."""
    return nn.Sequential(OrderedDict((str(i), features[i]) for i in ids))


class DashSegNet(nn.Module):
    def __init__(self, num_classes: int, context_channels: int = 128, fuse8_channels: int = 96,
                 fuse4_channels: int = 64, pretrained: bool = True, arch: str = "os16"):
        super().__init__()
        if arch not in ARCHITECTURES:
            raise ValueError(f"unknown architecture {arch!r}; expected one of {ARCHITECTURES}")
        self.arch = arch
        blocks = 14 if arch == "os16" else 11
        features = build_mobilenet_v2_features(blocks)
        if pretrained:
            load_int8_conv_weights(features)
        if arch == "lite":
            features[1].conv[0].stride = (2, 2)  # depthwise 3x3 of features[1] now downsamples ...
            features[2].conv[2].stride = (1, 1)  # ... and features[2]'s depthwise no longer does
        if arch == "lite2":
            features[1].conv[0].stride = (2, 2)  # 1/4 after features[1] ...
            features[2].conv[2].stride = (2, 2)  # ... 1/8 after features[2] (same stride, one level down) ...
            features[4].conv[2].stride = (1, 1)  # ... so features[4] stays at 1/8
            self.stem_to_4 = _blocks(features, [0, 1])                 # 16 ch, stride 4
            self.stage_to_8 = _blocks(features, [2, 3, 4, 5, 6])       # 32 ch, stride 8
            self.stage_to_16 = _blocks(features, [7, 8, 10])           # 64 ch, stride 16
            fine4_channels = 16
        else:
            self.stem_to_4 = features[:4]     # 24 ch, stride 4
            self.stage_to_8 = features[4:7]   # 32 ch, stride 8
            self.stage_to_16 = features[7:blocks]  # 96 ch (os16) or 64 ch (lite), stride 16
            fine4_channels = 24
        self.context_in = conv_bn_relu(96 if arch == "os16" else 64, context_channels)
        self.context = ContextModule(context_channels)
        if arch == "lite2":
            self.fuse8_linear = LinearFusion(context_channels, 32, fuse8_channels)
        else:
            self.skip8 = conv_bn_relu(32, 32)
            self.fuse8 = separable_bn_relu(context_channels + 32, fuse8_channels)
        if arch == "os16":
            self.skip4 = conv_bn_relu(24, 24)
            self.fuse4 = separable_bn_relu(fuse8_channels + 24, fuse4_channels)
        else:
            fuse4_channels = 32
            self.fuse4_linear = LinearFusion(fuse8_channels, fine4_channels, fuse4_channels)
        self.classifier = nn.Conv2d(fuse4_channels, num_classes, 1)

    def backbone_parameters(self):
        for stage in (self.stem_to_4, self.stage_to_8, self.stage_to_16):
            yield from stage.parameters()

    def head_parameters(self):
        backbone = {id(p) for p in self.backbone_parameters()}
        return (p for p in self.parameters() if id(p) not in backbone)

    def forward_quarter(self, x: torch.Tensor) -> torch.Tensor:
        """Logits at 1/4 of the input resolution."""
        f4 = self.stem_to_4(x)
        f8 = self.stage_to_8(f4)
        f16 = self.stage_to_16(f8)
        c = self.context(self.context_in(f16))
        if self.arch == "lite2":
            y = self.fuse8_linear(c, f8)
        else:
            y = F.interpolate(c, size=f8.shape[-2:], mode="bilinear", align_corners=False)
            y = self.fuse8(torch.cat([y, self.skip8(f8)], 1))
        if self.arch != "os16":
            return self.classifier(self.fuse4_linear(y, f4))
        y = F.interpolate(y, size=f4.shape[-2:], mode="bilinear", align_corners=False)
        y = self.fuse4(torch.cat([y, self.skip4(f4)], 1))
        return self.classifier(y)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits at the input resolution."""
        return F.interpolate(self.forward_quarter(x), size=x.shape[-2:], mode="bilinear", align_corners=False)


_FRONT_END_STAGE = re.compile(r"^(stem_to_4|stage_to_8|stage_to_16)\.(\d+)\.")


def _front_end_name(name: str) -> str:
    """stage_to_8.4.conv... -> features.4.conv...: a front-end block keeps its name whichever stage holds it."""
    return _FRONT_END_STAGE.sub(r"features.\2.", name)


def load_matching_weights(model: nn.Module, state: dict) -> List[str]:
    """Copies every tensor of state whose name and shape match model's; returns the names copied.
    Front-end blocks match by their MobileNetV2 index, whichever stage holds them (lite2 moves some)."""
    own = model.state_dict()
    by_block = {_front_end_name(k): v for k, v in state.items()}
    matched = {k: by_block[_front_end_name(k)] for k in own
               if _front_end_name(k) in by_block and own[k].shape == by_block[_front_end_name(k)].shape}
    own.update(matched)
    model.load_state_dict(own)
    return sorted(matched)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def count_macs(model: nn.Module, height: int, width: int) -> int:
    """Multiply-accumulates of conv layers (the bulk of the cost) for one height x width frame."""
    total = 0

    def hook(module: nn.Conv2d, _inp, out):
        nonlocal total
        k = module.kernel_size[0] * module.kernel_size[1]
        total += out.numel() * k * module.in_channels // module.groups

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, height, width))
    for h in handles:
        h.remove()
    return total
