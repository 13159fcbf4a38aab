// One page of the built app in headless Chromium, driven through window.dashseg, for the bench and
// soak CLIs: serves the app, opens it on a model and a video (files from disk handed over by
// route()), attaches the memory probe before the first worker starts, and polls the app while it
// runs, failing with the app's own explanation when it stops showing masks.

import type { Browser, Page } from 'playwright-core';
import type { DashsegAutomation, DashsegStats } from '../../src/app/automationApi.ts';
import type { AppError as AppMessageError } from '../../src/app/appMessages.ts';
import { collectBrowserLog, type BrowserLog } from '../../tools/browser/browserLog.ts';
import { routeLocalFiles } from '../../tools/browser/routeFiles.ts';
import { serveAppInChromium, type BrowserRunControl } from '../lib/browserApp.ts';
import { CliError } from '../lib/errors.ts';
import { describeModelFailure } from '../lib/modelFiles.ts';
import { BENCH_ROUTE_PREFIX, type BenchModel, type BenchVideo } from './inputs.ts';
import { MemoryProbe, type MemorySnapshot } from './memoryProbe.ts';

export type Automation = DashsegAutomation;
export type AppStats = DashsegStats;
export type AppError = AppMessageError;

/** Errors after which the app shows no more masks: the run stops at once (exit 1). */
const FATAL_CODES = new Set([
  'bad-url-option',
  'webgl-unavailable',
  'not-a-video',
  'video-unsupported',
  'video-decode',
  'video-not-found',
  'source-failed',
]);

/** Codes the app raises as notices while it keeps going (a fallback, a restart). */
const NOTICE_CODES: readonly string[] = ['webgpu-failed', 'webgpu-fallback', 'worker-restarted', 'worker-timeout', 'worker-crashed', 'paused-hidden', 'log-restored'];

