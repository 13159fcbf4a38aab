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

describe('FrameScheduler (latest frame wins)', () => {
  it('keeps at most one frame in flight and drops, never queues, the rest', async () => {
    const pending: ReturnType<typeof deferred<string>>[] = [];
    const results: number[] = [];
    const s = new FrameScheduler<string>(
      () => {
        const d = deferred<string>();
        pending.push(d);
        return d.promise;
      },
      (r) => results.push(r.meta.frameIndex),
      () => undefined,
      () => 0,
    );
    expect(s.offer(meta(0))).toBe(true);
    expect(s.offer(meta(1))).toBe(false);
    expect(s.offer(meta(2))).toBe(false);
    expect(pending).toHaveLength(1);
    expect(s.dropped).toBe(2);
    pending[0]!.resolve('a');
    await Promise.resolve();
    await Promise.resolve();
    expect(results).toEqual([0]);
    expect(s.busy).toBe(false);
    expect(s.offer(meta(3))).toBe(true);
    expect(pending).toHaveLength(2);
    expect(s.submitted).toBe(2);
  });

  it('frees the slot and reports when a frame fails', async () => {
    const errors: number[] = [];
    const s = new FrameScheduler<string>(
      () => Promise.reject(new Error('boom')),
      () => undefined,
      (_err, m) => errors.push(m.frameIndex),
    );
    s.offer(meta(7));
    await new Promise((r) => setTimeout(r, 0));
    expect(errors).toEqual([7]);
    expect(s.failed).toBe(1);
    expect(s.busy).toBe(false);
  });
});
