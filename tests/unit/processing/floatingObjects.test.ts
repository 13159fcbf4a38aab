import { describe, expect, it } from 'vitest';
import { classPlacement, FloatingObjectFilter, NO_PLACEMENT, type ClassPlacement } from '../../../src/processing/floatingObjects.ts';
import { parseModelContract } from '../../../src/processing/modelContract.ts';
import { camvidContractJson } from './camvidContractJson.ts';

// CamVid ids: 0 Sky, 1 Building, 3 Road, 4 Pavement, 5 Tree, 6 SignSymbol, 8 Car, 9 Pedestrian.
const SKY = 0, BUILDING = 1, ROAD = 3, PAVEMENT = 4, SIGN = 6, CAR = 8, PERSON = 9;
const CAMVID: ClassPlacement = { modelClasses: 11, ground: [ROAD, PAVEMENT], onGround: [CAR, PERSON, 10] };
const W = 10, H = 20;

/** A W x H scene: sky above row `horizon`, road from there down. */
function scene(horizon: number): Uint8Array {
  const map = new Uint8Array(W * H).fill(SKY);
  map.fill(ROAD, horizon * W);
  return map;
}

function paint(map: Uint8Array, cls: number, x0: number, y0: number, x1: number, y1: number): void {
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) map[y * W + x] = cls;
}

const count = (map: Uint8Array, cls: number): number => map.reduce((n, c) => n + (c === cls ? 1 : 0), 0);

