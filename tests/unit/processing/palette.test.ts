import { describe, expect, it } from 'vitest';
import { GROUP_IDS, parseModelContract, type GroupId } from '../../../src/processing/modelContract.ts';
import { buildLegend, buildPalette, DEFAULT_DIM_ALPHA, PALETTE_SIZE } from '../../../src/processing/palette.ts';
import { camvidContractJson } from './camvidContractJson.ts';

const contract = parseModelContract(camvidContractJson(), 'test');
const ALL = new Set<GroupId>(GROUP_IDS);

function entry(palette: Uint8Array, id: number): number[] {
  return Array.from(palette.subarray(id * 4, id * 4 + 4));
}

describe('buildPalette', () => {
  it('colours highlight groups by group and other classes by class, opaque when not dimmed', () => {
    const p = buildPalette(contract, { visibleGroups: ALL, dimOthers: false });
    expect(p).toHaveLength(PALETTE_SIZE * 4);
    expect(entry(p, 3)).toEqual([255, 0, 255, 255]); // Road → road group magenta
    expect(entry(p, 8)).toEqual([0, 140, 255, 255]); // Car → car group
    expect(entry(p, 9)).toEqual([255, 40, 40, 255]); // Pedestrian → person group
    expect(entry(p, 10)).toEqual([255, 40, 40, 255]); // Bicyclist → person group
    expect(entry(p, 6)).toEqual([255, 220, 0, 255]); // SignSymbol → signal group
    expect(entry(p, 0)).toEqual([128, 128, 128, 255]); // Sky keeps its CamVid colour
    expect(entry(p, 4)).toEqual([60, 40, 222, 255]); // Pavement keeps its CamVid colour
  });

  it('dims the "other" group and makes void and unused ids transparent', () => {
    const p = buildPalette(contract, { visibleGroups: ALL, dimOthers: true });
    expect(entry(p, 1)).toEqual([128, 0, 0, DEFAULT_DIM_ALPHA]);
    expect(entry(p, 3)[3]).toBe(255);
    expect(entry(p, 11)).toEqual([0, 0, 0, 0]); // Void
    expect(entry(p, 12)).toEqual([0, 0, 0, 0]);
    expect(entry(p, 255)).toEqual([0, 0, 0, 0]);
  });

  it('hides groups that are not visible, including "other"', () => {
    const p = buildPalette(contract, { visibleGroups: new Set<GroupId>(['road', 'person']), dimOthers: true, dimAlpha: 0 });
    expect(entry(p, 3)[3]).toBe(255);
    expect(entry(p, 9)[3]).toBe(255);
    expect(entry(p, 8)[3]).toBe(0); // car hidden
    expect(entry(p, 6)[3]).toBe(0); // signal hidden
    expect(entry(p, 0)[3]).toBe(0); // other hidden
  });

  it('honours custom alphas', () => {
    const p = buildPalette(contract, { visibleGroups: ALL, dimOthers: true, visibleAlpha: 180, dimAlpha: 30 });
    expect(entry(p, 3)[3]).toBe(180);
    expect(entry(p, 5)[3]).toBe(30);
  });

  it('reuses and fully rewrites the caller buffer', () => {
    const out = new Uint8Array(PALETTE_SIZE * 4).fill(7);
    const p = buildPalette(contract, { visibleGroups: new Set<GroupId>(), dimOthers: false }, out);
    expect(p).toBe(out);
    expect(entry(p, 3)).toEqual([255, 0, 255, 0]);
    expect(entry(p, 200)).toEqual([0, 0, 0, 0]);
    expect(() => buildPalette(contract, { visibleGroups: ALL, dimOthers: false }, new Uint8Array(4))).toThrow(/1024 bytes/);
  });
});

describe('buildLegend', () => {
  it('lists each group with its model classes in display colours, without Void', () => {
    const legend = buildLegend(contract);
    expect(legend.map((e) => e.groupId)).toEqual(['road', 'car', 'person', 'signal', 'other']);
    const person = legend[2];
    expect(person).toEqual({
      groupId: 'person',
      label: 'Person',
      color: [255, 40, 40],
      members: [
        { name: 'Pedestrian', color: [255, 40, 40] },
        { name: 'Bicyclist', color: [255, 40, 40] },
      ],
    });
    const other = legend[4];
    expect(other?.members.map((m) => m.name)).toEqual(['Sky', 'Building', 'Pole', 'Pavement', 'Tree', 'Fence']);
    expect(other?.members[0]?.color).toEqual([128, 128, 128]);
  });
});
