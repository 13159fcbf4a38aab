// Per-frame log rows, their CSV form and the run summary (JSON) that the UI downloads and the CLIs
// write. Numbers for the README results table come from summarizeLog.

import { confusionRows, iouPerClass, meanIoU, pixelAccuracy, type ConfusionMatrix } from './confusion.ts';
import { mean, percentile } from './stats.ts';

export interface FrameLogRow {
  /** Wall-clock time: an ISO 8601 string or milliseconds (epoch or performance.now()). */
  readonly time: string | number;
  readonly frameIndex: number;
  /** Position in the source video (null for a webcam without media time). */
  readonly mediaTimeS?: number | null;
  readonly captureMs?: number | null;
  readonly preprocessMs?: number | null;
  readonly inferenceMs?: number | null;
  readonly postprocessMs?: number | null;
  /** Temporal stabilisation of the class map, in the postprocessing worker (0 when off). */
  readonly stabiliseMs?: number | null;
  /** Upsampling of the class map to the input size, in the postprocessing worker (0 for NEAREST). */
  readonly upsampleMs?: number | null;
  /** Mask into its texture. */
  readonly uploadMs?: number | null;
  /** The draw that first showed the mask (without the video frame upload). */
  readonly renderMs?: number | null;
  /** The video frame taken into the video texture for that draw; empty when the draw took none. */
  readonly videoUploadMs?: number | null;
  /** Capture to pixels on screen. */
  readonly latencyMs?: number | null;
  /** Execution provider that ran the frame, e.g. "wasm" or "webgpu". */
  readonly backend: string;
  /** Per-frame scores (percent) when a label exists for the frame. */
  readonly miou?: number | null;
  readonly pixelAccuracy?: number | null;
  /** What happened just before this frame, e.g. a pause while the tab was hidden or a worker restart. */
  readonly event?: string | null;
}

export type FrameLogColumn = keyof FrameLogRow;

export const FRAME_LOG_COLUMNS: readonly FrameLogColumn[] = [
  'time', 'frameIndex', 'mediaTimeS', 'captureMs', 'preprocessMs', 'inferenceMs', 'postprocessMs',
  'stabiliseMs', 'upsampleMs', 'uploadMs', 'renderMs', 'videoUploadMs', 'latencyMs', 'backend', 'miou', 'pixelAccuracy', 'event',
];

export const STAGE_COLUMNS = [
  'captureMs', 'preprocessMs', 'inferenceMs', 'postprocessMs', 'stabiliseMs', 'upsampleMs', 'uploadMs', 'renderMs', 'videoUploadMs', 'latencyMs',
] as const satisfies readonly FrameLogColumn[];

export type StageColumn = (typeof STAGE_COLUMNS)[number];

/**
 * CSV with a header row. Quoting follows RFC 4180: a field containing a comma, double quote, CR or
 * LF is wrapped in double quotes with inner quotes doubled. Numbers are written with at most
 * 3 decimals (trailing zeros dropped); null, undefined and non-finite numbers are empty fields.
 */
export function toCsv<Row extends object>(
  rows: readonly Row[],
  columns: readonly (keyof Row & string)[],
  lineEnding: '\n' | '\r\n' = '\n',
): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((col) => csvField(formatCell(row[col]))).join(','));
  return lines.join(lineEnding) + lineEnding;
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** At most 3 decimals, no trailing zeros, no exponent below 1e21, never "-0". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  const text = value.toFixed(3).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// ---- summary ----------------------------------------------------------------------------------------

export interface Distribution {
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
}

export interface LogSummaryContext {
  /** Dataset-level confusion; gives mIoU, pixel accuracy and per-class IoU (better than averaging per-frame mIoU). */
  readonly confusion?: ConfusionMatrix;
  /** Model class names, index = class id; needed with `confusion`. */
  readonly classNames?: readonly string[];
  readonly model?: string;
  readonly browser?: string;
  readonly hardwareConcurrency?: number;
  /** GPU adapter description (e.g. WebGPU adapter info), or null when none. */
  readonly adapter?: string | Readonly<Record<string, unknown>> | null;
  readonly droppedFrames?: number;
}

