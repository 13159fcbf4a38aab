// The pure half of src/capture/labelDecoding.ts (the eval page and the labelled-sequence player
// decode labels with it; the browser half is covered by tests/e2e/eval.test.ts).
import { describe, expect, it } from 'vitest';
import { checkLabelPngHeader, LabelError, labelIdsFromRgba } from '../../../src/capture/labelDecoding.ts';
import { identityPalette, labelPng } from '../../helpers/labelPng.ts';

function rgbaOf(ids: number[], override: (i: number, px: number[]) => number[] = (_, px) => px): Uint8ClampedArray {
  const out = new Uint8ClampedArray(ids.length * 4);
  ids.forEach((id, i) => out.set(override(i, [id, id, id, 255]), i * 4));
  return out;
}

describe('labelIdsFromRgba', () => {
  it('returns the R channel of grey, opaque pixels as class ids (void allowed)', () => {
    const ids = labelIdsFromRgba(rgbaOf([0, 3, 10, 11, 5, 11]), 3, 2, 'l.png', 11, 11);
    expect([...ids]).toEqual([0, 3, 10, 11, 5, 11]);
  });

  it('rejects colour pixels: not a single-channel id image', () => {
    const rgba = rgbaOf([1, 2, 3, 4], (i, px) => (i === 2 ? [128, 64, 128, 255] : px));
    expect(() => labelIdsFromRgba(rgba, 2, 2, 'labels/x.png', 11, 11)).toThrow(LabelError);
    expect(() => labelIdsFromRgba(rgba, 2, 2, 'labels/x.png', 11, 11)).toThrow(
      /^labels\/x\.png: not a single-channel class-id image: pixel \(x 0, y 1\) is R=128 G=64 B=128/,
    );
  });

  it('rejects transparent pixels', () => {
    const rgba = rgbaOf([1, 2], (i, px) => (i === 1 ? [2, 2, 2, 0] : px));
    expect(() => labelIdsFromRgba(rgba, 2, 1, 'a.png', 11, 11)).toThrow('a.png: pixel (x 1, y 0) has alpha 0');
  });

  it('rejects ids outside the class table, listing them with counts and positions', () => {
    const rgba = rgbaOf([0, 12, 12, 255, 3, 11]);
    let message = '';
    try {
      labelIdsFromRgba(rgba, 3, 2, 'b.png', 11, 11);
    } catch (err) {
      expect(err).toBeInstanceOf(LabelError);
      message = (err as Error).message;
    }
    expect(message).toBe(
      "b.png: class ids outside the model's class table (0..10, void 11): 12 (2 px, first at (x 1, y 0)), 255 (1 px, first at (x 0, y 1))",
    );
  });

  it('accepts a void id that is not next to the classes', () => {
    expect([...labelIdsFromRgba(rgbaOf([0, 255, 1]), 3, 1, 'c.png', 2, 255)]).toEqual([0, 255, 1]);
    expect(() => labelIdsFromRgba(rgbaOf([2]), 1, 1, 'c.png', 2, 255)).toThrow('2 (1 px');
  });

  it('rejects a buffer too small for the size', () => {
    expect(() => labelIdsFromRgba(new Uint8ClampedArray(4), 2, 1, 'd.png', 11, 11)).toThrow('d.png: 4 bytes of pixels for a 2x1 label');
  });
});

describe('checkLabelPngHeader: label PNGs that a canvas would read as other ids', () => {
  const ids = [0, 3, 10, 11, 5, 1];

  it('accepts 8-bit greyscale and identity-palette labels, and leaves non-PNG files to the decoder', () => {
    expect(() => checkLabelPngHeader(labelPng(3, 2, ids, { colourType: 0, bitDepth: 8 }), 'a.png')).not.toThrow();
    expect(() => checkLabelPngHeader(labelPng(3, 2, ids, { colourType: 3, bitDepth: 8, palette: identityPalette(12) }), 'a.png')).not.toThrow();
    expect(() => checkLabelPngHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), 'a.jpg')).not.toThrow();
  });

  it('rejects a 16-bit label, naming the file and the bit depth (a canvas keeps the high byte: id 3 would read as 0)', () => {
    const png = labelPng(3, 2, ids, { colourType: 0, bitDepth: 16 });
    expect(() => checkLabelPngHeader(png, 'labels/deep.png')).toThrow(LabelError);
    expect(() => checkLabelPngHeader(png, 'labels/deep.png')).toThrow(/^labels\/deep\.png: label PNG has bit depth 16 \(greyscale\)/);
  });

  it('rejects a palette label whose palette is not the identity, naming the index and its colour', () => {
    const palette = identityPalette(12);
    palette[3] = [128, 64, 128]; // CamVid's colour for Road
    const png = labelPng(3, 2, ids, { colourType: 3, bitDepth: 8, palette });
    expect(() => checkLabelPngHeader(png, 'p.png')).toThrow(/^p\.png: palette label PNG maps index 3 to colour \(128, 64, 128\)/);
  });

  it('rejects a PNG cut short before its header', () => {
    const png = labelPng(3, 2, ids, { colourType: 0, bitDepth: 8 }).subarray(0, 20);
    expect(() => checkLabelPngHeader(png, 'cut.png')).toThrow(/^cut\.png: not a valid PNG/);
  });
});
