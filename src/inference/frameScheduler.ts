// Latest-frame-wins backpressure: at most one frame in flight, never a queue. A frame offered while
// one is being segmented is dropped (and counted), so latency stays one inference long.

export interface FrameMeta {
  /** performance.now() when the frame was captured. */
  readonly capturedAt: number;
  readonly frameIndex: number;
  readonly mediaTime: number | null;
}

export interface ScheduledResult<R, M extends FrameMeta> {
  readonly result: R;
  readonly meta: M;
  /** performance.now() when the result arrived on this thread. */
  readonly arrivedAt: number;
}

export class FrameScheduler<R, M extends FrameMeta = FrameMeta> {
  private inFlight = false;
  dropped = 0;
  submitted = 0;
  completed = 0;
  failed = 0;

  constructor(
    private readonly run: (meta: M) => Promise<R>,
    private readonly onResult: (r: ScheduledResult<R, M>) => void,
    private readonly onError: (err: unknown, meta: M) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get busy(): boolean {
    return this.inFlight;
  }

  /**
   * Offers a frame. Returns false (and counts a drop) when a frame is in flight; `run` is only called
   * for accepted frames, so the caller creates the frame copy lazily inside it.
   */
  offer(meta: M): boolean {
    if (this.inFlight) {
      this.dropped++;
      return false;
    }
    this.inFlight = true;
    this.submitted++;
    this.run(meta).then(
      (result) => {
        this.inFlight = false;
        this.completed++;
        this.onResult({ result, meta, arrivedAt: this.now() });
      },
      (err: unknown) => {
        this.inFlight = false;
        this.failed++;
        this.onError(err, meta);
      },
    );
    return true;
  }

  resetCounters(): void {
    this.dropped = 0;
    this.submitted = 0;
    this.completed = 0;
    this.failed = 0;
  }
}
