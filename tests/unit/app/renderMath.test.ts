import { describe, expect, it } from 'vitest';
import { drawingBufferSize, fitScale } from '../../../src/render/overlayRenderer.ts';
import { formatHud, type HudModel } from '../../../src/ui/hudText.ts';
import { LiveStats } from '../../../src/ui/liveStats.ts';

describe('fitScale (video letterboxed in the canvas, mask drawn on the same quad)', () => {
  it('adds bars top/bottom for a wide video in a 4:3 canvas', () => {
    const [sx, sy] = fitScale(1920, 1080, 800, 600);
    expect(sx).toBe(1);
    expect(sy).toBeCloseTo((800 / 600) / (1920 / 1080));
  });
  it('adds bars left/right for a portrait video', () => {
    const [sx, sy] = fitScale(1080, 1920, 1280, 720);
    expect(sy).toBe(1);
    expect(sx).toBeCloseTo((1080 / 1920) / (1280 / 720));
  });
  it('fills the canvas for the same aspect and ignores empty sizes', () => {
    expect(fitScale(480, 360, 960, 720)).toEqual([1, 1]);
    expect(fitScale(0, 0, 100, 100)).toEqual([1, 1]);
  });
});

describe('LiveStats', () => {
  it('scores frames against labels, skipping void, and accumulates the confusion', () => {
    const s = new LiveStats(['A', 'B'], 2);
    const f1 = s.scoreFrame(Uint8Array.from([0, 1, 1, 0]), Uint8Array.from([0, 1, 0, 2]));
    // A: tp 1, fn 1 -> 1/2 ; B: tp 1, fp 1 -> 1/2
    expect(f1.miou).toBeCloseTo(50);
    expect(f1.pixelAccuracy).toBeCloseTo(200 / 3);
    s.scoreFrame(Uint8Array.from([1, 1]), Uint8Array.from([1, 1]));
    expect(s.scoredFrames).toBe(2);
    // A: tp 1, fn 1 -> 0.5 ; B: tp 3, fp 1 -> 0.75
    expect(s.miou()).toBeCloseTo(62.5);
    expect(s.perClassIou()).toEqual({ A: 50, B: 75 });
  });

  it('reports class fractions of the latest mask', () => {
    const s = new LiveStats(['A', 'B'], 2);
    s.recordMask(Uint8Array.from([0, 1, 1, 1]));
    expect(s.classFractions()).toEqual({ A: 0.25, B: 0.75 });
  });
});

describe('formatHud', () => {
  const base: HudModel = {
    status: 'running', backend: 'wasm x2 threads', reason: 'no WebGPU', adapter: null, model: 'm', inputSize: '480x360',
    source: 'clip.mp4', inferenceFps: 17.26, renderFps: 59.9, latencyP50: 61.04, latencyP95: 80, stages: null, dropped: 3,
    frames: 100, maskAgeMs: 40, synced: false, miou: null, scoredFrames: 0, perClassIou: null, recording: false,
  };
  it('shows backend, rates, latency and drops', () => {
    const text = formatHud(base);
    expect(text).toContain('wasm x2 threads');
    expect(text).toContain('17.3 FPS');
    expect(text).toContain('p50 61.0 ms');
    expect(text).toContain('3 dropped');
    expect(text).not.toContain('mIoU');
  });
  it('adds mIoU and per-class IoU with ground truth', () => {
    const text = formatHud({ ...base, miou: 64.25, scoredFrames: 10, perClassIou: { Road: 90.5, Pole: null } });
    expect(text).toContain('mIoU        64.3 % over 10 labelled frames');
    expect(text).toMatch(/Road\s+90\.5 %/);
    expect(text).toMatch(/Pole\s+–/);
  });
});

describe('drawingBufferSize (no more pixels than the video in the letterboxed rectangle)', () => {
  it('keeps the device-pixel size when the video is larger than the canvas', () => {
    expect(drawingBufferSize(1920, 1080, 800, 450, 1)).toEqual([800, 450]);
    expect(drawingBufferSize(3840, 2160, 800, 450, 2)).toEqual([1600, 900]);
  });
  it('shrinks to the video resolution when the canvas is larger, keeping the canvas aspect', () => {
    // 960x540 video in a 1280x720 canvas: the video rectangle is the whole canvas.
    expect(drawingBufferSize(960, 540, 1280, 720, 1)).toEqual([960, 540]);
    // 480x360 (4:3) video in a 1280x720 canvas: the rectangle is 960x720 css px -> buffer 640x360.
    expect(drawingBufferSize(480, 360, 1280, 720, 1)).toEqual([640, 360]);
    // devicePixelRatio is capped at 2
    expect(drawingBufferSize(4000, 3000, 400, 300, 3)).toEqual([800, 600]);
  });
  it('uses the canvas size when the video size is not known yet, and never returns 0', () => {
    expect(drawingBufferSize(0, 0, 640, 480, 1)).toEqual([640, 480]);
    expect(drawingBufferSize(10, 10, 0, 0, 1)).toEqual([1, 1]);
  });
});
