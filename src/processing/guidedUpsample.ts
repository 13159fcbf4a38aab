// Edge-aware upsampling of a class map, guided by the frame it was computed from: joint bilateral
// upsampling (Kopf et al., SIGGRAPH 2007) on class ids. Each output pixel takes the class with the
// most weight among the map cells around it, a cell's weight falling with its distance (in map cells)
// and with how far its colour (the mean of the frame's pixels it covers) is from the pixel's own, so
// an edge of the mask moves onto the picture's edge nearby instead of following the map's grid.
// Pure: no DOM, no ORT; tables and buffers are kept between frames and rebuilt only when a size
// changes. Where all the cells around a pixel agree (most of the picture) the pixel takes that class
// at once, so the cost is in the pixels near a mask edge.

import type { MotionQuery } from './pictureMotion.ts';

/** The frame as the model saw it: a planar RGB image (the input tensor, NCHW) and how to read its values as 0-255 levels. */
export interface GuideImage {
  /** 3 planes (R, G, B) of width x height values each. */
  readonly planes: Float32Array;
  readonly width: number;
  readonly height: number;
  /** level = value * scale[c] + offset[c] (for a normalised tensor: scale = std * 255, offset = mean * 255). */
  readonly scale: readonly [number, number, number];
}

export interface GuidedUpsampleOptions {
  /** Cells on each side of the map cell nearest a pixel that vote: a window of (2r+1) x (2r+1) cells. */
  readonly radius: number;
  /** Spatial falloff (Gaussian sigma), in map cells. */
  readonly sigmaSpatial: number;
  /** Colour falloff (Gaussian sigma of the RGB distance), in 0-255 levels. */
  readonly sigmaRange: number;
  /**
   * Hysteresis at the guided edge, used only when the previous frame's upsampled mask is passed
   * (stabilisation on): a pixel near a mask edge keeps the class it showed while that class's weight
   * is at least (1 - holdMargin) of the winner's, unless the picture moved under it (pictureMotion.ts,
   * when passed). 0 turns it off.
   */
  readonly holdMargin: number;
}

/**
 * What the app and `npm run eval` use. Tuned on the CamVid val clip with the fast model (class map
 * 240x180, frame 480x360), in a NumPy model of this code: the 3x3 cells around the nearest one
 * (±3 px of the frame) with sigma 1.5 cells and 20 levels gained as much boundary IoU over NEAREST as
 * a 4x4 window (about +0.5) for 9 taps instead of 16; 6x6-8x8 windows gained up to +1.1 at 3-5 times
 * the cost (README, "Edges"). holdMargin 0.7 (a pixel keeps its class while that has 30 % of the
 * winner's weight, where the picture did not move), with the stabiliser's motion and 16-of-24
 * interior rules, took the fast model's flicker on that clip to 0.69x of unstabilised for -0.20 mIoU;
 * without the motion test every margin that reached 0.7x cost 0.3-0.6 (`npm run eval`, README
 * "Temporal stabilisation").
 */
export const DEFAULT_GUIDED_UPSAMPLE: GuidedUpsampleOptions = { radius: 1, sigmaSpatial: 1.5, sigmaRange: 20, holdMargin: 0.7 };

/** The value no class map holds: marks a cell whose window is not of one class. */
const MIXED = 255;
/** Entries of the colour-weight table, over squared distances 0 .. (3 sigma)² * 2. */
const RANGE_TABLE_SIZE = 1024;

function checkOptions(o: GuidedUpsampleOptions): void {
  if (!Number.isInteger(o.radius) || o.radius < 1 || o.radius > 8) throw new RangeError(`radius must be an integer within 1..8, got ${o.radius}`);
  if (!(o.sigmaSpatial > 0)) throw new RangeError(`sigmaSpatial must be positive, got ${o.sigmaSpatial}`);
  if (!(o.sigmaRange > 0)) throw new RangeError(`sigmaRange must be positive, got ${o.sigmaRange}`);
  if (!(o.holdMargin >= 0 && o.holdMargin < 1)) throw new RangeError(`holdMargin must be within [0, 1), got ${o.holdMargin}`);
}

