// A hidden tab pauses the source (no frames are segmented meanwhile: see ModelSession.offer); when
// the tab is shown again, a notice says how long inference was paused (also the next log row's event).

import type { MessageSink } from './messageReporter.ts';

export class HiddenTabPause {
  private hiddenSince: number | null = null;

  constructor(
    /** The source playing now. */
    private readonly source: () => { setPaused(paused: boolean): void } | null,
    private readonly messages: Pick<MessageSink, 'notice'>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The tab was hidden or shown (visibilitychange). */
  update(hidden: boolean): void {
    this.source()?.setPaused(hidden);
    if (hidden) this.hiddenSince = this.now();
    else if (this.hiddenSince !== null) {
      const message = `inference paused for ${((this.now() - this.hiddenSince) / 1000).toFixed(1)} s while the tab was hidden`;
      this.messages.notice('paused-hidden', message); // also the log row's event
      this.hiddenSince = null;
    }
  }
}
