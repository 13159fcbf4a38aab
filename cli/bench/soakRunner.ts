// Drives the built app for `npm run soak`: one page loops the video for the whole run; after the
// warm-up a sample (memory after a forced GC, the app's counters, three.js renderer.info) is
// taken at each scheduled time.

import { formatDuration } from '../lib/progress.ts';
import type { BrowserRunControl } from '../lib/browserApp.ts';
import { AppSession, errorKey, type AppStats } from './appSession.ts';
import type { BenchModel, BenchVideo } from './inputs.ts';
import { sampleTimes } from './soakArgs.ts';
import type { SoakSample } from './soakSummary.ts';

export interface SoakPlan {
  readonly model: BenchModel;
  readonly video: BenchVideo;
  readonly minutes: number;
  readonly intervalSeconds: number;
  readonly warmupSeconds: number;
  readonly verbose: boolean;
}

export interface SoakRun {
  readonly samples: readonly SoakSample[];
  readonly browserVersion: string;
  readonly hardwareConcurrency: number | null;
  readonly backend: string;
  readonly threads: number | null;
  /** Notices the app raised (restarts) and memory figures that could not be read. */
  readonly warnings: readonly string[];
}

/** Leaks show on the CPU path first; WebGPU on this machine's software adapter is too slow to soak. */
const BACKEND = 'wasm';

export async function runSoak(plan: SoakPlan, control: BrowserRunControl, onSample: (s: SoakSample, index: number, total: number) => void): Promise<SoakRun> {
  const { progress } = control;
  const session = await AppSession.open({ name: 'soak', models: [plan.model], video: plan.video, backend: BACKEND, verbose: plan.verbose }, control);
  const hardwareConcurrency = await session.hardwareConcurrency();
  const since = errorKey((await session.stats()).lastError);

  const warmupUntil = Date.now() + plan.warmupSeconds * 1000;
  await session.waitUntil('warming up', since, (s) => s.frames >= 2 && Date.now() >= warmupUntil, 250, (s) =>
    progress.update(`soak: warm-up · ${Math.max(0, Math.ceil((warmupUntil - Date.now()) / 1000))} s left · ${s.frames} masks · ${s.fps.toFixed(1)} fps`),
  );

  const times = sampleTimes(plan.minutes, plan.intervalSeconds);
  const total = times[times.length - 1] as number;
  const samples: SoakSample[] = [];
  const t0 = Date.now();
  let last: AppStats | null = null;
  for (const [i, at] of times.entries()) {
    const due = t0 + at * 1000;
    if (i > 0) {
      await session.waitUntil('soaking', since, () => Date.now() >= due, 1000, (s) => {
        const elapsed = (Date.now() - t0) / 1000;
        progress.update(`soak: ${formatDuration(elapsed)} of ${formatDuration(total)} · ${s.frames} masks · ${s.fps.toFixed(1)} fps · sample ${i + 1}/${times.length} in ${Math.max(0, Math.ceil((due - Date.now()) / 1000))} s`);
      }, due);
    }
    progress.update(`soak: sample ${i + 1}/${times.length} · reading memory…`);
    const memory = await session.memory();
    const s = await session.stats();
    const elapsedS = (Date.now() - t0) / 1000;
    const previous = samples[samples.length - 1];
    const fps = previous && last ? (s.frames - last.frames) / Math.max(1e-3, elapsedS - previous.elapsedS) : s.fps;
    const sample: SoakSample = {
      elapsedS,
      frames: s.frames,
      fps,
      mainHeapBytes: memory.mainHeapBytes,
      workerHeapBytes: memory.workerHeapBytes,
      wasmBytes: memory.wasmBytes,
      maskLayerHeapBytes: memory.maskLayerHeapBytes,
      postprocessHeapBytes: memory.postprocessHeapBytes,
      textures: s.rendererMemory?.textures ?? null,
      geometries: s.rendererMemory?.geometries ?? null,
      programs: s.rendererMemory?.programs ?? null,
      restarts: s.restarts,
    };
    if (last && s.restarts > last.restarts) session.warn(`the segmentation worker was restarted (${s.restarts} so far): its memory figures start again from a new worker`);
    samples.push(sample);
    last = s;
    onSample(sample, i, times.length);
  }
  const end = last as AppStats;
  return {
    samples,
    browserVersion: session.browser.version(),
    hardwareConcurrency,
    backend: end.backend ?? 'none',
    threads: end.threads,
    warnings: session.warnings,
  };
}
