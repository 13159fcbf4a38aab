// Figures of `npm run soak`: the samples taken while the app loops the video, and one verdict per
// metric (last sample against the first one after the warm-up). Pure: tested in tests/unit/bench/.

import { fixedOrDash, formatTable, type Align } from '../lib/table.ts';
import { MIB, mib, round3, type BenchEnvironment } from './summary.ts';

/** One sample of a soak run. Memory is read after a forced GC (see memoryProbe.ts). */
export interface SoakSample {
  /** Seconds since the first sample (taken right after the warm-up). */
  readonly elapsedS: number;
  /** Masks segmented since the page opened (stats().frames). */
  readonly frames: number;
  /** Masks per second since the previous sample; for the first, the app's own rate. */
  readonly fps: number | null;
  readonly mainHeapBytes: number | null;
  readonly workerHeapBytes: number | null;
  readonly wasmBytes: number | null;
  /** The mask-layer worker's JS heap (three.js on an OffscreenCanvas). */
  readonly maskLayerHeapBytes: number | null;
  /** The mask postprocessing worker's JS heap (stabiliser history, upsampling buffers). */
  readonly postprocessHeapBytes: number | null;
  /** three.js renderer.info: textures and geometries in memory, shader programs. */
  readonly textures: number | null;
  readonly geometries: number | null;
  readonly programs: number | null;
  /** Segmentation worker restarts so far (a restart resets the worker's memory figures). */
  readonly restarts: number;
}

export type SoakMetricKey = 'mainHeapBytes' | 'workerHeapBytes' | 'wasmBytes' | 'maskLayerHeapBytes' | 'postprocessHeapBytes' | 'textures' | 'geometries' | 'programs' | 'restarts';

export interface SoakMetric {
  readonly key: SoakMetricKey;
  readonly label: string;
  readonly unit: 'bytes' | 'count';
  /** Allowed growth of the end over the baseline, as a fraction of the baseline; 0: must not grow. */
  readonly maxGrowth: number;
}

/** Memory may wander within 10 % (GC timing, allocator pools); counts of live objects must not grow. */
export const SOAK_MAX_MEMORY_GROWTH = 0.1;

export const SOAK_METRICS: readonly SoakMetric[] = [
  { key: 'mainHeapBytes', label: 'main JS heap', unit: 'bytes', maxGrowth: SOAK_MAX_MEMORY_GROWTH },
  { key: 'workerHeapBytes', label: 'worker JS heap', unit: 'bytes', maxGrowth: SOAK_MAX_MEMORY_GROWTH },
  { key: 'wasmBytes', label: 'WASM memory', unit: 'bytes', maxGrowth: SOAK_MAX_MEMORY_GROWTH },
  { key: 'maskLayerHeapBytes', label: 'mask-layer worker JS heap', unit: 'bytes', maxGrowth: SOAK_MAX_MEMORY_GROWTH },
  { key: 'postprocessHeapBytes', label: 'postprocessing worker JS heap', unit: 'bytes', maxGrowth: SOAK_MAX_MEMORY_GROWTH },
  { key: 'textures', label: 'textures', unit: 'count', maxGrowth: 0 },
  { key: 'geometries', label: 'geometries', unit: 'count', maxGrowth: 0 },
  { key: 'programs', label: 'shader programs', unit: 'count', maxGrowth: 0 },
  // A restart replaces the worker and its memory, which would hide a leak there.
  { key: 'restarts', label: 'worker restarts', unit: 'count', maxGrowth: 0 },
];

export interface SoakVerdict {
  readonly metric: SoakMetric;
  /** The first sample's value (after the warm-up) and the last one's. */
  readonly start: number | null;
  readonly end: number | null;
  /** (end - start) / start * 100; null when either is missing or the baseline is 0 and it grew. */
  readonly percent: number | null;
  readonly pass: boolean;
  /** Why it failed, or what the limit was. */
  readonly reason: string;
}

/** Percent change from `start` to `end` (0 → 0 is 0 %, 0 → more has no percentage). */
export function percentChange(start: number, end: number): number | null {
  if (start === 0) return end === 0 ? 0 : null;
  return ((end - start) / start) * 100;
}

/**
 * The verdict on one metric: the last sample against the first. Only growth fails (a heap that
 * shrinks does not leak); a figure missing at either end fails too, since flatness is then unproven.
 */
export function soakVerdict(metric: SoakMetric, samples: readonly SoakSample[]): SoakVerdict {
  const limit = metric.maxGrowth === 0 ? 'must not grow' : `limit +${(metric.maxGrowth * 100).toFixed(0)} %`;
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (samples.length < 2 || !first || !last) {
    return { metric, start: first?.[metric.key] ?? null, end: null, percent: null, pass: false, reason: 'needs at least two samples' };
  }
  const start = first[metric.key];
  const end = last[metric.key];
  if (start === null || end === null) {
    const which = start === null && end === null ? 'in any sample compared' : start === null ? 'after the warm-up' : 'at the end';
    return { metric, start, end, percent: null, pass: false, reason: `not measured ${which}` };
  }
  const percent = percentChange(start, end);
  // The small epsilon keeps exactly +10 % a pass despite floating point.
  const pass = metric.maxGrowth === 0 ? end <= start : end <= start * (1 + metric.maxGrowth) + 1e-9;
  return { metric, start, end, percent, pass, reason: limit };
}

export function soakVerdicts(samples: readonly SoakSample[], metrics: readonly SoakMetric[] = SOAK_METRICS): SoakVerdict[] {
  return metrics.map((m) => soakVerdict(m, samples));
}

export function soakPassed(verdicts: readonly SoakVerdict[]): boolean {
  return verdicts.length > 0 && verdicts.every((v) => v.pass);
}

