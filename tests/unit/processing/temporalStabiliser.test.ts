import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STABILISER_OPTIONS,
  describeStabiliser,
  TemporalStabiliser,
  type TemporalStabiliserOptions,
} from '../../../src/processing/temporalStabiliser.ts';
import type { MotionQuery } from '../../../src/processing/pictureMotion.ts';

/** Plain hysteresis: no interior test (it could never pass), no scene cut. */
const HYSTERESIS_2: TemporalStabiliserOptions = { frames: 2, interiorRadius: 1, interiorNeighbours: Infinity, sceneCutShare: 1 };

/** Feeds maps (one string per map, one digit per pixel) and returns what was shown, as strings. */
function run(stabiliser: TemporalStabiliser, maps: readonly string[], width: number, height = 1): string[] {
  return maps.map((m) => Array.from(stabiliser.apply(Uint8Array.from(m, Number), width, height)).join(''));
}

describe('TemporalStabiliser: hysteresis', () => {
  it('shows the first map as it is', () => {
    expect(run(new TemporalStabiliser(HYSTERESIS_2), ['0123'], 4)).toEqual(['0123']);
  });

  it('suppresses a one-frame flicker', () => {
    // Pixel 1 answers 1 for one frame only; pixel 3 alternates every frame.
    const shown = run(new TemporalStabiliser(HYSTERESIS_2), ['0000', '0100', '0000', '0001', '0000', '0001'], 4);
    expect(shown).toEqual(['0000', '0000', '0000', '0000', '0000', '0000']);
  });

  it('adopts a real change after K frames', () => {
    expect(run(new TemporalStabiliser(HYSTERESIS_2), ['00', '11', '11', '11'], 2)).toEqual(['00', '00', '11', '11']);
    const k3 = new TemporalStabiliser({ ...HYSTERESIS_2, frames: 3 });
    expect(run(k3, ['0', '1', '1', '1', '1'], 1)).toEqual(['0', '0', '0', '1', '1']);
  });

  it('needs K consecutive answers of the same class', () => {
    // 1 then 2 then 1: no class twice in a row, so nothing changes; then 2, 2 is adopted.
    const shown = run(new TemporalStabiliser(HYSTERESIS_2), ['0', '1', '2', '1', '0', '2', '2'], 1);
    expect(shown).toEqual(['0', '0', '0', '0', '0', '0', '2']);
  });

  it('K = 1 passes maps through', () => {
    const maps = ['012', '210', '111'];
    expect(run(new TemporalStabiliser({ ...HYSTERESIS_2, frames: 1 }), maps, 3)).toEqual(maps);
  });
});

describe('TemporalStabiliser: interior', () => {
  // 3x3 maps, radius 1: the centre has 8 neighbours; 6 of them must have the new class.
  const options: TemporalStabiliserOptions = { frames: 2, interiorRadius: 1, interiorNeighbours: 6, sceneCutShare: 1 };

  it('adopts a new class at once where it surrounds the pixel', () => {
    const s = new TemporalStabiliser(options);
    s.apply(new Uint8Array(9), 3, 3);
    // Rows 0-1 turn to class 1: the centre has 5 neighbours of class 1 (an edge), so it waits;
    // row 0's pixels have at most 5 neighbours (3 in a corner): they wait too.
    expect(Array.from(s.apply(Uint8Array.from('111111000', Number), 3, 3)).join('')).toBe('000000000');
    s.reset();
    s.apply(new Uint8Array(9), 3, 3);
    // 7 of the centre's neighbours turn to class 1 along with it: it switches at once, the others wait.
    expect(Array.from(s.apply(Uint8Array.from('111111110', Number), 3, 3)).join('')).toBe('000010000');
  });

  it('counts only pixels inside the map at its borders', () => {
    // 2x1 map: a pixel has one neighbour, fewer than 6: never at once.
    expect(run(new TemporalStabiliser(options), ['00', '11', '11'], 2)).toEqual(['00', '00', '11']);
  });
});

