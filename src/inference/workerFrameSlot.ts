// The worker's side of latest-frame-wins: one frame runs; a frame that arrives meanwhile waits in
// one slot (a newer one replaces it: the replaced one is skipped), and starts as soon as the running
// frame finishes, without waiting for the page to answer. Pure (no DOM, no ORT): unit-tested with a
// fake run and a fake task queue.

export interface WorkerFrameSlotHandlers<F, O> {
  /** Segments one frame. */
  readonly run: (frame: F) => Promise<O>;
  /** The outcome of a frame that waited and was replaced or cleared; releases what it holds. */
  readonly skip: (frame: F) => O;
  /**
   * Runs `fn` in a task of its own (a MessageChannel message in the worker). The waiting frame starts
   * there: after the finished frame's result has been posted (a WASM run computes synchronously and
   * would hold it back) and after frames already queued to the worker have had their turn to replace it.
   */
  readonly nextTask: (fn: () => void) => void;
}

interface Waiting<F, O> {
  readonly frame: F;
  readonly resolve: (outcome: O | Promise<O>) => void;
}

export class WorkerFrameSlot<F, O> {
  private running = false;
  private waiting: Waiting<F, O> | null = null;

  constructor(private readonly handlers: WorkerFrameSlotHandlers<F, O>) {}

  /** A frame is running, or the next one is about to start. */
  get busy(): boolean {
    return this.running;
  }

  get hasWaiting(): boolean {
    return this.waiting !== null;
  }

  /** Runs the frame now when idle; else it waits in the slot, replacing (skipping) any frame there. */
  submit(frame: F): Promise<O> {
    if (!this.running) return this.start(frame);
    return new Promise<O>((resolve) => {
      if (this.waiting) this.skipWaiting();
      this.waiting = { frame, resolve };
    });
  }

  /** Skips the waiting frame, if any. */
  clear(): void {
    if (this.waiting) this.skipWaiting();
  }

  private skipWaiting(): void {
    const w = this.waiting as Waiting<F, O>;
    this.waiting = null;
    w.resolve(this.handlers.skip(w.frame));
  }

  private start(frame: F): Promise<O> {
    this.running = true;
    let run: Promise<O>;
    try {
      run = this.handlers.run(frame);
    } catch (err) {
      run = Promise.reject(err);
    }
    // Registered before the caller's own reaction, so `running` is settled before the result is posted.
    run.then(
      () => this.finished(),
      () => this.finished(),
    );
    return run;
  }

  private finished(): void {
    if (!this.waiting) {
      this.running = false;
      return;
    }
    this.handlers.nextTask(() => {
      const w = this.waiting;
      this.waiting = null;
      if (!w) {
        this.running = false;
        return;
      }
      w.resolve(this.start(w.frame));
    });
  }
}
