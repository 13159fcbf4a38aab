// What happens to each segmented frame, with fakes for the presenter, the pipeline and the messages
// and real LiveStats on 2x2 masks: scoring, stats, buffer recycling, and which errors are notices.
import { describe, expect, it } from 'vitest';
import { SegmentedFrameHandler, type SegmentedFrameParts } from '../../../src/app/segmentedFrameHandler.ts';
import { SegmentationClientError } from '../../../src/inference/segmentationClient.ts';
import { SourceError, type CapturedFrame, type GroundTruth } from '../../../src/capture/frameSource.ts';
import { LiveStats } from '../../../src/ui/liveStats.ts';
import type { SegmentedFrame } from '../../../src/app/segmentationPipeline.ts';
import type { ShownExtra } from '../../../src/app/frameLog.ts';
import type { AppErrorCode } from '../../../src/app/appMessages.ts';

class FakeMessages {
  readonly said: [kind: 'error' | 'notice', code: AppErrorCode, message: string][] = [];
  fail(code: AppErrorCode, message: string): void {
    this.said.push(['error', code, message]);
  }
  notice(code: AppErrorCode, message: string): void {
    this.said.push(['notice', code, message]);
  }
}

function frame(index: number, done: number[]): CapturedFrame {
  return { capturedAt: 0, frameIndex: index, mediaTime: null, copy: () => Promise.reject(new Error('not copied here')), done: () => done.push(index) };
}

function segmented(ids: number[], over: Partial<SegmentedFrame> = {}, inputPath = 'fused I420'): SegmentedFrame {
  return {
    capturedAt: 0, mediaTime: null, frameIndex: 1, captureMs: 2, snapshot: null, groundTruth: null, groundTruthError: null,
    result: { kind: 'mask', mask: Uint8Array.from(ids), width: 2, height: 2, timestamp: 1, inputPath, modelMapSize: { width: 2, height: 2 }, postprocess: { stabilise: false, upsample: 'nearest', dropFloating: false }, sceneCuts: 0, floatingDropped: { maps: 0, regions: 0, pixels: 0 }, timings: { preprocessMs: 1, inferenceMs: 10, postprocessMs: 0.5, stabiliseMs: 0, upsampleMs: 0, workerMs: 12, postprocessWorkerMs: 0 } },
    ...over,
  };
}

function handlerWith(over: Partial<SegmentedFrameParts> = {}) {
  const messages = new FakeMessages();
  const stats = new LiveStats(['Sky', 'Road'], 11);
  const presented: { ids: number[]; extra: ShownExtra }[] = [];
  const recycled: Uint8Array[] = [];
  let source: { label: string } | null = { label: 'clip.mp4' };
  const handler = new SegmentedFrameHandler({
    stats: () => stats,
    presenter: () => ({ present: (work, extra) => (presented.push({ ids: Array.from(work.result.mask), extra }), 0.75) }),
    recycle: (mask) => recycled.push(mask),
    source: () => source,
    messages,
    now: () => 1000,
    ...over,
  });
  return { handler, messages, stats, presented, recycled, setSource: (s: { label: string } | null) => (source = s) };
}

describe('SegmentedFrameHandler', () => {
  it('shows each mask, counts it with its stage times, recycles its buffer and releases the frame', () => {
    const { handler, stats, presented, recycled } = handlerWith();
    const done: number[] = [];
    const work = segmented([0, 1, 1, 1]);
    handler.onResult(frame(1, done), work);
    expect(presented).toEqual([{ ids: [0, 1, 1, 1], extra: { score: null } }]);
    expect(stats.frames).toBe(1);
    expect(stats.classFractions()).toEqual({ Sky: 0.25, Road: 0.75 });
    expect(stats.stages.uploadMs.percentile(50)).toBe(0.75);
    expect(stats.stages.inferenceMs.percentile(50)).toBe(10);
    expect(recycled).toEqual([work.result.mask]);
    expect(done).toEqual([1]);
  });

  it('scores a mask against its ground truth, resized to the label\'s size', () => {
    const { handler, stats, presented } = handlerWith();
    const gt: GroundTruth = { source: 'label 1.png', width: 4, height: 4, ids: Uint8Array.from([0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) };
    handler.onResult(frame(1, []), segmented([0, 1, 1, 1], { groundTruth: gt }));
    expect(presented[0]?.extra.score).toEqual({ miou: 100, pixelAccuracy: 100 });
    expect(stats.scoredFrames).toBe(1);
  });

  it('a label that cannot be read is an error; the mask is still shown', () => {
    const { handler, messages, presented } = handlerWith();
    handler.onResult(frame(1, []), segmented([0, 0, 0, 0], { groundTruthError: new SourceError('label-invalid', 'label 1.png: 3x3, expected 4x4') }));
    handler.onResult(frame(2, []), segmented([0, 0, 0, 0], { groundTruthError: new Error('decode failed') }));
    expect(messages.said).toEqual([['error', 'label-invalid', 'label 1.png: 3x3, expected 4x4'], ['error', 'label-invalid', 'decode failed']]);
    expect(presented).toHaveLength(2);
  });

  it('without a model or WebGL the frame is still recycled and released', () => {
    const { handler, recycled } = handlerWith({ stats: () => null, presenter: () => null });
    const done: number[] = [];
    handler.onResult(frame(4, done), segmented([1, 1, 1, 1]));
    expect([recycled.length, done]).toEqual([1, [4]]);
  });

  it('notes the general (slower) frame path once per source', () => {
    const { handler, messages, setSource } = handlerWith();
    const slow = 'canvas (VideoFrame NV12A)';
    handler.onResult(frame(1, []), segmented([0, 0, 0, 0], {}, slow));
    handler.onResult(frame(2, []), segmented([0, 0, 0, 0], {}, slow));
    setSource({ label: 'other.webm' });
    handler.onResult(frame(3, []), segmented([0, 0, 0, 0], {}, slow));
    expect(messages.said.map(([kind, code, message]) => [kind, code, message.split(':')[0]])).toEqual([
      ['notice', 'frame-format-fallback', 'clip.mp4'],
      ['notice', 'frame-format-fallback', 'other.webm'],
    ]);
    expect(messages.said[0]?.[2]).toContain('its frames come as VideoFrame NV12A,');
  });

  it('a worker the client restarted is a notice, a busy worker nothing, any other failure an error', () => {
    const { handler, messages } = handlerWith();
    const done: number[] = [];
    handler.onError(new SegmentationClientError('worker-timeout', 'no answer in 30 s'), frame(5, done));
    handler.onError(Object.assign(new Error('in use'), { name: 'busy' }), frame(6, done));
    handler.onError(new Error('out of memory'), frame(7, done));
    expect(done).toEqual([5, 6, 7]);
    expect(messages.said).toEqual([
      ['notice', 'worker-timeout', 'frame 5: no answer in 30 s; the worker was restarted and segmentation continues'],
      ['error', 'inference-failed', 'frame 7: out of memory'],
    ]);
  });
});
