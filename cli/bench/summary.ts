// Figures of a bench run from the app's per-frame log rows: per model over all its rounds, and the
// ratio B/A between two models. Pure: tested in tests/unit/bench/.

import type { FrameLogRow } from '../../src/processing/logFormat.ts';
import { percentile } from '../../src/processing/stats.ts';
import type { MemorySnapshot } from './memoryProbe.ts';

/** Stage name in the output → column of the app's log row. */
export const BENCH_STAGES = [
  ['capture', 'captureMs'],
  ['preprocess', 'preprocessMs'],
  ['inference', 'inferenceMs'],
  ['postprocess', 'postprocessMs'],
  ['stabilise', 'stabiliseMs'],
  ['upsample', 'upsampleMs'],
  ['upload', 'uploadMs'],
  ['render', 'renderMs'],
  ['video_upload', 'videoUploadMs'],
] as const satisfies readonly (readonly [string, keyof FrameLogRow])[];

export type BenchStage = (typeof BENCH_STAGES)[number][0];

/** What one measured round of one model produced. */
export interface RoundMeasurement {
  /** 0-based round number. */
  readonly round: number;
  /** Index into the model list. */
  readonly model: number;
  /** Length of the measured window in seconds (page clock). */
  readonly seconds: number;
  /** The app's log rows recorded during the window: one per mask shown. */
  readonly rows: readonly FrameLogRow[];
  /** Frames the app dropped during the window (a frame arrived while one was in flight). */
  readonly dropped: number;
  /** Masks the app drew on its mask layer during the window. */
  readonly masksDrawn: number;
  readonly memoryStart: MemorySnapshot;
  readonly memoryEnd: MemorySnapshot;
  /** Execution provider that ran the model, and WASM threads (0 on WebGPU). */
  readonly backend: string;
  readonly threads: number;
  /** Frames the shown video presented during the window (its presented-frame count: getVideoPlaybackQuality). */
  readonly videoFrames: number;
  /**
   * Page-thread work per segmented frame: its CPU time, one sample per ~1 s interval of the window
   * (Chromium's Performance.getMetrics ThreadTime delta / masks shown in the interval); intervals
   * without a mask are left out.
   */
  readonly mainThreadMsPerFrame: readonly number[];
  /** The same with the wall-clock time of the page's tasks (TaskDuration), which adds the time they waited for a core. */
  readonly mainThreadWallMsPerFrame: readonly number[];
  /** Model-only rate measured right after this round's window (same worker, model, backend, threads); null when not measured. */
  readonly modelOnlyFps: number | null;
}

export interface ModelFigures {
  readonly frames: number;
  readonly seconds: number;
  /** Masks shown per second over all rounds (frames / seconds). */
  readonly fps: number | null;
  /** Frame captured → mask on screen (the app's latencyMs). */
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly stagesP50Ms: Readonly<Record<BenchStage, number | null>>;
  readonly dropped: number;
  readonly renderFps: number | null;
  /** Memory after the first round's warm-up, and at the end of the last round (bytes). */
  readonly mainHeapStartBytes: number | null;
  readonly mainHeapEndBytes: number | null;
  readonly workerHeapStartBytes: number | null;
  readonly workerHeapEndBytes: number | null;
  readonly wasmStartBytes: number | null;
  readonly wasmEndBytes: number | null;
  /** Distinct backends seen (more than one only after a fallback), joined with ", ". */
  readonly backend: string;
  readonly threads: number | null;
  /** FPS of each round, in round order. */
  readonly roundFps: readonly (number | null)[];
  /** Frames per second the displayed video presented (its presented-frame count), over all rounds. */
  readonly videoFps: number | null;
  /** p50 over the windows' ~1 s intervals of page-thread CPU ms per segmented frame. */
  readonly mainThreadMsPerFrameP50: number | null;
  /** p50 of the page's task wall-clock ms per segmented frame (CPU time plus waits for a core). */
  readonly mainThreadWallMsPerFrameP50: number | null;
  /** Same worker, model, backend and threads on already-decoded frames back to back (mean over the rounds that measured it). */
  readonly modelOnlyFps: number | null;
  /** Median over the rounds of (round fps / the model-only fps measured right after it). */
  readonly endToEndOverModelOnlyPaired: number | null;
}

