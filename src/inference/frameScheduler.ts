// Latest-frame-wins backpressure, never a queue. One frame runs in the worker and at most one more
// waits there: the worker starts the waiting frame the moment the running one finishes, without a
// round trip through the page's thread (whose event loop answers late while it renders and uploads
// video: measured here, a result took 11.8 ms on average to reach the page). Any further frame
// waits in a single slot on this side, uncopied; a newer frame replaces it (the replaced one is
// dropped and counted), and it is copied and sent when the worker has room again.

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
  /**
   * Copies one frame and sends it to the worker; only called for frames that are sent, so the caller
   * copies the frame lazily here. Resolves null when the frame waited in the worker and was cleared there.
   */
  readonly run: (meta: M) => Promise<R | null>;
  readonly onResult: (r: ScheduledResult<R, M>) => void;
  readonly onError: (err: unknown, meta: M) => void;
  /** A frame that will never run (replaced in the waiting slot, or cleared). */
  readonly onDrop?: (meta: M) => void;
  /** Clears the frame waiting in the worker, if any (its run then resolves null). */
  readonly clearWorkerSlot?: () => void;
  readonly now?: () => number;
}

/** Frames sent to the worker at once: the one running and the one waiting there. */
export const FRAMES_IN_WORKER = 2;

export class FrameScheduler<R, M extends FrameMeta = FrameMeta> {
  private sent = 0;
  private waiting: M | null = null;
  dropped = 0;
  submitted = 0;
  completed = 0;
  failed = 0;

  private readonly now: () => number;

  constructor(private readonly handlers: FrameSchedulerHandlers<R, M>) {
    this.now = handlers.now ?? (() => performance.now());
  }

  /** A frame is in the worker (running or waiting there). */
  get busy(): boolean {
    return this.sent > 0;
  }

  /** Frames sent to the worker and not yet answered. */
  get inWorker(): number {
    return this.sent;
  }

  /** The frame waiting on this side for room in the worker, if any. */
  get next(): M | null {
    return this.waiting;
  }

  /**
   * Offers a frame: it is sent now when the worker has room, else it takes the waiting slot here
   * (a frame already waiting there is dropped and counted).
   */
  offer(meta: M): void {
    if (this.sent < FRAMES_IN_WORKER) {
      this.start(meta);
      return;
    }
    if (this.waiting) this.drop(this.waiting);
    this.waiting = meta;
  }

  /** Drops the waiting frames, here and in the worker (source switched, model replaced, tab hidden). */
  clearWaiting(): void {
    if (this.waiting) this.drop(this.waiting);
    this.waiting = null;
    if (this.sent > 1) this.handlers.clearWorkerSlot?.();
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
    this.sent++;
    this.submitted++;
    let running: Promise<R | null>;
    try {
      running = this.handlers.run(meta);
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (result) => {
        this.sent--;
        if (result === null) {
          this.drop(meta);
        } else {
          this.completed++;
          this.handlers.onResult({ result, meta, arrivedAt: this.now() });
        }
        this.startWaiting();
      },
      (err: unknown) => {
        this.sent--;
        this.failed++;
        this.handlers.onError(err, meta);
        this.startWaiting();
      },
    );
  }

  private startWaiting(): void {
    const next = this.waiting;
    if (!next || this.sent >= FRAMES_IN_WORKER) return;
    this.waiting = null;
    this.start(next);
  }
}
