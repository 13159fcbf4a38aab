import { describe, expect, it } from 'vitest';
import { DEFAULT_GUIDED_UPSAMPLE, GuidedUpsampler, type GuideImage } from '../../../src/processing/guidedUpsample.ts';

/** A guide (0-255 levels, scale 1) from a function of the pixel. */
function guideOf(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): GuideImage {
  const planes = new Float32Array(3 * width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      const p = y * width + x;
      planes[p] = r;
      planes[p + width * height] = g;
      planes[p + 2 * width * height] = b;
    }
  }
  return { planes, width, height, scale: [1, 1, 1] };
}

function nearestUp(map: Uint8Array, mapW: number, mapH: number, W: number, H: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = map[Math.floor((y * mapH) / H) * mapW + Math.floor((x * mapW) / W)]!;
  return out;
}

describe('GuidedUpsampler', () => {
  it('moves a mask edge that the class map puts off by a cell onto the edge of the picture', () => {
    // Picture 32x8: dark left of x = 13, bright from x = 13. Class map 8x2 (4 px cells): class 1 from
    // cell 4 (x >= 16), so NEAREST puts the edge 3 px right of the picture's.
    const W = 32, H = 8, mapW = 8, mapH = 2;
    const guide = guideOf(W, H, (x) => (x >= 13 ? [220, 220, 220] : [30, 30, 30]));
    const map = new Uint8Array(mapW * mapH);
    for (let y = 0; y < mapH; y++) for (let x = 4; x < mapW; x++) map[y * mapW + x] = 1;
    const up = new GuidedUpsampler({ radius: 1, sigmaSpatial: 1.5, sigmaRange: 20, holdMargin: 0 }).upsample(map, mapW, mapH, guide);
    const nearest = nearestUp(map, mapW, mapH, W, H);
    for (let y = 0; y < H; y++) {
      expect(Array.from(nearest.subarray(y * W + 12, y * W + 17))).toEqual([0, 0, 0, 0, 1]);
      // Guided: class 1 from x = 13, where the picture turns bright.
      expect(Array.from(up.subarray(y * W + 11, y * W + 17))).toEqual([0, 0, 1, 1, 1, 1]);
    }
  });

  it('leaves a map that is of one class around each pixel as NEAREST would, whatever the picture', () => {
    const W = 48, H = 36, mapW = 24, mapH = 18;
    const guide = guideOf(W, H, (x, y) => [(x * 37 + y * 11) % 256, (x * 5) % 256, (y * 13) % 256]);
    const map = new Uint8Array(mapW * mapH);
    for (let y = 0; y < mapH; y++) for (let x = 0; x < mapW; x++) map[y * mapW + x] = x < 12 ? 3 : 7; // one vertical edge
    const up = new GuidedUpsampler().upsample(map, mapW, mapH, guide);
    const nearest = nearestUp(map, mapW, mapH, W, H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (x < 20 || x > 27) expect(up[y * W + x]).toBe(nearest[y * W + x]); // far from the edge
        expect([3, 7]).toContain(up[y * W + x]); // only classes of the window
      }
    }
  });

  it('resizes NEAREST when the map is not smaller than the picture, and reuses the output buffer', () => {
    const guide = guideOf(4, 2, () => [0, 0, 0]);
    const map = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const out = new Uint8Array(8);
    const up = new GuidedUpsampler(DEFAULT_GUIDED_UPSAMPLE);
    expect(up.upsample(map, 4, 2, guide, out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('handles sizes that are not multiples of each other, and new sizes between calls', () => {
    const up = new GuidedUpsampler();
    for (const [mapW, mapH, W, H] of [[7, 5, 30, 17], [240, 180, 480, 360], [3, 3, 4, 4]] as const) {
      const guide = guideOf(W, H, (x, y) => ((x + y) % 2 ? [200, 10, 10] : [10, 10, 200]));
      const map = new Uint8Array(mapW * mapH).map((_, i) => i % 3);
      const out = up.upsample(map, mapW, mapH, guide);
      expect(out.length).toBe(W * H);
      // Every pixel one of the map's classes (one expect for all: 172,800 of them took ~5 s, the test's timeout).
      expect(out.reduce((max, v) => Math.max(max, v), 0)).toBeLessThan(3);
    }
  });

  it("holds a pixel near the edge at the class it showed while that class keeps enough of the winner's weight", () => {
    // A flat grey picture (colour tells nothing): the weights are spatial only. Class map 8x2 (4 px
    // cells), class 1 from cell 4. Pixel x = 15 sees cells 2-4 at -1.375, -0.375, 0.625 cells: class 0
    // weighs 1.63 and class 1 0.92 (56 %); x = 12 sees them at -0.625, 0.375, 1.375: class 1 has 35 %.
    const W = 32, H = 8, mapW = 8, mapH = 2;
    const guide = guideOf(W, H, () => [128, 128, 128]);
    const map = new Uint8Array(mapW * mapH);
    for (let y = 0; y < mapH; y++) for (let x = 4; x < mapW; x++) map[y * mapW + x] = 1;
    const previous = new Uint8Array(W * H).fill(1);
    const at = (mask: Uint8Array, x: number) => mask[3 * W + x];
    const options = { radius: 1, sigmaSpatial: 1.5, sigmaRange: 20 };
    const held = new GuidedUpsampler({ ...options, holdMargin: 0.6 }).upsample(map, mapW, mapH, guide, undefined, previous);
    expect(at(held, 15)).toBe(1); // 56 % >= 40 %: kept
    expect(at(held, 12)).toBe(0); // 35 % < 40 %: the winner
    expect(at(held, 4)).toBe(0); // all its cells say 0: the previous mask does not count there
    expect(at(new GuidedUpsampler({ ...options, holdMargin: 0.3 }).upsample(map, mapW, mapH, guide, undefined, previous), 15)).toBe(0);
    expect(at(new GuidedUpsampler({ ...options, holdMargin: 0.6 }).upsample(map, mapW, mapH, guide), 15)).toBe(0); // no previous
    expect(at(new GuidedUpsampler({ ...options, holdMargin: 0 }).upsample(map, mapW, mapH, guide, undefined, previous), 15)).toBe(0);
    // Where the picture moved under the pixel's nearest cell (x = 15: cell 3), the hold is lifted.
    const movedUnder = (cells: number[]) => ({ moved: (cell: number) => cells.includes(cell % mapW) });
    const lifted = new GuidedUpsampler({ ...options, holdMargin: 0.6 }).upsample(map, mapW, mapH, guide, undefined, previous, movedUnder([3]));
    expect(at(lifted, 15)).toBe(0);
    expect(at(new GuidedUpsampler({ ...options, holdMargin: 0.6 }).upsample(map, mapW, mapH, guide, undefined, previous, movedUnder([5])), 15)).toBe(1);
  });

  it('refuses bad options and inputs with a message naming them', () => {
    expect(() => new GuidedUpsampler({ radius: 0, sigmaSpatial: 1, sigmaRange: 1, holdMargin: 0 })).toThrow(/radius/);
    expect(() => new GuidedUpsampler({ radius: 1, sigmaSpatial: 0, sigmaRange: 1, holdMargin: 0 })).toThrow(/sigmaSpatial/);
    expect(() => new GuidedUpsampler({ radius: 1, sigmaSpatial: 1, sigmaRange: -1, holdMargin: 0 })).toThrow(/sigmaRange/);
    expect(() => new GuidedUpsampler({ radius: 1, sigmaSpatial: 1, sigmaRange: 1, holdMargin: 1 })).toThrow(/holdMargin/);
    const up = new GuidedUpsampler();
    expect(() => up.upsample(new Uint8Array(3), 2, 2, guideOf(4, 4, () => [0, 0, 0]))).toThrow(/class map holds 3/);
    expect(() => up.upsample(new Uint8Array(4), 2, 2, { planes: new Float32Array(5), width: 4, height: 4, scale: [1, 1, 1] })).toThrow(/guide holds 5/);
    const grey = guideOf(4, 4, () => [0, 0, 0]);
    expect(() => up.upsample(new Uint8Array(4), 2, 2, grey, undefined, new Uint8Array(15))).toThrow(/previous mask holds 15/);
    const out = new Uint8Array(16);
    expect(() => up.upsample(new Uint8Array(4), 2, 2, grey, out, out)).toThrow(/different buffers/);
  });
});