/** No new mask for this long means inference stopped (a software WebGPU adapter takes seconds per frame). */
function stallLimitMs(backend: 'wasm' | 'webgpu'): number {
  return backend === 'webgpu' ? 180_000 : 45_000;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Identifies one report of the app's lastError (a new report of the same error is a new key). */
export function errorKey(e: AppError | null): string | null {
  return e ? `${e.at}|${e.code}|${e.message}` : null;
}

export interface AppSessionPlan {
  /** CLI name, prefixes progress lines and notes ("bench: note: …"). */
  readonly name: string;
  /** The page opens on the first; the others are loaded later with reloadModel(). */
  readonly models: readonly BenchModel[];
  readonly video: BenchVideo;
  readonly backend: 'wasm' | 'webgpu';
  /** Where the app draws the masks (?masklayer=); the app's default when absent. */
  readonly maskLayer?: 'worker' | 'inline';
  readonly verbose: boolean;
}

export class AppSession {
  /** Notices the app raised (fallbacks, worker restarts) and memory figures that could not be read. */
  readonly warnings: string[] = [];

  private constructor(
    readonly page: Page,
    readonly browser: Browser,
    readonly probe: MemoryProbe,
    private readonly log: BrowserLog,
    private readonly urls: ReadonlyMap<string, string>,
    private readonly plan: AppSessionPlan,
    private readonly control: BrowserRunControl,
  ) {}

  /** Serves the app, opens it on the first model and the video, and waits until it runs (or fails clearly). */
  static async open(plan: AppSessionPlan, control: BrowserRunControl): Promise<AppSession> {
    const { progress, cleanups } = control;
    const { server, browser } = await serveAppInChromium(plan.name, plan.backend, control);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const log = collectBrowserLog(page, {
      ...(plan.verbose ? { verbose: true, onLine: (line: string) => progress.log(`browser: ${line}`) } : {}),
    });
    page.on('crash', () => progress.log(`${plan.name}: the page crashed`));

    // Files from disk: models outside dist/models/ and a --src video, on the context so that the
    // worker's fetch of the model is routed too.
    const served = new Map<string, string>([...plan.video.routed]);
    const urls = new Map<string, string>(); // URL → path shown in messages
    for (const m of plan.models) {
      for (const [key, file] of m.routed) served.set(key, file);
      urls.set(`${server.url}${m.url}`, m.name).set(m.url, m.name);
    }
    await routeLocalFiles(context, BENCH_ROUTE_PREFIX, served);
    const probe = await MemoryProbe.attach(context, page);
    cleanups.push(() => probe.dispose());

    const session = new AppSession(page, browser, probe, log, urls, plan, control);
    await session.start(`${server.url}/`);
    return session;
  }

  private async start(baseUrl: string): Promise<void> {
    const first = this.plan.models[0] as BenchModel;
    const query = new URLSearchParams({ model: first.url, backend: this.plan.backend, src: this.plan.video.url });
    if (this.plan.maskLayer) query.set('masklayer', this.plan.maskLayer);
    this.control.progress.update(`${this.plan.name}: loading the app…`, true);
    try {
      await this.page.goto(`${baseUrl}?${query.toString()}`, { waitUntil: 'load', timeout: 60_000 });
      // Started: the model runs and the video plays, or the model failed, or a fatal error (notices such
      // as a WebGPU fallback do not count).
      await this.page.waitForFunction(
        ([fatal, notices]) => {
          const d = (window as unknown as { dashseg?: Automation }).dashseg;
          if (!d) return false;
          const s = d.stats();
          if (s.ready && s.source !== null) return true;
          const code = s.lastError?.code;
          return code !== undefined && (fatal.includes(code) || (!s.ready && !notices.includes(code)));
        },
        [[...FATAL_CODES], NOTICE_CODES] as const,
        { timeout: 180_000, polling: 250 },
      );
    } catch (err) {
      const s = await this.stats().catch(() => null);
      this.fail(`the app did not start: ${(err as Error).message.split('\n')[0]}${s?.lastError ? `; the app reports ${s.lastError.code}: ${this.describe(s.lastError)}` : ''}`);
    }
    const initial = await this.stats();
    if (!initial.ready) this.fail(initial.lastError ? this.describe(initial.lastError) : 'the model did not load');
    if (initial.lastError && FATAL_CODES.has(initial.lastError.code)) this.fail(`${this.describe(initial.lastError)} (${initial.lastError.code})`);
  }

  stats(): Promise<AppStats> {
    return this.page.evaluate(() => (window as unknown as { dashseg: Automation }).dashseg.stats());
  }

  hardwareConcurrency(): Promise<number | null> {
    return this.page.evaluate(() => navigator.hardwareConcurrency).catch(() => null);
  }

  /** Records a note once and prints it. */
  warn(line: string): void {
    if (!this.warnings.includes(line)) {
      this.warnings.push(line);
      this.control.progress.log(`${this.plan.name}: note: ${line}`);
    }
  }

  /** Stops the run with `message` and the browser's last lines. */
  fail(message: string): never {
    // SwiftShader's "GPU stall due to ReadPixels" notes never explain a failure.
    const details = this.log
      .lines()
      .filter((l) => !l.includes('GL Driver Message'))
      .slice(-12)
      .map((l) => `browser: ${l}`);
    throw new CliError(message, details);
  }

  /** An app error in the user's terms (model URLs shown as the paths given on the command line). */
  describe(e: AppError): string {
    return describeModelFailure(e.code, e.message, this.urls);
  }

  /** Memory figures after a forced GC (see MemoryProbe); figures that could not be read become notes. */
  async memory(): Promise<MemorySnapshot> {
    const m = await this.probe.snapshot();
    for (const note of m.notes) this.warn(`memory: ${note}`);
    return m;
  }

  /**
   * Polls the app until `done` holds. Fails on a new fatal error (one reported after `since`, see
   * errorKey), when the model is gone, or when no new mask arrived for the stall limit.
   */
  async waitUntil(
    what: string,
    since: string | null,
    done: (s: AppStats) => boolean,
    pollMs: number,
    onTick?: (s: AppStats) => void,
    deadline = Infinity,
  ): Promise<AppStats> {
    let lastFrames = -1;
    let lastProgressAt = Date.now();
    const stallMs = stallLimitMs(this.plan.backend);
    for (;;) {
      this.control.checkInterrupted();
      let s: AppStats;
      try {
        s = await this.stats();
      } catch (err) {
        return this.fail(`the page stopped answering while ${what}: ${(err as Error).message.split('\n')[0]}`);
      }
      const fresh = errorKey(s.lastError) !== since ? s.lastError : null;
      if (fresh && FATAL_CODES.has(fresh.code)) this.fail(`${this.describe(fresh)} (${fresh.code})`);
      if (fresh) this.warn(`${fresh.code}: ${this.describe(fresh)}`);
      if (!s.ready) this.fail(fresh ? this.describe(fresh) : `the model is not loaded (${what})`);
      if (!s.source) this.fail(s.lastError ? `no video: ${this.describe(s.lastError)}` : `no video source (${what})`);
      onTick?.(s);
      if (done(s)) return s;
      if (s.frames !== lastFrames) {
        lastFrames = s.frames;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > stallMs) {
        this.fail(
          `inference stopped while ${what}: no new mask for ${Math.round(stallMs / 1000)} s` +
            `${s.lastError ? `; the app reports ${s.lastError.code}: ${this.describe(s.lastError)}` : ''}`,
        );
      }
      await sleep(Math.max(0, Math.min(pollMs, deadline - Date.now())));
    }
  }
}
