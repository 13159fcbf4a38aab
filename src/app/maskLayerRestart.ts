// When the mask layer fails (its worker died, its WebGL context was lost), the overlay gets a new layer
// on a new canvas and the presenter draws again, with a notice. After `max` restarts it is an error:
// segmentation carries on, no more masks are drawn or logged, and what was recorded is kept.

import type { MessageSink } from './messageReporter.ts';

export class MaskLayerRestarts {
  private restarts = 0;

  constructor(
    private readonly overlay: { restartLayer(): Promise<void> },
    private readonly presenter: { resume(): void },
    private readonly messages: MessageSink,
    /** Restarts allowed per page: a layer that keeps failing is not restarted for ever. */
    private readonly max = 3,
  ) {}

  /** The layer failed with `cause`: a new one, or an error once `max` restarts were spent. */
  async restart(cause: Error): Promise<void> {
    if (this.restarts >= this.max) {
      this.messages.fail('webgl-unavailable', `the mask layer failed ${this.restarts + 1} times (last: ${cause.message}); masks are no longer drawn or logged, segmentation carries on and the log keeps what was recorded`);
      return;
    }
    this.restarts++;
    try {
      await this.overlay.restartLayer();
      this.presenter.resume();
      this.messages.notice('mask-layer-restarted', `the mask layer failed (${cause.message}) and was restarted`);
    } catch (err) {
      this.messages.fail('webgl-unavailable', `the mask layer failed (${cause.message}) and could not be restarted: ${(err as Error).message}`);
    }
  }
}
