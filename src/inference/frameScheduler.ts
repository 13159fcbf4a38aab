// Latest-frame-wins backpressure: at most one frame in flight, never a queue. A frame offered while
// one is being segmented waits in a single "next" slot; a newer frame replaces it (the replaced one
// is dropped and counted). When the frame in flight finishes, the waiting one starts at once, so the
// worker does not sit idle until the video presents its next frame (up to one frame interval).

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

export interface FrameSchedulerHandlers<R, M extends FrameMeta> {
  /** Segments one frame; only called for frames that start, so the caller copies the frame lazily here. */
  readonly run: (meta: M) => Promise<R>;
  readonly onResult: (r: ScheduledResult<R, M>) => void;
  readonly onError: (err: unknown, meta: M) => void;
  /** A frame that will never run (replaced in the waiting slot, or cleared). */
  readonly onDrop?: (meta: M) => void;
  readonly now?: () => number;
}

export class FrameScheduler<R, M extends FrameMeta = FrameMeta> {
  private inFlight = false;
  private waiting: M | null = null;
  dropped = 0;
  submitted = 0;
  completed = 0;
  failed = 0;

  private readonly now: () => number;

  constructor(private readonly handlers: FrameSchedulerHandlers<R, M>) {
    this.now = handlers.now ?? (() => performance.now());
  }

  /** A frame is being segmented. */
  get busy(): boolean {
    return this.inFlight;
  }

  /** The frame that starts when the one in flight finishes, if any. */
  get next(): M | null {
    return this.waiting;
  }

  /**
   * Offers a frame: it starts now when nothing is in flight, else it takes the waiting slot (a frame
   * already waiting there is dropped and counted).
   */
  offer(meta: M): void {
    if (!this.inFlight) {
      this.start(meta);
      return;
    }
    if (this.waiting) this.drop(this.waiting);
    this.waiting = meta;
  }

  /** Drops the waiting frame (source switched, model replaced, tab hidden). */
  clearWaiting(): void {
    if (this.waiting) this.drop(this.waiting);
    this.waiting = null;
  }

  resetCounters(): void {
    this.dropped = 0;
    this.submitted = 0;
    this.completed = 0;
    this.failed = 0;
  }

  private drop(meta: M): void {
    this.dropped++;
    this.handlers.onDrop?.(meta);
  }

  private start(meta: M): void {
    this.inFlight = true;
    this.submitted++;
    this.handlers.run(meta).then(
      (result) => {
        this.inFlight = false;
        this.completed++;
        this.handlers.onResult({ result, meta, arrivedAt: this.now() });
        this.startWaiting();
      },
      (err: unknown) => {
        this.inFlight = false;
        this.failed++;
        this.handlers.onError(err, meta);
        this.startWaiting();
      },
    );
  }

  private startWaiting(): void {
    const next = this.waiting;
    this.waiting = null;
    if (next && !this.inFlight) this.start(next);
  }
}