function finite(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/** Frames per second of a window; null for an empty window. */
export function windowFps(frames: number, seconds: number): number | null {
  return seconds > 0 ? frames / seconds : null;
}

/** Figures of one model over its rounds (given in any order; memory comes from the first and last round). */
export function summarizeRounds(rounds: readonly RoundMeasurement[]): ModelFigures {
  if (rounds.length === 0) throw new RangeError('no rounds to summarize');
  const ordered = [...rounds].sort((a, b) => a.round - b.round);
  const rows = ordered.flatMap((r) => r.rows);
  const seconds = ordered.reduce((s, r) => s + r.seconds, 0);
  const masksDrawn = ordered.reduce((s, r) => s + r.masksDrawn, 0);
  const latencies = finite(rows.map((r) => r.latencyMs));
  const stagesP50Ms = {} as Record<BenchStage, number | null>;
  for (const [stage, column] of BENCH_STAGES) stagesP50Ms[stage] = percentile(finite(rows.map((r) => r[column])), 50);
  const first = ordered[0] as RoundMeasurement;
  const last = ordered[ordered.length - 1] as RoundMeasurement;
  const threads = [...new Set(ordered.map((r) => r.threads))];
  const roundFps = ordered.map((r) => windowFps(r.rows.length, r.seconds));
  return {
    frames: rows.length,
    seconds,
    fps: windowFps(rows.length, seconds),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    stagesP50Ms,
    dropped: ordered.reduce((s, r) => s + r.dropped, 0),
    renderFps: windowFps(masksDrawn, seconds),
    mainHeapStartBytes: first.memoryStart.mainHeapBytes,
    mainHeapEndBytes: last.memoryEnd.mainHeapBytes,
    workerHeapStartBytes: first.memoryStart.workerHeapBytes,
    workerHeapEndBytes: last.memoryEnd.workerHeapBytes,
    wasmStartBytes: first.memoryStart.wasmBytes,
    wasmEndBytes: last.memoryEnd.wasmBytes,
    backend: [...new Set(ordered.map((r) => r.backend))].join(', '),
    threads: threads.length === 1 ? (threads[0] as number) : null,
    roundFps,
    videoFps: windowFps(ordered.reduce((n, r) => n + r.videoFrames, 0), seconds),
    mainThreadMsPerFrameP50: percentile(ordered.flatMap((r) => r.mainThreadMsPerFrame), 50),
    mainThreadWallMsPerFrameP50: percentile(ordered.flatMap((r) => r.mainThreadWallMsPerFrame), 50),
    modelOnlyFps: mean(finite(ordered.map((r) => r.modelOnlyFps))),
    endToEndOverModelOnlyPaired: pairedMedian(roundFps, ordered.map((r) => r.modelOnlyFps)),
  };
}

function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** b / a, or null when either is missing or a is 0. */
export function ratio(b: number | null, a: number | null): number | null {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || a === 0) return null;
  return b / a;
}

/** Median over rounds of b[i] / a[i] (rounds where either is missing are left out). */
function pairedMedian(b: readonly (number | null)[], a: readonly (number | null)[]): number | null {
  const paired: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const r = ratio(b[i] ?? null, a[i] ?? null);
    if (r !== null) paired.push(r);
  }
  return percentile(paired, 50);
}

export interface FiguresRatio {
  readonly fps: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly stagesP50Ms: Readonly<Record<BenchStage, number | null>>;
  /**
   * Median over rounds of FPS(B, round r) / FPS(A, round r): each ratio pairs two windows that ran
   * next to each other, so a load change between rounds cancels out.
   */
  readonly fpsPairedMedian: number | null;
}

/** Ratios B/A (> 1 for FPS: B is faster; > 1 for latency: B is slower). */
export function compareFigures(a: ModelFigures, b: ModelFigures): FiguresRatio {
  const stagesP50Ms = {} as Record<BenchStage, number | null>;
  for (const [stage] of BENCH_STAGES) stagesP50Ms[stage] = ratio(b.stagesP50Ms[stage], a.stagesP50Ms[stage]);
  return {
    fps: ratio(b.fps, a.fps),
    latencyP50Ms: ratio(b.latencyP50Ms, a.latencyP50Ms),
    latencyP95Ms: ratio(b.latencyP95Ms, a.latencyP95Ms),
    stagesP50Ms,
    fpsPairedMedian: pairedMedian(b.roundFps, a.roundFps),
  };
}

// ---- JSON ------------------------------------------------------------------------------------------

export interface MachineInfo {
  readonly os: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gib: number;
  /** 1-minute load average when the run started and ended (other work on the machine shows here). */
  readonly load_avg_1m_start: number;
  readonly load_avg_1m_end: number;
}

export interface BenchEnvironment {
  /** e.g. "Chromium 156.0.8078.108 (headless)". */
  readonly browser: string;
  /** The clip's own frame rate (ffprobe); null or absent when unknown. */
  readonly clipFps?: number | null;
  readonly hardwareConcurrency: number | null;
  readonly machine: MachineInfo;
}

