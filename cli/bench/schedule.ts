// The order in which the bench runs its models. Pure: tested in tests/unit/bench/.

export interface ScheduledRound {
  /** 0-based round number. */
  readonly round: number;
  /** Index into the model list. */
  readonly model: number;
}

/**
 * Every model once per round; the order alternates (A B, B A, A B, ...), so neither model always
 * runs first (just after the page started, or right after the other model) and slow drifts in the
 * machine's load (a training job, thermal state) hit both alike.
 */
export function roundRobinSchedule(modelCount: number, rounds: number): ScheduledRound[] {
  if (!Number.isInteger(modelCount) || modelCount < 1) throw new RangeError(`modelCount must be a positive integer, got ${modelCount}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  const schedule: ScheduledRound[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = Array.from({ length: modelCount }, (_, k) => k);
    if (round % 2 === 1) order.reverse();
    for (const model of order) schedule.push({ round, model });
  }
  return schedule;
}
