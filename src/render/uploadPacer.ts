// Paces a costly upload that may be skipped (a new video frame into the video texture) so that it
// takes at most a share of the render thread. Without a GPU, WebGL's texture upload from a video is
// CPU work on the page's main thread: measured here (2 cores, loaded), ~16 ms for a 960x540 frame but
// 250-400 ms for 3840x2160, so a 25 fps 4K clip uploaded frame by frame left the page 5-8 animation
// frames in 2 s. Paced, a large video shows fewer of its frames and the page keeps responding.
// The app paces its frame copies for the worker the same way (a copy waits instead of being skipped).

export class UploadPacer {
  private nextAt = -Infinity;

  /** `share` (0..1]: the most of the thread's time that uploads may take. */
  constructor(readonly share: number) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`share must be in (0, 1], got ${share}`);
  }

  /** Whether an upload may start at `now` (ms, e.g. performance.now()). */
  ready(now: number): boolean {
    return now >= this.nextAt;
  }

  /** How long a task that must not be skipped (a frame copy) waits before it may start at `now`. */
  waitMs(now: number): number {
    return Math.max(0, this.nextAt - now);
  }

  /** Records an upload that started at `startedAt` and took `ms`: the next waits ms * (1/share - 1) after it ends. */
  record(startedAt: number, ms: number): void {
    this.nextAt = startedAt + Math.max(0, ms) / this.share;
  }

  /** Forgets the last upload (a new source: its first frame goes up at once). */
  reset(): void {
    this.nextAt = -Infinity;
  }
}
