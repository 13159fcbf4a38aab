import { describe, expect, it } from 'vitest';
import { hudModelOf, statsOf, type AppSnapshot } from '../../../src/app/statusReport.ts';
import { LiveStats } from '../../../src/ui/liveStats.ts';
import type { SegmentationInitResult } from '../../../workers/segmentationProtocol.ts';

const info = {
  backend: 'wasm', threads: 1, reason: 'no WebGPU adapter', adapter: null, inputSize: { width: 480, height: 360 },
  classes: ['Sky', 'Road'], loadMs: 1, warmupMs: 1, contract: { name: 'dashseg-lite2' },
} as unknown as SegmentationInitResult;

function snapshot(over: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    status: 'running', requestedModel: '/models/x.onnx', client: { info, restarts: 2 }, stats: new LiveStats(['Sky', 'Road'], 11),
    source: { kind: 'video-file', label: 'clip.mp4' }, sourceEnded: false, dropped: 4, maskAgeMs: 80, synced: false, videoFps: 24.5,
    recording: true, rendererMemory: { textures: 2, geometries: 1, programs: 1 }, lastError: null, messages: [], ...over,
  };
}

describe('statusReport', () => {
  it('stats() names the model, backend, source and the figures the HUD shows', () => {
    const a = snapshot();
    a.stats!.frames = 7;
    a.stats!.recordStage('latencyMs', 120);
    const s = statsOf(a, 1000);
    expect([s.ready, s.backend, s.threads, s.model, s.frames, s.droppedFrames, s.videoFps, s.restarts]).toEqual([true, 'wasm', 1, 'dashseg-lite2', 7, 4, 24.5, 2]);
    expect(s.source).toEqual({ kind: 'video-file', label: 'clip.mp4', ended: false });
    expect(s.latencyP50Ms).toBe(120);
    expect(s.stagesP50Ms?.latencyMs).toBe(120);
    expect(hudModelOf(a, 1000).backend).toBe('wasm x1 threads');
  });

  it('without a model: not ready, the requested model named, no figures', () => {
    const s = statsOf(snapshot({ client: null, stats: null, source: null }), 0);
    expect([s.ready, s.backend, s.model, s.frames, s.stagesP50Ms, s.source]).toEqual([false, null, '/models/x.onnx', 0, null, null]);
  });
});
