// Per-pixel temporal filter on a model's class maps, so that masks on video do not flicker where the
// model hesitates between two classes from one frame to the next. It works on class ids, not
// probabilities: the shipped models end in ArgMax (their contract's `classmap` output).
// Pure: no DOM, no ORT; buffers are allocated when the map size changes, never per frame.
//
// The rule is hysteresis: a pixel switches to a new class once the model has answered that class
// for `frames` consecutive frames, so a one-frame answer never shows. Delaying every change would
// also delay every boundary that really moves (the camera drives on), so a pixel that lies inside
// the new class in the model's current map (at least `interiorNeighbours` of the pixels around it
// have it) switches at once: a moving boundary sweeps such bands over pixels, while a wavering one
// changes only its edge. `npm run eval` reports the rule's effect on mIoU and flicker.

import type { MotionQuery } from './pictureMotion.ts';

export interface TemporalStabiliserOptions {
  /** Consecutive frames a new class must be the model's answer before a pixel shows it (1 = no filter). */
  readonly frames: number;
  /** Half-size of the square around a pixel that the interior test looks at (2 → 5x5). */
  readonly interiorRadius: number;
  /**
   * How many of the (2r+1)² - 1 pixels around a pixel must have the new class for it to switch at
   * once; more than there are (e.g. Infinity) turns the interior test off.
   */
  readonly interiorNeighbours: number;
  /**
   * Share of pixels (0..1] whose new class differs from the one shown above which a map is taken as
   * a scene cut: the history is dropped and the map is shown as it is.
   */
  readonly sceneCutShare: number;
  /**
   * Where the frame is known (guided upsampling's guide), a pixel whose class changes where the
   * picture itself moved by more than this many levels (pictureMotion.ts) switches at once; undefined
   * turns the test off.
   */
  readonly motionLevels?: number;
}

/** Longest streak a pixel can count (its counter is a Uint8). */
export const MAX_STABILISER_FRAMES = 255;

/**
 * What the app and `npm run eval` use: 2 frames; at once where the picture moved (the cell's mean
 * colour by more than 32 levels since the frame before), or inside the new class (16 of the 24
 * pixels of the 5x5 square have it). Tuned on the CamVid val clip with the fast model (README,
 * "Temporal stabilisation"): without the motion test every setting that took flicker to 0.7x cost
 * 0.3-0.6 points of mIoU, because real moves waited a frame as much as the model's wavering; with it
 * (16 of 24, 32 levels, the upsampler's holdMargin 0.7) flicker went to 0.69x for -0.20 mIoU, and
 * the accurate model's to 0.85x for +0.08. A scene cut changes a quarter of the picture or more: well
 * above what a camera moving along a road changes from one frame to the next, while two road scenes
 * still share much of their road and sky.
 */
export const DEFAULT_STABILISER_OPTIONS: TemporalStabiliserOptions = {
  frames: 2,
  interiorRadius: 2,
  interiorNeighbours: 16,
  sceneCutShare: 0.25,
  motionLevels: 32,
};

/**
 * Whether the app stabilises masks unless the user turns it off, and `npm run eval`'s headline. On
 * because, on the labelled val clip, the default model keeps mIoU within 0.3 points of unstabilised
 * with at most 0.7x its flicker rate, the bar set for it (README, "Temporal stabilisation").
 */
export const STABILISE_BY_DEFAULT = true;

/** The rule in words, for logs and the eval's output. */
export function describeStabiliser(options: TemporalStabiliserOptions): string {
  const side = 2 * options.interiorRadius + 1;
  const interior = Number.isFinite(options.interiorNeighbours) && options.interiorNeighbours <= side * side - 1
    ? `, at once where ${options.interiorNeighbours} of the ${side * side - 1} pixels of the ${side}x${side} square around have it`
    : '';
  const motion = options.motionLevels === undefined ? '' : `, at once where the picture moved (a map cell's mean colour by more than ${options.motionLevels} levels)`;
  return `new class after ${options.frames} frames${motion}${interior}; reset when more than ${Math.round(100 * options.sceneCutShare)} % of pixels change`;
}

function checkOptions(options: TemporalStabiliserOptions): void {
  const { frames, interiorRadius, interiorNeighbours, sceneCutShare } = options;
  if (!Number.isInteger(frames) || frames < 1 || frames > MAX_STABILISER_FRAMES) {
    throw new RangeError(`frames must be an integer within 1..${MAX_STABILISER_FRAMES}, got ${frames}`);
  }
  if (!Number.isInteger(interiorRadius) || interiorRadius < 0) {
    throw new RangeError(`interiorRadius must be a non-negative integer, got ${interiorRadius}`);
  }
  if (!(interiorNeighbours >= 1)) throw new RangeError(`interiorNeighbours must be at least 1, got ${interiorNeighbours}`);
  if (!(sceneCutShare > 0 && sceneCutShare <= 1)) throw new RangeError(`sceneCutShare must be within (0, 1], got ${sceneCutShare}`);
  if (options.motionLevels !== undefined && !(options.motionLevels > 0)) throw new RangeError(`motionLevels must be positive, got ${options.motionLevels}`);
}

