// Every message the app shows (banner, stats().lastError, stats().messages, a log row's event), as one
// code union with its kind: an error stops something the user asked for; a notice says what the app
// did about a problem and carries on. `standing`: the cause outlives a new source (it ends only when
// the page reloads), so a source that starts cleanly does not clear it. Used by the app, the bench
// (which names the codes it tolerates) and the e2e tests (allowErrorCodes).

import type { SourceErrorCode } from '../capture/frameSource.ts';
import type { SegmentationErrorCode } from '../../workers/segmentationProtocol.ts';

export type AppErrorCode =
  | SourceErrorCode
  | SegmentationErrorCode
  | 'bad-url-option'
  | 'startup'
  | 'webgl-unavailable'
  | 'mask-layer-restarted'
  | 'model-failed'
  | 'source-failed'
  | 'inference-failed'
  | 'worker-restarted'
  | 'worker-timeout'
  | 'worker-crashed'
  | 'webgpu-failed'
  | 'webgpu-fallback'
  | 'frame-format-fallback'
  | 'paused-hidden'
  | 'log-restored'
  | 'log-storage-lost'
  | 'log-storage-reconnected'
  | 'log-storage-gave-up'
  | 'export-started'
  | 'export-done'
  | 'export-no-video'
  | 'export-unsupported'
  | 'export-failed';

export interface MessageKind {
  readonly severity: 'error' | 'notice';
  /** A new source that starts cleanly does not end it: its cause is the URL, the browser or the model. */
  readonly standing: boolean;
}

const ERROR: MessageKind = { severity: 'error', standing: false };
const NOTICE: MessageKind = { severity: 'notice', standing: false };

/** The kind of each code the app itself raises; a code from elsewhere (a worker error) is an error. */
export const MESSAGE_KINDS: Readonly<Partial<Record<AppErrorCode, MessageKind>>> = {
  'bad-url-option': { severity: 'error', standing: true },
  startup: { severity: 'error', standing: true },
  'webgl-unavailable': { severity: 'error', standing: true },
  'webgpu-fallback': { severity: 'notice', standing: true },
  'mask-layer-restarted': NOTICE,
  'model-failed': ERROR,
  'source-failed': ERROR,
  'inference-failed': ERROR,
  'label-invalid': ERROR,
  'worker-restarted': NOTICE,
  'worker-timeout': NOTICE,
  'worker-crashed': NOTICE,
  'webgpu-failed': NOTICE,
  'frame-format-fallback': NOTICE,
  'paused-hidden': NOTICE,
  'log-restored': NOTICE,
  'log-storage-lost': NOTICE,
  'log-storage-reconnected': NOTICE,
  'log-storage-gave-up': NOTICE,
  'export-started': NOTICE,
  'export-done': NOTICE,
  'export-no-video': ERROR,
  'export-unsupported': ERROR,
  'export-failed': ERROR,
};

export function messageKind(code: AppErrorCode): MessageKind {
  return MESSAGE_KINDS[code] ?? ERROR;
}

export interface AppError {
  readonly code: AppErrorCode;
  readonly message: string;
  /** ISO time. */
  readonly at: string;
}

/** An error or notice shown to the user, as kept in the history (stats().messages). */
export interface AppMessage extends AppError {
  readonly severity: 'error' | 'notice';
}

/** Messages kept in the history (the oldest go first). */
const MESSAGE_HISTORY = 100;

/** The message that stands now (lastError) and every message of the page (bounded history). */
export class MessageBoard {
  private current: AppError | null = null;
  private readonly history: AppMessage[] = [];

  get lastError(): AppError | null {
    return this.current;
  }

  /** Records a message; returns it with its severity (the table's, unless `severity` overrides it). */
  report(code: AppErrorCode, message: string, severity: 'error' | 'notice' = messageKind(code).severity): AppMessage {
    const entry: AppMessage = { code, message, at: new Date().toISOString(), severity };
    this.current = { code, message, at: entry.at };
    this.history.push(entry);
    if (this.history.length > MESSAGE_HISTORY) this.history.splice(0, this.history.length - MESSAGE_HISTORY);
    return entry;
  }

  /**
   * A source started cleanly: the current message ends unless its cause remains (`standing`, or
   * `modelMissing` for a model that failed to load). Returns whether it ended.
   */
  sourceStarted(modelMissing: boolean): boolean {
    const c = this.current;
    if (!c || messageKind(c.code).standing || modelMissing) return false;
    this.current = null;
    return true;
  }

  messages(): AppMessage[] {
    return this.history.slice();
  }
}
