// The FPS / mIoU log the user records: per-frame rows plus a summary, downloadable as CSV and JSON.

import { FRAME_LOG_COLUMNS, summarizeLog, toCsv, type FrameLogRow, type LogSummaryContext } from '../processing/logFormat.ts';

export class LogRecorder {
  private rows: FrameLogRow[] = [];
  recording = false;
  startedAt: string | null = null;

  start(): void {
    this.rows = [];
    this.recording = true;
    this.startedAt = new Date().toISOString();
  }

  stop(): void {
    this.recording = false;
  }

  add(row: FrameLogRow): void {
    if (this.recording) this.rows.push(row);
  }

  get length(): number {
    return this.rows.length;
  }

  all(): readonly FrameLogRow[] {
    return this.rows;
  }

  csv(): string {
    return toCsv(this.rows, [...FRAME_LOG_COLUMNS]);
  }

  json(context: LogSummaryContext): string {
    return JSON.stringify({ startedAt: this.startedAt, summary: summarizeLog(this.rows, context), rows: this.rows }, null, 2);
  }
}

export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
