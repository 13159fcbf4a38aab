// One app page in a fresh BrowserContext, driven through the app's automation API (window.dashseg,
// see src/app.ts), with waits that fail fast and explain themselves: an uncaught page error or an
// error the app reports ends the wait at once, and a timeout says what was awaited, the last
// stats, the browser's recent console lines, and where a screenshot was saved.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectBrowserLog, PROJECT_ROOT, type BrowserLog } from '../../../tools/browser/index.ts';
import type { DashsegAutomation, DashsegStats } from '../../../src/app/automationApi.ts';
import type { AppErrorCode } from '../../../src/app/appMessages.ts';

export type AutomationApi = DashsegAutomation;
export type AppStats = DashsegStats;
export type AppLogRow = ReturnType<AutomationApi['log']>[number];
export type { AppErrorCode };

/** A class-id mask as the app shows it (row-major, row 0 = top of the picture). */
export interface ClassMask {
  readonly width: number;
  readonly height: number;
  readonly ids: Uint8Array;
}

/** Where tests write screenshots and measurements (gitignored). */
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'tests', 'artifacts');

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}

export interface OpenAppOptions {
  /** Used for artifact file names (screenshots on timeout). */
  readonly name: string;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Runs in the page before the app's own scripts (test instrumentation, e.g. keeping the camera stream). */
  readonly initScript?: () => void;
  /** Runs on the new context before the page opens, e.g. to serve test files with routeLocalFiles. */
  readonly prepare?: (context: BrowserContext) => Promise<unknown>;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /**
   * lastError codes that do not end the wait (e.g. the 'webgpu-fallback' notice). Any other error
   * the app reports fails the wait at once.
   */
  readonly allowErrorCodes?: readonly AppErrorCode[];
}

type DashsegWindow = Window & { dashseg?: AutomationApi };

export class AppPage {
  /** Uncaught exceptions of the page (pageerror), oldest first. */
  readonly pageErrors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly browserLog: BrowserLog,
    readonly url: string,
    private readonly name: string,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(err.stack ?? err.message));
  }

  /** Opens `${baseUrl}/${query}` in a new BrowserContext (fresh cookies, storage and permissions). */
  static async open(browser: Browser, baseUrl: string, query: string, options: OpenAppOptions): Promise<AppPage> {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 720 } });
    if (options.initScript) await context.addInitScript(options.initScript);
    try {
      await options.prepare?.(context);
    } catch (err) {
      await context.close();
      throw err;
    }
    const page = await context.newPage();
    const log = collectBrowserLog(page, { limit: 400 });
    const url = `${baseUrl}/${query}`;
    const app = new AppPage(context, page, log, url, options.name);
    try {
      await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    } catch (err) {
      await context.close();
      throw new Error(`could not open ${url}: ${(err as Error).message}`);
    }
    return app;
  }

  /** window.dashseg.stats(), or null while the page has not installed the API yet. */
  stats(): Promise<AppStats | null> {
    return this.page.evaluate(() => (window as DashsegWindow).dashseg?.stats() ?? null);
  }

  /** Polls stats() until `done(stats)` holds; see WaitOptions for what ends the wait early. */
  async waitForStats(what: string, done: (s: AppStats) => boolean, options: WaitOptions): Promise<AppStats> {
    const started = Date.now();
    const interval = options.intervalMs ?? 250;
    let last: AppStats | null = null;
    for (;;) {
      if (this.pageErrors.length > 0) {
        throw new Error(`while waiting for ${what}: uncaught page error:\n${this.pageErrors.join('\n')}${await this.diagnostics(last)}`);
      }
      last = await this.stats();
      if (last) {
        const err = last.lastError;
        if (err && !(options.allowErrorCodes ?? []).includes(err.code)) {
          throw new Error(`while waiting for ${what}: the app reported ${err.code}: ${err.message}${await this.diagnostics(last)}`);
        }
        if (done(last)) return last;
      }
      const elapsed = Date.now() - started;
      if (elapsed > options.timeoutMs) {
        throw new Error(`timed out after ${(elapsed / 1000).toFixed(1)} s waiting for ${what} on ${this.url}${await this.diagnostics(last)}`);
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /**
   * Waits until the model is loaded, `n` frames have been segmented and a mask is on the canvas. A
   * mask is drawn (by the mask-layer worker) after its frame counts as segmented: latestMask() is
   * null until then, and on a loaded machine that gap is long enough for a test to fall into it.
   */
  waitForFrames(n: number, options: WaitOptions): Promise<AppStats> {
    return this.waitForStats(`${n} segmented frames and a mask on the canvas`, (s) => s.frames >= n && s.masksDrawn >= 1, options);
  }

  async latestMask(): Promise<ClassMask | null> {
    const m = await this.page.evaluate(() => (window as DashsegWindow).dashseg?.latestMask() ?? null);
    return m ? { width: m.width, height: m.height, ids: Uint8Array.from(m.ids) } : null;
  }

  async logRows(): Promise<AppLogRow[]> {
    return this.page.evaluate(() => [...((window as DashsegWindow).dashseg?.log() ?? [])]);
  }

  async summary(): Promise<unknown> {
    return this.page.evaluate(() => (window as DashsegWindow).dashseg?.summary() ?? null);
  }

  async screenshot(file: string): Promise<string> {
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Context for a failure message: key stats, recent browser lines, a screenshot. */
  async diagnostics(stats: AppStats | null): Promise<string> {
    const parts: string[] = [];
    if (stats) {
      const brief = {
        ready: stats.ready,
        backend: stats.backend,
        backendReason: stats.backendReason,
        adapter: stats.adapter,
        source: stats.source,
        frames: stats.frames,
        scoredFrames: stats.scoredFrames,
        droppedFrames: stats.droppedFrames,
        stagesP50Ms: stats.stagesP50Ms,
        lastError: stats.lastError,
      };
      parts.push(`last stats: ${JSON.stringify(brief)}`);
    } else {
      parts.push('window.dashseg was never available (the app did not start)');
    }
    const lines = this.browserLog.lines().slice(-15);
    if (lines.length) parts.push(`browser log (last ${lines.length}):\n  ${lines.join('\n  ')}`);
    try {
      const file = await this.screenshot(artifactPath(`${this.name}-failure.png`));
      parts.push(`screenshot: ${path.relative(PROJECT_ROOT, file)}`);
    } catch (err) {
      parts.push(`(no screenshot: ${(err as Error).message})`);
    }
    return `\n${parts.join('\n')}`;
  }

  async close(): Promise<void> {
    this.browserLog.dispose();
    await this.context.close();
  }
}
