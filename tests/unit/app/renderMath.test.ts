import { describe, expect, it } from 'vitest';
import { fitScale } from '../../../src/render/overlayRenderer.ts';
import { contentRect } from '../../../src/render/stagePicture.ts';
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
    source: 'clip.mp4', inferenceFps: 17.26, renderFps: 12.1, videoFps: 24.9, latencyP50: 61.04, latencyP95: 80, stages: null, dropped: 3,
    frames: 100, maskAgeMs: 40, synced: false, miou: null, scoredFrames: 0, perClassIou: null, recording: false,
  };
  it('shows backend, rates, latency and drops', () => {
    const text = formatHud(base);
    expect(text).toContain('wasm x2 threads');
    expect(text).toContain('17.3 FPS');
    expect(text).toContain('p50 61.0 ms');
    expect(text).toContain('3 dropped');
    expect(text).toContain('video       24.9 FPS shown · mask draws 12.1 FPS');
    expect(text).not.toContain('mIoU');
  });
  it('adds mIoU and per-class IoU with ground truth', () => {
    const text = formatHud({ ...base, miou: 64.25, scoredFrames: 10, perClassIou: { Road: 90.5, Pole: null } });
    expect(text).toContain('mIoU        64.3 % over 10 labelled frames');
    expect(text).toMatch(/Road\s+90\.5 %/);
    expect(text).toMatch(/Pole\s+–/);
  });
});

describe('contentRect (where the picture and the mask canvas sit in the stage, object-fit: contain)', () => {
  it('pillarboxes a portrait video and letterboxes a wide one, centred', () => {
    expect(contentRect(540, 960, 1280, 720)).toEqual({ left: (1280 - 405) / 2, top: 0, width: 405, height: 720 });
    expect(contentRect(1920, 800, 1200, 900)).toEqual({ left: 0, top: (900 - 500) / 2, width: 1200, height: 500 });
  });
  it('fills the stage when the aspect ratios match', () => {
    expect(contentRect(960, 540, 1280, 720)).toEqual({ left: 0, top: 0, width: 1280, height: 720 });
  });
  it('fills the stage while the picture size is unknown', () => {
    expect(contentRect(0, 0, 640, 480)).toEqual({ left: 0, top: 0, width: 640, height: 480 });
  });
});
