// A progress indicator on stderr: one line rewritten in place with \r on a terminal, periodic plain
// lines otherwise (CI logs, pipes), so logs stay readable and terminals stay quiet.

export interface ProgressStream {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Minimum time between redraws on a terminal (default 100 ms). */
  readonly redrawMs?: number;
  /** Minimum time between plain lines when not on a terminal (default 5 s). */
  readonly lineEveryMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export class ProgressLine {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly redrawMs: number;
  private readonly lineEveryMs: number;
  private readonly now: () => number;
  private shown = '';
  private lastDraw = -Infinity;
  private lastLine = -Infinity;

  constructor(stream: ProgressStream = process.stderr, options: ProgressOptions = {}) {
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.redrawMs = options.redrawMs ?? 100;
    this.lineEveryMs = options.lineEveryMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Shows `text` as the current status. `milestone` forces output (first/last frame, every 10 %):
   * without a terminal, only milestones and one line per lineEveryMs are printed.
   */
  update(text: string, milestone = false): void {
    const t = this.now();
    if (this.tty) {
      if (!milestone && t - this.lastDraw < this.redrawMs) return;
      this.lastDraw = t;
      const width = Math.max(20, (this.stream.columns || 100) - 1); // 0: size unknown
      const line = text.length > width ? `${text.slice(0, width - 1)}…` : text;
      this.stream.write(`\r${line}\x1b[K`);
      this.shown = line;
      return;
    }
    if (!milestone && t - this.lastLine < this.lineEveryMs) return;
    this.lastLine = t;
    this.stream.write(`${text}\n`);
  }

  /** Prints a whole line (a note, a warning) without garbling the progress line. */
  log(line: string): void {
    if (this.tty && this.shown) {
      this.stream.write(`\r\x1b[K${line}\n${this.shown}`);
      return;
    }
    this.stream.write(`${line}\n`);
  }

  /** Removes the progress line (terminal) so the final output starts on a clean line. */
  clear(): void {
    if (this.tty && this.shown) this.stream.write('\r\x1b[K');
    this.shown = '';
  }
}

/** "1m 05s", "12.3 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}
