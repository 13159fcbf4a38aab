// Pure measurements on class masks for the e2e assertions.

import type { ClassMask } from './appPage.ts';

/** Share (0..1) of pixels with class `id` in rows [fromRow, toRow) of the mask. */
export function classShareInRows(mask: ClassMask, id: number, fromRow: number, toRow: number): number {
  const from = Math.max(0, Math.floor(fromRow));
  const to = Math.min(mask.height, Math.ceil(toRow));
  if (to <= from) throw new RangeError(`empty row range [${fromRow}, ${toRow}) of a ${mask.height}-row mask`);
  let hits = 0;
  for (let i = from * mask.width; i < to * mask.width; i++) if (mask.ids[i] === id) hits++;
  return hits / ((to - from) * mask.width);
}

/** Fraction (0..1) of pixels where two masks of the same size have the same class. */
export function maskAgreement(a: ClassMask, b: ClassMask): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`masks differ in size: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  let same = 0;
  for (let i = 0; i < a.ids.length; i++) if (a.ids[i] === b.ids[i]) same++;
  return same / a.ids.length;
}

/** Class-id histogram as "name: share %" text, largest first, for failure messages and reports. */
export function describeMask(mask: ClassMask, classNames: readonly string[]): string {
  const counts = new Map<number, number>();
  for (const id of mask.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.entries()]
    .sort((x, y) => y[1] - x[1])
    .map(([id, n]) => `${classNames[id] ?? `id ${id}`} ${((100 * n) / mask.ids.length).toFixed(1)} %`)
    .join(', ');
}

/** The mask upside down (row 0 becomes the last row). */
export function flipRows(mask: ClassMask): ClassMask {
  const ids = new Uint8Array(mask.ids.length);
  for (let y = 0; y < mask.height; y++) {
    ids.set(mask.ids.subarray(y * mask.width, (y + 1) * mask.width), (mask.height - 1 - y) * mask.width);
  }
  return { width: mask.width, height: mask.height, ids };
}

/** Number of classes that cover at least `minShare` (0..1) of the mask. */
export function classesCovering(mask: ClassMask, minShare: number): number {
  const counts = new Map<number, number>();
  for (const id of mask.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.values()].filter((n) => n / mask.ids.length >= minShare).length;
}

/** An RGBA picture (e.g. a decoded canvas screenshot), row-major, 4 bytes per pixel. */
export interface RgbaPicture {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A rectangle in picture pixels (may be fractional: the letterboxed video's edges). */
export interface PictureRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Share (0..1) of the pixels in columns [fromCol, toCol) whose brightest channel is at most `maxLevel`. */
export function darkShareInColumns(picture: RgbaPicture, fromCol: number, toCol: number, maxLevel = 16): number {
  const from = Math.max(0, Math.floor(fromCol));
  const to = Math.min(picture.width, Math.ceil(toCol));
  if (to <= from) throw new RangeError(`empty column range [${fromCol}, ${toCol}) of a ${picture.width}-column picture`);
  let dark = 0;
  for (let y = 0; y < picture.height; y++) {
    for (let x = from; x < to; x++) {
      const i = (y * picture.width + x) * 4;
      if (Math.max(picture.data[i]!, picture.data[i + 1]!, picture.data[i + 2]!) <= maxLevel) dark++;
    }
  }
  return dark / ((to - from) * picture.height);
}

/**
 * Share (0..1) of the pixels inside `rect` (less a `margin` at its edges) whose colour is, within
 * `tolerance` per channel, the colour of the mask class drawn there when the mask is stretched over
 * exactly `rect` (nearest texel, row 0 at the top). With the overlay fully opaque this is 1 for a
 * mask on the right place, and drops when the mask is shifted, scaled or flipped against the picture.
 */
export function maskColourAgreement(
  picture: RgbaPicture,
  rect: PictureRect,
  mask: ClassMask,
  colourOf: (id: number) => readonly [number, number, number],
  options: { readonly margin?: number; readonly tolerance?: number } = {},
): number {
  const margin = options.margin ?? 2;
  const tolerance = options.tolerance ?? 24;
  let same = 0;
  let total = 0;
  for (let y = Math.ceil(rect.y + margin); y < Math.floor(rect.y + rect.height - margin); y++) {
    const row = Math.min(mask.height - 1, Math.floor(((y + 0.5 - rect.y) / rect.height) * mask.height));
    for (let x = Math.ceil(rect.x + margin); x < Math.floor(rect.x + rect.width - margin); x++) {
      const col = Math.min(mask.width - 1, Math.floor(((x + 0.5 - rect.x) / rect.width) * mask.width));
      const want = colourOf(mask.ids[row * mask.width + col]!);
      const i = (y * picture.width + x) * 4;
      total++;
      if (Math.abs(picture.data[i]! - want[0]) <= tolerance && Math.abs(picture.data[i + 1]! - want[1]) <= tolerance && Math.abs(picture.data[i + 2]! - want[2]) <= tolerance) same++;
    }
  }
  if (total === 0) throw new RangeError(`no pixels inside ${JSON.stringify(rect)} less a ${margin}-pixel margin`);
  return same / total;
}