/** Per output column (or row): the map cell nearest it, and the cell and spatial weight of each of its window's 2r+1 taps (clamped at the border). */
interface AxisTable {
  readonly first: Int32Array;
  /** cell index for (output i, window k) at i * 2r + k. */
  readonly cells: Int32Array;
  readonly weights: Float32Array;
}

function axisTable(outSize: number, mapSize: number, radius: number, sigma: number): AxisTable {
  const taps = 2 * radius + 1;
  const first = new Int32Array(outSize);
  const cells = new Int32Array(outSize * taps);
  const weights = new Float32Array(outSize * taps);
  const ratio = mapSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const u = (i + 0.5) * ratio - 0.5; // the pixel's centre in map cells
    const base = Math.floor(u + 0.5); // the nearest cell
    first[i] = Math.min(mapSize - 1, Math.max(0, base));
    for (let k = 0; k < taps; k++) {
      const cell = base - radius + k;
      const d = cell - u;
      cells[i * taps + k] = Math.min(mapSize - 1, Math.max(0, cell));
      weights[i * taps + k] = Math.exp(-(d * d) / (2 * sigma * sigma));
    }
  }
  return { first, cells, weights };
}

/** Per map column and row, the guide pixels it covers, [start, end): pixel i belongs to cell floor(i * mapSize / outSize). */
export interface CellFootprints {
  readonly x0: Int32Array;
  readonly x1: Int32Array;
  readonly y0: Int32Array;
  readonly y1: Int32Array;
}

function axisFootprints(mapSize: number, outSize: number): [Int32Array, Int32Array] {
  const start = new Int32Array(mapSize);
  const end = new Int32Array(mapSize);
  for (let c = 0; c < mapSize; c++) {
    start[c] = Math.ceil((c * outSize) / mapSize);
    end[c] = Math.min(outSize, Math.ceil(((c + 1) * outSize) / mapSize));
  }
  return [start, end];
}

export function cellFootprints(mapW: number, mapH: number, W: number, H: number): CellFootprints {
  const [x0, x1] = axisFootprints(mapW, W);
  const [y0, y1] = axisFootprints(mapH, H);
  return { x0, x1, y0, y1 };
}

/**
 * Writes the mean colour (0-255 levels, offsets dropped: they cancel in distances) of the guide's
 * pixels [xa, xb) x [ya, yb) to out[at], out[at + 1], out[at + 2].
 */
export function meanCellColour(guide: GuideImage, xa: number, xb: number, ya: number, yb: number, out: Float32Array, at: number): void {
  const { width: W, planes, scale } = guide;
  const plane = W * guide.height;
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = ya; y < yb; y++) {
    for (let p = y * W + xa, end = y * W + xb; p < end; p++) {
      r += planes[p]!;
      g += planes[p + plane]!;
      b += planes[p + 2 * plane]!;
    }
  }
  const n = (yb - ya) * (xb - xa);
  const k = n > 0 ? 1 / n : 0;
  out[at] = r * k * scale[0];
  out[at + 1] = g * k * scale[1];
  out[at + 2] = b * k * scale[2];
}

export class GuidedUpsampler {
  readonly options: GuidedUpsampleOptions;
  private readonly rangeTable = new Float32Array(RANGE_TABLE_SIZE);
  private readonly rangeStep: number;
  private key = '';
  private xs: AxisTable | null = null;
  private ys: AxisTable | null = null;
  /** Mean guide colour (0-255) of each map cell, interleaved RGB. */
  private cellColour = new Float32Array(0);
  /** Cells whose colour is read this frame (see cellColours). */
  private needed = new Uint8Array(0);
  /** Per map cell: its window's one class, or MIXED. */
  private uniform = new Uint8Array(0);
  private rowUniform = new Uint8Array(0);
  /** Per map column (row): the guide pixels it covers, [start, end). */
  private foot: CellFootprints = cellFootprints(0, 0, 0, 0);
  /** A window's classes and their summed weights (at most (2r+1)² of each). */
  private readonly classes = new Uint8Array(256);
  private readonly votes = new Float64Array(256);

  constructor(options: GuidedUpsampleOptions = DEFAULT_GUIDED_UPSAMPLE) {
    checkOptions(options);
    this.options = options;
    const maxD2 = 2 * 9 * options.sigmaRange * options.sigmaRange; // weight e^-9 there
    this.rangeStep = maxD2 / RANGE_TABLE_SIZE;
    for (let i = 0; i < RANGE_TABLE_SIZE; i++) {
      this.rangeTable[i] = Math.exp(-(i * this.rangeStep) / (2 * options.sigmaRange * options.sigmaRange));
    }
  }