describe('FloatingObjectFilter', () => {
  // Margin 0.25 of 20 rows = 5 rows: with the road from row 10, a region must lie wholly above row 5.
  const filter = (): FloatingObjectFilter => new FloatingObjectFilter(CAMVID, { margin: 0.25 });

  it('relabels a car floating far above the road as the sky around it', () => {
    const map = scene(10);
    paint(map, CAR, 3, 1, 6, 3);
    const found = filter().apply(map, W, H);
    expect(found).toEqual({ horizonRow: 10, regions: 1, pixels: 12 });
    expect(count(map, CAR)).toBe(0);
    expect(count(map, SKY)).toBe(10 * W);
  });

  it('takes the class most of the region\'s outside neighbours have, ignoring other checked classes', () => {
    const map = scene(10);
    paint(map, SIGN, 0, 0, 9, 4); // a gantry-like panel across the top
    paint(map, CAR, 3, 0, 6, 2); // the car blob sits on it, touching the top edge
    paint(map, PAVEMENT, 7, 0, 9, 0); // and a floating pavement patch beside it
    filter().apply(map, W, H);
    expect(count(map, CAR)).toBe(0);
    expect(count(map, PAVEMENT)).toBe(0);
    expect(count(map, SIGN)).toBe(5 * W);
  });

  it('leaves alone a car that stands on the road, a tall one reaching up into the sky, and one within the margin', () => {
    const map = scene(10);
    paint(map, CAR, 0, 8, 2, 11); // on the road
    paint(map, CAR, 4, 0, 5, 10); // a truck from the top edge down to the road
    paint(map, PERSON, 8, 5, 8, 6); // lowest row 6: not wholly above row 5
    const before = map.slice();
    expect(filter().apply(map, W, H).regions).toBe(0);
    expect(Array.from(map)).toEqual(Array.from(before));
  });

  it('drops a road patch above the horizon (a road on a wall) but not the road that touches the bottom edge', () => {
    const map = scene(12);
    paint(map, BUILDING, 0, 0, 9, 6);
    paint(map, ROAD, 2, 1, 4, 3);
    const found = filter().apply(map, W, H);
    expect(found.horizonRow).toBe(12);
    expect(found.pixels).toBe(9);
    expect(count(map, ROAD)).toBe(8 * W);
  });

  it('measures the horizon on the ground that touches the bottom edge only, 8-connected', () => {
    const map = new Uint8Array(W * H).fill(SKY);
    paint(map, ROAD, 0, 19, 0, 19); // one bottom pixel
    for (let i = 1; i <= 9; i++) map[(19 - i) * W + i] = ROAD; // a diagonal up to row 10
    paint(map, CAR, 3, 0, 4, 1);
    expect(filter().apply(map, W, H)).toMatchObject({ horizonRow: 10, regions: 1, pixels: 4 });
  });

  it('follows ground that winds down and up again to its true top row', () => {
    const map = new Uint8Array(W * H).fill(SKY);
    paint(map, ROAD, 0, 12, 0, 19); // up from the bottom edge
    paint(map, ROAD, 0, 12, 4, 12); // across
    paint(map, PAVEMENT, 4, 12, 4, 17); // down again
    paint(map, PAVEMENT, 4, 17, 7, 17); // across
    paint(map, ROAD, 7, 3, 7, 17); // and up to row 3
    paint(map, CAR, 1, 0, 2, 1); // so this car is within the margin of the horizon: kept
    const found = filter().apply(map, W, H);
    expect(found).toEqual({ horizonRow: 3, regions: 0, pixels: 0 });
    expect(count(map, CAR)).toBe(4);
  });

  it('finds the same horizon as a plain 8-connected flood fill from the ground on the bottom edge, on random maps', () => {
    let seed = 12345;
    const random = (): number => ((seed = Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const floodTop = (map: Uint8Array, w: number, h: number): number => {
      const seen = new Uint8Array(w * h);
      const stack: number[] = [];
      // Seeds: ground on the bottom edge; it grows through ground and what stands on it.
      for (let x = 0; x < w; x++) if (map[(h - 1) * w + x] === ROAD) stack.push((h - 1) * w + x), (seen[(h - 1) * w + x] = 1);
      let top = stack.length ? h - 1 : -1;
      while (stack.length) {
        const i = stack.pop() as number;
        const y = Math.floor(i / w), x = i % w;
        top = Math.min(top, y);
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const ny = y + dy, nx = x + dx, j = ny * w + nx;
          if (ny >= 0 && ny < h && nx >= 0 && nx < w && !seen[j] && (map[j] === ROAD || map[j] === CAR)) (seen[j] = 1), stack.push(j);
        }
      }
      return top;
    };
    const f = filter();
    for (let trial = 0; trial < 200; trial++) {
      const w = 3 + Math.floor(random() * 20), h = 3 + Math.floor(random() * 20);
      const share = 0.3 + 0.3 * random(); // around the percolation threshold: winding shapes
      const map = Uint8Array.from({ length: w * h }, () => { const r = random(); return r < share ? ROAD : r < share + 0.1 ? CAR : SKY; });
      expect(f.apply(map.slice(), w, h).horizonRow, `trial ${trial} (${w}x${h})`).toBe(floodTop(map, w, h));
    }
  });

  it('takes the top of what stands on the road as the horizon: beside a bus just ahead, a person at its height stays', () => {
    const map = new Uint8Array(W * H).fill(BUILDING);
    paint(map, ROAD, 0, 18, 9, 19); // the road shows only at the bottom
    paint(map, CAR, 2, 6, 7, 19); // a bus ahead reaches from the bottom edge up to row 6
    paint(map, PERSON, 9, 9, 9, 12); // on a pavement hidden behind the bus: lowest row 12
    paint(map, CAR, 3, 1, 4, 1); // something up in the sky, but within 5 rows of the bus's top: kept too
    const before = map.slice();
    expect(filter().apply(map, W, H)).toEqual({ horizonRow: 6, regions: 0, pixels: 0 });
    expect(Array.from(map)).toEqual(Array.from(before));
    // The bus reaches the bottom edge beside the road, not through it: still its support (along the bottom row).
    const edge = new Uint8Array(W * H).fill(BUILDING);
    paint(edge, ROAD, 0, 19, 1, 19);
    paint(edge, CAR, 2, 6, 7, 19);
    expect(filter().apply(edge, W, H).horizonRow).toBe(6);
  });

  it('changes nothing without ground at the bottom edge, or without a placement', () => {
    const noGround = new Uint8Array(W * H).fill(BUILDING);
    paint(noGround, CAR, 2, 1, 3, 2);
    expect(filter().apply(noGround, W, H)).toEqual({ horizonRow: -1, regions: 0, pixels: 0 });
    expect(count(noGround, CAR)).toBe(4);

    const map = scene(10);
    paint(map, CAR, 3, 1, 6, 3);
    const none = new FloatingObjectFilter(NO_PLACEMENT);
    expect(none.active).toBe(false);
    expect(none.apply(map, W, H).regions).toBe(0);
    expect(count(map, CAR)).toBe(12);
  });

  it('leaves a floating region that has no other class around it (nothing to take)', () => {
    const map = scene(10);
    paint(map, CAR, 0, 0, 9, 3);
    paint(map, PERSON, 0, 4, 9, 9); // reaches the road: not floating
    expect(filter().apply(map, W, H).regions).toBe(0);
    expect(count(map, CAR)).toBe(4 * W);
  });

  it('gives the same answer on a reused filter, for maps of another size too', () => {
    const f = filter();
    for (let round = 0; round < 3; round++) {
      const map = scene(10);
      paint(map, CAR, 3, 1, 6, 3);
      expect(f.apply(map, W, H).pixels).toBe(12);
      const small = new Uint8Array(4 * 8).fill(SKY);
      small.fill(ROAD, 4 * 4);
      expect(f.apply(small, 4, 8).regions).toBe(0);
    }
  });

  it('refuses a margin outside 0..1, ids outside the model classes and a map shorter than its size', () => {
    expect(() => new FloatingObjectFilter(CAMVID, { margin: 1.5 })).toThrow(/margin/);
    expect(() => new FloatingObjectFilter({ modelClasses: 4, ground: [3], onGround: [8] })).toThrow(/class id 8/);
    expect(() => filter().apply(new Uint8Array(5), W, H)).toThrow(/5 values/);
  });
});

describe('classPlacement', () => {
  it('reads the CamVid contract: Road and Pavement are ground; Car, Pedestrian and Bicyclist stand on it', () => {
    const contract = parseModelContract(camvidContractJson(), 'camvid.json');
    expect(classPlacement(contract)).toEqual(CAMVID);
  });

  it('is empty for a contract without placements, and a bad placement is refused naming the field', () => {
    const json = camvidContractJson();
    for (const c of json['classes']) delete c.placement;
    expect(classPlacement(parseModelContract(json, 'plain.json'))).toEqual({ modelClasses: 11, ground: [], onGround: [] });
    const bad = camvidContractJson();
    bad['classes'][3].placement = 'road';
    expect(() => parseModelContract(bad, 'bad.json')).toThrow('bad.json: classes[3].placement: expected one of "ground", "onGround", got "road"');
    const onVoid = camvidContractJson();
    onVoid['classes'][11].placement = 'ground'; // Void is never predicted: its placement is not read
    expect(classPlacement(parseModelContract(onVoid, 'void.json'))).toEqual(CAMVID);
  });
});
