import { describe, expect, it } from 'vitest';
import { MaskPostprocessor, MASK_VARIANT_NAMES, variantName } from '../../../src/processing/maskPostprocess.ts';
import type { GuideImage } from '../../../src/processing/guidedUpsample.ts';

const W = 8, H = 4, mapW = 4, mapH = 2;
const guide: GuideImage = { planes: new Float32Array(3 * W * H), width: W, height: H, scale: [1, 1, 1] };
const mapOf = (ids: number[]): Uint8Array => Uint8Array.from(ids);
const A = mapOf([0, 0, 1, 1, 0, 0, 1, 1]);
const B = mapOf([0, 2, 1, 1, 0, 0, 1, 1]); // pixel 1 answers class 2 for one frame

describe('MaskPostprocessor', () => {
  it('sends the map at its own size with NEAREST, at the picture size with guided upsampling', () => {
    const p = new MaskPostprocessor({ stabilise: false, upsample: 'nearest', dropFloating: false });
    const nearest = p.process(A, mapW, mapH, guide);
    expect([nearest.width, nearest.height]).toEqual([mapW, mapH]);
    expect(Array.from(nearest.mask)).toEqual(Array.from(A));
    expect(nearest.mask).not.toBe(A); // a copy: the worker keeps its own buffer
    p.configure({ stabilise: false, upsample: 'guided', dropFloating: false });
    const guided = p.process(A, mapW, mapH, guide);
    expect([guided.width, guided.height]).toEqual([W, H]);
    expect(guided.mask.length).toBe(W * H);
    // Without a guide (none given), the map stays at its size.
    expect(p.process(A, mapW, mapH, null).width).toBe(mapW);
  });

  it('stabilises when on (a one-frame answer does not show), and starts afresh when turned on or reset', () => {
    const p = new MaskPostprocessor({ stabilise: true, upsample: 'nearest', dropFloating: false });
    p.process(A, mapW, mapH, guide);
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(0);
    p.configure({ stabilise: false, upsample: 'nearest', dropFloating: false });
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(2);
    p.configure({ stabilise: true, upsample: 'nearest', dropFloating: false });
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(2); // no history: shown as it is
    p.reset();
    p.process(A, mapW, mapH, guide);
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(0);
  });

  it("shows a class change at once where the frame's picture moved under it, and holds it where the picture stayed", () => {
    const p = new MaskPostprocessor({ stabilise: true, upsample: 'nearest', dropFloating: false });
    const moved: GuideImage = { ...guide, planes: new Float32Array(3 * W * H) };
    // Map cell 1 covers pixels x 2-3, y 0-1: they turn white in the second frame.
    for (const x of [2, 3]) for (const y of [0, 1]) for (let c = 0; c < 3; c++) moved.planes[c * W * H + y * W + x] = 255;
    p.process(A, mapW, mapH, guide);
    expect(p.process(B, mapW, mapH, moved).mask[1]).toBe(2);
    p.reset();
    p.process(A, mapW, mapH, guide);
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(0);
    // Without a stabiliser option for it, motion is not tracked.
    const plain = new MaskPostprocessor({ stabilise: true, upsample: 'nearest', dropFloating: false }, { frames: 2, interiorRadius: 2, interiorNeighbours: 16, sceneCutShare: 0.25 });
    plain.process(A, mapW, mapH, guide);
    expect(plain.process(B, mapW, mapH, moved).mask[1]).toBe(0);
  });

  it('writes into the buffer it is given when that has the right length', () => {
    const p = new MaskPostprocessor({ stabilise: true, upsample: 'guided', dropFloating: false });
    const out = new Uint8Array(W * H);
    expect(p.process(A, mapW, mapH, guide, out).mask).toBe(out);
    const wrong = new Uint8Array(3);
    expect(p.process(A, mapW, mapH, guide, wrong).mask).not.toBe(wrong);
  });

  it('gives all four combinations from one map, each in its own buffer, the stabiliser advancing once', () => {
    const p = new MaskPostprocessor({ stabilise: true, upsample: 'guided', dropFloating: false });
    p.variants(A, mapW, mapH, guide);
    const v = p.variants(B, mapW, mapH, guide);
    expect(v['nearest/off'].mask[1]).toBe(2);
    expect(v['nearest/on'].mask[1]).toBe(0);
    expect([v['guided/on'].width, v['guided/off'].height]).toEqual([W, H]);
    const buffers = new Set(MASK_VARIANT_NAMES.map((n) => v[n].mask.buffer));
    expect(buffers.size).toBe(4);
    expect(variantName(p.settings)).toBe('guided/on');
  });

  it("holds the guided edge with stabilisation on only, and forgets the held edge on reset", () => {
    // Flat picture 32x24, map 8x6 (4 px cells). The map's edge moves one cell left to right; the
    // stabiliser lets a straight edge move at once, and the guided edge's hysteresis keeps x = 15 (whose
    // class 1 still has 56 % of class 0's weight, see guidedUpsample.test.ts) at class 1 for a frame.
    const w = 32, h = 24, mw = 8, mh = 6;
    const flat: GuideImage = { planes: new Float32Array(3 * w * h).fill(128), width: w, height: h, scale: [1, 1, 1] };
    const edgeAt = (cell: number) => Uint8Array.from({ length: mw * mh }, (_, i) => (i % mw >= cell ? 1 : 0));
    const at15 = (m: Uint8Array) => m[12 * w + 15];
    const on = new MaskPostprocessor({ stabilise: true, upsample: 'guided', dropFloating: false });
    expect(at15(on.process(edgeAt(3), mw, mh, flat).mask)).toBe(1);
    expect(at15(on.process(edgeAt(4), mw, mh, flat).mask)).toBe(1); // held
    on.reset();
    expect(at15(on.process(edgeAt(4), mw, mh, flat).mask)).toBe(0); // nothing held after a reset
    const off = new MaskPostprocessor({ stabilise: false, upsample: 'guided', dropFloating: false });
    off.process(edgeAt(3), mw, mh, flat);
    expect(at15(off.process(edgeAt(4), mw, mh, flat).mask)).toBe(0);
    const both = new MaskPostprocessor({ stabilise: true, upsample: 'guided', dropFloating: false });
    both.variants(edgeAt(3), mw, mh, flat);
    const v = both.variants(edgeAt(4), mw, mh, flat);
    expect([at15(v['guided/on'].mask), at15(v['guided/off'].mask)]).toEqual([1, 0]);
  });

  it('relabels floating regions first, in every variant, when dropFloating is on and the contract has placements', () => {
    // 4 x 8 map: sky (0) on rows 0-3, road (3) on rows 4-7, a car (8) pixel floating at row 0.
    const w = 4, h = 8;
    const floating = (): Uint8Array => Uint8Array.from({ length: w * h }, (_, i) => (i === 1 ? 8 : i < 16 ? 0 : 3));
    const placement = { modelClasses: 11, ground: [3, 4], onGround: [8, 9, 10] };
    const on = new MaskPostprocessor({ stabilise: false, upsample: 'nearest', dropFloating: true }, undefined, undefined, placement);
    expect(on.process(floating(), w, h, null).mask[1]).toBe(0);
    const v = on.variants(floating(), w, h, null);
    for (const name of MASK_VARIANT_NAMES) expect(v[name].mask[1]).toBe(0);
    expect(on.floatingDropped).toEqual({ maps: 2, regions: 2, pixels: 2 });
    // Off, or no placement in the contract: the car stays.
    const off = new MaskPostprocessor({ stabilise: false, upsample: 'nearest', dropFloating: false }, undefined, undefined, placement);
    expect(off.process(floating(), w, h, null).mask[1]).toBe(8);
    expect(new MaskPostprocessor({ stabilise: false, upsample: 'nearest', dropFloating: true }).process(floating(), w, h, null).mask[1]).toBe(8);
    off.configure({ stabilise: false, upsample: 'nearest', dropFloating: true });
    expect(off.process(floating(), w, h, null).mask[1]).toBe(0);
    expect(off.floatingDropped.regions).toBe(1);
  });
});
