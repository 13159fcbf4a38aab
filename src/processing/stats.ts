// Small statistics for the HUD and the logs: percentiles, a rolling window of stage timings,
// class fractions of a mask and an FPS counter. Time is always passed in by the caller, so these
// are deterministic under a fake clock.

/**
 * Percentile `p` (0..100) with linear interpolation between closest ranks, numpy's default
 * (`method='linear'`): rank = p/100 * (n-1), result = s[floor] + (s[ceil] - s[floor]) * frac.
 * Accepts unsorted input (a sorted copy is made). NaN values are not allowed. Null when empty.
 */
export function percentile(values: ArrayLike<number>, p: number): number | null {
  const sorted = Float64Array.from(values).sort();
  return percentileOfSorted(sorted, p);
}

/** As `percentile`, for input already sorted ascending (no copy). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const n = sorted.length;
  if (n === 0) return null;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/**
 * The last `capacity` numbers (e.g. inference ms of the last 120 frames). A ring buffer: push never
 * allocates, and percentile sorts into a scratch buffer allocated once.
 */
export class RollingWindow {
  readonly capacity: number;
  private readonly buffer: Float64Array;
  private readonly scratch: Float64Array;
  private start = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.buffer = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count < this.capacity) {
      this.buffer[(this.start + this.count) % this.capacity] = value;
      this.count++;
    } else {
      // Full: overwrite the oldest.
      this.buffer[this.start] = value;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }

  /** Most recent value, or null when empty. */
  latest(): number | null {
    return this.count === 0 ? null : (this.buffer[(this.start + this.count - 1) % this.capacity] as number);
  }

  /** Oldest first. Allocates; for logs and tests rather than per frame. */
  values(): number[] {
    const result: number[] = [];
    for (let i = 0; i < this.count; i++) result.push(this.buffer[(this.start + i) % this.capacity] as number);
    return result;
  }

  mean(): number | null {
    if (this.count === 0) return null;
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += this.buffer[(this.start + i) % this.capacity] as number;
    return sum / this.count;
  }

  percentile(p: number): number | null {
    for (let i = 0; i < this.count; i++) this.scratch[i] = this.buffer[(this.start + i) % this.capacity] as number;
    const sorted = this.scratch.subarray(0, this.count).sort();
    return percentileOfSorted(sorted, p);
  }
}

/** Pixel count per class id into `out` (length numClasses); ids >= numClasses (e.g. void) are not counted. */
export function countClasses(mask: ArrayLike<number>, numClasses: number, out?: Float64Array): Float64Array {
  const counts = out ?? new Float64Array(numClasses);
  if (counts.length < numClasses) throw new RangeError(`counts buffer has ${counts.length} entries, need ${numClasses}`);
  counts.fill(0, 0, numClasses);
  for (let i = 0; i < mask.length; i++) {
    const id = mask[i] as number;
    if (id < numClasses) counts[id] = (counts[id] as number) + 1;
  }
  return counts;
}

/**
 * Fraction of all mask pixels per class, keyed by class name. The denominator is every pixel, so
 * with void/unknown ids present the fractions sum to less than 1.
 */
export function classFractions(
  mask: ArrayLike<number>,
  numClasses: number,
  names: readonly string[],
): Record<string, number> {
  if (names.length < numClasses) throw new RangeError(`need ${numClasses} class names, got ${names.length}`);
  const counts = countClasses(mask, numClasses);
  const result: Record<string, number> = {};
  for (let k = 0; k < numClasses; k++) {
    result[names[k] as string] = mask.length === 0 ? 0 : (counts[k] as number) / mask.length;
  }
  return result;
}

/**
 * Events per second over a sliding time window. The caller passes timestamps in milliseconds
 * (performance.now(), rVFC's `now`, or a fake clock), non-decreasing. The rate is
 * (events - 1) / (newest - oldest) over the events still in the window, which is exact for a steady
 * stream and needs no warm-up; it reads 0 with fewer than two events. Timestamps live in a ring
 * buffer (`capacity` should exceed the events one window can hold), so tick never allocates.
 */
export class FpsCounter {
  readonly windowMs: number;
  private readonly times: Float64Array;
  private start = 0;
  private count = 0;

  constructor(windowMs = 1000, capacity = 1024) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be an integer >= 2, got ${capacity}`);
    this.windowMs = windowMs;
    this.times = new Float64Array(capacity);
  }

  /** Records one event (a frame shown, a result received) at `timeMs`. */
  tick(timeMs: number): void {
    const newest = this.newest();
    if (newest !== null && timeMs < newest) {
      throw new RangeError(`FpsCounter timestamps must not go backwards (${timeMs} < ${newest})`);
    }
    const cap = this.times.length;
    if (this.count === cap) {
      this.start = (this.start + 1) % cap;
      this.count--;
    }
    this.times[(this.start + this.count) % cap] = timeMs;
    this.count++;
    this.evictBefore(timeMs - this.windowMs);
  }

  /**
   * Rate at `nowMs` (default: the last event's time). Passing the current time lets the reading
   * fall to 0 once events stop arriving for a whole window.
   */
  fps(nowMs?: number): number {
    const newest = this.newest();
    if (newest === null) return 0;
    this.evictBefore((nowMs ?? newest) - this.windowMs);
    if (this.count < 2) return 0;
    const oldest = this.times[this.start] as number;
    const last = this.newest() as number;
    return last > oldest ? ((this.count - 1) * 1000) / (last - oldest) : 0;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
  }

  private newest(): number | null {
    return this.count === 0 ? null : (this.times[(this.start + this.count - 1) % this.times.length] as number);
  }

  /** Drops events strictly older than `limitMs` (an event exactly one window old still counts). */
  private evictBefore(limitMs: number): void {
    while (this.count > 0 && (this.times[this.start] as number) < limitMs) {
      this.start = (this.start + 1) % this.times.length;
      this.count--;
    }
  }
}
