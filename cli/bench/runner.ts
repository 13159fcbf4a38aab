// Drives the built app in headless Chromium for `npm run bench`: one page plays the video; for each
// scheduled round the model is swapped in with window.dashseg.reloadModel() (a new worker and
// session), warmed up, then measured for a fixed window from the app's own log rows.

import type { BrowserRunControl } from '../lib/browserApp.ts';
import { AppSession, errorKey, type Automation } from './appSession.ts';
import type { BenchModel, BenchVideo } from './inputs.ts';
import { roundRobinSchedule } from './schedule.ts';
import type { RoundMeasurement } from './summary.ts';
import { MainThreadSampler } from './mainThread.ts';
import type { CDPSession } from 'playwright-core';

/** Seconds of the model-only measurement after each round. */
const MODEL_ONLY_SECONDS = 5;

/**
 * The page's main thread so far (s), from Chromium's Performance.getMetrics: `cpu` is the thread's CPU
 * time (ThreadTime: the work it did), `wall` the wall-clock time of its tasks (TaskDuration). On a
 * 2-core machine the two differ by the time the thread waited, mid-task, for a core that the
 * segmentation and mask-layer workers held.
 */
async function mainThreadSeconds(cdp: CDPSession): Promise<{ cpu: number; wall: number }> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const value = (name: string): number => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  return { cpu: value('ThreadTime'), wall: value('TaskDuration') };
}