export class TemporalStabiliser {
  readonly options: TemporalStabiliserOptions;
  private width = 0;
  private height = 0;
  /** False until a map has been seen since the last reset: the next map is shown as it is. */
  private primed = false;
  /** What is shown: the filter's state (callers get a copy, so they cannot disturb it). */
  private shown = new Uint8Array(0);
  /** The class a pixel may switch to, and for how many consecutive frames it was answered (0 = none). */
  private candidate = new Uint8Array(0);
  private streak = new Uint8Array(0);
  private output = new Uint8Array(0);
  private sceneCutCount = 0;

  constructor(options: TemporalStabiliserOptions = DEFAULT_STABILISER_OPTIONS) {
    checkOptions(options);
    this.options = options;
  }

  /** Scene cuts detected since construction (resets by the caller and size changes not counted). */
  get sceneCuts(): number {
    return this.sceneCutCount;
  }

  /**
   * Filters one class map (row-major, `width * height` ids; not modified unless it is `out`) and
   * returns the stabilised map: `out` when given (it may be `map` itself), else a buffer of the
   * stabiliser's that the next call overwrites. A new size starts afresh, as after reset().
   */
  apply(map: Uint8Array, width: number, height: number, out?: Uint8Array, motion?: MotionQuery | null): Uint8Array {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`map size must be positive integers, got ${width}x${height}`);
    }
    const pixels = width * height;
    if (map.length < pixels) throw new RangeError(`map has ${map.length} ids, ${width}x${height} needs ${pixels}`);
    if (out && out.length < pixels) throw new RangeError(`out has ${out.length} bytes, ${width}x${height} needs ${pixels}`);
    if (width !== this.width || height !== this.height) this.resize(width, height);

    if (!this.primed) {
      this.adopt(map, pixels);
    } else if (this.step(map, motion ?? null) > Math.floor(this.options.sceneCutShare * pixels)) {
      this.sceneCutCount++;
      this.adopt(map, pixels);
    }
    const target = out ?? this.output;
    target.set(this.shown);
    return target;
  }

  /** Drops the history (seek, source change): the next map is shown as it is. */
  reset(): void {
    this.primed = false;
  }

  private resize(width: number, height: number): void {
    const pixels = width * height;
    this.width = width;
    this.height = height;
    this.shown = new Uint8Array(pixels);
    this.candidate = new Uint8Array(pixels);
    this.streak = new Uint8Array(pixels);
    this.output = new Uint8Array(pixels);
    this.primed = false;
  }

  private adopt(map: Uint8Array, pixels: number): void {
    this.shown.set(map.subarray(0, pixels));
    this.streak.fill(0);
    this.primed = true;
  }

  /** One frame; returns how many pixels' new class differs from the one shown before it. */
  private step(map: Uint8Array, motion: MotionQuery | null): number {
    const { shown, candidate, streak, width, height } = this;
    const { frames } = this.options;
    let changed = 0;
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        const id = map[i] as number;
        if (id === shown[i]) {
          streak[i] = 0;
          continue;
        }
        changed++;
        // A streak of 0 means no candidate: any other answer starts one.
        const run = streak[i] !== 0 && candidate[i] === id ? (streak[i] as number) + 1 : 1;
        if (run >= frames || (motion !== null && motion.moved(i)) || this.isInterior(map, x, y, id)) {
          shown[i] = id;
          streak[i] = 0;
        } else {
          candidate[i] = id;
          streak[i] = run;
        }
      }
    }
    return changed;
  }

  /** Whether at least interiorNeighbours pixels around (x, y) in `map` have class `id`. */
  private isInterior(map: Uint8Array, x: number, y: number, id: number): boolean {
    const { width, height } = this;
    const { interiorRadius: r, interiorNeighbours: needed } = this.options;
    const x0 = Math.max(0, x - r);
    const x1 = Math.min(width - 1, x + r);
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height - 1, y + r);
    // The pixel itself has `id`; it is not a neighbour.
    let left = (x1 - x0 + 1) * (y1 - y0 + 1) - 1;
    if (left < needed) return false;
    let count = -1;
    for (let yy = y0; yy <= y1; yy++) {
      const row = yy * width;
      for (let xx = x0; xx <= x1; xx++) {
        if (map[row + xx] === id) {
          if (++count >= needed) return true;
        } else if (--left < needed) {
          return false;
        }
      }
    }
    return count >= needed;
  }
}
