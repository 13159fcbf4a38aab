// "Objects in the sky": a car, person or bicyclist stands on the ground, and the ground the camera's
// vehicle drives on ends at the horizon. A class-map region of such a class that lies wholly well above
// where that ground ends cannot be one (e.g. an overhead billboard read as a truck); nor can a patch of
// road or pavement up there (a road painted on a wall). Such regions get the class that surrounds them.
//
// Where the ground ends is measured on each map: the top row of the region of ground classes, and of the
// things standing on them, that touches the map's bottom edge through ground (the road in front of the
// car, and the vehicles on it: a bus just ahead hides the road but still stands on it, so what lies
// beside it at its height is left alone). "Well above" = more than `margin` of the map's height above
// that row. On every labelled CamVid train and val frame (ground truth at the model's half-scale class
// map) no car, person or bicyclist lies more than 0.20 of the height above the top of the ground alone,
// so the default margin (0.25) leaves every real one alone; models/README.md ("Objects in the sky") has
// the figures. With no ground at the bottom edge nothing is changed: there is no horizon to go by.

import type { ModelContract } from './modelContract.ts';

/** Which classes the check needs to know about, by id (from the model contract's "placement"). */
export interface ClassPlacement {
  /** The model's classes are ids 0..modelClasses-1: a floating region can take any of them that is not checked. */
  readonly modelClasses: number;
  /** The ground the vehicle drives on (CamVid: Road, Pavement): its top edge is taken as the horizon. */
  readonly ground: readonly number[];
  /** Things that stand on the ground (CamVid: Car, Pedestrian, Bicyclist). */
  readonly onGround: readonly number[];
}

export const NO_PLACEMENT: ClassPlacement = { modelClasses: 0, ground: [], onGround: [] };

/** Whether the check can do anything with this placement: it needs ground to find the horizon. */
export const placementChecks = (placement: ClassPlacement): boolean => placement.ground.length > 0;

/** The placement the contract declares for its model classes (none declared: the check does nothing). */
export function classPlacement(contract: Pick<ModelContract, 'classes'>): ClassPlacement {
  const model = contract.classes.filter((c) => !c.ignore);
  return {
    modelClasses: model.length,
    ground: model.filter((c) => c.placement === 'ground').map((c) => c.id),
    onGround: model.filter((c) => c.placement === 'onGround').map((c) => c.id),
  };
}

export interface FloatingCheckOptions {
  /** How far above the ground's top edge (share of the map's height) a region must lie, wholly, to be dropped. */
  readonly margin: number;
}

export const DEFAULT_FLOATING_CHECK: FloatingCheckOptions = { margin: 0.25 };

/** What one map's check found. */
export interface FloatingCheckResult {
  /** The top row of the ground (and what stands on it) touching the map's bottom edge, or -1 when there is no ground there. */
  readonly horizonRow: number;
  /** Regions relabelled, and their pixels. */
  readonly regions: number;
  readonly pixels: number;
}

const CHECKED = 1;
const SCENE = 2;

/**
 * Relabels floating regions of a class map in place. Buffers are kept between maps of one size; a map
 * costs two sweeps over its rows (the ground; more only for ground that winds) and a flood fill of each
 * ground or on-ground region that has a pixel above the cut.
 */
export class FloatingObjectFilter {
  readonly placement: ClassPlacement;
  readonly options: FloatingCheckOptions;
  /** Per class id: CHECKED (ground or on-ground), SCENE (another model class: a region may take it), 0 (not a model class). */
  private readonly role = new Uint8Array(256);
  private readonly isGround = new Uint8Array(256);
  /** Ground or on-ground: what the horizon's region grows through. */
  private readonly isSupport = new Uint8Array(256);
  private seen = new Uint8Array(0);
  private queue = new Int32Array(0);
  private readonly votes = new Int32Array(256);

  constructor(placement: ClassPlacement, options: FloatingCheckOptions = DEFAULT_FLOATING_CHECK) {
    if (!(options.margin >= 0 && options.margin <= 1)) throw new RangeError(`floating check margin must be in 0..1, got ${options.margin}`);
    this.placement = placement;
    this.options = options;
    if (!Number.isInteger(placement.modelClasses) || placement.modelClasses < 0 || placement.modelClasses > 256) {
      throw new RangeError(`model class count ${placement.modelClasses} is not in 0..256`);
    }
    this.role.fill(SCENE, 0, placement.modelClasses);
    for (const id of [...placement.ground, ...placement.onGround]) {
      if (!Number.isInteger(id) || id < 0 || id >= placement.modelClasses) throw new RangeError(`class id ${id} is not one of the ${placement.modelClasses} model classes`);
      this.role[id] = CHECKED;
    }
    for (const id of placement.ground) this.isGround[id] = 1;
    for (const id of [...placement.ground, ...placement.onGround]) this.isSupport[id] = 1;
  }

  /** Whether the check can do anything (placementChecks). */
  get active(): boolean {
    return placementChecks(this.placement);
  }

