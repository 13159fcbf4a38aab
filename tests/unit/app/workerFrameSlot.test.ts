import { describe, expect, it } from 'vitest';
import { WorkerFrameSlot } from '../../../src/inference/workerFrameSlot.ts';
import { deferred } from './deferred.ts';

const settle = () => new Promise((r) => setTimeout(r, 0));

function harness() {
  const runs = new Map<number, ReturnType<typeof deferred<string>>>();
  const started: number[] = [];
  const skipped: number[] = [];
  const tasks: (() => void)[] = [];
  const slot = new WorkerFrameSlot<number, string>({
    run: (f) => {
      started.push(f);
      const d = deferred<string>();
      runs.set(f, d);
      return d.promise;
    },
    skip: (f) => {
      skipped.push(f);
      return `skipped ${f}`;
    },
    nextTask: (fn) => tasks.push(fn),
  });
  const runTasks = () => {
    while (tasks.length) tasks.shift()!();
  };
  return { slot, runs, started, skipped, tasks, runTasks };
}

describe('WorkerFrameSlot (the worker side of latest frame wins)', () => {
  it('runs an idle frame at once; a frame sent meanwhile waits and starts in a task of its own after the running one', async () => {
    const h = harness();
    const a = h.slot.submit(1);
    const b = h.slot.submit(2);
    expect(h.started).toEqual([1]);
    expect(h.slot.hasWaiting).toBe(true);

    h.runs.get(1)!.resolve('mask 1');
    await expect(a).resolves.toBe('mask 1');
    // Not started inside the finished run's continuation: its result goes out first.
    expect(h.started).toEqual([1]);
    expect(h.slot.busy).toBe(true);
    expect(h.tasks).toHaveLength(1);

    h.runTasks();
    expect(h.started).toEqual([1, 2]);
    h.runs.get(2)!.resolve('mask 2');
    await expect(b).resolves.toBe('mask 2');
    await settle();
    expect(h.slot.busy).toBe(false);
    expect(h.tasks).toHaveLength(0);
  });

  it('a newer frame replaces the waiting one, which is skipped; frames queued before the task still replace it', async () => {
    const h = harness();
    void h.slot.submit(1);
    const b = h.slot.submit(2);
    const c = h.slot.submit(3);
    await expect(b).resolves.toBe('skipped 2');
    h.runs.get(1)!.resolve('mask 1');
    await settle();
    // Frame 4 arrives after frame 1 finished but before the task that starts the waiting frame.
    const d = h.slot.submit(4);
    await expect(c).resolves.toBe('skipped 3');
    h.runTasks();
    expect(h.started).toEqual([1, 4]);
    expect(h.skipped).toEqual([2, 3]);
    h.runs.get(4)!.resolve('mask 4');
    await expect(d).resolves.toBe('mask 4');
  });

  it('clear() skips the waiting frame; nothing starts after the running one', async () => {
    const h = harness();
    const a = h.slot.submit(1);
    const b = h.slot.submit(2);
    h.slot.clear();
    await expect(b).resolves.toBe('skipped 2');
    h.runs.get(1)!.resolve('mask 1');
    await a;
    await settle();
    expect(h.tasks).toHaveLength(0);
    expect(h.slot.busy).toBe(false);
    expect(h.started).toEqual([1]);
  });

  it('a failed run still starts the waiting frame, whose caller gets its own outcome', async () => {
    const h = harness();
    const a = h.slot.submit(1);
    const b = h.slot.submit(2);
    h.runs.get(1)!.reject(new Error('inference failed'));
    await expect(a).rejects.toThrow('inference failed');
    await settle();
    h.runTasks();
    h.runs.get(2)!.reject(new Error('device lost'));
    await expect(b).rejects.toThrow('device lost');
    await settle();
    expect(h.slot.busy).toBe(false);
  });

  it('a run that throws synchronously rejects its caller and leaves the slot usable', async () => {
    let calls = 0;
    const slot = new WorkerFrameSlot<number, string>({
      run: (f) => {
        calls++;
        if (f === 1) throw new Error('sync');
        return Promise.resolve(`mask ${f}`);
      },
      skip: (f) => `skipped ${f}`,
      nextTask: (fn) => setTimeout(fn, 0),
    });
    await expect(slot.submit(1)).rejects.toThrow('sync');
    await settle();
    await expect(slot.submit(2)).resolves.toBe('mask 2');
    expect(calls).toBe(2);
  });
});
