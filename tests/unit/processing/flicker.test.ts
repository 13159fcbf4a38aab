import { describe, expect, it } from 'vitest';
import { accumulateFlicker, createFlickerCounts, flickerRate } from '../../../src/processing/flicker.ts';

const VOID = 9;
const ids = (s: string): Uint8Array => Uint8Array.from(s, Number);

describe('accumulateFlicker', () => {
  it('counts, among pixels whose label keeps its class, those whose prediction changes', () => {
    // Labels: pixels 0-3 keep class 0/1; pixel 4 changes 1 → 2 (a real change: not counted).
    // Predictions: pixel 1 changes (flicker), pixel 4 changes (follows the label), pixels 0, 2, 3 hold.
    const counts = accumulateFlicker(createFlickerCounts(), ids('01101'), ids('00102'), ids('00111'), ids('00112'), VOID);
    expect(counts).toEqual({ steadyPixels: 4, changedPixels: 1 });
    expect(flickerRate(counts)).toBe(25);
  });

  it('counts a changing prediction even when both are wrong, and a steady wrong one as no flicker', () => {
    // Label 0 in both; predictions 1 → 2 (flicker), 3 → 3 (wrong but steady).
    expect(accumulateFlicker(createFlickerCounts(), ids('13'), ids('23'), ids('00'), ids('00'), VOID)).toEqual({ steadyPixels: 2, changedPixels: 1 });
  });

  it('leaves out pixels that are void in either frame', () => {
    // Pixel 0: void → void; pixel 1: void → 0; pixel 2: 0 → void; pixel 3: 0 → 0 (the only one scored).
    const counts = accumulateFlicker(createFlickerCounts(), ids('0000'), ids('1111'), ids(`${VOID}${VOID}00`), ids(`${VOID}0${VOID}0`), VOID);
    expect(counts).toEqual({ steadyPixels: 1, changedPixels: 1 });
  });

  it('adds pairs up over a sequence', () => {
    const labels = [ids('0011'), ids('0011'), ids('0111')];
    const preds = [ids('0011'), ids('1011'), ids('1111')];
    const counts = createFlickerCounts();
    for (let i = 1; i < labels.length; i++) accumulateFlicker(counts, preds[i - 1]!, preds[i]!, labels[i - 1]!, labels[i]!, VOID);
    // Pair 1: 4 steady, 1 changed (pixel 0). Pair 2: pixel 1's label changes; 3 steady, 0 changed.
    expect(counts).toEqual({ steadyPixels: 7, changedPixels: 1 });
    expect(flickerRate(counts)).toBeCloseTo(100 / 7, 12);
  });

  it('has no rate without steady pixels, and rejects maps of different sizes', () => {
    expect(flickerRate(createFlickerCounts())).toBeNull();
    expect(() => accumulateFlicker(createFlickerCounts(), ids('00'), ids('000'), ids('000'), ids('000'), VOID)).toThrow(/one size/);
  });
});
