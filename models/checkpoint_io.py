"""Loading our own training checkpoints on every torch we support (Debian's 1.13 and current releases).

torch 2.6 made `torch.load(weights_only=True)` the default, which refuses our `last.pt`: it holds the
numpy and Python RNG states next to the tensors. These files are written by train.py itself, so they are
loaded with `weights_only=False` where torch knows the argument; torch 1.13 does not and loads them whole.
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Union

import torch

_HAS_WEIGHTS_ONLY = "weights_only" in inspect.signature(torch.load).parameters


def load_checkpoint(path: Union[str, Path]) -> Any:
    """Our own checkpoint (trusted: made by train.py), on the CPU."""
    if _HAS_WEIGHTS_ONLY:
        return torch.load(path, map_location="cpu", weights_only=False)
    return torch.load(path, map_location="cpu")