describe('TemporalStabiliser: resets', () => {
  it('takes a change of more than sceneCutShare of the pixels as a scene cut and shows the new map', () => {
    const s = new TemporalStabiliser({ ...HYSTERESIS_2, sceneCutShare: 0.5 });
    // 2 of 4 pixels change: not more than half, filtered.
    expect(run(s, ['0000', '1100'], 4)).toEqual(['0000', '0000']);
    expect(s.sceneCuts).toBe(0);
    // 3 of 4 differ from what is shown: a cut; the map is shown as it is and the history restarts.
    expect(run(s, ['2221'], 4)).toEqual(['2221']);
    expect(s.sceneCuts).toBe(1);
    // Pixel 3's 1 does not count as the second frame of anything: a one-frame answer is held back.
    expect(run(s, ['2220', '2221'], 4)).toEqual(['2221', '2221']);
  });

  it('reset() shows the next map as it is', () => {
    const s = new TemporalStabiliser(HYSTERESIS_2);
    run(s, ['00', '01'], 2);
    s.reset();
    expect(run(s, ['10', '00', '10'], 2)).toEqual(['10', '10', '10']);
    expect(s.sceneCuts).toBe(0);
  });

  it('starts afresh at a new size', () => {
    const s = new TemporalStabiliser(HYSTERESIS_2);
    run(s, ['0000', '1111'], 4);
    expect(run(s, ['111111'], 3, 2)).toEqual(['111111']);
    expect(run(s, ['000000'], 6)).toEqual(['000000']); // same pixel count, other width
    expect(run(s, ['111111', '111111'], 6)).toEqual(['000000', '111111']);
  });
});

describe('TemporalStabiliser: buffers', () => {
  it('reuses its output buffer while the size stays, and leaves the input alone', () => {
    const s = new TemporalStabiliser(HYSTERESIS_2);
    const input = Uint8Array.from([0, 1, 2, 3]);
    const first = s.apply(input, 2, 2);
    const second = s.apply(Uint8Array.from([3, 3, 3, 3]), 2, 2);
    expect(second).toBe(first);
    expect(Array.from(input)).toEqual([0, 1, 2, 3]);
    expect(first).not.toBe(input);
  });

  it("writes into `out` when given, even the input itself, and callers cannot disturb its state", () => {
    const s = new TemporalStabiliser(HYSTERESIS_2);
    const out = new Uint8Array(4);
    expect(s.apply(Uint8Array.from([0, 0, 0, 0]), 4, 1, out)).toBe(out);
    out.fill(9); // the caller reuses its buffer
    const inPlace = Uint8Array.from([1, 0, 0, 0]);
    expect(s.apply(inPlace, 4, 1, inPlace)).toBe(inPlace);
    expect(Array.from(inPlace)).toEqual([0, 0, 0, 0]);
    expect(Array.from(s.apply(Uint8Array.from([1, 0, 0, 0]), 4, 1))).toEqual([1, 0, 0, 0]);
  });

  it('rejects maps smaller than their size, bad sizes and bad options', () => {
    const s = new TemporalStabiliser();
    expect(() => s.apply(new Uint8Array(3), 2, 2)).toThrow(/map has 3 ids, 2x2 needs 4/);
    expect(() => s.apply(new Uint8Array(4), 2, 2, new Uint8Array(2))).toThrow(/out has 2 bytes/);
    expect(() => s.apply(new Uint8Array(4), 0, 2)).toThrow(RangeError);
    expect(() => new TemporalStabiliser({ ...DEFAULT_STABILISER_OPTIONS, frames: 0 })).toThrow(/frames/);
    expect(() => new TemporalStabiliser({ ...DEFAULT_STABILISER_OPTIONS, frames: 256 })).toThrow(/frames/);
    expect(() => new TemporalStabiliser({ ...DEFAULT_STABILISER_OPTIONS, sceneCutShare: 0 })).toThrow(/sceneCutShare/);
    expect(() => new TemporalStabiliser({ ...DEFAULT_STABILISER_OPTIONS, interiorRadius: -1 })).toThrow(/interiorRadius/);
    expect(() => new TemporalStabiliser({ ...DEFAULT_STABILISER_OPTIONS, motionLevels: 0 })).toThrow(/motionLevels/);
  });
});

