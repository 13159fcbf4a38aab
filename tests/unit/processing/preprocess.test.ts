import { describe, expect, it } from 'vitest';
import type { InputNormalisation } from '../../../src/processing/modelContract.ts';
import {
  APP_RESIZE_MODE,
  argmaxChannels,
  letterboxRect,
  resizeNearestU8,
  rgbaToNchwFloat,
} from '../../../src/processing/preprocess.ts';

const IDENTITY: InputNormalisation = { channelOrder: 'RGB', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
const IMAGENET: InputNormalisation = {
  channelOrder: 'RGB', scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};

// 3x1 image: red-ish, green-ish, blue-ish with distinct alpha (which must be ignored).
const RGBA = new Uint8ClampedArray([
  200, 10, 20, 255,
  30, 150, 40, 0,
  50, 60, 250, 128,
]);

describe('rgbaToNchwFloat', () => {
  it('writes planar RGB channels (all R, then all G, then all B)', () => {
    expect(Array.from(rgbaToNchwFloat(RGBA, 3, 1, IDENTITY))).toEqual([200, 30, 50, 10, 150, 60, 20, 40, 250]);
  });

  it('honours BGR channel order', () => {
    const out = rgbaToNchwFloat(RGBA, 3, 1, { ...IDENTITY, channelOrder: 'BGR' });
    expect(Array.from(out)).toEqual([20, 40, 250, 10, 150, 60, 200, 30, 50]);
  });

  it('applies (pixel / scale - mean) / std per channel', () => {
    const out = rgbaToNchwFloat(new Uint8Array([255, 0, 128, 9]), 1, 1, IMAGENET);
    expect(out[0]).toBe(Math.fround((1 - 0.485) / 0.229)); // 2.2489...
    expect(out[1]).toBe(Math.fround((0 - 0.456) / 0.224)); // -2.0357...
    expect(out[2]).toBe(Math.fround((128 / 255 - 0.406) / 0.225)); // 0.4265...
    expect(out[0]).toBeCloseTo(2.248908, 5);
    expect(out[1]).toBeCloseTo(-2.035714, 5);
    expect(out[2]).toBeCloseTo(0.426492, 5);
  });

  it('writes into the caller buffer and checks sizes', () => {
    const out = new Float32Array(9).fill(Number.NaN);
    expect(rgbaToNchwFloat(RGBA, 3, 1, IDENTITY, out)).toBe(out);
    expect(out[8]).toBe(250);
    expect(() => rgbaToNchwFloat(RGBA, 3, 1, IDENTITY, new Float32Array(8))).toThrow(/needs 9/);
    expect(() => rgbaToNchwFloat(RGBA, 4, 1, IDENTITY)).toThrow(/needs 16/);
  });
});

describe('letterboxRect', () => {
  it('stretch fills the model input whatever the source aspect', () => {
    expect(letterboxRect(1920, 1080, 480, 360, 'stretch')).toEqual({ x: 0, y: 0, width: 480, height: 360 });
    expect(APP_RESIZE_MODE).toBe('stretch');
  });

  it('contain keeps the aspect ratio and centres with bars', () => {
    expect(letterboxRect(1920, 1080, 480, 360, 'contain')).toEqual({ x: 0, y: 45, width: 480, height: 270 });
    expect(letterboxRect(640, 480, 480, 360, 'contain')).toEqual({ x: 0, y: 0, width: 480, height: 360 });
    // Portrait: scale = 360 / 1920 = 0.1875 → 202.5 wide, rounds to 203; bars 138 + 139.
    expect(letterboxRect(1080, 1920, 480, 360, 'contain')).toEqual({ x: 138, y: 0, width: 203, height: 360 });
  });

  it('rejects empty sizes', () => {
    expect(() => letterboxRect(0, 480, 480, 360, 'contain')).toThrow(RangeError);
  });
});

describe('resizeNearestU8', () => {
  it('samples pixel centres: 4x4 → 2x2 takes (1,1), (3,1), (1,3), (3,3)', () => {
    const src = new Uint8Array(Array.from({ length: 16 }, (_, i) => i));
    const dst = new Uint8Array(4);
    resizeNearestU8(src, 4, 4, dst, 2, 2);
    // cv2.INTER_NEAREST (no half-pixel offset) would give [0, 2, 8, 10] instead.
    expect(Array.from(dst)).toEqual([5, 7, 13, 15]);
  });

  it('handles non-integer ratios: 3 → 2 and 2 → 5', () => {
    const down = new Uint8Array(2);
    resizeNearestU8(new Uint8Array([10, 20, 30]), 3, 1, down, 2, 1);
    expect(Array.from(down)).toEqual([10, 30]); // floor(0.75) = 0, floor(2.25) = 2
    const up = new Uint8Array(5);
    resizeNearestU8(new Uint8Array([1, 2]), 2, 1, up, 5, 1);
    expect(Array.from(up)).toEqual([1, 1, 2, 2, 2]); // floor(0.2), floor(0.6), floor(1.0), floor(1.4), floor(1.8)
  });

  it('upsamples a quarter-resolution class map by 4 (logits 90x120 → 360x480 pattern)', () => {
    const src = new Uint8Array([0, 1, 2, 3]); // 2x2
    const dst = new Uint8Array(64);
    resizeNearestU8(src, 2, 2, dst, 8, 8);
    expect(dst[0]).toBe(0);
    expect(dst[3]).toBe(0);
    expect(dst[4]).toBe(1);
    expect(dst[3 * 8 + 7]).toBe(1);
    expect(dst[4 * 8]).toBe(2);
    expect(dst[63]).toBe(3);
  });

  it('copies when sizes match and checks buffer sizes', () => {
    const dst = new Uint8Array(3);
    expect(resizeNearestU8(new Uint8Array([4, 5, 6]), 3, 1, dst, 3, 1)).toBe(dst);
    expect(Array.from(dst)).toEqual([4, 5, 6]);
    expect(() => resizeNearestU8(new Uint8Array(3), 2, 2, dst, 1, 1)).toThrow(/needs 4/);
    expect(() => resizeNearestU8(new Uint8Array(4), 2, 2, dst, 2, 2)).toThrow(/needs 4/);
  });
});

describe('argmaxChannels', () => {
  it('takes the max over channels per pixel, first max on ties, NaN never winning', () => {
    // C = 3, H = 1, W = 5; planar [C, H, W].
    const logits = new Float32Array([
      /* c0 */ 1, 5, 2, Number.NaN, -1,
      /* c1 */ 3, 5, 2, 0.5, Number.NaN,
      /* c2 */ 2, 4, 7, 0.5, -2,
    ]);
    const out = new Uint8Array(5).fill(99);
    expect(argmaxChannels(logits, 3, 1, 5, out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 0, 2, 1, 0]);
  });

  it('works on a 2D plane', () => {
    // C = 2, H = 2, W = 2.
    const logits = new Float32Array([0, 9, 0, 9, 1, 0, 1, 0]);
    const out = new Uint8Array(4);
    argmaxChannels(logits, 2, 2, 2, out);
    expect(Array.from(out)).toEqual([1, 0, 1, 0]);
  });

  it('checks sizes', () => {
    expect(() => argmaxChannels(new Float32Array(5), 3, 1, 2, new Uint8Array(2))).toThrow(/needs 6/);
    expect(() => argmaxChannels(new Float32Array(6), 3, 1, 2, new Uint8Array(1))).toThrow(/needs 2/);
    expect(() => argmaxChannels(new Float32Array(300), 300, 1, 1, new Uint8Array(1))).toThrow(/1\.\.256/);
  });
});