export interface BenchPlan {
  readonly models: readonly BenchModel[];
  readonly video: BenchVideo;
  readonly backend: 'wasm' | 'webgpu';
  readonly maskLayer: 'worker' | 'inline';
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

export type RunControl = BrowserRunControl;

export async function runBench(plan: BenchPlan, control: RunControl): Promise<BenchRun> {
  const { progress, checkInterrupted } = control;
  const session = await AppSession.open({ name: 'bench', models: plan.models, video: plan.video, backend: plan.backend, maskLayer: plan.maskLayer, verbose: plan.verbose }, control);
  const { page } = session;
  const hardwareConcurrency = await session.hardwareConcurrency();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');

  // ---- rounds ----
  const schedule = roundRobinSchedule(plan.models.length, plan.rounds);
  const measurements: RoundMeasurement[] = [];
  for (const [i, step] of schedule.entries()) {
    const model = plan.models[step.model] as BenchModel;
    const label = plan.models.length > 1 ? `${String.fromCharCode(65 + step.model)}: ${model.name}` : model.name;
    const prefix = `bench: round ${step.round + 1}/${plan.rounds} (${i + 1}/${schedule.length}) · ${label}`;
    checkInterrupted();

    progress.update(`${prefix} · loading the model…`, true);
    const before = errorKey((await session.stats()).lastError);
    try {
      await page.evaluate(
        (change) => (window as unknown as { dashseg: Automation }).dashseg.reloadModel(change),
        { model: model.url, backend: plan.backend, threads: plan.threads, spinWait: model.spinWait, postprocess: model.postprocess },
      );
    } catch (err) {
      session.fail(`could not load ${model.name}: ${(err as Error).message.split('\n')[0]}`);
    }
    const loaded = await session.stats();
    const loadError = errorKey(loaded.lastError) !== before ? loaded.lastError : null;
    if (!loaded.ready) session.fail(loadError ? session.describe(loadError) : `${model.name} did not load`);
    if (loadError) session.warn(`${model.name}: ${loadError.code}: ${session.describe(loadError)}`);
    if (plan.backend === 'webgpu' && loaded.backend !== 'webgpu' && !loadError) session.warn(`${model.name} runs on ${loaded.backend ?? '?'}: ${loaded.backendReason ?? ''}`);
    const since = errorKey(loaded.lastError);

    const warmupUntil = Date.now() + plan.warmupSeconds * 1000;
    await session.waitUntil('warming up', since, (s) => s.frames >= 2 && Date.now() >= warmupUntil, 250, (s) =>
      progress.update(`${prefix} · warm-up · ${s.frames} masks · ${s.fps.toFixed(1)} fps`),
    );
    progress.update(`${prefix} · reading memory…`);
    const memoryStart = await session.memory();

    const start = (await page.evaluate(START_WINDOW)) as { t: number; dropped: number; frames: number; masksDrawn: number };
    const mainThreadStart = await mainThreadSeconds(cdp);
    const mainThread = new MainThreadSampler(mainThreadStart.cpu, start.frames);
    const mainThreadWall = new MainThreadSampler(mainThreadStart.wall, start.frames);
    const windowEnd = Date.now() + plan.seconds * 1000;
    // ":export": the segmented video is recorded through the window (its whole length).
    const exporting = model.exportVideo
      ? page.evaluate(
        (sec) => (window as unknown as { dashseg: Automation }).dashseg.exportVideo({ seconds: sec })
          .then((v) => ({ frames: v.frames, bytes: v.bytes.length, width: v.width, height: v.height, stoppedEarly: v.stoppedEarly ?? null })),
        plan.seconds,
      ).catch((err: unknown) => {
        session.warn(`${model.name}: the export failed: ${(err as Error).message.split('\n')[0]}`);
        return null;
      })
      : null;
    await session.waitUntil('measuring', since, () => Date.now() >= windowEnd, 1000, (s) => {
      const left = Math.max(0, Math.ceil((windowEnd - Date.now()) / 1000));
      progress.update(`${prefix} · measuring · ${left} s left · ${s.fps.toFixed(1)} fps · latency p50 ${s.latencyP50Ms?.toFixed(0) ?? '—'} ms`);
      void mainThreadSeconds(cdp).then((seconds) => {
        mainThread.sample(seconds.cpu, s.frames);
        mainThreadWall.sample(seconds.wall, s.frames);
      });
    }, windowEnd);
    if (exporting) {
      const exported = await exporting;
      if (exported) progress.log(`${prefix}: exported ${exported.frames} frames (${exported.width}x${exported.height}, ${(exported.bytes / 1e6).toFixed(1)} MB)${exported.stoppedEarly ? `, stopped early: ${exported.stoppedEarly}` : ''}`);
    }
    const end = await page.evaluate(() => {
      const d = (window as unknown as { dashseg: Automation }).dashseg;
      d.stopRecording();
      const t = performance.now();
      const started = (window as unknown as { __benchVideo: { video: HTMLVideoElement | null; presented: number } }).__benchVideo;
      const q = started.video?.getVideoPlaybackQuality();
      const videoFrames = q ? q.totalVideoFrames - q.droppedVideoFrames - started.presented : 0;
      const s = d.stats();
      return { t, rows: [...d.log()], masksDrawn: s.masksDrawn, videoFrames, dropped: s.droppedFrames, backend: s.backend, threads: s.threads, restarts: s.restarts };
    });
    // Model-only after every round: the same worker on decoded frames, no video or render. Measured
    // minutes apart from the window, the two rates drift with the VM's noise; right after each window,
    // their per-round ratio can be paired (see endToEndOverModelOnlyPaired).
    progress.update(`${prefix} · model only (same worker, no video) · ${MODEL_ONLY_SECONDS} s…`);
    const only = await page.evaluate(
      (sec) => (window as unknown as { dashseg: Automation }).dashseg.measureModelOnly(sec),
      MODEL_ONLY_SECONDS,
    ).catch((err: unknown) => {
      session.warn(`${model.name}: model-only rate not measured: ${(err as Error).message.split('\n')[0]}`);
      return null;
    });
    const modelOnlyFps = only?.fps ?? null;
    if (end.restarts > 0) session.warn(`${model.name}: the segmentation worker was restarted ${end.restarts} time(s)`);
    if (end.rows.length === 0) session.fail(`${model.name}: no mask was shown during the ${plan.seconds} s window`);
    progress.update(`${prefix} · reading memory…`);
    const memoryEnd = await session.memory();
    measurements.push({
      round: step.round,
      model: step.model,
      seconds: (end.t - start.t) / 1000,
      rows: end.rows,
      dropped: Math.max(0, end.dropped - start.dropped),
      masksDrawn: Math.max(0, end.masksDrawn - start.masksDrawn),
      memoryStart,
      memoryEnd,
      backend: end.backend ?? 'none',
      threads: end.threads ?? 0,
      videoFrames: end.videoFrames,
      mainThreadMsPerFrame: mainThread.perFrameMs(),
      mainThreadWallMsPerFrame: mainThreadWall.perFrameMs(),
      modelOnlyFps,
    });
    progress.log(
      `${prefix}: ${end.rows.length} masks in ${((end.t - start.t) / 1000).toFixed(1)} s = ${(end.rows.length / ((end.t - start.t) / 1000)).toFixed(2)} fps`,
    );
  }
  return { measurements, browserVersion: session.browser.version(), hardwareConcurrency, warnings: session.warnings };
}

/**
 * Starts a measured window: clears the log and starts recording, and reads the video's presented-frame
 * count (getVideoPlaybackQuality: decoded less dropped frames; it agrees with a requestVideoFrameCallback
 * count, see tests/e2e/app-mask-layer.test.ts). No per-frame callback here: a requestAnimationFrame or
 * requestVideoFrameCallback counter would make the page run a frame's lifecycle per display or video
 * frame, which the app itself no longer does, and the page-thread figure would measure the bench. Mask
 * draws are the app's own count (stats().masksDrawn). A string, not a function: tsx (esbuild keepNames) would wrap a named
 * inner function in a __name() helper that does not exist in the page.
 */
const START_WINDOW = `(() => {
  const d = window.dashseg;
  d.stopRecording();
  d.startRecording();
  const video = document.querySelector('#stage video');
  const q = video ? video.getVideoPlaybackQuality() : null;
  window.__benchVideo = { video, presented: q ? q.totalVideoFrames - q.droppedVideoFrames : 0 };
  const s = d.stats();
  return { t: performance.now(), dropped: s.droppedFrames, frames: s.frames, masksDrawn: s.masksDrawn };
})()`;
