import { describe, expect, it } from 'vitest';
import { labelEdgeBand } from '../../../src/processing/boundaryBand.ts';
import { accumulateConfusion, createConfusion, meanIoU } from '../../../src/processing/confusion.ts';

describe('labelEdgeBand', () => {
  it('marks the pixels within r px (Euclidean) of a label edge', () => {
    // 11x3, classes 0 | 1 with the edge between x = 5 and x = 6.
    const W = 11, H = 3;
    const ids = new Uint8Array(W * H).map((_, i) => (i % W >= 6 ? 1 : 0));
    const band = labelEdgeBand(ids, W, H, 2);
    // Edge pixels are x = 5 and 6; within 2 px: x = 3..8.
    for (let y = 0; y < H; y++) expect(Array.from(band.subarray(y * W, y * W + W))).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('uses a disc, not a square, and counts edges with void', () => {
    const W = 9, H = 9;
    const ids = new Uint8Array(W * H).fill(2);
    ids[4 * W + 4] = 11; // one void pixel in the middle: it and its 4 neighbours are edge pixels
    const band = labelEdgeBand(ids, W, H, 3);
    expect(band[4 * W + 4]).toBe(1);
    expect(band[4 * W + 8]).toBe(1); // 3 px right of the edge pixel (4, 5)
    expect(band[0]).toBe(0); // corner: farther than 3 px from every edge pixel
    expect(band[1 * W + 2]).toBe(1); // (2, 1) is √8 px from the edge pixel (4, 3)
    expect(band[0 * W + 1]).toBe(0); // (1, 0): √18 px from (4, 3), √13 from (3, 4)
  });

  it('is empty for a label of one class, and restricts the confusion matrix to the band', () => {
    const one = labelEdgeBand(new Uint8Array(12).fill(4), 4, 3, 3);
    expect(Array.from(one)).toEqual(new Array(12).fill(0));
    const label = Uint8Array.from([0, 0, 0, 1, 1, 1]);
    const band = Uint8Array.from([0, 0, 1, 1, 0, 0]);
    const pred = Uint8Array.from([1, 1, 0, 0, 1, 1]); // wrong outside the band, and at x = 3
    const conf = accumulateConfusion(createConfusion(2), pred, label, 11, band);
    expect(Array.from(conf.counts)).toEqual([1, 0, 1, 0]);
    expect(meanIoU(conf)).toBeCloseTo(25, 6); // percent: IoU0 = 1/2, IoU1 = 0/1
    expect(() => accumulateConfusion(createConfusion(2), pred, label, 11, new Uint8Array(2))).toThrow(/selection has 2 pixels/);
  });

  it('refuses a label of the wrong size', () => {
    expect(() => labelEdgeBand(new Uint8Array(5), 2, 2)).toThrow(/5 ids/);
  });
});
