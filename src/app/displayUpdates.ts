// What the page does for the display, without a per-animation-frame loop: each mask once it is on the
// canvas is counted (draw rate, render and latency stages) and logged; the picture under the mask is
// updated when the source offers a frame; and a few times a second (a timer, not requestAnimationFrame:
// an idle page then does no work per display frame) the layout is checked and the HUD and the
// recording line are rewritten. Nothing is drawn without WebGL (no presenter), and then the HUD stays
// as it is.

import { formatHud } from '../ui/hudText.ts';
import { hudModelOf, type AppSnapshot } from './statusReport.ts';
import type { DisplaySource } from '../render/overlayRenderer.ts';
import type { LiveStats } from '../ui/liveStats.ts';
import type { MaskShown } from './maskPresenter.ts';
import type { FrameLog, ShownExtra } from './frameLog.ts';

/** The HUD is rewritten (and the layout checked) this often (ms): often enough to read live; each rewrite costs the page a style, layout and paint pass. */
export const HUD_INTERVAL_MS = 500;

export interface DisplayUpdateParts {
  /** Shows the picture under the mask (MaskPresenter; null without WebGL). */
  presenter(): { showPicture(source: DisplaySource | null): void } | null;
  /** What the source shows now (the video element, or the current still). */
  picture(): DisplaySource | null;
  /** The loaded model's live stats (null while none is loaded). */
  stats(): LiveStats | null;
  /** The backend a log row names ('none' without a model). */
  backend(): string;
  /** The state the HUD reports. */
  snapshot(): AppSnapshot;
  readonly log: FrameLog;
  readonly hud: { textContent: string | null };
  readonly recordInfo: { textContent: string | null };
  readonly now?: () => number;
  readonly every?: (callback: () => void, ms: number) => void;
}

export class DisplayUpdates {
  private readonly now: () => number;
  /** The live video shown at the last pictureChanged (null: a still, or none). */
  private shownVideo: HTMLVideoElement | null = null;

  constructor(private readonly parts: DisplayUpdateParts) {
    this.now = parts.now ?? (() => performance.now());
  }

  /** Starts the HUD and layout timer. */
  start(): void {
    const every = this.parts.every ?? ((callback, ms) => void setInterval(callback, ms));
    every(() => this.tick(), HUD_INTERVAL_MS);
  }

  /**
   * The source offered a new frame (or changed): a still under the mask is redrawn. A live video that
   * is already shown needs nothing per frame (the browser presents it; the timer keeps its layout).
   */
  pictureChanged(): void {
    const picture = this.parts.picture();
    const element = picture?.kind === 'video' ? picture.element : null;
    if (element !== null && element === this.shownVideo) return;
    this.shownVideo = element;
    this.parts.presenter()?.showPicture(picture);
  }

  /** The stage's size changed: the picture and the mask are placed again. */
  layoutChanged(): void {
    this.parts.presenter()?.showPicture(this.parts.picture());
  }

  /** A mask reached the canvas: counted in the live stats and logged. */
  maskShown(shown: MaskShown<ShownExtra>): void {
    const { parts } = this;
    const stats = parts.stats();
    if (!stats) return;
    stats.renderFps.tick(this.now());
    stats.masksDrawn++;
    stats.recordStage('renderMs', shown.renderMs);
    if (shown.videoUploadMs !== null) stats.recordStage('videoUploadMs', shown.videoUploadMs);
    stats.recordStage('latencyMs', shown.latencyMs);
    parts.log.add(shown, parts.backend());
  }

  /** The HUD and recording line, and the layout (the stage may have been resized). */
  tick(): void {
    const { parts } = this;
    this.layoutChanged();
    parts.hud.textContent = formatHud(hudModelOf(parts.snapshot(), this.now()));
    parts.recordInfo.textContent = parts.log.status();
  }
}
