// A failure that may come at any time (the worker crashes, the GPU device is lost), raced against one
// piece of work at a time. Racing every frame against one long-lived promise that never settles leaks:
// each Promise.race leaves a reaction on that promise until it settles (measured with heap snapshots
// in the app: ~700 promises, contexts and closures more per 150 s of video, one set per frame). Here
// each race waits on a promise of its own, which is dropped as soon as the work settles.

export class FailureSignal {
  private error: Error | null = null;
  private readonly waiting = new Set<(error: Error) => void>();

  /** The failure, once there was one. */
  get failure(): Error | null {
    return this.error;
  }

  /** Races that are waiting now (0 whenever no work is in flight). */
  get pending(): number {
    return this.waiting.size;
  }

  /** Records the failure (the first one counts) and rejects every race in flight with it. */
  fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    for (const reject of this.waiting) reject(error);
    this.waiting.clear();
  }

  /** Settles as `work` does, unless the failure comes first (or came before): then rejects with it. */
  async race<T>(work: Promise<T>): Promise<T> {
    if (this.error) {
      work.catch(() => undefined);
      throw this.error;
    }
    let reject!: (error: Error) => void;
    const failed = new Promise<never>((_, r) => {
      reject = r;
    });
    this.waiting.add(reject);
    try {
      return await Promise.race([work, failed]);
    } finally {
      this.waiting.delete(reject);
    }
  }
}
