// The display loop, once per animation frame: the presenter draws the picture and the mask, the
// render stages are timed, a mask shown for the first time gets its latency and its log row, and a
// few times a second the HUD and the recording line are rewritten. Nothing is drawn without WebGL
// (no presenter), and then the HUD stays as it is.

import { formatHud } from '../ui/hudText.ts';
import { hudModelOf, type AppSnapshot } from './statusReport.ts';
import type { DisplaySource } from '../render/overlayRenderer.ts';
import type { LiveStats } from '../ui/liveStats.ts';
import type { DisplayFrame } from './maskPresenter.ts';
import type { FrameLog, ShownExtra } from './frameLog.ts';

/** The HUD is rewritten at most this often (ms): often enough to read live, rarely enough to cost nothing. */
const HUD_INTERVAL_MS = 250;

export interface RenderLoopParts {
  /** Draws one display frame (MaskPresenter; null without WebGL). */
  presenter(): { frame(source: DisplaySource | null): DisplayFrame<ShownExtra> } | null;
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
  readonly requestFrame?: (callback: (now: number) => void) => void;
}

export class RenderLoop {
  private lastHudUpdate = 0;
  private readonly requestFrame: (callback: (now: number) => void) => void;

  constructor(private readonly parts: RenderLoopParts) {
    this.requestFrame = parts.requestFrame ?? ((callback) => requestAnimationFrame(callback));
  }

  start(): void {
    this.requestFrame((t) => this.onAnimationFrame(t));
  }

  private onAnimationFrame(now: number): void {
    this.requestFrame((t) => this.onAnimationFrame(t));
    const { parts } = this;
    const presenter = parts.presenter();
    if (!presenter) return;
    const { drawn, shown } = presenter.frame(parts.picture());
    const stats = parts.stats();
    if (stats && drawn) {
      stats.renderFps.tick(now);
      stats.recordStage('renderMs', drawn.renderMs);
      if (drawn.videoUploadMs !== null) stats.recordStage('videoUploadMs', drawn.videoUploadMs);
      if (shown) {
        stats.recordStage('latencyMs', shown.latencyMs);
        parts.log.add(shown, drawn.renderMs, drawn.videoUploadMs, parts.backend());
      }
    }
    if (now - this.lastHudUpdate > HUD_INTERVAL_MS) {
      this.lastHudUpdate = now;
      parts.hud.textContent = formatHud(hudModelOf(parts.snapshot(), now));
      parts.recordInfo.textContent = parts.log.status();
    }
  }
}
