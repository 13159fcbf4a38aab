import { describe, expect, it } from 'vitest';
import {
  classFractions,
  countClasses,
  FpsCounter,
  mean,
  percentile,
  percentileOfSorted,
  RollingWindow,
} from '../../../src/processing/stats.ts';

describe('percentile', () => {
  it('interpolates linearly between closest ranks like numpy', () => {
    // np.percentile([1, 2, 3, 4], [0, 25, 50, 95, 100]) → [1, 1.75, 2.5, 3.85, 4]
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 95)).toBeCloseTo(3.85, 12);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
  });

  it('sorts numerically and leaves the input untouched', () => {
    const values = [40, 1, 300, 2];
    // Sorted [1, 2, 40, 300]; rank 0.5 * 3 = 1.5 → 21 (a lexicographic sort would break this).
    expect(percentile(values, 50)).toBe(21);
    expect(values).toEqual([40, 1, 300, 2]);
    expect(percentileOfSorted([10, 20], 25)).toBe(12.5);
  });

  it('handles one value, no values and bad p', () => {
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('mean', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNull();
  });
});

describe('RollingWindow', () => {
  it('keeps the last `capacity` values in order', () => {
    const w = new RollingWindow(3);
    expect(w.mean()).toBeNull();
    expect(w.latest()).toBeNull();
    expect(w.percentile(50)).toBeNull();
    w.push(1);
    w.push(2);
    expect(w.values()).toEqual([1, 2]);
    expect(w.mean()).toBe(1.5);
    w.push(3);
    w.push(10);
    w.push(5);
    expect(w.length).toBe(3);
    expect(w.values()).toEqual([3, 10, 5]);
    expect(w.latest()).toBe(5);
    expect(w.mean()).toBe(6);
    expect(w.percentile(50)).toBe(5);
    expect(w.percentile(100)).toBe(10);
    // Percentile must not reorder the window.
    expect(w.values()).toEqual([3, 10, 5]);
  });

  it('clears and rejects a bad capacity', () => {
    const w = new RollingWindow(2);
    w.push(4);
    w.clear();
    expect(w.length).toBe(0);
    w.push(8);
    expect(w.values()).toEqual([8]);
    expect(() => new RollingWindow(0)).toThrow(RangeError);
  });
});

describe('class counts and fractions', () => {
  it('counts per class id, ignoring ids >= numClasses (void)', () => {
    const mask = new Uint8Array([0, 0, 1, 11, 2, 0, 11, 255]);
    expect(Array.from(countClasses(mask, 3))).toEqual([3, 1, 1]);
    const out = new Float64Array(3).fill(9);
    expect(countClasses(mask, 3, out)).toBe(out);
    expect(Array.from(out)).toEqual([3, 1, 1]);
  });

  it('reports fractions of all pixels by class name', () => {
    const mask = new Uint8Array([0, 0, 1, 11]);
    expect(classFractions(mask, 3, ['Sky', 'Road', 'Car'])).toEqual({ Sky: 0.5, Road: 0.25, Car: 0 });
    expect(() => classFractions(mask, 3, ['Sky'])).toThrow(/need 3 class names/);
  });
});

describe('FpsCounter', () => {
  it('measures a steady 10 Hz stream exactly from the second event on', () => {
    const fps = new FpsCounter(1000);
    expect(fps.fps()).toBe(0);
    fps.tick(0);
    expect(fps.fps()).toBe(0);
    fps.tick(100);
    expect(fps.fps()).toBe(10);
    for (let t = 200; t <= 3000; t += 100) fps.tick(t);
    expect(fps.fps()).toBeCloseTo(10, 10);
  });

  it('follows a rate change once the window has passed', () => {
    const fps = new FpsCounter(1000);
    for (let t = 0; t <= 2000; t += 100) fps.tick(t); // 10 fps
    for (let t = 2050; t <= 4000; t += 50) fps.tick(t); // 20 fps
    expect(fps.fps()).toBeCloseTo(20, 10);
  });

  it('falls to 0 when events stop and the caller passes the current time', () => {
    const fps = new FpsCounter(1000);
    for (let t = 0; t <= 1000; t += 100) fps.tick(t);
    expect(fps.fps(1500)).toBeCloseTo(10, 10); // events 500..1000 remain
    expect(fps.fps(2100)).toBe(0);
  });

  it('stays correct when the ring buffer is smaller than the window', () => {
    const fps = new FpsCounter(1000, 4);
    for (let t = 0; t <= 500; t += 10) fps.tick(t);
    expect(fps.fps()).toBeCloseTo(100, 10);
  });

  it('rejects time going backwards and resets', () => {
    const fps = new FpsCounter();
    fps.tick(50);
    expect(() => fps.tick(49)).toThrow(/backwards/);
    fps.reset();
    fps.tick(10);
    expect(fps.fps()).toBe(0);
  });
});
