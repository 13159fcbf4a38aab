// The frame log: one row per mask shown (what was segmented, per-stage times, latency, score), the
// recording switch, events noted on the next row, and the CSV/JSON documents. Rows persist through
// LogRecorder's store (IndexedDB) as they come.

import { LogRecorder } from '../ui/logRecorder.ts';
import type { FrameLogRow, LogSummaryContext } from '../processing/logFormat.ts';
import type { MaskShown } from './maskPresenter.ts';

/** What the app attaches to a mask when it arrives, for its log row. */
export interface ShownExtra {
  readonly score: { readonly miou: number | null; readonly pixelAccuracy: number | null } | null;
}

export class FrameLog {
  readonly recorder = new LogRecorder();
  /** Noted on the next row: a gap (hidden tab), a recovery, any message shown while recording. */
  private pendingEvent: string | null = null;

  get recording(): boolean {
    return this.recorder.recording;
  }

  get length(): number {
    return this.recorder.length;
  }

  /** Notes an event on the next row (while recording; events of one display frame are joined). */
  note(event: string): void {
    if (!this.recorder.recording) return;
    this.pendingEvent = this.pendingEvent && this.pendingEvent !== event ? `${this.pendingEvent}; ${event}` : event;
  }

  /** The row of a mask once it is on screen (with its draw's ms, and the still's under it, if any). */
  add(shown: MaskShown<ShownExtra>, backend: string): FrameLogRow {
    const { work, extra } = shown;
    const t = work.result.timings;
    const row: FrameLogRow = {
      time: new Date().toISOString(),
      frameIndex: work.frameIndex,
      mediaTimeS: work.mediaTime,
      captureMs: work.captureMs,
      preprocessMs: t.preprocessMs,
      inferenceMs: t.inferenceMs,
      postprocessMs: t.postprocessMs,
      stabiliseMs: t.stabiliseMs,
      upsampleMs: t.upsampleMs,
      uploadMs: shown.uploadMs,
      renderMs: shown.renderMs,
      videoUploadMs: shown.videoUploadMs,
      latencyMs: shown.latencyMs,
      backend,
      ...(extra.score ? { miou: extra.score.miou, pixelAccuracy: extra.score.pixelAccuracy } : {}),
      ...(this.pendingEvent ? { event: this.pendingEvent } : {}),
    };
    this.pendingEvent = null;
    this.recorder.add(row);
    return row;
  }

  toggle(): void {
    if (this.recorder.recording) this.recorder.stop();
    else this.recorder.start();
  }

  csv(): string {
    return this.recorder.csv();
  }

  json(context: LogSummaryContext): string {
    return this.recorder.json(context);
  }

  /** The HUD's line: rows so far. */
  status(): string {
    const n = this.recorder.length;
    return this.recorder.recording ? `${n} rows` : n ? `${n} rows recorded` : '';
  }
}
