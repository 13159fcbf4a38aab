// Mask on screen: takes each segmented frame's mask to the display, shows the picture under it (the
// live video, or in synced mode the snapshot of the mask's own frame), and reports each mask once it
// is drawn, with its latency (frame captured → mask on the canvas). One draw is in flight at a time: a
// mask that arrives meanwhile waits, and a newer one replaces it (it never reaches the screen), so a
// slow display never queues up old masks. No DOM of its own: the display is injected
// (OverlayRenderer in the app; a fake in the unit tests).

import type { DisplaySource } from '../render/overlayRenderer.ts';
import type { SegmentedFrame } from './segmentationPipeline.ts';

/** What the presenter needs of the display (OverlayRenderer). */
export interface MaskDisplay {
  /** Copies a mask to draw next; returns this thread's ms. */
  stageMask(mask: Uint8Array, width: number, height: number): number;
  /** Draws the staged mask; resolves once it is on the canvas, with the draw's ms. */
  drawStaged(): Promise<{ readonly renderMs: number }> | null;
  setDisplaySource(source: DisplaySource | null, snapshot: ImageBitmap | null): void;
  resize(): void;
  /** Draws a still set since the last call; its ms, null when none was. */
  drawPendingStill(): number | null;
}

/** A mask drawn for the first time. */
export interface MaskShown<T> {
  readonly work: SegmentedFrame;
  /** What the caller attached when the mask arrived (e.g. its score). */
  readonly extra: T;
  /** ms this thread spent handing the mask to the display. */
  readonly uploadMs: number;
  /** ms of the mask's draw (in the thread that drew it). */
  readonly renderMs: number;
  /** ms of drawing the still under it (a sequence frame, a synced snapshot) since the last mask; null when none. */
  readonly videoUploadMs: number | null;
  /** performance.now() − the frame's capture time, once drawn. */
  readonly latencyMs: number;
}

export interface MaskPresenterEvents<T> {
  /** Each mask once it is on the canvas. */
  onShown(shown: MaskShown<T>): void;
  /** The display failed to draw (e.g. its worker died). */
  onFailed(err: Error): void;
}

interface Waiting<T> {
  readonly work: SegmentedFrame;
  readonly extra: T;
  readonly uploadMs: number;
}

export class MaskPresenter<T> {
  private waiting: Waiting<T> | null = null;
  private drawing = false;
  /** Bumped by reset(): a draw started before it is not reported. */
  private generation = 0;
  private snapshot: ImageBitmap | null = null;
  private isSynced = false;
  private source: DisplaySource | null = null;
  private stillMs: number | null = null;
  private displayedCapturedAt: number | null = null;
  /** The display failed: nothing more is drawn (the failure was reported once). */
  private failed = false;

  constructor(
    private readonly display: MaskDisplay,
    private readonly events: MaskPresenterEvents<T>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Hands a new mask to the display (returns this thread's ms); it is drawn as soon as the display is free. */
  present(work: SegmentedFrame, extra: T): number {
    if (this.failed) {
      work.snapshot?.close();
      return 0;
    }
    const uploadMs = this.display.stageMask(work.result.mask, work.result.width, work.result.height);
    const replaced = this.waiting;
    if (replaced?.work.snapshot && replaced.work.snapshot !== work.snapshot) replaced.work.snapshot.close();
    this.waiting = { work, extra, uploadMs };
    if (!this.drawing) this.drawNext();
    return uploadMs;
  }

  /** Whether each mask is shown over the exact frame it came from. */
  get synced(): boolean {
    return this.isSynced;
  }

  /** Synced: each mask over the exact frame it came from (its snapshot); else over the live picture. */
  setSynced(synced: boolean): void {
    this.isSynced = synced;
    if (!synced) this.replaceSnapshot(null);
    this.showPicture(this.source);
  }

  /**
   * Shows `source` (or the synced snapshot) under the mask and places the layers; draws a still that
   * changed. Called when the source or its frame changes, and a few times a second for the layout.
   */
  showPicture(source: DisplaySource | null): void {
    this.source = source;
    this.display.setDisplaySource(source, this.isSynced ? this.snapshot : null);
    this.display.resize();
    const ms = this.display.drawPendingStill();
    if (ms !== null) this.stillMs = (this.stillMs ?? 0) + ms;
  }

  /** How old the mask on screen is (ms since its frame was captured); null before the first. */
  maskAgeMs(): number | null {
    return this.displayedCapturedAt === null ? null : this.now() - this.displayedCapturedAt;
  }

  /** The display works again (its layer was restarted after a failure): masks are drawn again. */
  resume(): void {
    this.failed = false;
  }

  /** A new model: nothing of the old one is waiting to be shown or reported. */
  reset(): void {
    this.waiting?.work.snapshot?.close();
    this.waiting = null;
    this.generation++;
    this.displayedCapturedAt = null;
  }

  private drawNext(): void {
    const item = this.waiting;
    const drawing = item ? this.display.drawStaged() : null;
    this.waiting = null;
    if (!item || !drawing) return;
    this.drawing = true;
    const generation = this.generation;
    drawing.then(
      ({ renderMs }) => {
        this.drawing = false;
        if (generation === this.generation) this.shown(item, renderMs);
        else item.work.snapshot?.close();
        this.drawNext();
      },
      (err: unknown) => {
        this.drawing = false;
        this.failed = true;
        item.work.snapshot?.close();
        this.events.onFailed(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private shown(item: Waiting<T>, renderMs: number): void {
    if (item.work.snapshot) {
      // Synced mode: this exact frame goes under its mask now.
      this.replaceSnapshot(this.isSynced ? item.work.snapshot : null);
      if (!this.isSynced) item.work.snapshot.close();
      this.showPicture(this.source);
    }
    const videoUploadMs = this.stillMs;
    this.stillMs = null;
    this.displayedCapturedAt = item.work.capturedAt;
    this.events.onShown({
      work: item.work, extra: item.extra, uploadMs: item.uploadMs, renderMs, videoUploadMs,
      latencyMs: this.now() - item.work.capturedAt,
    });
  }

  private replaceSnapshot(next: ImageBitmap | null): void {
    const old = this.snapshot;
    this.snapshot = next;
    // The display may still be drawing the old one: closed a little later.
    if (old && old !== next) setTimeout(() => old.close(), 100);
  }
}
