// The app's frame path (frame offered → mask) with a fake segmentation client that answers 2x2 masks,
// as MediaPipe's image_segmenter tests use a fake graph: order, naming, drops and buffer reuse.
import { describe, expect, it } from 'vitest';
import { SegmentationPipeline, type PipelineClient, type SegmentedFrame } from '../../../src/app/segmentationPipeline.ts';
import type { CapturedFrame, FrameCopy } from '../../../src/capture/frameSource.ts';
import type { SegmentationOutcome } from '../../../workers/segmentationProtocol.ts';
import { deferred } from './deferred.ts';

type Deferred<T> = ReturnType<typeof deferred<T>>;

interface FakeImage {
  readonly name: string;
  closed: boolean;
  close(): void;
}

const image = (name: string): FakeImage => ({ name, closed: false, close() { this.closed = true; } });

/** A worker stand-in: each segment() waits until the test answers it; the mask is 2x2 of the frame index. */
class FakeClient implements PipelineClient {
  readonly info = { inputSize: { width: 4, height: 3 } };
  readonly calls: { image: FakeImage; timestamp: number; recycled: Uint8Array | undefined; answer: Deferred<SegmentationOutcome> }[] = [];
  cleared = 0;

  segment(frame: ImageBitmap | VideoFrame, timestamp: number, recycled?: Uint8Array): Promise<SegmentationOutcome> {
    const answer = deferred<SegmentationOutcome>();
    this.calls.push({ image: frame as unknown as FakeImage, timestamp, recycled, answer });
    return answer.promise;
  }

  clearWaiting(): void {
    this.cleared++;
  }

  /** Answers call `i` with a 2x2 mask (into the recycled buffer when one came). */
  answer(i: number): void {
    const call = this.calls[i]!;
    const mask = call.recycled ?? new Uint8Array(4);
    mask.fill(call.timestamp % 256);
    call.answer.resolve({
      kind: 'mask', mask, width: 2, height: 2, timestamp: call.timestamp, inputPath: 'fused I420',
      modelMapSize: { width: 2, height: 2 }, postprocess: { stabilise: false, upsample: 'nearest', dropFloating: false }, sceneCuts: 0, floatingDropped: { maps: 0, regions: 0, pixels: 0 },
      timings: { preprocessMs: 1, inferenceMs: 10, postprocessMs: 0, stabiliseMs: 0, upsampleMs: 0, workerMs: 11, postprocessWorkerMs: 0 },
    });
  }
}

/** A live frame: its copy names the frame the element presents when copied (`presented()`). */
function liveFrame(offered: number, presented: () => number, copies: FakeImage[], done: number[]): CapturedFrame {
  return {
    capturedAt: 0,
    frameIndex: offered,
    mediaTime: offered / 25,
    live: true,
    copy: async (): Promise<FrameCopy> => {
      const index = presented();
      const img = image(`frame ${index}`);
      copies.push(img);
      return { image: img as unknown as ImageBitmap, snapshot: null, mediaTime: index / 25, frameIndex: index };
    },
    done: () => done.push(offered),
  };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};

function pipelineWith(client: FakeClient): { pipeline: SegmentationPipeline; results: SegmentedFrame[]; errors: unknown[] } {
  const results: SegmentedFrame[] = [];
  const errors: unknown[] = [];
  const pipeline = new SegmentationPipeline(client, {
    onResult: (frame, work) => {
      results.push(work);
      pipeline.recycle(work.result.mask);
      frame.done?.();
    },
    onError: (err) => errors.push(err),
  }, { withSnapshot: () => false });
  return { pipeline, results, errors };
}