export interface BenchRunJson {
  readonly model: string;
  readonly label: string;
  readonly backend: string;
  readonly threads: number | null;
  readonly fps: number | null;
  readonly latency_p50_ms: number | null;
  readonly latency_p95_ms: number | null;
  readonly dropped: number;
  readonly heap_start_mb: number | null;
  readonly heap_end_mb: number | null;
  readonly worker_heap_start_mb: number | null;
  readonly worker_heap_end_mb: number | null;
  readonly wasm_start_mb: number | null;
  readonly wasm_end_mb: number | null;
  /** Masks drawn on the mask layer per second (the app draws when a mask arrives, not per display frame). */
  readonly render_fps: number | null;
  /** Frames the displayed video presented per second while segmenting (getVideoPlaybackQuality: decoded less dropped frames, read at the start and end of each window). */
  readonly video_fps: number | null;
  /** The clip's own frame rate (ffprobe), null when unknown. */
  readonly clip_fps: number | null;
  /** The same worker, model, backend and thread count on already-decoded frames back to back (mean of the rounds). */
  readonly model_only_fps: number | null;
  /** Median over the rounds of each round's fps / the model-only fps measured right after it. */
  readonly e2e_over_model_only_paired: number | null;
  /** p50 of page-thread work per segmented frame: the thread's CPU ms (Chromium ThreadTime). */
  readonly main_thread_ms_per_frame: number | null;
  /** p50 of the page's task wall-clock ms per segmented frame (Chromium TaskDuration): CPU time plus waits for a core. */
  readonly main_thread_wall_ms_per_frame: number | null;
  readonly stages_p50_ms: Readonly<Record<BenchStage, number | null>>;
  readonly browser: string;
  readonly hardware_concurrency: number | null;
  readonly machine: MachineInfo;
  /** Measured seconds over all rounds of this model. */
  readonly seconds: number;
  readonly frames: number;
  readonly round_fps: readonly (number | null)[];
}

export interface BenchRatioJson {
  readonly of: string;
  readonly fps: number | null;
  readonly fps_paired_median: number | null;
  readonly latency_p50_ms: number | null;
  readonly latency_p95_ms: number | null;
  readonly stages_p50_ms: Readonly<Record<BenchStage, number | null>>;
}

export interface BenchJson {
  readonly runs: readonly BenchRunJson[];
  readonly ratio?: BenchRatioJson;
  readonly video: string;
  readonly rounds: number;
  readonly seconds_per_round: number;
  readonly warmup_seconds: number;
  /** Units of the *_mb fields. */
  readonly mb: 'MiB (2^20 bytes)';
  readonly memory_method: string;
}

export const MIB = 1024 * 1024;

/** Rounded to 3 decimals for JSON; null for null and non-finite values. */
export function round3(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value * 1000) / 1000;
}

/** Bytes → MiB (3 decimals) for JSON. */
export function mib(bytes: number | null): number | null {
  return bytes === null ? null : round3(bytes / MIB);
}

function roundStages(stages: Readonly<Record<BenchStage, number | null>>): Record<BenchStage, number | null> {
  const out = {} as Record<BenchStage, number | null>;
  for (const [stage] of BENCH_STAGES) out[stage] = round3(stages[stage]);
  return out;
}

export interface NamedFigures {
  /** As the user gave it: "default" or the path. */
  readonly model: string;
  /** "A", "B" (or "" for a single model). */
  readonly label: string;
  readonly figures: ModelFigures;
}

export function runJson(named: NamedFigures, env: BenchEnvironment): BenchRunJson {
  const f = named.figures;
  return {
    model: named.model,
    label: named.label,
    backend: f.backend,
    threads: f.threads,
    fps: round3(f.fps),
    latency_p50_ms: round3(f.latencyP50Ms),
    latency_p95_ms: round3(f.latencyP95Ms),
    dropped: f.dropped,
    heap_start_mb: mib(f.mainHeapStartBytes),
    heap_end_mb: mib(f.mainHeapEndBytes),
    worker_heap_start_mb: mib(f.workerHeapStartBytes),
    worker_heap_end_mb: mib(f.workerHeapEndBytes),
    wasm_start_mb: mib(f.wasmStartBytes),
    wasm_end_mb: mib(f.wasmEndBytes),
    render_fps: round3(f.renderFps),
    video_fps: round3(f.videoFps),
    clip_fps: round3(env.clipFps ?? null),
    model_only_fps: round3(f.modelOnlyFps),
    e2e_over_model_only_paired: round3(f.endToEndOverModelOnlyPaired),
    main_thread_ms_per_frame: round3(f.mainThreadMsPerFrameP50),
    main_thread_wall_ms_per_frame: round3(f.mainThreadWallMsPerFrameP50),
    stages_p50_ms: roundStages(f.stagesP50Ms),
    browser: env.browser,
    hardware_concurrency: env.hardwareConcurrency,
    machine: env.machine,
    seconds: round3(f.seconds) ?? 0,
    frames: f.frames,
    round_fps: f.roundFps.map(round3),
  };
}

export function ratioJson(r: FiguresRatio, of = 'B/A'): BenchRatioJson {
  return {
    of,
    fps: round3(r.fps),
    fps_paired_median: round3(r.fpsPairedMedian),
    latency_p50_ms: round3(r.latencyP50Ms),
    latency_p95_ms: round3(r.latencyP95Ms),
    stages_p50_ms: roundStages(r.stagesP50Ms),
  };
}
