import { describe, expect, it } from 'vitest';
import type { GuideImage } from '../../../src/processing/guidedUpsample.ts';
import { PictureMotion } from '../../../src/processing/pictureMotion.ts';

/** A W x H planar guide (scale 1: values are levels) filled by colour(x, y). */
function guideOf(W: number, H: number, colour: (x: number, y: number) => [number, number, number]): GuideImage {
  const planes = new Float32Array(3 * W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [r, g, b] = colour(x, y);
      planes[y * W + x] = r;
      planes[W * H + y * W + x] = g;
      planes[2 * W * H + y * W + x] = b;
    }
  }
  return { planes, width: W, height: H, scale: [1, 1, 1] };
}

const movedCells = (q: { moved(cell: number): boolean }, cells: number) => Array.from({ length: cells }, (_, c) => (q.moved(c) ? 1 : 0));

describe('PictureMotion', () => {
  it('marks every cell moved on the first frame, then only the cells whose mean colour moved by more than its levels', () => {
    const motion = new PictureMotion(20);
    // 8x4 picture over a 4x2 map: 2x2 pixels a cell.
    const grey = guideOf(8, 4, () => [100, 100, 100]);
    expect(movedCells(motion.update(grey, 4, 2), 8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(movedCells(motion.update(grey, 4, 2), 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // Cell 1 (x 2-3, y 0-1) brightens by 30 levels on every channel (52 levels of distance); cell 6
    // (x 4-5, y 2-3) by 10 on one channel (10 levels): only cell 1 moved.
    const changed = guideOf(8, 4, (x, y) => {
      if (x >= 2 && x < 4 && y < 2) return [130, 130, 130];
      if (x >= 4 && x < 6 && y >= 2) return [110, 100, 100];
      return [100, 100, 100];
    });
    expect(movedCells(motion.update(changed, 4, 2), 8)).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it("compares cells' means: a pixel that changes inside a cell whose mean stays is no motion", () => {
    const motion = new PictureMotion(20);
    motion.update(guideOf(4, 2, (x) => (x % 2 ? [0, 0, 0] : [200, 200, 200])), 2, 1);
    // Each cell's two columns swap colours: every pixel changed, no cell's mean did.
    expect(movedCells(motion.update(guideOf(4, 2, (x) => (x % 2 ? [200, 200, 200] : [0, 0, 0])), 2, 1), 2)).toEqual([0, 0]);
  });

  it('keeps its own copy of the frame: the caller may reuse the buffer', () => {
    const motion = new PictureMotion(20);
    const guide = guideOf(4, 2, () => [50, 50, 50]);
    motion.update(guide, 2, 1);
    guide.planes.fill(150);
    expect(movedCells(motion.update(guide, 2, 1), 2)).toEqual([1, 1]);
    expect(movedCells(motion.update(guide, 2, 1), 2)).toEqual([0, 0]);
  });

  it('starts afresh after reset() and on a new size', () => {
    const motion = new PictureMotion(20);
    const guide = guideOf(4, 4, () => [50, 50, 50]);
    motion.update(guide, 2, 2);
    motion.reset();
    expect(movedCells(motion.update(guide, 2, 2), 4)).toEqual([1, 1, 1, 1]);
    expect(movedCells(motion.update(guide, 4, 4), 16).every((m) => m === 1)).toBe(true);
  });

  it('rejects levels that are not positive', () => {
    expect(() => new PictureMotion(0)).toThrow(/levels/);
    expect(() => new PictureMotion(Number.NaN)).toThrow(/levels/);
  });
});
