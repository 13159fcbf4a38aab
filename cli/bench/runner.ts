// Drives the built app in headless Chromium for `npm run bench`: one page plays the video; for each
// scheduled round the model is swapped in with window.dashseg.reloadModel() (a new worker and
// session), warmed up, then measured for a fixed window from the app's own log rows.

import type { Browser, Page } from 'playwright-core';
import type { DashsegApp } from '../../src/app.ts';
import { collectBrowserLog, type BrowserLog } from '../../tools/browser/browserLog.ts';
import { BuildError } from '../../tools/browser/build.ts';
import { launchChromium } from '../../tools/browser/chromium.ts';
import { startPreviewServer, type PreviewServer } from '../../tools/browser/previewServer.ts';
import { routeLocalFiles } from '../../tools/browser/routeFiles.ts';
import { CliError } from '../lib/errors.ts';
import { describeModelFailure } from '../lib/modelFiles.ts';
import type { ProgressLine } from '../lib/progress.ts';
import { BENCH_ROUTE_PREFIX, type BenchModel, type BenchVideo } from './inputs.ts';
import { MemoryProbe, type MemorySnapshot } from './memoryProbe.ts';
import { roundRobinSchedule } from './schedule.ts';
import type { RoundMeasurement } from './summary.ts';

type Automation = ReturnType<DashsegApp['automationApi']>;
type AppStats = ReturnType<Automation['stats']>;
type AppError = NonNullable<AppStats['lastError']>;

export interface BenchPlan {
  readonly models: readonly BenchModel[];
  readonly video: BenchVideo;
  readonly backend: 'wasm' | 'webgpu';
  readonly threads: number | null;
  readonly seconds: number;
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly verbose: boolean;
}

export interface BenchRun {
  readonly measurements: readonly RoundMeasurement[];
  readonly browserVersion: string;
  readonly hardwareConcurrency: number | null;
  /** Notices the app raised (fallbacks, worker restarts) and memory figures that could not be read. */
  readonly warnings: readonly string[];
}

export interface RunControl {
  readonly progress: ProgressLine;
  /** Resources to release however the run ends (the caller runs them, last first). */
  readonly cleanups: (() => Promise<unknown>)[];
  /** Throws when the user interrupted the run. */
  readonly checkInterrupted: () => void;
}

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
const NOTICE_CODES: readonly string[] = ['webgpu-failed', 'webgpu-fallback', 'worker-restarted', 'worker-timeout', 'paused-hidden', 'log-restored'];