export interface LogSummary {
  readonly frames: number;
  readonly durationS: number | null;
  readonly backends: string[];
  /**
   * mean = frames per second over the whole run ((frames - 1) / elapsed); p50/p95 are percentiles
   * of the instantaneous rate 1000 / interval, so p95 is a fast frame. See frameIntervalMs for jank.
   */
  readonly fps: Distribution;
  readonly frameIntervalMs: Distribution;
  readonly latencyMs: Distribution;
  readonly stagesMs: Record<StageColumn, Distribution>;
  readonly droppedFrames: number | null;
  /** Percent, from the confusion matrix when given. */
  readonly miou: number | null;
  readonly pixelAccuracy: number | null;
  /** Mean of the rows' per-frame mIoU (percent), for runs logged without a confusion matrix. */
  readonly meanFrameMiou: number | null;
  /** Class name → IoU in percent (null when the class never occurs). */
  readonly perClassIou: Record<string, number | null> | null;
  readonly confusion: { readonly classNames: readonly string[]; readonly rows: number[][] } | null;
  readonly model: string | null;
  readonly browser: string | null;
  readonly hardwareConcurrency: number | null;
  readonly adapter: string | Readonly<Record<string, unknown>> | null;
}

/** JSON-ready summary of a run. Rows are taken in log order; numbers are rounded to 3 decimals. */
export function summarizeLog(rows: readonly FrameLogRow[], extra: LogSummaryContext = {}): LogSummary {
  const times = rows.map((row) => timeMs(row));
  const intervals: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const dt = (times[i] as number) - (times[i - 1] as number);
    if (dt > 0) intervals.push(dt); // equal timestamps would be an infinite rate
  }
  const first = times[0];
  const last = times[times.length - 1];
  const elapsedMs = first !== undefined && last !== undefined && last > first ? last - first : null;

  const stagesMs = {} as Record<StageColumn, Distribution>;
  for (const stage of STAGE_COLUMNS) stagesMs[stage] = distribution(present(rows.map((row) => row[stage])));

  const conf = extra.confusion;
  let perClassIou: Record<string, number | null> | null = null;
  let confusion: LogSummary['confusion'] = null;
  if (conf !== undefined) {
    const names = extra.classNames ?? Array.from({ length: conf.numClasses }, (_, k) => `class_${k}`);
    if (names.length !== conf.numClasses) {
      throw new RangeError(`${names.length} class names for a ${conf.numClasses}-class confusion matrix`);
    }
    perClassIou = {};
    iouPerClass(conf).forEach((iou, k) => {
      (perClassIou as Record<string, number | null>)[names[k] as string] = iou === null ? null : round3(100 * iou);
    });
    confusion = { classNames: [...names], rows: confusionRows(conf) };
  }

  return {
    frames: rows.length,
    durationS: elapsedMs === null ? null : round3(elapsedMs / 1000),
    backends: [...new Set(rows.map((row) => row.backend))],
    fps: {
      mean: elapsedMs === null ? null : round3(((rows.length - 1) * 1000) / elapsedMs),
      p50: roundOrNull(percentile(intervals.map((dt) => 1000 / dt), 50)),
      p95: roundOrNull(percentile(intervals.map((dt) => 1000 / dt), 95)),
    },
    frameIntervalMs: distribution(intervals),
    latencyMs: stagesMs.latencyMs,
    stagesMs,
    droppedFrames: extra.droppedFrames ?? null,
    miou: conf === undefined ? null : roundOrNull(meanIoU(conf)),
    pixelAccuracy: conf === undefined ? null : roundOrNull(pixelAccuracy(conf)),
    meanFrameMiou: roundOrNull(mean(present(rows.map((row) => row.miou)))),
    perClassIou,
    confusion,
    model: extra.model ?? null,
    browser: extra.browser ?? null,
    hardwareConcurrency: extra.hardwareConcurrency ?? null,
    adapter: extra.adapter ?? null,
  };
}

function timeMs(row: FrameLogRow): number {
  const t = typeof row.time === 'number' ? row.time : Date.parse(row.time);
  if (!Number.isFinite(t)) throw new RangeError(`frame ${row.frameIndex}: unreadable time ${JSON.stringify(row.time)}`);
  return t;
}

function present(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

function distribution(values: readonly number[]): Distribution {
  return {
    mean: roundOrNull(mean(values)),
    p50: roundOrNull(percentile(values, 50)),
    p95: roundOrNull(percentile(values, 95)),
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round3(value);
}
