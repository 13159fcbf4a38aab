// Page-thread time per segmented frame for the bench: cumulative task time (Chromium's
// Performance.getMetrics TaskDuration) and the app's mask count, sampled about once a second; each
// interval gives (task ms) / (masks), and the bench reports their p50. Pure: tested in tests/unit/bench/.

export class MainThreadSampler {
  private readonly samples: number[] = [];

  /** `taskSeconds` and the app's mask count at the start of the window. */
  constructor(
    private taskSeconds: number,
    private frames: number,
  ) {}

  /** A later reading; an interval without a new mask, or with an unreadable time, gives no sample. */
  sample(taskSeconds: number, frames: number): void {
    const dFrames = frames - this.frames;
    const dTask = taskSeconds - this.taskSeconds;
    if (Number.isFinite(dTask) && dTask >= 0 && dFrames > 0) this.samples.push((dTask * 1000) / dFrames);
    if (Number.isFinite(taskSeconds)) this.taskSeconds = taskSeconds;
    this.frames = frames;
  }

  /** One figure per interval: page-thread ms per mask shown. */
  perFrameMs(): number[] {
    return [...this.samples];
  }
}
