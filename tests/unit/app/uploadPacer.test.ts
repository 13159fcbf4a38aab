import { describe, expect, it } from 'vitest';
import { UploadPacer } from '../../../src/render/uploadPacer.ts';

describe('UploadPacer (video frame uploads take at most a share of the render thread)', () => {
  it('lets the first upload through at once', () => {
    expect(new UploadPacer(1 / 3).ready(0)).toBe(true);
  });

  it('after an upload of ms, waits ms * (1/share - 1) after it ends', () => {
    const pacer = new UploadPacer(1 / 3);
    pacer.record(1000, 250); // a 4K frame: 1000..1250
    expect(pacer.ready(1250)).toBe(false);
    expect(pacer.ready(1749)).toBe(false);
    expect(pacer.ready(1750)).toBe(true);
  });

  it('does not hold back uploads cheaper than the frame interval', () => {
    const pacer = new UploadPacer(1 / 3);
    pacer.record(0, 10); // a small frame; the next video frame comes 40 ms later (25 fps)
    expect(pacer.ready(40)).toBe(true);
  });

  it('share 1 never waits after the upload; reset() forgets the last upload', () => {
    const all = new UploadPacer(1);
    all.record(0, 100);
    expect(all.ready(100)).toBe(true);
    const pacer = new UploadPacer(0.5);
    pacer.record(0, 100);
    expect(pacer.ready(150)).toBe(false);
    pacer.reset();
    expect(pacer.ready(150)).toBe(true);
  });

  it('rejects a share outside (0, 1]', () => {
    expect(() => new UploadPacer(0)).toThrow(RangeError);
    expect(() => new UploadPacer(1.5)).toThrow(RangeError);
    expect(() => new UploadPacer(Number.NaN)).toThrow(RangeError);
  });

  it('waitMs tells a task that must not be skipped how long to wait (0 when it may start)', () => {
    const pacer = new UploadPacer(1 / 4);
    expect(pacer.waitMs(0)).toBe(0);
    pacer.record(100, 10); // next may start 40 ms after this one started
    expect(pacer.waitMs(110)).toBe(30);
    expect(pacer.waitMs(140)).toBe(0);
    expect(pacer.waitMs(500)).toBe(0);
  });
});