describe('TemporalStabiliser: where the picture moved', () => {
  /** A motion query that says "moved" for the listed pixels. */
  const movedAt = (...cells: number[]): MotionQuery => ({ moved: (cell) => cells.includes(cell) });

  it('switches at once where the picture moved, and holds where it did not', () => {
    const s = new TemporalStabiliser(HYSTERESIS_2);
    s.apply(Uint8Array.from('0000', Number), 4, 1);
    // Pixels 1 and 3 change class; the picture moved under pixel 1 only.
    expect(Array.from(s.apply(Uint8Array.from('0101', Number), 4, 1, undefined, movedAt(1))).join('')).toBe('0100');
    // Without a query the same change waits its 2 frames.
    const plain = new TemporalStabiliser(HYSTERESIS_2);
    plain.apply(Uint8Array.from('0000', Number), 4, 1);
    expect(Array.from(plain.apply(Uint8Array.from('0101', Number), 4, 1)).join('')).toBe('0000');
  });

  it('asks only about the pixels whose class changes', () => {
    const asked: number[] = [];
    const s = new TemporalStabiliser(HYSTERESIS_2);
    s.apply(Uint8Array.from('0000', Number), 4, 1);
    s.apply(Uint8Array.from('0010', Number), 4, 1, undefined, { moved: (cell) => (asked.push(cell), false) });
    expect(asked).toEqual([2]);
  });
});

describe('DEFAULT_STABILISER_OPTIONS', () => {
  it('is 2-frame hysteresis with the 5x5 interior test, in words for the eval', () => {
    expect(DEFAULT_STABILISER_OPTIONS).toMatchObject({ frames: 2, interiorRadius: 2, interiorNeighbours: 16, motionLevels: 32 });
    expect(describeStabiliser(DEFAULT_STABILISER_OPTIONS)).toBe(
      "new class after 2 frames, at once where the picture moved (a map cell's mean colour by more than 32 levels), at once where 16 of the 24 pixels of the 5x5 square around have it; reset when more than 25 % of pixels change",
    );
    expect(describeStabiliser(HYSTERESIS_2)).toBe('new class after 2 frames; reset when more than 100 % of pixels change');
  });

  /** 7x5 map of class 0; then class 1 covers columns 0-3 (its edge at column 3): the rows shown after that one map. */
  function advanceRows(options: TemporalStabiliserOptions): { rows: string[]; next: Uint8Array; map: Uint8Array } {
    // 20 of 35 pixels change, a scene cut by the default share: here no change is one.
    const s = new TemporalStabiliser({ ...options, sceneCutShare: 1 });
    const w = 7;
    const h = 5;
    s.apply(new Uint8Array(w * h), w, h);
    const map = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x <= 3; x++) map[y * w + x] = 1;
    const shown = s.apply(map, w, h);
    const rows = Array.from({ length: h }, (_, y) => Array.from(shown.subarray(y * w, (y + 1) * w)).join(''));
    return { rows, next: s.apply(map, w, h).slice(), map };
  }

  it("adopts a region's advance at once behind its new edge, and holds back the edge and the borders (15 of 24)", () => {
    const { rows, next, map } = advanceRows({ ...DEFAULT_STABILISER_OPTIONS, interiorNeighbours: 15 });
    // Middle row: (1, 2) and (2, 2) see columns 0-3 of class 1 in all 5 rows of their 5x5: 19
    // neighbours; (3, 2), the edge, sees columns 1-3: 14; (0, 2) at the border has only 14 neighbours.
    // Rows 1 and 3 see 4 rows: 15 at columns 1-2. Rows 0 and 4 see 3 rows: 11 at most.
    expect(rows).toEqual(['0000000', '0110000', '0110000', '0110000', '0000000']);
    expect(Array.from(next)).toEqual(Array.from(map));
  });

  it('with 13 of 24, moves a straight edge at once and holds back corners', () => {
    const { rows, next, map } = advanceRows({ ...DEFAULT_STABILISER_OPTIONS, interiorNeighbours: 13 });
    // Middle row: the edge (3, 2) and the border (0, 2) have 14 neighbours of class 1. Row 1 and 3: columns
    // 1-2 have 15; (0, 1) and (3, 1) have 11. Rows 0 and 4: 11 at most.
    expect(rows).toEqual(['0000000', '0110000', '1111000', '0110000', '0000000']);
    expect(Array.from(next)).toEqual(Array.from(map));
  });

  it('with the default 16 of 24 and no picture to say where it moved, adopts only the deep interior at once', () => {
    const { rows, next, map } = advanceRows(DEFAULT_STABILISER_OPTIONS);
    // Only (1, 2) and (2, 2) have 16 or more neighbours of class 1 (19); the rest waits a frame.
    expect(rows).toEqual(['0000000', '0000000', '0110000', '0000000', '0000000']);
    expect(Array.from(next)).toEqual(Array.from(map));
  });
});
