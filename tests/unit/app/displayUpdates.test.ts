// The display's updates without a per-frame loop: a mask on the canvas is counted and logged with its
// draw, still and latency times; the timer checks the picture and rewrites the HUD and the recording line.
import { describe, expect, it } from 'vitest';
import { DisplayUpdates, HUD_INTERVAL_MS } from '../../../src/app/displayUpdates.ts';
import { FrameLog, type ShownExtra } from '../../../src/app/frameLog.ts';
import type { MaskShown } from '../../../src/app/maskPresenter.ts';
import type { AppSnapshot } from '../../../src/app/statusReport.ts';
import type { SegmentedFrame } from '../../../src/app/segmentationPipeline.ts';
import type { DisplaySource } from '../../../src/render/overlayRenderer.ts';
import { LiveStats } from '../../../src/ui/liveStats.ts';

function shown(index: number, over: Partial<MaskShown<ShownExtra>> = {}): MaskShown<ShownExtra> {
  const work = {
    capturedAt: 0, mediaTime: index / 25, frameIndex: index, captureMs: 0.1, snapshot: null, groundTruth: null, groundTruthError: null,
    result: { kind: 'mask', mask: new Uint8Array(4), width: 2, height: 2, timestamp: index, inputPath: 'fused I420', modelMapSize: { width: 2, height: 2 }, postprocess: { stabilise: false, upsample: 'nearest' }, sceneCuts: 0, timings: { preprocessMs: 1, inferenceMs: 10, postprocessMs: 0, stabiliseMs: 0, upsampleMs: 0, workerMs: 11 } },
  } as SegmentedFrame;
  return { work, extra: { score: null }, uploadMs: 0.02, renderMs: 0.8, videoUploadMs: null, latencyMs: 95, ...over };
}

function setUp(withStats = true) {
  const stats = withStats ? new LiveStats(['Sky', 'Road'], 11) : null;
  const log = new FrameLog();
  log.toggle();
  const hud = { textContent: null as string | null };
  const recordInfo = { textContent: null as string | null };
  const pictures: (DisplaySource | null)[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  const picture = { kind: 'video', element: {} } as unknown as DisplaySource;
  const updates = new DisplayUpdates({
    presenter: () => ({ showPicture: (s) => pictures.push(s) }),
    picture: () => picture,
    stats: () => stats,
    backend: () => 'wasm',
    snapshot: () => ({ status: 'running', requestedModel: 'm.onnx', client: null, stats, source: null, sourceEnded: false, dropped: 0, maskAgeMs: null, synced: false, videoFps: 25, recording: true, rendererMemory: null, lastError: null, messages: [] }) as AppSnapshot,
    log, hud, recordInfo,
    now: () => 1000,
    every: (callback, ms) => timers.push({ callback, ms }),
  });
  return { updates, stats, log, hud, recordInfo, pictures, timers, picture };
}

describe('DisplayUpdates', () => {
  it('a mask on the canvas is counted (draws, render, still, latency) and logged with those times', () => {
    const { updates, stats, log } = setUp();
    updates.maskShown(shown(4, { videoUploadMs: 3 }));
    updates.maskShown(shown(5));
    expect(stats?.masksDrawn).toBe(2);
    expect(stats?.stages.renderMs.percentile(50)).toBe(0.8);
    expect(stats?.stages.videoUploadMs.percentile(50)).toBe(3);
    expect(stats?.stages.latencyMs.percentile(50)).toBe(95);
    const rows = log.recorder.all();
    expect(rows.map((r) => [r.frameIndex, r.renderMs, r.videoUploadMs, r.latencyMs, r.uploadMs, r.backend])).toEqual([
      [4, 0.8, 3, 95, 0.02, 'wasm'],
      [5, 0.8, null, 95, 0.02, 'wasm'],
    ]);
  });

  it('without a model loaded nothing is counted or logged', () => {
    const { updates, log } = setUp(false);
    updates.maskShown(shown(1));
    expect(log.length).toBe(0);
  });

  it('the timer (every HUD_INTERVAL_MS, no animation-frame loop) checks the picture and rewrites the HUD and the recording line', () => {
    const { updates, hud, recordInfo, pictures, timers, picture } = setUp();
    updates.start();
    expect(timers.map((t) => t.ms)).toEqual([HUD_INTERVAL_MS]);
    updates.maskShown(shown(1));
    timers[0]?.callback();
    expect(pictures).toEqual([picture]);
    expect(hud.textContent).toContain('running');
    expect(recordInfo.textContent).toBe('1 rows');
    updates.pictureChanged(); // the video starts: shown
    expect(pictures).toHaveLength(2);
    updates.pictureChanged(); // a new frame of the video already shown: nothing to do
    expect(pictures).toHaveLength(2);
    updates.layoutChanged();
    expect(pictures).toHaveLength(3);
  });
});