describe('SegmentationPipeline', () => {
  it('sends copies in offer order, names each result by the frame copied, and keeps results in that order', async () => {
    const client = new FakeClient();
    const { pipeline, results } = pipelineWith(client);
    const source = {};
    pipeline.setSource(source);
    let shown = 5;
    const copies: FakeImage[] = [];
    const done: number[] = [];
    pipeline.offer(liveFrame(5, () => shown, copies, done));
    await flush(); // copied (and sent) now: it shows frame 5
    shown = 6;
    pipeline.offer(liveFrame(6, () => shown, copies, done));
    await flush();
    expect(client.calls.map((c) => c.timestamp)).toEqual([5, 6]);
    client.answer(0);
    client.answer(1);
    await flush();
    expect(results.map((r) => r.frameIndex)).toEqual([5, 6]);
    expect(results.map((r) => [r.result.width, r.result.height, r.result.mask[0]])).toEqual([[2, 2, 5], [2, 2, 6]]);
  });

  it('a slow copy holds back the next one: the worker never gets a later frame first (the AMD CI defect)', async () => {
    const client = new FakeClient();
    const { pipeline, results } = pipelineWith(client);
    pipeline.setSource({});
    const slowCopy = deferred<void>();
    const started: number[] = [];
    const frame = (index: number, wait: Promise<void> | null): CapturedFrame => ({
      capturedAt: 0, frameIndex: index, mediaTime: null, live: false,
      copy: async (): Promise<FrameCopy> => {
        started.push(index);
        if (wait) await wait;
        return { image: image(`frame ${index}`) as unknown as ImageBitmap, snapshot: null, mediaTime: null, frameIndex: index };
      },
    });
    pipeline.offer(frame(5, slowCopy.promise));
    pipeline.offer(frame(6, null)); // its copy would finish first if the two ran at once
    await flush();
    expect(started).toEqual([5]);
    expect(client.calls).toEqual([]);
    slowCopy.resolve();
    await flush();
    await new Promise((r) => setTimeout(r, 200)); // the capture pacer spaces copies by 3x the last one's time
    await flush();
    expect(client.calls.map((c) => c.timestamp)).toEqual([5, 6]);
    client.answer(0);
    client.answer(1);
    await flush();
    expect(results.map((r) => r.frameIndex)).toEqual([5, 6]);
  });

  it('a frame waiting here is copied when sent, and named by the newer frame the element shows then', async () => {
    const client = new FakeClient();
    const { pipeline, results } = pipelineWith(client);
    pipeline.setSource({});
    let shown = 1;
    const copies: FakeImage[] = [];
    const done: number[] = [];
    pipeline.offer(liveFrame(1, () => shown, copies, done));
    await flush();
    shown = 2;
    pipeline.offer(liveFrame(2, () => shown, copies, done));
    await flush();
    shown = 3;
    pipeline.offer(liveFrame(3, () => shown, copies, done)); // waits here: two frames are in the worker
    await flush();
    expect(client.calls).toHaveLength(2);
    shown = 9;
    client.answer(0);
    await flush();
    expect(client.calls.map((c) => c.timestamp)).toEqual([1, 2, 9]);
    client.answer(1);
    client.answer(2);
    await flush();
    expect(results.map((r) => r.frameIndex)).toEqual([1, 2, 9]);
  });

  it('a live copy of a frame already sent is dropped, not segmented twice (its copy is closed)', async () => {
    const client = new FakeClient();
    const { pipeline } = pipelineWith(client);
    pipeline.setSource({});
    const copies: FakeImage[] = [];
    const done: number[] = [];
    pipeline.offer(liveFrame(4, () => 4, copies, done));
    pipeline.offer(liveFrame(5, () => 4, copies, done)); // the element presented nothing new
    await flush();
    expect(client.calls.map((c) => c.timestamp)).toEqual([4]);
    expect(copies.map((c) => [c.name, c.closed])).toEqual([['frame 4', false], ['frame 4', true]]);
    expect(pipeline.dropped).toBe(1);
    expect(done).toEqual([5]);
  });

  it('frames of a replaced source are never copied; the new source starts its own frame count', async () => {
    const client = new FakeClient();
    const { pipeline, results } = pipelineWith(client);
    const first = {};
    pipeline.setSource(first);
    const copies: FakeImage[] = [];
    const done: number[] = [];
    pipeline.offer(liveFrame(10, () => 10, copies, done));
    pipeline.offer(liveFrame(11, () => 11, copies, done));
    pipeline.offer(liveFrame(12, () => 12, copies, done)); // waiting here
    await flush();
    pipeline.setSource({}); // the user opened another video: frame 12 must not be copied from the old element
    expect(done).toEqual([12]);
    client.answer(0);
    client.answer(1);
    await flush();
    expect(copies.map((c) => c.name)).toEqual(['frame 10', 'frame 11']);
    pipeline.offer(liveFrame(0, () => 0, copies, done)); // index 0 again: a new source, not a repeat
    await flush();
    expect(client.calls.map((c) => c.timestamp)).toEqual([10, 11, 0]);
    expect(results.map((r) => r.frameIndex)).toEqual([10, 11]);
  });

  it('hands the last mask buffer back to the worker with the next frame', async () => {
    const client = new FakeClient();
    const { pipeline, results } = pipelineWith(client);
    pipeline.setSource({});
    const copies: FakeImage[] = [];
    pipeline.offer(liveFrame(1, () => 1, copies, []));
    await flush();
    client.answer(0);
    await flush();
    pipeline.offer(liveFrame(2, () => 2, copies, []));
    await flush();
    expect(client.calls[1]?.recycled).toBe(results[0]?.result.mask);
  });

  it('a retired pipeline (model replaced) releases late results instead of handing them on', async () => {
    const client = new FakeClient();
    const { pipeline, results } = pipelineWith(client);
    pipeline.setSource({});
    const done: number[] = [];
    pipeline.offer(liveFrame(1, () => 1, [], done));
    await flush();
    pipeline.retire();
    client.answer(0);
    await flush();
    await pipeline.drain(1000);
    expect(results).toEqual([]);
    expect(done).toEqual([1]);
    expect(pipeline.busy).toBe(false);
  });
});
