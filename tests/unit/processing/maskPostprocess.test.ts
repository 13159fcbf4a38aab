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
    const p = new MaskPostprocessor({ stabilise: false, upsample: 'nearest' });
    const nearest = p.process(A, mapW, mapH, guide);
    expect([nearest.width, nearest.height]).toEqual([mapW, mapH]);
    expect(Array.from(nearest.mask)).toEqual(Array.from(A));
    expect(nearest.mask).not.toBe(A); // a copy: the worker keeps its own buffer
    p.configure({ stabilise: false, upsample: 'guided' });
    const guided = p.process(A, mapW, mapH, guide);
    expect([guided.width, guided.height]).toEqual([W, H]);
    expect(guided.mask.length).toBe(W * H);
    // Without a guide (none given), the map stays at its size.
    expect(p.process(A, mapW, mapH, null).width).toBe(mapW);
  });

  it('stabilises when on (a one-frame answer does not show), and starts afresh when turned on or reset', () => {
    const p = new MaskPostprocessor({ stabilise: true, upsample: 'nearest' });
    p.process(A, mapW, mapH, guide);
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(0);
    p.configure({ stabilise: false, upsample: 'nearest' });
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(2);
    p.configure({ stabilise: true, upsample: 'nearest' });
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(2); // no history: shown as it is
    p.reset();
    p.process(A, mapW, mapH, guide);
    expect(p.process(B, mapW, mapH, guide).mask[1]).toBe(0);
  });

  it('writes into the buffer it is given when that has the right length', () => {
    const p = new MaskPostprocessor({ stabilise: true, upsample: 'guided' });
    const out = new Uint8Array(W * H);
    expect(p.process(A, mapW, mapH, guide, out).mask).toBe(out);
    const wrong = new Uint8Array(3);
    expect(p.process(A, mapW, mapH, guide, wrong).mask).not.toBe(wrong);
  });

  it('gives all four combinations from one map, each in its own buffer, the stabiliser advancing once', () => {
    const p = new MaskPostprocessor({ stabilise: true, upsample: 'guided' });
    p.variants(A, mapW, mapH, guide);
    const v = p.variants(B, mapW, mapH, guide);
    expect(v['nearest/off'].mask[1]).toBe(2);
    expect(v['nearest/on'].mask[1]).toBe(0);
    expect([v['guided/on'].width, v['guided/off'].height]).toEqual([W, H]);
    const buffers = new Set(MASK_VARIANT_NAMES.map((n) => v[n].mask.buffer));
    expect(buffers.size).toBe(4);
    expect(variantName(p.settings)).toBe('guided/on');
  });
});
