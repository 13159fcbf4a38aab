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
