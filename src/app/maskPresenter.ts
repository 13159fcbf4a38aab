// Mask on screen: takes each segmented frame's mask to the display, shows the picture under it (the
// live video, or in synced mode the snapshot of the mask's own frame), and reports when a mask is
// first drawn, with its latency (frame captured → mask on screen). No DOM of its own: the display is
// injected (OverlayRenderer in the app; a fake in the unit tests).

import type { DisplaySource, RenderTiming } from '../render/overlayRenderer.ts';
import type { SegmentedFrame } from './segmentationPipeline.ts';

/** What the presenter needs of the display (OverlayRenderer). */
export interface MaskDisplay {
  updateMask(mask: Uint8Array, width: number, height: number): number;
  setDisplaySource(source: DisplaySource | null, snapshot: ImageBitmap | null): void;
  resize(): void;
  render(): RenderTiming | null;
}

/** A mask drawn for the first time. */
export interface MaskShown<T> {
  readonly work: SegmentedFrame;
  /** What the caller attached when the mask arrived (e.g. its score). */
  readonly extra: T;
  /** ms the mask's upload to the display took. */
  readonly uploadMs: number;
  /** performance.now() − the frame's capture time, when drawn. */
  readonly latencyMs: number;
}

/** One display frame: what was drawn (null: nothing changed) and the mask it showed first, if any. */
export interface DisplayFrame<T> {
  readonly drawn: RenderTiming | null;
  readonly shown: MaskShown<T> | null;
}

export class MaskPresenter<T> {
  private pending: { work: SegmentedFrame; extra: T; uploadMs: number } | null = null;
  private snapshot: ImageBitmap | null = null;
  private isSynced = false;
  private displayedCapturedAt: number | null = null;

  constructor(
    private readonly display: MaskDisplay,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Uploads a new mask (returns the upload's ms); it counts as shown at the next drawn display frame. */
  present(work: SegmentedFrame, extra: T): number {
    const uploadMs = this.display.updateMask(work.result.mask, work.result.width, work.result.height);
    if (work.snapshot) {
      // Synced mode: the next display frame shows this exact frame under its mask.
      this.replaceSnapshot(work.snapshot);
    }
    // A mask not drawn yet is replaced by the newer one (it never reached the screen).
    this.pending = { work, extra, uploadMs };
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
  }

  /** One display frame: shows `source` (or the synced snapshot), draws what changed. */
  frame(source: DisplaySource | null): DisplayFrame<T> {
    this.display.setDisplaySource(source, this.isSynced ? this.snapshot : null);
    this.display.resize();
    const drawn = this.display.render();
    const pending = this.pending;
    if (!drawn || !pending) return { drawn, shown: null };
    this.pending = null;
    this.displayedCapturedAt = pending.work.capturedAt;
    return { drawn, shown: { work: pending.work, extra: pending.extra, uploadMs: pending.uploadMs, latencyMs: this.now() - pending.work.capturedAt } };
  }

  /** How old the mask on screen is (ms since its frame was captured); null before the first. */
  maskAgeMs(): number | null {
    return this.displayedCapturedAt === null ? null : this.now() - this.displayedCapturedAt;
  }

  /** A new model: nothing of the old one is waiting to be shown. */
  reset(): void {
    this.pending = null;
    this.displayedCapturedAt = null;
  }

  private replaceSnapshot(next: ImageBitmap | null): void {
    const old = this.snapshot;
    this.snapshot = next;
    // The display may still draw the old one in this display frame: closed a little later.
    if (old && old !== next) setTimeout(() => old.close(), 100);
  }
}
