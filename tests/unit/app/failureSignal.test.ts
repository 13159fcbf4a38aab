import { describe, expect, it } from 'vitest';
import { FailureSignal } from '../../../src/inference/failureSignal.ts';

describe('FailureSignal', () => {
  it('settles as the work does and keeps nothing once it has', async () => {
    const s = new FailureSignal();
    for (let i = 0; i < 100; i++) await expect(s.race(Promise.resolve(i))).resolves.toBe(i);
    await expect(s.race(Promise.reject(new Error('work failed')))).rejects.toThrow('work failed');
    // The leak this class exists to avoid: a reaction left behind per race.
    expect(s.pending).toBe(0);
  });

  it('rejects the races in flight with the failure, and every later race at once', async () => {
    const s = new FailureSignal();
    const never = new Promise<number>(() => undefined);
    const inFlight = s.race(never);
    expect(s.pending).toBe(1);
    s.fail(new Error('worker crashed'));
    s.fail(new Error('a second failure is ignored'));
    await expect(inFlight).rejects.toThrow('worker crashed');
    expect(s.pending).toBe(0);
    expect(s.failure?.message).toBe('worker crashed');
    await expect(s.race(Promise.resolve(1))).rejects.toThrow('worker crashed');
  });
});
