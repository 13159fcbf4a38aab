import { describe, expect, it } from 'vitest';
import { FRAMES_IN_WORKER, FrameScheduler, type FrameMeta } from '../../../src/inference/frameScheduler.ts';
import { deferred } from './deferred.ts';

const meta = (i: number): FrameMeta => ({ capturedAt: i, frameIndex: i, mediaTime: null });
const settle = () => new Promise((r) => setTimeout(r, 0));

function harness() {
  const runs: { index: number; d: ReturnType<typeof deferred<string | null>> }[] = [];
  const results: number[] = [];
  const errors: number[] = [];
  const drops: number[] = [];
  let workerSlotClears = 0;
  const s = new FrameScheduler<string>({
    run: (m) => {
      const d = deferred<string | null>();
      runs.push({ index: m.frameIndex, d });
      return d.promise;
    },
    onResult: (r) => results.push(r.meta.frameIndex),
    onError: (_e, m) => errors.push(m.frameIndex),
    onDrop: (m) => drops.push(m.frameIndex),
    clearWorkerSlot: () => workerSlotClears++,
    now: () => 0,
  });
  return { s, runs, results, errors, drops, clears: () => workerSlotClears };
}

describe('FrameScheduler (latest frame wins)', () => {
  it('sends one running and one waiting frame to the worker, keeps only the newest further frame here, never a queue', async () => {
    expect(FRAMES_IN_WORKER).toBe(2);
    const { s, runs, results, drops } = harness();
    s.offer(meta(0));
    s.offer(meta(1));
    s.offer(meta(2));
    s.offer(meta(3));
    expect(runs.map((r) => r.index)).toEqual([0, 1]);
    expect(s.busy).toBe(true);
    expect(s.inWorker).toBe(2);
    expect(s.next?.frameIndex).toBe(3);
    expect(drops).toEqual([2]);
    expect(s.dropped).toBe(1);

    runs[0]!.d.resolve('a');
    await settle();
    // The worker has room again: the frame waiting here is sent (and copied) now.
    expect(results).toEqual([0]);
    expect(runs.map((r) => r.index)).toEqual([0, 1, 3]);
    expect(s.next).toBeNull();

    runs[1]!.d.resolve('b');
    runs[2]!.d.resolve('c');
    await settle();
    expect(results).toEqual([0, 1, 3]);
    expect(s.busy).toBe(false);
    s.offer(meta(4));
    expect(runs.map((r) => r.index)).toEqual([0, 1, 3, 4]);
    expect(s.submitted).toBe(4);
    expect(s.completed).toBe(3);
  });

  it('counts a frame the worker cleared from its slot (run resolves null) as dropped, then sends the next', async () => {
    const { s, runs, results, drops } = harness();
    s.offer(meta(0));
    s.offer(meta(1));
    s.offer(meta(2));
    runs[1]!.d.resolve(null);
    await settle();
    expect(drops).toEqual([1]);
    expect(s.dropped).toBe(1);
    expect(results).toEqual([]);
    expect(runs.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(s.completed).toBe(0);
  });

  it('frees room and reports when a frame fails, then sends the waiting frame', async () => {
    const { s, runs, errors } = harness();
    s.offer(meta(7));
    s.offer(meta(8));
    s.offer(meta(9));
    runs[0]!.d.reject(new Error('boom'));
    await settle();
    expect(errors).toEqual([7]);
    expect(s.failed).toBe(1);
    expect(runs.map((r) => r.index)).toEqual([7, 8, 9]);
  });

  it('a run that throws synchronously is reported as a failure, not thrown at the caller', async () => {
    const errors: string[] = [];
    const s = new FrameScheduler<string>({
      run: () => {
        throw new Error('sync');
      },
      onResult: () => undefined,
      onError: (e) => errors.push((e as Error).message),
      now: () => 0,
    });
    expect(() => s.offer(meta(0))).not.toThrow();
    await settle();
    expect(errors).toEqual(['sync']);
    expect(s.busy).toBe(false);
  });

  it('clearWaiting drops the frame waiting here and asks the worker to clear its slot', async () => {
    const { s, runs, drops, clears } = harness();
    s.offer(meta(1));
    s.clearWaiting();
    // Only the running frame is in the worker: nothing to clear there.
    expect(clears()).toBe(0);
    s.offer(meta(2));
    s.offer(meta(3));
    s.clearWaiting();
    expect(drops).toEqual([3]);
    expect(s.dropped).toBe(1);
    expect(clears()).toBe(1);
    runs[1]!.d.resolve(null); // the worker answers the cleared frame
    runs[0]!.d.resolve('x');
    await settle();
    expect(drops).toEqual([3, 2]);
    expect(runs).toHaveLength(2);
    expect(s.busy).toBe(false);
  });
});