/** No new mask for this long means inference stopped (a software WebGPU adapter takes seconds per frame). */
function stallLimitMs(backend: 'wasm' | 'webgpu'): number {
  return backend === 'webgpu' ? 180_000 : 45_000;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function errorKey(e: AppError | null): string | null {
  return e ? `${e.at}|${e.code}|${e.message}` : null;
}

function readStats(page: Page): Promise<AppStats> {
  return page.evaluate(() => (window as unknown as { dashseg: Automation }).dashseg.stats());
}

export async function runBench(plan: BenchPlan, control: RunControl): Promise<BenchRun> {
  const { progress, cleanups, checkInterrupted } = control;
  const warnings: string[] = [];
  const warn = (line: string): void => {
    if (!warnings.includes(line)) {
      warnings.push(line);
      progress.log(`bench: note: ${line}`);
    }
  };

  progress.update('bench: checking the build…', true);
  let server: PreviewServer;
  try {
    server = await startPreviewServer({ log: (line) => progress.update(`bench: ${line}`, true) });
  } catch (err) {
    if (err instanceof BuildError) throw new CliError(`could not build the app: ${err.message}`);
    throw new CliError(`could not start vite preview: ${(err as Error).message}`);
  }
  cleanups.push(() => server.close());
  checkInterrupted();

  progress.update('bench: starting headless Chromium…', true);
  let browser: Browser;
  try {
    browser = await launchChromium({ headless: true, webgpu: plan.backend === 'webgpu' });
  } catch (err) {
    throw new CliError(`could not start Chromium: ${(err as Error).message}`);
  }
  cleanups.push(() => browser.close());
  checkInterrupted();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const log: BrowserLog = collectBrowserLog(page, {
    ...(plan.verbose ? { verbose: true, onLine: (line: string) => progress.log(`browser: ${line}`) } : {}),
  });
  // The last browser lines explain a failure; SwiftShader's "GPU stall due to ReadPixels" notes never do.
  const browserDetails = (): string[] =>
    log
      .lines()
      .filter((l) => !l.includes('GL Driver Message'))
      .slice(-12)
      .map((l) => `browser: ${l}`);
  page.on('crash', () => progress.log('bench: the page crashed'));

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

  const fail = (message: string): never => {
    throw new CliError(message, browserDetails());
  };
  const describe = (e: AppError): string => describeModelFailure(e.code, e.message, urls);

  /**
   * Polls the app until `done` holds. Fails on a new fatal error, when the model is gone, or when
   * no new mask arrived for the stall limit.
   */
  const waitUntil = async (
    what: string,
    since: string | null,
    done: (s: AppStats) => boolean,
    pollMs: number,
    onTick?: (s: AppStats) => void,
    deadline = Infinity,
  ): Promise<AppStats> => {
    let lastFrames = -1;
    let lastProgressAt = Date.now();
    for (;;) {
      checkInterrupted();
      let s: AppStats;
      try {
        s = await readStats(page);
      } catch (err) {
        return fail(`the page stopped answering while ${what}: ${(err as Error).message.split('\n')[0]}`);
      }
      const fresh = errorKey(s.lastError) !== since ? s.lastError : null;
      if (fresh && FATAL_CODES.has(fresh.code)) fail(`${describe(fresh)} (${fresh.code})`);
      if (fresh) warn(`${fresh.code}: ${describe(fresh)}`);
      if (!s.ready) fail(fresh ? describe(fresh) : `the model is not loaded (${what})`);
      if (!s.source) fail(s.lastError ? `no video: ${describe(s.lastError)}` : `no video source (${what})`);
      onTick?.(s);
      if (done(s)) return s;
      if (s.frames !== lastFrames) {
        lastFrames = s.frames;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > stallLimitMs(plan.backend)) {
        const seconds = Math.round(stallLimitMs(plan.backend) / 1000);
        fail(`inference stopped while ${what}: no new mask for ${seconds} s${s.lastError ? `; the app reports ${s.lastError.code}: ${describe(s.lastError)}` : ''}`);
      }
      await sleep(Math.max(0, Math.min(pollMs, deadline - Date.now())));
    }
  };

  // ---- page ----
  const first = plan.models[0] as BenchModel;
  const query = new URLSearchParams({ model: first.url, backend: plan.backend, src: plan.video.url });
  progress.update('bench: loading the app…', true);
  try {
    await page.goto(`${server.url}/?${query.toString()}`, { waitUntil: 'load', timeout: 60_000 });
    // Started: the model runs and the video plays, or the model failed, or a fatal error (notices such
    // as a WebGPU fallback do not count).
    await page.waitForFunction(
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
    const s = await readStats(page).catch(() => null);
    fail(`the app did not start: ${(err as Error).message.split('\n')[0]}${s?.lastError ? `; the app reports ${s.lastError.code}: ${describe(s.lastError)}` : ''}`);
  }
  const initial = await readStats(page);
  if (!initial.ready) fail(initial.lastError ? describe(initial.lastError) : 'the model did not load');
  if (initial.lastError && FATAL_CODES.has(initial.lastError.code)) fail(`${describe(initial.lastError)} (${initial.lastError.code})`);
  const hardwareConcurrency = await page.evaluate(() => navigator.hardwareConcurrency).catch(() => null);

  // ---- rounds ----
  const schedule = roundRobinSchedule(plan.models.length, plan.rounds);
  const measurements: RoundMeasurement[] = [];
  for (const [i, step] of schedule.entries()) {
    const model = plan.models[step.model] as BenchModel;
    const label = plan.models.length > 1 ? `${String.fromCharCode(65 + step.model)}: ${model.name}` : model.name;
    const prefix = `bench: round ${step.round + 1}/${plan.rounds} (${i + 1}/${schedule.length}) · ${label}`;
    checkInterrupted();

    progress.update(`${prefix} · loading the model…`, true);
    const before = errorKey((await readStats(page)).lastError);
    try {
      await page.evaluate(
        (change) => (window as unknown as { dashseg: Automation }).dashseg.reloadModel(change),
        { model: model.url, backend: plan.backend, threads: plan.threads },
      );
    } catch (err) {
      fail(`could not load ${model.name}: ${(err as Error).message.split('\n')[0]}`);
    }
    const loaded = await readStats(page);
    const loadError = errorKey(loaded.lastError) !== before ? loaded.lastError : null;
    if (!loaded.ready) fail(loadError ? describe(loadError) : `${model.name} did not load`);
    if (loadError) warn(`${model.name}: ${loadError.code}: ${describe(loadError)}`);
    if (plan.backend === 'webgpu' && loaded.backend !== 'webgpu' && !loadError) warn(`${model.name} runs on ${loaded.backend ?? '?'}: ${loaded.backendReason ?? ''}`);
    const since = errorKey(loaded.lastError);

    const warmupUntil = Date.now() + plan.warmupSeconds * 1000;
    await waitUntil('warming up', since, (s) => s.frames >= 2 && Date.now() >= warmupUntil, 250, (s) =>
      progress.update(`${prefix} · warm-up · ${s.frames} masks · ${s.fps.toFixed(1)} fps`),
    );
    progress.update(`${prefix} · reading memory…`);
    const memoryStart = await probe.snapshot();
    noteMemory(memoryStart, warn);

    const start = (await page.evaluate(START_WINDOW)) as { t: number; dropped: number };
    const windowEnd = Date.now() + plan.seconds * 1000;
    await waitUntil('measuring', since, () => Date.now() >= windowEnd, 1000, (s) => {
      const left = Math.max(0, Math.ceil((windowEnd - Date.now()) / 1000));
      progress.update(`${prefix} · measuring · ${left} s left · ${s.fps.toFixed(1)} fps · latency p50 ${s.latencyP50Ms?.toFixed(0) ?? '—'} ms`);
    }, windowEnd);
    const end = await page.evaluate(() => {
      const d = (window as unknown as { dashseg: Automation }).dashseg;
      d.stopRecording();
      const t = performance.now();
      const counter = (window as unknown as { __benchRaf: { count: number; on: boolean } }).__benchRaf;
      counter.on = false;
      const s = d.stats();
      return { t, rows: [...d.log()], animationFrames: counter.count, dropped: s.droppedFrames, backend: s.backend, threads: s.threads, restarts: s.restarts };
    });
    if (end.restarts > 0) warn(`${model.name}: the segmentation worker was restarted ${end.restarts} time(s)`);
    if (end.rows.length === 0) fail(`${model.name}: no mask was shown during the ${plan.seconds} s window`);
    progress.update(`${prefix} · reading memory…`);
    const memoryEnd = await probe.snapshot();
    noteMemory(memoryEnd, warn);
    measurements.push({
      round: step.round,
      model: step.model,
      seconds: (end.t - start.t) / 1000,
      rows: end.rows,
      dropped: Math.max(0, end.dropped - start.dropped),
      animationFrames: end.animationFrames,
      memoryStart,
      memoryEnd,
      backend: end.backend ?? 'none',
      threads: end.threads ?? 0,
    });
    progress.log(
      `${prefix}: ${end.rows.length} masks in ${((end.t - start.t) / 1000).toFixed(1)} s = ${(end.rows.length / ((end.t - start.t) / 1000)).toFixed(2)} fps`,
    );
  }
  return { measurements, browserVersion: browser.version(), hardwareConcurrency, warnings };
}

/**
 * Starts a measured window: clears the log and starts recording, and counts animation frames (the
 * app renders on each one). A string, not a function: tsx (esbuild keepNames) would wrap a named
 * inner function in a __name() helper that does not exist in the page.
 */
const START_WINDOW = `(() => {
  const d = window.dashseg;
  d.stopRecording();
  d.startRecording();
  if (window.__benchRaf) window.__benchRaf.on = false;
  const counter = { count: 0, on: true };
  window.__benchRaf = counter;
  const tick = () => {
    if (!counter.on) return;
    counter.count++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return { t: performance.now(), dropped: d.stats().droppedFrames };
})()`;

function noteMemory(m: MemorySnapshot, warn: (line: string) => void): void {
  for (const note of m.notes) warn(`memory: ${note}`);
}