  /**
   * Writes the class map (mapW x mapH) upsampled to the guide's size into `out` (guide.width x
   * guide.height; allocated when absent or of another length) and returns it. A map not smaller than
   * the guide on both axes is resized NEAREST (there is nothing to guide). `previous`, the mask this
   * returned for the previous frame of the same video (guide.width x guide.height), turns on the edge's
   * hysteresis (options.holdMargin); it may not be `out`. `motion` (PictureMotion.update)
   * lifts the hysteresis where the picture moved under the pixel's nearest cell.
   */
  upsample(map: Uint8Array, mapW: number, mapH: number, guide: GuideImage, out?: Uint8Array, previous?: Uint8Array | null, motion?: MotionQuery | null): Uint8Array {
    const W = guide.width;
    const H = guide.height;
    if (map.length < mapW * mapH) throw new RangeError(`class map holds ${map.length} values, expected ${mapW}x${mapH}`);
    if (guide.planes.length < 3 * W * H) throw new RangeError(`guide holds ${guide.planes.length} values, expected 3x${W}x${H}`);
    const result = out && out.length === W * H ? out : new Uint8Array(W * H);
    if (previous && previous.length !== W * H) throw new RangeError(`previous mask holds ${previous.length} values, expected ${W}x${H}`);
    if (previous && previous === result) throw new RangeError('previous mask and output must be different buffers');
    if (mapW >= W && mapH >= H) {
      for (let y = 0; y < H; y++) {
        const row = Math.floor((y * mapH) / H) * mapW;
        for (let x = 0; x < W; x++) result[y * W + x] = map[row + Math.floor((x * mapW) / W)] as number;
      }
      return result;
    }
    this.prepare(mapW, mapH, W, H);
    this.uniformCells(map, mapW, mapH);
    this.cellColours(guide, mapW, mapH);
    this.vote(map, mapW, guide, result, previous && this.options.holdMargin > 0 ? previous : null, motion ?? null);
    return result;
  }

  private prepare(mapW: number, mapH: number, W: number, H: number): void {
    const key = `${mapW}x${mapH}>${W}x${H}`;
    if (key === this.key) return;
    const { radius, sigmaSpatial } = this.options;
    this.xs = axisTable(W, mapW, radius, sigmaSpatial);
    this.ys = axisTable(H, mapH, radius, sigmaSpatial);
    this.cellColour = new Float32Array(mapW * mapH * 3);
    this.uniform = new Uint8Array(mapW * mapH);
    this.rowUniform = new Uint8Array(mapW * mapH);
    this.needed = new Uint8Array(mapW * mapH);
    this.foot = cellFootprints(mapW, mapH, W, H);
    this.key = key;
  }

  /**
   * The mean colour (0-255 levels, offsets dropped: they cancel in distances) of the guide pixels each
   * map cell covers, for the cells some pixel near a mask edge looks at (the rest are not read).
   */
  private cellColours(guide: GuideImage, mapW: number, mapH: number): void {
    const needed = this.needed;
    const { x0, x1, y0, y1 } = this.foot;
    for (let cy = 0; cy < mapH; cy++) {
      const ya = y0[cy]!;
      const yb = y1[cy]!;
      for (let cx = 0; cx < mapW; cx++) {
        const cell = cy * mapW + cx;
        if (needed[cell] !== 0) meanCellColour(guide, x0[cx]!, x1[cx]!, ya, yb, this.cellColour, cell * 3);
      }
    }
  }

