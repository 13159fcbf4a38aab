// Ctrl-C / SIGTERM / SIGHUP for the CLIs that drive a browser (eval, bench, soak): the browser and the
// server are closed, then the CLI exits 130. Whatever the run was awaiting fails once the browser is
// gone; that failure is not reported. A second Ctrl-C ends the CLI at once (Node's default): the
// preview server runs inside this process (tools/browser/previewServer.ts), so it ends with it.

import { CliError } from './errors.ts';
import type { ProgressLine } from './progress.ts';

/** Exit code after an interrupt (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

export class InterruptGuard {
  /** Resources to release however the run ends (released last first, also on Ctrl-C). */
  readonly cleanups: (() => Promise<unknown>)[] = [];
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly progress: ProgressLine,
  ) {}

  /** Set by Ctrl-C / SIGTERM / SIGHUP; the run stops at the next step. */
  get interrupted(): boolean {
    return this.stopped;
  }

  /** Throws when the user interrupted the run (an arrow function: passed around as a callback). */
  readonly checkInterrupted = (): void => {
    if (this.stopped) throw new CliError('interrupted');
  };

  async cleanUp(): Promise<void> {
    while (this.cleanups.length) await this.cleanups.pop()?.().catch(() => undefined);
  }

  /**
   * Installs the SIGINT / SIGTERM / SIGHUP handlers (once each). SIGHUP (the terminal went away) is
   * handled too: Playwright closes the browser on SIGHUP without ending the process, so the run would
   * otherwise fail with "browser has been closed" instead of stopping.
   */
  listen(): void {
    const onSignal = (): void => {
      if (this.stopped) return;
      this.stopped = true;
      this.progress.clear();
      process.stderr.write(`${this.name}: interrupted\n`);
      void this.cleanUp();
      setTimeout(() => process.exit(INTERRUPTED_EXIT_CODE), 5000).unref();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('SIGHUP', onSignal);
  }

  /**
   * Runs the browser part of a CLI and releases `cleanups` however it ends. Resolves to null when
   * the user interrupted it (the CLI then exits INTERRUPTED_EXIT_CODE).
   */
  async run<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      const result = await work();
      return this.stopped ? null : result;
    } catch (err) {
      if (this.stopped) return null;
      throw err;
    } finally {
      await this.cleanUp();
      this.progress.clear();
    }
  }
}
