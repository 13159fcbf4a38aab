"""Confusion matrix, per-class IoU, mIoU and pixel accuracy (same definitions as src/processing/confusion.ts).

Rows are ground truth, columns prediction; void pixels are skipped; a class with no ground truth and no
prediction gets IoU None and is left out of the mean.
"""
from __future__ import annotations

from typing import List, Optional

import numpy as np


def accumulate_confusion(conf: np.ndarray, pred: np.ndarray, label: np.ndarray, void_id: int) -> None:
    n = conf.shape[0]
    keep = label != void_id
    idx = label[keep].astype(np.int64) * n + pred[keep].astype(np.int64)
    conf += np.bincount(idx, minlength=n * n).reshape(n, n)


def iou_per_class(conf: np.ndarray) -> List[Optional[float]]:
    tp = np.diag(conf).astype(np.float64)
    union = conf.sum(0) + conf.sum(1) - tp
    return [None if u == 0 else float(100.0 * t / u) for t, u in zip(tp, union)]


def mean_iou(conf: np.ndarray) -> float:
    values = [v for v in iou_per_class(conf) if v is not None]
    return float(np.mean(values)) if values else 0.0


def pixel_accuracy(conf: np.ndarray) -> float:
    total = conf.sum()
    return float(100.0 * np.trace(conf) / total) if total else 0.0