  /** uniform[cell] = the class of every cell of the window centred on that cell, or MIXED (separable: rows, then columns). */
  private uniformCells(map: Uint8Array, mapW: number, mapH: number): void {
    const r = this.options.radius;
    const rows = this.rowUniform;
    for (let y = 0; y < mapH; y++) {
      const row = y * mapW;
      for (let x = 0; x < mapW; x++) {
        const lo = Math.max(0, x - r);
        const hi = Math.min(mapW - 1, x + r);
        const c = map[row + lo] as number;
        let same = c;
        for (let k = lo + 1; k <= hi; k++) {
          if (map[row + k] !== c) {
            same = MIXED;
            break;
          }
        }
        rows[row + x] = same;
      }
    }
    const uniform = this.uniform;
    for (let y = 0; y < mapH; y++) {
      const lo = Math.max(0, y - r);
      const hi = Math.min(mapH - 1, y + r);
      for (let x = 0; x < mapW; x++) {
        const c = rows[lo * mapW + x] as number;
        let same = c;
        if (c !== MIXED) {
          for (let k = lo + 1; k <= hi; k++) {
            if (rows[k * mapW + x] !== c) {
              same = MIXED;
              break;
            }
          }
        }
        uniform[y * mapW + x] = same;
      }
    }
    // The cells the pixels of a mixed window look at.
    const needed = this.needed;
    needed.fill(0);
    for (let y = 0; y < mapH; y++) {
      for (let x = 0; x < mapW; x++) {
        if (uniform[y * mapW + x] !== MIXED) continue;
        const ya = Math.max(0, y - r);
        const yb = Math.min(mapH - 1, y + r);
        const xa = Math.max(0, x - r);
        const xb = Math.min(mapW - 1, x + r);
        for (let yy = ya; yy <= yb; yy++) needed.fill(1, yy * mapW + xa, yy * mapW + xb + 1);
      }
    }
  }

  private vote(map: Uint8Array, mapW: number, guide: GuideImage, out: Uint8Array, previous: Uint8Array | null, motion: MotionQuery | null): void {
    const keep = 1 - this.options.holdMargin;
    const xs = this.xs as AxisTable;
    const ys = this.ys as AxisTable;
    const { width: W, height: H, planes, scale } = guide;
    const [s0, s1, s2] = scale;
    const plane = W * H;
    const taps = 2 * this.options.radius + 1;
    const colour = this.cellColour;
    const uniform = this.uniform;
    const table = this.rangeTable;
    const invStep = 1 / this.rangeStep;
    const last = RANGE_TABLE_SIZE - 1;
    const votes = this.votes;
    const classes = this.classes;
    const xFirst = xs.first;
    const xCells = xs.cells;
    const xWeights = xs.weights;
    const yCells = ys.cells;
    const yWeights = ys.weights;
    for (let y = 0; y < H; y++) {
      const anchorRow = ys.first[y]! * mapW;
      const yBase = y * taps;
      const rowStart = y * W;
      for (let x = 0; x < W; x++) {
        const same = uniform[anchorRow + xFirst[x]!]!;
        if (same !== MIXED) {
          out[rowStart + x] = same;
          continue;
        }
        const p = rowStart + x;
        const r = planes[p]! * s0;
        const g = planes[p + plane]! * s1;
        const b = planes[p + 2 * plane]! * s2;
        const xBase = x * taps;
        let n = 0;
        for (let j = 0; j < taps; j++) {
          const cellRow = yCells[yBase + j]! * mapW;
          const wy = yWeights[yBase + j]!;
          for (let i = 0; i < taps; i++) {
            const cell = cellRow + xCells[xBase + i]!;
            const c3 = cell * 3;
            const dr = r - colour[c3]!;
            const dg = g - colour[c3 + 1]!;
            const db = b - colour[c3 + 2]!;
            const idx = ((dr * dr + dg * dg + db * db) * invStep) | 0;
            const c = map[cell]!;
            const w = wy * xWeights[xBase + i]! * table[idx < last ? idx : last]!;
            // The classes of a window: a short list (two or three near an edge), searched in order.
            let k = 0;
            while (k < n && classes[k] !== c) k++;
            if (k === n) {
              classes[n] = c;
              votes[n++] = w;
            } else {
              votes[k] = votes[k]! + w;
            }
          }
        }
        let best = 0;
        for (let k = 1; k < n; k++) if (votes[k]! > votes[best]!) best = k;
        if (previous !== null && classes[best] !== previous[p] && (motion === null || !motion.moved(anchorRow + xFirst[x]!))) {
          const held = previous[p]!;
          for (let k = 0; k < n; k++) {
            if (classes[k] === held && votes[k]! >= keep * votes[best]!) {
              best = k;
              break;
            }
          }
        }
        out[p] = classes[best]!;
      }
    }
  }
}