// ---- text ------------------------------------------------------------------------------------------

function mibText(bytes: number | null): string {
  return bytes === null ? '—' : (bytes / MIB).toFixed(1);
}

function countText(n: number | null): string {
  return n === null ? '—' : String(n);
}

/** "1m 05s" for the table's elapsed column (whole seconds). */
function elapsedText(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

export function formatSoakTable(samples: readonly SoakSample[]): string {
  const header = ['elapsed', 'masks', 'fps', 'main heap MiB', 'worker heap MiB', 'WASM MiB', 'mask layer heap MiB', 'postprocess heap MiB', 'textures', 'geometries', 'programs', 'restarts'];
  const rows = samples.map((s) => [
    elapsedText(s.elapsedS),
    String(s.frames),
    fixedOrDash(s.fps, 2),
    mibText(s.mainHeapBytes),
    mibText(s.workerHeapBytes),
    mibText(s.wasmBytes),
    mibText(s.maskLayerHeapBytes),
    mibText(s.postprocessHeapBytes),
    countText(s.textures),
    countText(s.geometries),
    countText(s.programs),
    String(s.restarts),
  ]);
  const align: Align[] = header.map(() => 'right');
  return formatTable(header, rows, align);
}

function valueText(metric: SoakMetric, value: number | null): string {
  return metric.unit === 'bytes' ? `${mibText(value)}` : countText(value);
}

/** One line per metric: "PASS  main JS heap      12.3 → 12.6 MiB  +2.4 %  (limit +10 %)". */
export function formatSoakVerdicts(verdicts: readonly SoakVerdict[]): string {
  const rows = verdicts.map((v) => {
    const unit = v.metric.unit === 'bytes' ? ' MiB' : '';
    const percent = v.percent === null ? '—' : `${v.percent >= 0 ? '+' : ''}${v.percent.toFixed(1)} %`;
    return [v.pass ? 'PASS' : 'FAIL', v.metric.label, `${valueText(v.metric, v.start)} → ${valueText(v.metric, v.end)}${unit}`, percent, `(${v.reason})`];
  });
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  return rows
    .map((r) => [(r[0] as string).padEnd(widths[0] as number), (r[1] as string).padEnd(widths[1] as number), (r[2] as string).padStart(widths[2] as number), (r[3] as string).padStart(widths[3] as number), r[4]].join('  '))
    .join('\n');
}

// ---- JSON ------------------------------------------------------------------------------------------

export interface SoakJson {
  readonly passed: boolean;
  readonly minutes: number;
  readonly interval_s: number;
  readonly warmup_s: number;
  readonly video: string;
  readonly model: string;
  readonly backend: string;
  readonly threads: number | null;
  readonly samples: readonly {
    readonly elapsed_s: number | null;
    readonly frames: number;
    readonly fps: number | null;
    readonly heap_mb: number | null;
    readonly worker_heap_mb: number | null;
    readonly wasm_mb: number | null;
    readonly mask_layer_heap_mb: number | null;
    readonly textures: number | null;
    readonly geometries: number | null;
    readonly programs: number | null;
    readonly restarts: number;
  }[];
  readonly verdicts: readonly {
    readonly metric: string;
    readonly unit: 'MiB' | 'count';
    readonly start: number | null;
    readonly end: number | null;
    readonly percent: number | null;
    readonly max_growth_percent: number;
    readonly pass: boolean;
    readonly reason: string;
  }[];
  readonly browser: string;
  readonly hardware_concurrency: number | null;
  readonly machine: BenchEnvironment['machine'];
  readonly mb: 'MiB (2^20 bytes)';
  readonly memory_method: string;
}

export interface SoakJsonContext {
  readonly minutes: number;
  readonly intervalS: number;
  readonly warmupS: number;
  readonly video: string;
  readonly model: string;
  readonly backend: string;
  readonly threads: number | null;
  readonly env: BenchEnvironment;
  readonly memoryMethod: string;
}

export function soakJson(samples: readonly SoakSample[], verdicts: readonly SoakVerdict[], ctx: SoakJsonContext): SoakJson {
  return {
    passed: soakPassed(verdicts),
    minutes: ctx.minutes,
    interval_s: ctx.intervalS,
    warmup_s: ctx.warmupS,
    video: ctx.video,
    model: ctx.model,
    backend: ctx.backend,
    threads: ctx.threads,
    samples: samples.map((s) => ({
      elapsed_s: round3(s.elapsedS),
      frames: s.frames,
      fps: round3(s.fps),
      heap_mb: mib(s.mainHeapBytes),
      worker_heap_mb: mib(s.workerHeapBytes),
      wasm_mb: mib(s.wasmBytes),
      mask_layer_heap_mb: mib(s.maskLayerHeapBytes),
      postprocess_heap_mb: mib(s.postprocessHeapBytes),
      textures: s.textures,
      geometries: s.geometries,
      programs: s.programs,
      restarts: s.restarts,
    })),
    verdicts: verdicts.map((v) => {
      const bytes = v.metric.unit === 'bytes';
      return {
        metric: v.metric.label,
        unit: bytes ? 'MiB' : 'count',
        start: bytes ? mib(v.start) : v.start,
        end: bytes ? mib(v.end) : v.end,
        percent: round3(v.percent),
        max_growth_percent: v.metric.maxGrowth * 100,
        pass: v.pass,
        reason: v.reason,
      };
    }),
    browser: ctx.env.browser,
    hardware_concurrency: ctx.env.hardwareConcurrency,
    machine: ctx.env.machine,
    mb: 'MiB (2^20 bytes)',
    memory_method: ctx.memoryMethod,
  };
}
