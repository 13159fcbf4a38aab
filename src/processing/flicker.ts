// Temporal flicker of predicted masks on a labelled sequence: among pixels whose ground-truth class
// is the same in two consecutive frames (neither void), the share whose predicted class changes.
// Where the scene really changes (the label changes) a changing prediction is right, so those
// pixels are left out. Shared by `npm run eval` and its tests.

export interface FlickerCounts {
  /** Pixel pairs (same pixel, consecutive frames) whose label is the same non-void class in both. */
  steadyPixels: number;
  /** Of those, the pairs whose predicted class differs between the two frames. */
  changedPixels: number;
}

export function createFlickerCounts(): FlickerCounts {
  return { steadyPixels: 0, changedPixels: 0 };
}

/**
 * Adds one pair of consecutive frames, all four maps at the label's size (row-major class ids).
 * Returns `counts`.
 */
export function accumulateFlicker(
  counts: FlickerCounts,
  previousPrediction: ArrayLike<number>,
  prediction: ArrayLike<number>,
  previousLabel: ArrayLike<number>,
  label: ArrayLike<number>,
  voidId: number,
): FlickerCounts {
  const n = label.length;
  if (previousLabel.length !== n || prediction.length !== n || previousPrediction.length !== n) {
    throw new RangeError(
      `flicker needs maps of one size: labels ${previousLabel.length} and ${n} pixels, predictions ${previousPrediction.length} and ${prediction.length}`,
    );
  }
  let steady = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const t = label[i] as number;
    if (t === voidId || t !== previousLabel[i]) continue;
    steady++;
    if (prediction[i] !== previousPrediction[i]) changed++;
  }
  counts.steadyPixels += steady;
  counts.changedPixels += changed;
  return counts;
}

/** changedPixels / steadyPixels in percent (0-100, as mIoU); null when no pixel was steady. */
export function flickerRate(counts: FlickerCounts): number | null {
  return counts.steadyPixels === 0 ? null : (100 * counts.changedPixels) / counts.steadyPixels;
}
