import { describe, expect, it } from 'vitest';
import { paintMask } from '../../../src/app/videoExporter.ts';

describe('paintMask (the export draws masks as the display does)', () => {
  it('colours each id from the palette, its alpha scaled by the opacity (a hidden class stays clear)', () => {
    const palette = new Uint8Array(256 * 4);
    palette.set([255, 0, 255, 255], 3 * 4); // Road: visible
    palette.set([0, 0, 255, 0], 8 * 4); // Car: toggled off
    const out = paintMask(new Uint8Array([3, 8, 3, 0]), palette, 0.5, new Uint8ClampedArray(16));
    expect(Array.from(out)).toEqual([255, 0, 255, 128, 0, 0, 255, 0, 255, 0, 255, 128, 0, 0, 0, 0]);
  });
});
