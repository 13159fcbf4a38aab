import { describe, expect, it } from 'vitest';
import { FrameScheduler, type FrameMeta } from '../../../src/inference/frameScheduler.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const meta = (i: number): FrameMeta => ({ capturedAt: i, frameIndex: i, mediaTime: null });
const settle = () => new Promise((r) => setTimeout(r, 0));

function harness() {
  const runs: { index: number; d: ReturnType<typeof deferred<string>> }[] = [];
  const results: number[] = [];
  const errors: number[] = [];
  const drops: number[] = [];
  const s = new FrameScheduler<string>({
    run: (m) => {
      const d = deferred<string>();
      runs.push({ index: m.frameIndex, d });
      return d.promise;
    },
    onResult: (r) => results.push(r.meta.frameIndex),
    onError: (_e, m) => errors.push(m.frameIndex),
    onDrop: (m) => drops.push(m.frameIndex),
    now: () => 0,
  });
  return { s, runs, results, errors, drops };
}

describe('FrameScheduler (latest frame wins)', () => {
  it('keeps one frame in flight and only the newest offered frame waiting, never a queue', async () => {
    const { s, runs, results, drops } = harness();
    s.offer(meta(0));
    s.offer(meta(1));
    s.offer(meta(2));
    s.offer(meta(3));
    expect(runs.map((r) => r.index)).toEqual([0]);
    expect(s.busy).toBe(true);
    expect(s.next?.frameIndex).toBe(3);
    expect(drops).toEqual([1, 2]);
    expect(s.dropped).toBe(2);

    runs[0]!.d.resolve('a');
    await settle();
    // The waiting frame starts as soon as the one in flight finishes, after its result is delivered.
    expect(results).toEqual([0]);
    expect(runs.map((r) => r.index)).toEqual([0, 3]);
    expect(s.next).toBeNull();

    runs[1]!.d.resolve('b');
    await settle();
    expect(results).toEqual([0, 3]);
    expect(s.busy).toBe(false);
    s.offer(meta(4));
    expect(runs.map((r) => r.index)).toEqual([0, 3, 4]);
    expect(s.submitted).toBe(3);
    expect(s.completed).toBe(2);
  });

  it('frees the slot and reports when a frame fails, then runs the waiting frame', async () => {
    const { s, runs, errors } = harness();
    s.offer(meta(7));
    s.offer(meta(8));
    runs[0]!.d.reject(new Error('boom'));
    await settle();
    expect(errors).toEqual([7]);
    expect(s.failed).toBe(1);
    expect(runs.map((r) => r.index)).toEqual([7, 8]);
  });

  it('clearWaiting drops the waiting frame and nothing starts after the frame in flight', async () => {
    const { s, runs, drops } = harness();
    s.offer(meta(1));
    s.offer(meta(2));
    s.clearWaiting();
    expect(drops).toEqual([2]);
    expect(s.dropped).toBe(1);
    runs[0]!.d.resolve('x');
    await settle();
    expect(runs).toHaveLength(1);
    expect(s.busy).toBe(false);
  });
});
