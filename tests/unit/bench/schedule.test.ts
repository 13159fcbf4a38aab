import { describe, expect, it } from 'vitest';
import { roundRobinSchedule } from '../../../cli/bench/schedule.ts';

describe('roundRobinSchedule', () => {
  it('alternates the order of two models: A B, B A, A B', () => {
    const order = roundRobinSchedule(2, 3).map((s) => `${s.round}${'AB'[s.model]}`);
    expect(order).toEqual(['0A', '0B', '1B', '1A', '2A', '2B']);
  });

  it('runs every model exactly once per round, and each first equally often over an even number of rounds', () => {
    const schedule = roundRobinSchedule(2, 4);
    for (let round = 0; round < 4; round++) {
      expect(schedule.filter((s) => s.round === round).map((s) => s.model).sort()).toEqual([0, 1]);
    }
    const firsts = [0, 1, 2, 3].map((round) => schedule.find((s) => s.round === round)?.model);
    expect(firsts.filter((m) => m === 0)).toHaveLength(2);
  });

  it('repeats a single model once per round', () => {
    expect(roundRobinSchedule(1, 3)).toEqual([
      { round: 0, model: 0 },
      { round: 1, model: 0 },
      { round: 2, model: 0 },
    ]);
  });

  it('rejects non-positive counts', () => {
    expect(() => roundRobinSchedule(0, 3)).toThrow(RangeError);
    expect(() => roundRobinSchedule(2, 0)).toThrow(RangeError);
    expect(() => roundRobinSchedule(2, 1.5)).toThrow(RangeError);
  });
});