  apply(map: Uint8Array, width: number, height: number): FloatingCheckResult {
    const n = width * height;
    if (!this.active || n === 0) return { horizonRow: -1, regions: 0, pixels: 0 };
    if (map.length < n) throw new RangeError(`class map holds ${map.length} values, expected ${width}x${height}`);
    if (this.seen.length !== n) {
      this.seen = new Uint8Array(n);
      this.queue = new Int32Array(n);
    } else {
      this.seen.fill(0);
    }
    const horizonRow = this.groundTop(map, width, height);
    if (horizonRow < 0) return { horizonRow, regions: 0, pixels: 0 };
    const cut = horizonRow - Math.round(this.options.margin * height);
    let regions = 0;
    let pixels = 0;
    // Only a region with a pixel above the cut can lie wholly above it. The horizon's region is already
    // marked seen (all of it at or below the horizon), so it is never started from.
    for (let i = 0; i < cut * width; i++) {
      if (this.seen[i] || this.role[map[i] as number] !== CHECKED) continue;
      const size = this.region(map, width, height, i, cut);
      if (size > 0) {
        regions++;
        pixels += size;
      }
    }
    return { horizonRow, regions, pixels };
  }

  /**
   * Marks the region of ground and on-ground classes (8-connected) that grows from the ground on the
   * bottom edge as seen; returns its top row, or -1 when no ground touches the bottom edge.
   * Row sweeps instead of a queue: upwards (from the three pixels below, then along the row both ways),
   * then downwards likewise, until a sweep marks nothing new. A road is reached in one sweep up; the
   * sweeps only repeat for ground that winds down and up again. Each is one pass over the rows, in order.
   */
  private groundTop(map: Uint8Array, width: number, height: number): number {
    const { seen, isGround, isSupport } = this;
    const bottom = (height - 1) * width;
    let any = false;
    for (let x = 0; x < width; x++) {
      if (isGround[map[bottom + x] as number]) {
        seen[bottom + x] = 1;
        any = true;
      }
    }
    if (!any) return -1;
    // Along the bottom row, both ways, from the ground to what stands on it.
    for (let x = 1; x < width; x++) if (!seen[bottom + x] && seen[bottom + x - 1] && isSupport[map[bottom + x] as number]) seen[bottom + x] = 1;
    for (let x = width - 2; x >= 0; x--) if (!seen[bottom + x] && seen[bottom + x + 1] && isSupport[map[bottom + x] as number]) seen[bottom + x] = 1;
    let top = height - 1;
    for (let up = true, changed = true; changed; up = !up) {
      changed = false;
      // A sweep down can only mark rows below one already marked: it starts under the top row.
      for (let k = up ? 1 : top + 1; k < height; k++) {
        const y = up ? height - 1 - k : k;
        const row = y * width;
        const from = up ? row + width : row - width; // the row the sweep comes from
        let marked = false;
        for (let x = 0; x < width; x++) {
          const i = row + x;
          if (seen[i] || !isSupport[map[i] as number]) continue;
          const j = from + x;
          if (seen[j] || (x > 0 && seen[j - 1]) || (x < width - 1 && seen[j + 1])) {
            seen[i] = 1;
            marked = true;
          }
        }
        if (!marked) continue;
        // Along the row, both ways.
        for (let x = 1; x < width; x++) {
          const i = row + x;
          if (!seen[i] && seen[i - 1] && isSupport[map[i] as number]) seen[i] = 1;
        }
        for (let x = width - 2; x >= 0; x--) {
          const i = row + x;
          if (!seen[i] && seen[i + 1] && isSupport[map[i] as number]) seen[i] = 1;
        }
        changed = true;
        if (y < top) top = y;
      }
    }
    return top;
  }

  /**
   * The 8-connected same-class region from `start`: relabelled to the scene class most of its outside
   * neighbours have when every pixel lies above row `cut` and it has such a neighbour. Returns the
   * pixels relabelled (0: left as it is).
   */
  private region(map: Uint8Array, width: number, height: number, start: number, cut: number): number {
    const { seen, queue, votes, role } = this;
    const cls = map[start] as number;
    const classes = this.placement.modelClasses; // only model classes vote
    votes.fill(0, 0, classes);
    let head = 0;
    let tail = 0;
    let floating = true;
    seen[start] = 1;
    queue[tail++] = start;
    while (head < tail) {
      const i = queue[head++] as number;
      const y = (i / width) | 0;
      const x = i - y * width;
      if (y >= cut) floating = false;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          const c = map[j] as number;
          if (c === cls) {
            if (!seen[j]) {
              seen[j] = 1;
              queue[tail++] = j;
            }
          } else if (role[c] === SCENE) {
            votes[c] = (votes[c] as number) + 1;
          }
        }
      }
    }
    if (!floating) return 0;
    let best = -1;
    let bestVotes = 0;
    for (let c = 0; c < classes; c++) {
      if ((votes[c] as number) > bestVotes) {
        bestVotes = votes[c] as number;
        best = c;
      }
    }
    if (best < 0) return 0;
    for (let k = 0; k < tail; k++) map[queue[k] as number] = best;
    return tail;
  }
}
