"""Reads the dashseg model I/O contract constants from models/camvid_classes.json.

The same file feeds the TypeScript app, the worker and the eval CLI (through the exported
<model>.json), so normalisation and the class table are defined exactly once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

CONTRACT_BASE_PATH = Path(__file__).resolve().parent / "camvid_classes.json"


@dataclass(frozen=True)
class ContractBase:
    raw: dict
    height: int
    width: int
    scale: float
    mean: Tuple[float, float, float]
    std: Tuple[float, float, float]
    void_id: int
    class_names: List[str]  # model classes only (ignore=False), in id order

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def load_contract_base(path: Path = CONTRACT_BASE_PATH) -> ContractBase:
    raw = json.loads(Path(path).read_text())
    inp = raw["input"]
    classes = sorted(raw["classes"], key=lambda c: c["id"])
    model_classes = [c for c in classes if not c["ignore"]]
    for expected_id, c in enumerate(model_classes):
        if c["id"] != expected_id:
            raise ValueError(f"{path}: model class ids must be 0..N-1 without gaps, got {c['id']}")
    return ContractBase(
        raw=raw,
        height=int(inp["height"]),
        width=int(inp["width"]),
        scale=float(inp["scale"]),
        mean=tuple(float(v) for v in inp["mean"]),
        std=tuple(float(v) for v in inp["std"]),
        void_id=int(raw["voidId"]),
        class_names=[c["name"] for c in model_classes],
    )
