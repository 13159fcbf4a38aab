// The FPS / mIoU log the user records: per-frame rows plus a summary, downloadable as CSV and JSON.
// Rows are also persisted (LogStore) so a reload or a crash does not lose a recording. The rows here
// are the whole log whatever happens to the storage: exports use them, and the store writes them
// back after the browser closed and it reopened.

import { FRAME_LOG_COLUMNS, summarizeLog, toCsv, type FrameLogRow, type LogSummaryContext } from '../processing/logFormat.ts';
import type { LogStorageNotice, LogStore } from './logStore.ts';

export class LogRecorder {
  private rows: FrameLogRow[] = [];
  recording = false;
  startedAt: string | null = null;
  private store: LogStore | null = null;

  /**
   * Attaches persistent storage and restores what it holds (a recording from before a reload).
   * `onNotice` tells the user when the browser closes the storage and when it is back.
   */
  async attachStore(store: LogStore | null, onNotice?: LogStorageNotice): Promise<{ restoredRows: number; wasRecording: boolean }> {
    this.store = store;
    if (!store) return { restoredRows: 0, wasRecording: false };
    store.keepInSync({
      snapshot: () => ({ startedAt: this.startedAt, recording: this.recording, rows: this.rows }),
      onNotice: onNotice ?? ((code, message) => console.warn(`[dashseg] ${code}: ${message}`)),
    });
    const saved = await store.load();
    if (this.rows.length === 0 && saved.rows.length > 0) {
      this.rows = saved.rows;
      this.startedAt = saved.startedAt;
    }
    return { restoredRows: saved.rows.length, wasRecording: saved.recording };
  }

  start(): void {
    this.rows = [];
    this.recording = true;
    this.startedAt = new Date().toISOString();
    void this.store?.reset(this.startedAt, true);
  }

  /** Continues a recording restored from storage (rows kept). */
  resume(): void {
    this.recording = true;
    void this.store?.setRecording(this.startedAt, true);
  }

  stop(): void {
    this.recording = false;
    void this.store?.setRecording(this.startedAt, false);
  }

  add(row: FrameLogRow): void {
    if (!this.recording) return;
    this.rows.push(row);
    this.store?.append(row);
  }

  get length(): number {
    return this.rows.length;
  }

  all(): readonly FrameLogRow[] {
    return this.rows;
  }

  /** Resolves once every row so far is stored. */
  flush(): Promise<void> {
    return this.store?.flush() ?? Promise.resolve();
  }

  csv(): string {
    return toCsv(this.rows, [...FRAME_LOG_COLUMNS]);
  }

  json(context: LogSummaryContext): string {
    return JSON.stringify({ startedAt: this.startedAt, summary: summarizeLog(this.rows, context), rows: this.rows }, null, 2);
  }
}

export function downloadText(text: string | Uint8Array, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
