// Confusion matrix and the segmentation metrics derived from it (IoU per class, mIoU, pixel
// accuracy). Shared by the live labelled-sequence view and the eval CLI so both report the same numbers.

export interface ConfusionMatrix {
  readonly numClasses: number;
  /** Row-major [groundTruth * numClasses + prediction]. Float64 so counts over many frames stay exact. */
  readonly counts: Float64Array;
}

export function createConfusion(numClasses: number): ConfusionMatrix {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
  }
  return { numClasses, counts: new Float64Array(numClasses * numClasses) };
}

/**
 * Adds one frame. Pixels whose label is `voidId` are skipped. A predicted id outside
 * 0..numClasses-1 throws (a model emitting garbage must be reported, not silently scored), and so
 * does a label id outside that range other than voidId; the message names the id, callers add the
 * file name. With `within`, only the pixels where it is non-zero are counted (e.g. a boundary band).
 */
export function accumulateConfusion(
  conf: ConfusionMatrix,
  pred: ArrayLike<number>,
  label: Uint8Array,
  voidId: number,
  within?: Uint8Array,
): ConfusionMatrix {
  const n = conf.numClasses;
  if (pred.length !== label.length) {
    throw new RangeError(`prediction has ${pred.length} pixels but the label has ${label.length}`);
  }
  if (within && within.length !== label.length) {
    throw new RangeError(`the pixel selection has ${within.length} pixels but the label has ${label.length}`);
  }
  const counts = conf.counts;
  for (let i = 0; i < label.length; i++) {
    const p = pred[i] as number;
    // The negated form also rejects NaN and fractions.
    if (!(p >= 0 && p < n && Number.isInteger(p))) {
      throw new RangeError(`predicted class id ${p} at pixel ${i} is outside 0..${n - 1}`);
    }
    const t = label[i] as number;
    if (t === voidId || (within && within[i] === 0)) continue;
    if (t >= n) {
      throw new RangeError(`label class id ${t} at pixel ${i} is outside 0..${n - 1} and is not void (${voidId})`);
    }
    counts[t * n + p] = (counts[t * n + p] as number) + 1;
  }
  return conf;
}

/** Adds `source` into `target` (e.g. per-worker or per-sequence matrices) and returns `target`. */
export function mergeConfusion(target: ConfusionMatrix, source: ConfusionMatrix): ConfusionMatrix {
  if (target.numClasses !== source.numClasses) {
    throw new RangeError(`cannot merge confusion matrices of ${target.numClasses} and ${source.numClasses} classes`);
  }
  const t = target.counts;
  const s = source.counts;
  for (let i = 0; i < t.length; i++) t[i] = (t[i] as number) + (s[i] as number);
  return target;
}

/**
 * IoU = TP / (TP + FP + FN) per class, as a fraction 0..1. A class with no ground-truth pixels and
 * no predicted pixels is null: it is absent from the data, so it is left out of the mean (standard
 * practice, e.g. mmseg's nanmean). A class predicted but never present scores 0.
 */
export function iouPerClass(conf: ConfusionMatrix): (number | null)[] {
  const n = conf.numClasses;
  const c = conf.counts;
  const result: (number | null)[] = [];
  for (let k = 0; k < n; k++) {
    let rowSum = 0; // ground truth k
    let colSum = 0; // predicted k
    for (let j = 0; j < n; j++) {
      rowSum += c[k * n + j] as number;
      colSum += c[j * n + k] as number;
    }
    const tp = c[k * n + k] as number;
    const union = rowSum + colSum - tp;
    result.push(union === 0 ? null : tp / union);
  }
  return result;
}

/** Mean IoU over the non-null classes, in percent (0-100); null when no class has any pixels. */
export function meanIoU(conf: ConfusionMatrix): number | null {
  const present = iouPerClass(conf).filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  return (100 * present.reduce((a, b) => a + b, 0)) / present.length;
}

/** Correct pixels / scored (non-void) pixels, in percent; null when nothing was scored. */
export function pixelAccuracy(conf: ConfusionMatrix): number | null {
  const n = conf.numClasses;
  const c = conf.counts;
  let total = 0;
  let correct = 0;
  for (let i = 0; i < c.length; i++) total += c[i] as number;
  for (let k = 0; k < n; k++) correct += c[k * n + k] as number;
  return total === 0 ? null : (100 * correct) / total;
}

/** Rows (ground truth) of counts as plain arrays, for JSON. */
export function confusionRows(conf: ConfusionMatrix): number[][] {
  const n = conf.numClasses;
  const rows: number[][] = [];
  for (let k = 0; k < n; k++) rows.push(Array.from(conf.counts.subarray(k * n, (k + 1) * n)));
  return rows;
}
