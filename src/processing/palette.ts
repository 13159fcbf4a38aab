// Display palette and legend, both derived from the model contract. The palette is a 256x1 RGBA
// lookup (index = class id) that the renderer uploads as a NEAREST texture to colour the uint8 mask.

import type { ContractClass, GroupId, ModelContract, Rgb } from './modelContract.ts';

/** Entries in the palette texture: every possible uint8 class id. */
export const PALETTE_SIZE = 256;

/** Groups drawn in their group colour; everything else keeps its own CamVid class colour. */
export const HIGHLIGHT_GROUPS: ReadonlySet<GroupId> = new Set<GroupId>(['road', 'car', 'person', 'signal']);

export interface PaletteOptions {
  /** Groups whose classes are drawn; classes of other groups get alpha 0. */
  readonly visibleGroups: ReadonlySet<GroupId>;
  /** Draw the visible "other" group faintly so the highlighted groups stand out. */
  readonly dimOthers: boolean;
  /** Alpha of visible classes (default 255). */
  readonly visibleAlpha?: number;
  /** Alpha of the "other" group when dimOthers is on (default 64, i.e. ~0.25). */
  readonly dimAlpha?: number;
}

export const DEFAULT_DIM_ALPHA = 64;

/** Display colour of one class: its group colour for highlight groups, else its own colour. */
export function displayColor(contract: ModelContract, cls: ContractClass): Rgb {
  if (HIGHLIGHT_GROUPS.has(cls.group)) {
    const group = contract.groups.find((g) => g.id === cls.group);
    if (group !== undefined) return group.color;
  }
  return cls.color;
}

/**
 * Fills a 256x4 RGBA palette (index = class id). Ignored classes (Void) and ids without a class are
 * fully transparent so the video shows through. Rebuilt when the user toggles groups, not per frame,
 * but `out` lets the caller keep one buffer bound to its texture.
 */
export function buildPalette(
  contract: ModelContract,
  options: PaletteOptions,
  out: Uint8Array = new Uint8Array(PALETTE_SIZE * 4),
): Uint8Array {
  if (out.length !== PALETTE_SIZE * 4) {
    throw new RangeError(`palette buffer must have ${PALETTE_SIZE * 4} bytes, got ${out.length}`);
  }
  const visibleAlpha = options.visibleAlpha ?? 255;
  const dimAlpha = options.dimAlpha ?? DEFAULT_DIM_ALPHA;
  out.fill(0);
  for (const cls of contract.classes) {
    if (cls.ignore) continue;
    const [r, g, b] = displayColor(contract, cls);
    let alpha = 0;
    if (options.visibleGroups.has(cls.group)) {
      alpha = cls.group === 'other' && options.dimOthers ? dimAlpha : visibleAlpha;
    }
    const i = cls.id * 4;
    out[i] = r;
    out[i + 1] = g;
    out[i + 2] = b;
    out[i + 3] = alpha;
  }
  return out;
}

export interface LegendMember {
  readonly name: string;
  /** The colour the class is drawn in (see displayColor). */
  readonly color: Rgb;
}

export interface LegendEntry {
  readonly groupId: GroupId;
  readonly label: string;
  readonly color: Rgb;
  readonly members: readonly LegendMember[];
}

/** One legend entry per contract group (contract order), listing its model classes. */
export function buildLegend(contract: ModelContract): LegendEntry[] {
  return contract.groups.map((group) => ({
    groupId: group.id,
    label: group.label,
    color: group.color,
    members: contract.classes
      .filter((cls) => !cls.ignore && cls.group === group.id)
      .map((cls) => ({ name: cls.name, color: displayColor(contract, cls) })),
  }));
}
