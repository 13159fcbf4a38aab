// How every part of the app says something: each error or notice is recorded on the MessageBoard
// (stats().lastError and stats().messages), noted on the next log row while recording, and shown in
// the banner; errors also go to the console. The banner and the log are injected (no DOM of its own).

import { MessageBoard, type AppErrorCode, type AppMessage } from './appMessages.ts';

/** What a part needs to report a problem: an error stops what the user asked for; a notice carries on. */
export interface MessageSink {
  fail(code: AppErrorCode, message: string): void;
  notice(code: AppErrorCode, message: string): void;
}

/** Where messages are shown (AppShell's banner). */
export interface MessageBanner {
  showMessage(kind: 'error' | 'notice', text: string): void;
  clearMessage(): void;
}

export class MessageReporter implements MessageSink {
  /** The message that stands now, and every message of the page. */
  readonly board = new MessageBoard();

  constructor(
    private readonly banner: MessageBanner,
    /** Notes an event on the next log row (FrameLog.note: only while recording). */
    private readonly noteOnLog: (event: string) => void,
  ) {}

  fail(code: AppErrorCode, message: string): void {
    this.record(this.board.report(code, message, 'error'));
    this.banner.showMessage('error', message);
    console.warn(`[dashseg] ${code}: ${message}`);
  }

  notice(code: AppErrorCode, message: string): void {
    this.record(this.board.report(code, message, 'notice'));
    this.banner.showMessage('notice', message);
  }

  /**
   * A source started cleanly: it ends the message of an earlier one (a missing file, a denied camera);
   * what still holds (a bad URL option, no WebGL, no model: `modelMissing`) stays. The history keeps both.
   */
  sourceStarted(modelMissing: boolean): void {
    if (this.board.sourceStarted(modelMissing)) this.banner.clearMessage();
  }

  private record(entry: AppMessage): void {
    this.noteOnLog(`${entry.code}: ${entry.message}`);
  }
}
