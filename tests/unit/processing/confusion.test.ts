import { describe, expect, it } from 'vitest';
import {
  accumulateConfusion,
  confusionRows,
  createConfusion,
  iouPerClass,
  meanIoU,
  mergeConfusion,
  pixelAccuracy,
} from '../../../src/processing/confusion.ts';

const VOID = 3;

// 3 classes + void (3). Six pixels, one void:
//   gt 0 → pred 0, gt 1 → pred 0, gt 1 → pred 1, gt 2 → pred 2, gt void → pred 2 (skipped), gt 0 → pred 1.
// Rows = ground truth, cols = prediction:
//   [1 1 0]
//   [1 1 0]
//   [0 0 1]
// IoU0 = 1 / (2 + 2 - 1) = 1/3, IoU1 = 1/3, IoU2 = 1/1; mIoU = 5/9 = 55.5…%; accuracy 3/5 = 60%.
const PRED = [0, 0, 1, 2, 2, 1];
const LABEL = new Uint8Array([0, 1, 1, 2, VOID, 0]);

function example() {
  return accumulateConfusion(createConfusion(3), PRED, LABEL, VOID);
}

describe('confusion matrix', () => {
  it('counts rows = ground truth, cols = prediction, skipping void', () => {
    expect(confusionRows(example())).toEqual([[1, 1, 0], [1, 1, 0], [0, 0, 1]]);
  });

  it('computes IoU per class, mean IoU and pixel accuracy', () => {
    const conf = example();
    const iou = iouPerClass(conf);
    expect(iou[0]).toBeCloseTo(1 / 3, 12);
    expect(iou[1]).toBeCloseTo(1 / 3, 12);
    expect(iou[2]).toBe(1);
    expect(meanIoU(conf)).toBeCloseTo(500 / 9, 10);
    expect(pixelAccuracy(conf)).toBeCloseTo(60, 10);
  });

  it('leaves absent classes (no gt, no prediction) out of the mean, but scores false positives as 0', () => {
    const conf = createConfusion(4);
    accumulateConfusion(conf, [0, 0, 1, 1], new Uint8Array([0, 0, 0, 1]), 255);
    // Class 2: absent → null. Class 3: absent too.
    // IoU0 = 2 / (3 + 2 - 2) = 2/3, IoU1 = 1 / (1 + 2 - 1) = 1/2.
    expect(iouPerClass(conf)).toEqual([2 / 3, 1 / 2, null, null]);
    expect(meanIoU(conf)).toBeCloseTo((100 * (2 / 3 + 1 / 2)) / 2, 10);

    accumulateConfusion(conf, [3], new Uint8Array([1]), 255);
    // Class 3 predicted but never present: IoU 0 and now part of the mean.
    expect(iouPerClass(conf)[3]).toBe(0);
    expect(meanIoU(conf)).toBeCloseTo((100 * (2 / 3 + 1 / 3 + 0)) / 3, 10);
  });

  it('reports null metrics for an empty matrix', () => {
    const conf = createConfusion(2);
    accumulateConfusion(conf, [1, 0], new Uint8Array([VOID, VOID]), VOID);
    expect(iouPerClass(conf)).toEqual([null, null]);
    expect(meanIoU(conf)).toBeNull();
    expect(pixelAccuracy(conf)).toBeNull();
  });

  it('accepts typed-array predictions (uint8 class maps, int32 outputs)', () => {
    const a = accumulateConfusion(createConfusion(3), new Uint8Array(PRED), LABEL, VOID);
    const b = accumulateConfusion(createConfusion(3), new Int32Array(PRED), LABEL, VOID);
    expect(confusionRows(a)).toEqual(confusionRows(example()));
    expect(confusionRows(b)).toEqual(confusionRows(example()));
  });

  it('rejects predicted ids outside the class range, even on void pixels', () => {
    expect(() => accumulateConfusion(createConfusion(3), [0, 3], new Uint8Array([0, 0]), VOID)).toThrow(/predicted class id 3 at pixel 1 is outside 0\.\.2/);
    expect(() => accumulateConfusion(createConfusion(3), [-1], new Uint8Array([VOID]), VOID)).toThrow(/predicted class id -1/);
    expect(() => accumulateConfusion(createConfusion(3), [1.5], new Uint8Array([0]), VOID)).toThrow(/predicted class id 1\.5/);
  });

  it('rejects label ids outside the class range that are not void, naming the id', () => {
    expect(() => accumulateConfusion(createConfusion(3), [0, 0], new Uint8Array([0, 7]), VOID)).toThrow(/label class id 7 at pixel 1 is outside 0\.\.2 and is not void \(3\)/);
  });

  it('rejects mismatched sizes', () => {
    expect(() => accumulateConfusion(createConfusion(3), [0], new Uint8Array(2), VOID)).toThrow(/1 pixels but the label has 2/);
    expect(() => createConfusion(0)).toThrow(RangeError);
  });

  it('merges matrices by adding counts', () => {
    const target = example();
    const merged = mergeConfusion(target, example());
    expect(merged).toBe(target);
    expect(confusionRows(merged)).toEqual([[2, 2, 0], [2, 2, 0], [0, 0, 2]]);
    // Same ratios, same metrics.
    expect(meanIoU(merged)).toBeCloseTo(500 / 9, 10);
    expect(() => mergeConfusion(createConfusion(3), createConfusion(4))).toThrow(/3 and 4 classes/);
  });
});
