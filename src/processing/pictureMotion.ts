// Where the picture itself changed since the previous frame, per class-map cell: the mean colour of
// the frame's pixels a cell covers, compared with the same pixels of the frame before. The temporal
// filters use it to tell a class change that follows the picture (an object moved in, the camera
// panned: show it at once) from one the model makes on a picture that stayed still (the model
// wavering: hold it). Only the cells whose class changes are asked about, so each is measured when
// first asked; the frame itself is kept (one copy per frame) for the next one's comparison.
// Pure: no DOM, no ORT; buffers are reused while the sizes stay the same.

import { cellFootprints, meanCellColour, type CellFootprints, type GuideImage } from './guidedUpsample.ts';

/** Whether the picture moved under a class-map cell (row-major index) since the previous frame. */
export interface MotionQuery {
  moved(cell: number): boolean;
}

const UNKNOWN = 0;
const STILL = 1;
const MOVED = 2;

export class PictureMotion implements MotionQuery {
  /** A cell moved when its mean colour moved by more than this (Euclidean RGB distance, 0-255 levels). */
  readonly levels: number;
  private mapW = 0;
  private mapH = 0;
  /** This frame's planes and the previous frame's (own copies, swapped each frame). */
  private current: GuideImage | null = null;
  private previous: GuideImage | null = null;
  private hasPrevious = false;
  private state = new Uint8Array(0);
  private foot: CellFootprints = cellFootprints(0, 0, 0, 0);
  private readonly now = new Float32Array(3);
  private readonly before = new Float32Array(3);

  constructor(levels: number) {
    if (!(levels > 0)) throw new RangeError(`levels must be positive, got ${levels}`);
    this.levels = levels;
  }

  /** Forgets the previous frame (a seek, a new source): the next frame counts as moved everywhere. */
  reset(): void {
    this.hasPrevious = false;
  }

  /**
   * Takes the next frame, for a mapW x mapH class map over it, and returns this tracker as the query
   * for it (every cell moved on the first frame, after reset() or a size change). The guide's planes
   * are copied: the caller may overwrite them afterwards.
   */
  update(guide: GuideImage, mapW: number, mapH: number): MotionQuery {
    const { width: W, height: H, scale } = guide;
    const last = this.current;
    // Compared field by field (no key built per frame): a new size or scale starts afresh.
    if (last === null || mapW !== this.mapW || mapH !== this.mapH || W !== last.width || H !== last.height || scale.some((v, i) => v !== last.scale[i])) {
      this.mapW = mapW;
      this.mapH = mapH;
      this.state = new Uint8Array(mapW * mapH);
      this.foot = cellFootprints(mapW, mapH, W, H);
      this.current = { planes: new Float32Array(3 * W * H), width: W, height: H, scale };
      this.previous = { planes: new Float32Array(3 * W * H), width: W, height: H, scale };
      this.hasPrevious = false;
    }
    const older = this.previous as GuideImage;
    this.previous = this.current;
    this.current = older;
    older.planes.set(guide.planes.subarray(0, 3 * W * H));
    this.state.fill(this.hasPrevious ? UNKNOWN : MOVED);
    this.hasPrevious = true;
    return this;
  }

  moved(cell: number): boolean {
    const known = this.state[cell];
    if (known !== UNKNOWN) return known === MOVED;
    const cy = Math.floor(cell / this.mapW);
    const cx = cell - cy * this.mapW;
    const { now, before } = this;
    const { x0, x1, y0, y1 } = this.foot;
    meanCellColour(this.current as GuideImage, x0[cx]!, x1[cx]!, y0[cy]!, y1[cy]!, now, 0);
    meanCellColour(this.previous as GuideImage, x0[cx]!, x1[cx]!, y0[cy]!, y1[cy]!, before, 0);
    const dr = now[0]! - before[0]!;
    const dg = now[1]! - before[1]!;
    const db = now[2]! - before[2]!;
    const moved = dr * dr + dg * dg + db * db > this.levels * this.levels;
    this.state[cell] = moved ? MOVED : STILL;
    return moved;
  }
}
