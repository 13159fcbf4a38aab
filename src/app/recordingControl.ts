// The log's recording switch and downloads: restores a recording kept from before a reload (IndexedDB)
// or starts one when the URL asks (?record), keeps the Record button in step, and downloads the log
// as CSV or as the JSON document with its summary.

import { downloadText } from '../ui/logRecorder.ts';
import type { LogStore } from '../ui/logStore.ts';
import type { LogSummaryContext } from '../processing/logFormat.ts';
import type { FrameLog } from './frameLog.ts';
import type { MessageSink } from './messageReporter.ts';
import { downloadName } from './downloadName.ts';

/** What the button shows of the recording. */
export interface RecordButton {
  textContent: string | null;
  readonly classList: { toggle(token: string, force?: boolean): boolean };
}

export class RecordingControl {
  constructor(
    private readonly log: FrameLog,
    private readonly button: RecordButton,
    private readonly messages: Pick<MessageSink, 'notice'>,
    /** What the JSON download's summary says of the run (model, browser, confusion). */
    private readonly summaryContext: () => LogSummaryContext,
  ) {}

  /**
   * Keeps the rows in `store` as they come. With `record` (?record) a new recording starts; else a
   * recording from before a reload or crash stays exportable, and goes on if it was going on.
   */
  async restore(store: LogStore | null, record: boolean): Promise<void> {
    const { recorder } = this.log;
    const restored = await recorder.attachStore(store, (code, message) => this.messages.notice(code, message));
    if (record) recorder.start();
    else if (restored.restoredRows > 0) {
      if (restored.wasRecording) recorder.resume();
      this.messages.notice('log-restored', `restored ${restored.restoredRows} recorded log rows from before the page was reloaded${restored.wasRecording ? '; recording continues' : ''}`);
    }
    this.syncButton();
  }

  /** The Record button. */
  toggle(): void {
    this.log.toggle();
    this.syncButton();
  }

  start(): void {
    if (!this.log.recording) this.toggle();
  }

  stop(): void {
    if (this.log.recording) this.toggle();
  }

  downloadCsv(): void {
    downloadText(this.log.csv(), downloadName('dashseg-log', 'csv'), 'text/csv');
  }

  downloadJson(): void {
    downloadText(this.log.json(this.summaryContext()), downloadName('dashseg-log', 'json'), 'application/json');
  }

  private syncButton(): void {
    this.button.textContent = this.log.recording ? '■ Stop' : '● Record log';
    this.button.classList.toggle('recording', this.log.recording);
  }
}
