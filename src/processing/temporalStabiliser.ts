// Per-pixel temporal filter on a model's class maps, so that masks on video do not flicker where the
// model hesitates between two classes from one frame to the next. It works on class ids, not
// probabilities: the shipped models end in ArgMax (their contract's `classmap` output).
// Pure: no DOM, no ORT; buffers are allocated when the map size changes, never per frame.

/**
 * How a pixel adopts a new class.
 * - `hysteresis`: a pixel switches to a new class once the model has answered that class for
 *   `frames` consecutive frames (1 = no filtering).
 * - `majority`: a pixel shows the class the model answered in more than half of the last `window`
 *   frames; without such a majority it keeps what it showed.
 */
export type StabiliserRule =
  | { readonly kind: 'hysteresis'; readonly frames: number }
  | { readonly kind: 'majority'; readonly window: number };

export interface TemporalStabiliserOptions {
  readonly rule: StabiliserRule;
  /**
   * Share of pixels (0..1) whose raw class differs from the stabilised map above which a frame is
   * taken as a scene cut: the history is dropped and the raw map is shown as it is.
   */
  readonly sceneCutShare: number;
}

/** Longest history a rule may ask for: a pixel's streak is a Uint8 and a window is scanned per pixel. */
export const MAX_STABILISER_FRAMES = 15;

/**
 * What the app and `npm run eval` use. Hysteresis over 2 frames: a one-frame answer never shows, a
 * real change shows one frame late. A scene cut is a change of more than half the picture: a camera
 * moving along the road changes far less from one frame to the next (figures: README, eval output).
 */
export const DEFAULT_STABILISER_OPTIONS: TemporalStabiliserOptions = {
  rule: { kind: 'hysteresis', frames: 2 },
  sceneCutShare: 0.5,
};

/** Whether the app stabilises masks unless the user turns it off (and `npm run eval`'s headline). */
export const STABILISE_BY_DEFAULT = true;

/** Human-readable rule, for logs and the eval's output. */
export function describeStabiliser(options: TemporalStabiliserOptions): string {
  const { rule } = options;
  const how = rule.kind === 'hysteresis' ? `hysteresis over ${rule.frames} frames` : `majority of the last ${rule.window} frames`;
  return `${how}, reset when more than ${Math.round(100 * options.sceneCutShare)} % of pixels change`;
}

function checkOptions(options: TemporalStabiliserOptions): void {
  const { rule } = options;
  const n = rule.kind === 'hysteresis' ? rule.frames : rule.window;
  const name = rule.kind === 'hysteresis' ? 'frames' : 'window';
  if (!Number.isInteger(n) || n < 1 || n > MAX_STABILISER_FRAMES) {
    throw new RangeError(`${rule.kind} ${name} must be an integer within 1..${MAX_STABILISER_FRAMES}, got ${n}`);
  }
  if (!(options.sceneCutShare > 0 && options.sceneCutShare <= 1)) {
    throw new RangeError(`sceneCutShare must be within (0, 1], got ${options.sceneCutShare}`);
  }
}

export class TemporalStabiliser {
  readonly options: TemporalStabiliserOptions;
  private width = 0;
  private height = 0;
  /** False until a map has been seen since the last reset: the next map is shown as it is. */
  private primed = false;
  /** What is shown: the filter's state (callers get a copy, so they cannot disturb it). */
  private stable = new Uint8Array(0);
  /** Hysteresis: the class a pixel may switch to, and for how many consecutive frames it was answered. */
  private candidate = new Uint8Array(0);
  private streak = new Uint8Array(0);
  /** Majority: the last `window` raw maps, one after the other; `filled` of them are valid. */
  private history = new Uint8Array(0);
  private next = 0;
  private filled = 0;
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
   * Filters one class map (row-major, `width * height` ids) and returns the stabilised map: `out`
   * when given (it may be `map` itself), else a buffer of the stabiliser's, overwritten by the next
   * call. A new size starts afresh, as after reset().
   */
  apply(map: Uint8Array, width: number, height: number, out?: Uint8Array): Uint8Array {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`map size must be positive integers, got ${width}x${height}`);
    }
    const pixels = width * height;
    if (map.length < pixels) throw new RangeError(`map has ${map.length} ids, ${width}x${height} needs ${pixels}`);
    if (out && out.length < pixels) throw new RangeError(`out has ${out.length} bytes, ${width}x${height} needs ${pixels}`);
    if (width !== this.width || height !== this.height) this.resize(width, height);
    const target = out ?? this.output;

    if (!this.primed) {
      this.adopt(map, pixels);
    } else {
      const limit = Math.floor(this.options.sceneCutShare * pixels);
      const changed = this.options.rule.kind === 'hysteresis' ? this.stepHysteresis(map, pixels, this.options.rule.frames) : this.stepMajority(map, pixels, this.options.rule.window);
      if (changed > limit) {
        this.sceneCutCount++;
        this.adopt(map, pixels);
      }
    }
    target.set(this.stable.subarray(0, pixels));
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
    this.stable = new Uint8Array(pixels);
    this.output = new Uint8Array(pixels);
    const { rule } = this.options;
    if (rule.kind === 'hysteresis') {
      this.candidate = new Uint8Array(pixels);
      this.streak = new Uint8Array(pixels);
    } else {
      this.history = new Uint8Array(pixels * rule.window);
    }
    this.primed = false;
  }

  /** Starts the history from `map` alone. */
  private adopt(map: Uint8Array, pixels: number): void {
    this.stable.set(map.subarray(0, pixels));
    if (this.options.rule.kind === 'hysteresis') {
      this.streak.fill(0);
    } else {
      this.history.set(map.subarray(0, pixels), 0);
      this.next = 1 % this.options.rule.window;
      this.filled = 1;
    }
    this.primed = true;
  }

  /** One frame of hysteresis; returns how many pixels' raw class differs from what was shown. */
  private stepHysteresis(map: Uint8Array, pixels: number, frames: number): number {
    const { stable, candidate, streak } = this;
    let changed = 0;
    for (let i = 0; i < pixels; i++) {
      const id = map[i] as number;
      if (id === stable[i]) {
        streak[i] = 0;
        continue;
      }
      changed++;
      // A streak of 0 means no candidate: any other answer starts one.
      const run = streak[i] !== 0 && candidate[i] === id ? (streak[i] as number) + 1 : 1;
      if (run >= frames) {
        stable[i] = id;
        streak[i] = 0;
      } else {
        candidate[i] = id;
        streak[i] = run;
      }
    }
    return changed;
  }

  /** One frame of the majority rule; returns how many pixels' raw class differs from what was shown. */
  private stepMajority(map: Uint8Array, pixels: number, window: number): number {
    const { stable, history } = this;
    history.set(map.subarray(0, pixels), this.next * pixels);
    this.next = (this.next + 1) % window;
    this.filled = Math.min(window, this.filled + 1);
    const filled = this.filled;
    const needed = Math.floor(filled / 2) + 1;
    let changed = 0;
    for (let i = 0; i < pixels; i++) {
      const id = map[i] as number;
      if (id !== stable[i]) changed++;
      // Strict majority: at most one class can have it; look for it among the first
      // filled - needed + 1 slots (a majority class must appear there).
      for (let a = 0; a <= filled - needed; a++) {
        const c = history[a * pixels + i] as number;
        let votes = 1;
        for (let b = a + 1; b < filled; b++) if (history[b * pixels + i] === c) votes++;
        if (votes >= needed) {
          stable[i] = c;
          break;
        }
      }
    }
    return changed;
  }
}
